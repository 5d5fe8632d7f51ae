from __future__ import annotations

from typing import Any

import pytest

from tests.plugins.lks.asing_helpers import travel
from tests.plugins.lks.helpers import build_world


@pytest.fixture
def settings_overrides(tmp_path: Any) -> dict[str, Any]:
    # Small documents in tests: the limit is what is checked, not the bytes.
    return {"upload_max_bytes": 64 * 1024, "storage_dir": tmp_path / "berkas"}


@pytest.fixture
def world(make: Any, kernel: Any) -> dict[str, Any]:
    """Balangan and Tabalong, both on the national PP 39/2012 for LKS, on one deployment."""
    return build_world(make, kernel)


@pytest.fixture
def hari(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the day an officer acts on (what the LKS service takes as today)."""
    return travel(monkeypatch)
