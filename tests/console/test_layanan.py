"""The tenant_admin's "Layanan" page and the "Perbedaan aturan" page: the same services,
permissions and audit as /api/v1/tenants/<t>/plugins."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.audit import AuditEntry
from core.tenancy.models import Tenant
from tests.console.pages import Console, Page

LAYANAN = "/konsol/balangan/layanan"
FIXTURE = "/konsol/balangan/layanan/fixture"
API = "/api/v1/tenants/balangan/plugins"


def _state(client: Any, who: Any, plugin: str = "fixture") -> dict[str, Any]:
    return next(p for p in client.get(API, headers=who.headers).get_json() if p["plugin"] == plugin)


def _audits(kernel: Any, action: str) -> list[AuditEntry]:
    with kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tenant_id) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.at)))


def test_disabling_and_enabling_a_plugin_through_the_console(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    admin = people["admin"]
    r = client.post("/api/v1/tenants/balangan/fixture/notes", json={"tanggal": "2026-03-02", "isi": "tetap ada"}, headers=people["officer"].headers)
    assert r.status_code == 201
    console.login("admin")
    assert "Layanan Uji" in console.get(LAYANAN).menu

    r = console.submit(LAYANAN, FIXTURE, "Nonaktifkan Layanan Uji")
    assert r.status_code == 303 and r.headers["Location"] == f"{LAYANAN}#layanan-fixture"
    assert _state(client, admin)["enabled"] is False
    page = console.get(LAYANAN)
    assert "Layanan Uji" not in page.menu and "Catatan uji" not in page.menu
    assert "Aktifkan Layanan Uji" in page.form(FIXTURE, "Aktifkan Layanan Uji").buttons
    # Audited exactly as the API's toggle, by the console's user.
    (entry,) = _audits(kernel, "plugin.configure")[-1:]
    assert entry.actor_id == admin.user_id
    assert entry.summary == {"before": {"enabled": True, "profile_id": "fixture-perbup"}, "after": {"enabled": False, "profile_id": "fixture-perbup"}}

    console.submit(LAYANAN, FIXTURE, "Aktifkan Layanan Uji")
    assert _state(client, admin)["enabled"] is True
    assert "Catatan uji" in console.get(LAYANAN).menu
    # Its data was kept while it was off.
    assert [n["isi"] for n in client.get("/api/v1/tenants/balangan/fixture/notes", headers=people["officer"].headers).get_json()] == ["tetap ada"]


def test_choosing_the_regulation_profile(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    r = console.submit(LAYANAN, FIXTURE, "Simpan profil", profile_id="fixture-nasional")
    assert r.status_code == 303
    assert _state(client, people["admin"])["profile"]["id"] == "fixture-nasional"
    page = console.get(LAYANAN)
    assert 'value="fixture-nasional" selected' in page.html


def test_an_unknown_profile_is_refused_next_to_the_select_and_nothing_changes(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    before = len(_audits(kernel, "plugin.configure"))
    page = Page(console.submit(LAYANAN, FIXTURE, "Simpan profil", profile_id="profil-karangan"))
    assert page.status == 422
    assert page.field_error("fixture") == "Profil 'profil-karangan' tidak tersedia untuk plugin fixture."
    assert _state(client, people["admin"])["profile"]["id"] == "fixture-perbup"
    assert len(_audits(kernel, "plugin.configure")) == before


def test_a_role_the_api_refuses_is_refused_in_the_console(console: Console, client: Any, people: dict[str, Any]) -> None:
    auditor = people["auditor"]
    # The API: an auditor reads the plugins but may not change them.
    assert client.get(API, headers=auditor.headers).status_code == 200
    assert client.put(f"{API}/fixture", json={"enabled": False}, headers=auditor.headers).status_code == 403
    console.login("auditor")
    page = console.get(LAYANAN)
    assert page.status == 200 and "Layanan Uji" in page.text()
    assert not [f for f in page.forms if f.action.startswith(LAYANAN)]  # read-only: no switch, no select
    assert "Anda melihatnya saja" in page.text()
    csrf = page.csrf
    refused = Page(console.client.post(FIXTURE, data={"csrf_token": csrf, "submission_id": "8f1d5f1e-1d5b-4b43-9e43-5f1b0a4b7a10", "enabled": "false"}))
    assert refused.status == 403
    assert "Peran Anda di kabupaten/kota ini tidak mencakup izin 'plugins.manage'." in refused.text()
    assert _state(client, people["admin"])["enabled"] is True


def test_a_role_without_plugins_read_gets_403_as_from_the_api(console: Console, client: Any, people: dict[str, Any]) -> None:
    assert client.get(API, headers=people["operator"].headers).status_code == 403
    console.login("operator")
    page = console.get(LAYANAN)
    assert page.status == 403 and "Akses ditolak" in page.text()
    home = console.get("/konsol/balangan/")
    assert home.status == 200 and "Layanan" not in home.menu


def test_the_variant_page_shows_each_change_with_both_citations(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get("/konsol/balangan/layanan/fixture/aturan")
    assert page.status == 200
    assert "Profil uji varian Perbup" in page.text() and "Profil uji nasional" in page.text()
    # Rule by rule: label, the parent's value and article, the variant's value and article.
    assert page.rows("perubahan") == [
        ["Usia minimum penerima", "0 PP 39/2012 Pasal 6 ayat (1)", "18 Perbup Balangan 61/2017 Pasal 5 ayat (1)"],
        ["Catatan penutup wajib", "Tidak PP 39/2012 Pasal 7 ayat (2) huruf f", "Ya Perbup Balangan 61/2017 Pasal 24 ayat (2)"],
    ]
    # ... and every parameter of the profile in force, each with its own article.
    assert page.rows("parameter") == [
        ["Tahapan", "daftar; tangani; selesai", "PP 39/2012 Pasal 7 ayat (2)"],
        ["Usia minimum penerima", "18", "Perbup Balangan 61/2017 Pasal 5 ayat (1)"],
        ["Catatan penutup wajib", "Ya", "Perbup Balangan 61/2017 Pasal 24 ayat (2)"],
    ]


def test_the_variant_page_of_a_baseline_says_it_changes_nothing(console: Console, make: Any, people: dict[str, Any]) -> None:
    make.enable("balangan", profile_id="fixture-nasional")
    console.login("admin", next="/konsol/balangan/layanan/fixture/aturan")
    page = console.get("/konsol/balangan/layanan/fixture/aturan")
    assert "Profil ini adalah dasar: tidak memperluas profil lain." in page.text()
    page = console.get("/konsol/balangan/layanan/fixture/aturan", headers={"Accept-Language": "en"})
    assert "This profile is a baseline: it extends no other profile." in page.text()
    assert "PP 39/2012 Pasal 7 ayat (2)" in page.text()  # citations stay as the law says them
