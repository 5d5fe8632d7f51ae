"""Console error pages, languages, the menu, and what plugins contribute to the console."""
from __future__ import annotations

from typing import Any

from tests.console.pages import Console, Page

HOME = "/konsol/balangan/"
CATATAN = "/konsol/balangan/fixture/catatan"


def test_an_unknown_console_address_is_an_html_404_in_the_page_language(console: Console, people: dict[str, Any]) -> None:
    page = console.get("/konsol/tidak/ada/di/sini")
    assert page.status == 404 and page.response.mimetype == "text/html"
    assert "Halaman tidak ditemukan" in page.text() and "Halaman atau data yang Anda cari tidak ada." in page.text()
    page = console.get("/konsol/tidak/ada/di/sini", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Page not found" in page.text() and "The page or data you are looking for does not exist." in page.text()


def test_the_api_still_answers_json(client: Any, people: dict[str, Any]) -> None:
    r = client.get("/api/v1/tenants/balangan/plugins")
    assert r.status_code == 401 and r.get_json()["code"] == "belum_masuk"
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="kesos"'
    r = client.get("/api/v1/tidak-ada", headers=people["admin"].headers)
    assert r.status_code == 404 and r.get_json() == {"code": "tidak_ditemukan", "message": "Data tidak ditemukan."}


def test_an_unknown_tenant_is_an_html_404(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get("/konsol/atlantis/")
    assert page.status == 404 and "Kabupaten/kota 'atlantis' tidak ditemukan." in page.text()


def test_a_wrong_method_is_an_html_405(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    page = Page(console.client.put(HOME, data={"csrf_token": console.get(HOME).csrf}))
    assert page.status == 405 and page.response.mimetype == "text/html"


def test_the_language_switch_beats_the_browser_and_is_kept(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get(HOME, headers={"Accept-Language": "en"})
    assert "Home" in page.menu and 'lang="en"' in page.html
    r = console.client.post("/konsol/bahasa", data={"csrf_token": page.csrf, "bahasa": "id", "next": HOME}, headers={"Accept-Language": "en"})
    assert r.status_code == 303 and r.headers["Location"] == HOME
    page = console.get(HOME, headers={"Accept-Language": "en"})
    assert "Beranda" in page.menu and 'lang="id"' in page.html
    # An unknown language changes nothing; a foreign `next` is ignored.
    r = console.client.post("/konsol/bahasa", data={"csrf_token": page.csrf, "bahasa": "fr", "next": "https://jahat.example"})
    assert r.headers["Location"] == "/konsol/" and "Beranda" in console.get(HOME).menu


def test_indonesian_is_the_default(console: Console, people: dict[str, Any]) -> None:
    page = console.get("/konsol/masuk", headers={"Accept-Language": "fr, de;q=0.5"})
    assert "Masuk ke Kesos" in page.text() and 'lang="id"' in page.html


def test_the_menu_follows_permissions_and_enabled_plugins(console: Console, make: Any, people: dict[str, Any]) -> None:
    console.login("auditor")
    # An auditor reads plugins (Layanan, rules) but not the fixture's notes (fixture.notes.read).
    kernel_pages = ["Beranda", "Layanan", "Kasus", "Dasbor", "Petugas", "Log audit", "Hari libur", "Laporan"]
    assert console.get(HOME).menu == [*kernel_pages, "Layanan Uji", "Perbedaan aturan"]
    make.enable("balangan", enabled=False)
    assert console.get(HOME).menu == kernel_pages


def test_hook_kesos_register_console(console: Console, app: Any, client: Any, make: Any, people: dict[str, Any]) -> None:
    # The fixture plugin's contribution: its title, a menu entry, and a blueprint mounted under
    # the tenant and the plugin, gated like its API routes.
    assert app.config["KESOS_PLUGIN_BLUEPRINTS"]["fixture_konsol"] == "fixture"
    console.login("petugas")
    page = console.get(HOME)
    assert page.menu == [
        "Beranda", "Layanan", "Kasus", "Daftarkan penerima layanan", "Dasbor", "Hari libur", "Laporan", "Impor data",
        "Layanan Uji", "Perbedaan aturan", "Catatan uji",
    ]
    assert (CATATAN, "Catatan uji") in page.links
    page = console.get(CATATAN)
    assert page.status == 200 and "<h1>Catatan uji</h1>" in page.html
    assert "Kabupaten Balangan" in page.text()  # inside the console's layout
    # Disabled for the tenant: the entry is gone and the page does not exist; data stays.
    make.enable("balangan", enabled=False)
    assert "Catatan uji" not in console.get(HOME).menu
    page = console.get(CATATAN)
    assert page.status == 404 and page.response.mimetype == "text/html"
    # Its POST is gated before anything else too (the CSRF token is valid: still 404).
    assert console.client.post(CATATAN, data={"csrf_token": page.csrf, "isi": "x"}).status_code == 404
    # The console's session authenticates it, never a bearer token; a stranger goes to the login page.
    make.enable("balangan")
    stranger = app.test_client()
    assert stranger.get(CATATAN, headers=people["officer"].headers).headers["Location"].startswith("/konsol/masuk")
    # A role without the entry's permission: no entry, and the page refuses as the API would.
    admin = Console(app.test_client())
    admin.login("admin")
    assert "Catatan uji" in admin.get(HOME).menu  # tenant_admin holds fixture.notes.read
    auditor = Console(app.test_client())
    auditor.login("auditor")
    assert auditor.get(CATATAN).status == 403
    assert client.get("/api/v1/tenants/balangan/fixture/notes", headers=people["auditor"].headers).status_code == 403


def test_console_pages_are_not_cached_and_keep_the_security_policy(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    r = console.client.get(HOME)
    assert r.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "<script>" not in r.get_data(as_text=True)  # no inline script: the policy forbids it
    asset = console.client.get("/konsol/aset/vendor/htmx.min.js")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")
    assert console.client.get("/konsol/aset/konsol.css").status_code == 200


def test_a_server_error_is_an_html_page_saying_nothing_was_saved(console: Console, app: Any, monkeypatch: Any, people: dict[str, Any]) -> None:
    from core.console.views import layanan

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("uji: layanan rusak")

    monkeypatch.setattr(layanan, "plugin_states", broken)
    console.login("admin")
    page = console.get("/konsol/balangan/layanan")
    assert page.status == 500 and page.response.mimetype == "text/html"
    assert "Terjadi kesalahan pada server; tidak ada data yang tersimpan." in page.text()
    assert "uji: layanan rusak" not in page.html  # no internals shown
    assert page.menu == []  # drawn without what needs the database
