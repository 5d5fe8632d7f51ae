"""What the fuzz tests share: cheap password hashes (they log in many times) and the demo data
of the repository's own tenant files, so generated ids can name real records."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from core.demo import DEMO_PASSWORD, load_demo

REPO_TENANTS = Path(__file__).resolve().parents[2] / "tenants"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheaper scrypt cost: hashes record their own parameters, so verification is unchanged."""
    from core.staff import passwords

    monkeypatch.setattr(passwords, "_N", 2**10)


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    # Small uploads keep generated multipart bodies cheap; the limit is what is checked.
    return {"upload_max_bytes": 64 * 1024, "storage_dir": tmp_path / "berkas"}


@pytest.fixture
def demo(kernel: Any, tenants_dir: Path, client: Any) -> dict[str, str]:
    """Balangan and Tabalong as `kesos demo` loads them; returns a bearer token per demo login."""
    for source in sorted(REPO_TENANTS.glob("*.yaml")):
        shutil.copy(source, tenants_dir / source.name)
    load_demo(kernel)
    return {username: login(client, username) for username in ("platform", "admin.balangan", "petugas.balangan")}


def login(client: Any, username: str, password: str = DEMO_PASSWORD) -> str:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["token"]  # type: ignore[no-any-return]
