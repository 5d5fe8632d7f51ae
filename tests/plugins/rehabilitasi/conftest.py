from __future__ import annotations

from typing import Any

import pytest

from tests.plugins.rehabilitasi.helpers import build_world


@pytest.fixture
def world(make: Any, kernel: Any) -> dict[str, Any]:
    """Balangan on its Perbup, Tabalong on the national PP, on one deployment."""
    return build_world(make, kernel)


@pytest.fixture(params=["balangan", "tabalong"])
def w(request: pytest.FixtureRequest, world: dict[str, Any]) -> Any:
    """The same scenario run side by side in both kabupaten."""
    return world[request.param]
