from __future__ import annotations

from typing import Any

import pytest

from tests.console.pages import Console
from tests.factories import Factory


@pytest.fixture
def console(client: Any) -> Console:
    return Console(client)


@pytest.fixture
def people(make: Factory) -> dict[str, Any]:
    """Two tenants; Balangan runs the fixture plugin on its Perbup variant. One user per role
    that matters here, one holding roles in both tenants, and a platform admin."""
    make.tenant("balangan")
    make.tenant("tabalong", kode_wilayah="63.09")
    make.enable("balangan", profile_id="fixture-perbup")
    return {
        "admin": make.user("admin", {"balangan": ["tenant_admin"]}),
        "auditor": make.user("auditor", {"balangan": ["auditor"]}),
        "operator": make.user("operator", {"balangan": ["lks_operator"]}),
        "officer": make.user("petugas", {"balangan": ["officer"]}),
        "both": make.user("kedua", {"balangan": ["officer"], "tabalong": ["tenant_admin"]}),
        "platform": make.user("platform", platform_admin=True),
    }
