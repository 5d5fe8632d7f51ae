"""The platform admin's page: every tenant with its enabled plugins, and /readyz's checks."""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.console.pages import Console
from tests.rq_helpers import redis_settings

PLATFORM = "/konsol/platform"


def test_tenants_their_plugins_and_readiness(console: Console, client: Any, people: dict[str, Any]) -> None:
    api = client.get("/api/v1/tenants", headers=people["platform"].headers).get_json()
    console.login("platform")
    assert (PLATFORM, "Platform: kabupaten/kota, layanannya dan kesiapannya") in console.get("/konsol/").main_links
    page = console.get(PLATFORM)
    assert page.status == 200
    rows = page.rows("daftar-tenant")
    assert [r[0] for r in rows] == [t["nama"] for t in api]
    by_name = {r[0]: r for r in rows}
    assert by_name["Kabupaten Balangan"][1:] == ["63.11", "Aktif", "Layanan Uji"]
    assert by_name["Kabupaten Tabalong"][3] == "tidak ada"
    ready = client.get("/readyz").get_json()
    assert page.rows("kesiapan")[0] == ["Basis data", "baik"]
    assert ("Siap: semua pemeriksaan berhasil." in page.text()) == (ready["status"] == "ok")


@pytest.mark.redis
def test_the_real_redis_answers(console: Console, kernel: Any, people: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(kernel, "settings", dataclasses.replace(kernel.settings, **redis_settings()))
    console.login("platform")
    page = console.get(PLATFORM)
    assert page.rows("kesiapan") == [["Basis data", "baik"], ["Redis", "baik"]]
    assert "Siap: semua pemeriksaan berhasil." in page.text()


def test_a_redis_that_does_not_answer_shows_not_ready(console: Console, kernel: Any, people: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(kernel, "settings", dataclasses.replace(kernel.settings, redis_url="redis://127.0.0.1:1/0"))
    console.login("platform")
    page = console.get(PLATFORM)
    assert page.status == 200
    assert "Tidak siap: ada pemeriksaan yang gagal." in page.text()
    assert page.rows("kesiapan")[1][0] == "Redis" and page.rows("kesiapan")[1][1].startswith("gagal: ")


def test_only_the_platform_admin(console: Console, client: Any, people: dict[str, Any]) -> None:
    assert client.get("/api/v1/tenants", headers=people["admin"].headers).status_code == 403
    console.login("admin")
    page = console.get(PLATFORM)
    assert page.status == 403
    assert "Hanya admin platform yang boleh melakukan ini." in page.text()
    assert "Kabupaten Tabalong" not in page.text()
