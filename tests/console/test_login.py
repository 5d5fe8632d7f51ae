"""Logging in and out of the console: the API's login service (lockout, audit, tokens), the
token kept in the session cookie, and every way back to the login page."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from core.db import utcnow
from core.staff.models import ApiToken
from tests.console.pages import Console, Page
from tests.factories import PASSWORD

HOME = "/konsol/balangan/"


def test_a_page_without_login_sends_to_the_login_page_and_back_after(console: Console, people: dict[str, Any]) -> None:
    r = console.client.get("/konsol/balangan/layanan?x=1")
    assert r.status_code == 302
    assert r.headers["Location"] == "/konsol/masuk?next=/konsol/balangan/layanan?x%3D1"
    r = console.login("admin", next="/konsol/balangan/layanan?x=1")
    assert r.status_code == 303 and r.headers["Location"] == "/konsol/balangan/layanan?x=1"


def test_the_bare_address_leads_to_the_console(console: Console, people: dict[str, Any]) -> None:
    assert console.client.get("/").headers["Location"] == "/konsol/"
    assert console.client.get("/konsol/").headers["Location"].startswith("/konsol/masuk")


def test_login_goes_to_the_only_tenant_of_the_user(console: Console, people: dict[str, Any]) -> None:
    r = console.login("admin")
    assert r.status_code == 303 and r.headers["Location"] == "/konsol/"
    r = console.client.get("/konsol/")
    assert r.headers["Location"] == HOME
    page = console.get(HOME)
    assert page.status == 200 and "Kabupaten Balangan" in page.text()


def test_login_never_goes_to_another_site(app: Any, people: dict[str, Any]) -> None:
    for target in ("https://jahat.example/", "//jahat.example/", "/\\jahat.example"):
        r = Console(app.test_client()).login("admin", next=target)
        assert r.headers["Location"] == "/konsol/", target


def test_a_wrong_password_is_shown_next_to_the_field_and_the_username_is_kept(console: Console, people: dict[str, Any]) -> None:
    page = Page(console.login("admin", "bukan-kata-sandinya"))
    assert page.status == 401
    assert page.field_error("password") == "Nama pengguna atau kata sandi salah."
    assert page.input_value("username") == "admin"
    assert "bukan-kata-sandinya" not in page.html  # a password is never sent back
    assert console.token() is None


def test_an_empty_form_says_which_fields_are_required_in_the_page_language(console: Console, people: dict[str, Any]) -> None:
    csrf = console.get("/konsol/masuk").csrf
    page = Page(console.client.post("/konsol/masuk", data={"csrf_token": csrf, "username": "", "password": ""}))
    assert page.status == 422
    assert page.field_error("username") == "Wajib diisi." and page.field_error("password") == "Wajib diisi."
    page = Page(console.client.post(
        "/konsol/masuk", data={"csrf_token": csrf, "username": "admin", "password": ""}, headers={"Accept-Language": "en"}
    ))
    assert page.field_error("password") == "Required." and page.field_error("username") is None
    assert page.input_value("username") == "admin"


def test_failed_console_logins_lock_the_account_as_api_logins_do(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    for _ in range(kernel.settings.login_max_failures - 1):
        assert Page(console.login("admin", "salah-lagi")).field_error("password") == "Nama pengguna atau kata sandi salah."
    assert console.login("admin", "salah-lagi").status_code == 429  # this failure locks the account
    page = Page(console.login("admin", PASSWORD))  # even the right password, while locked
    assert page.status == 429 and int(page.response.headers["Retry-After"]) > 0
    assert "dikunci" in (page.field_error("username") or "")
    # The API sees the same lockout: the count lives in the database, not in the console.
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 429


def test_the_cookie_is_httponly_lax_and_secure_on_https(console: Console, people: dict[str, Any]) -> None:
    r = console.login("admin")
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("kesos_sesi=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development (see core/api/headers.py)
    page = console.get("/konsol/masuk", base_url="https://kesos.balangankab.go.id")
    assert "Secure" in page.response.headers["Set-Cookie"]


def test_logout_revokes_the_token(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    token = console.token()
    assert token and client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    r = console.submit(HOME, "/konsol/keluar")
    assert r.status_code == 303 and r.headers["Location"] == "/konsol/masuk"
    assert console.token() is None
    # The token is dead everywhere, even if the cookie had been copied.
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get(HOME).headers["Location"].startswith("/konsol/masuk")


def test_an_expired_or_revoked_token_sends_to_the_login_page_saying_so(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    with kernel.db.unit_of_work() as s:
        s.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    r = console.client.get("/konsol/balangan/layanan")
    assert r.status_code == 302 and r.headers["Location"].startswith("/konsol/masuk?next=")
    page = console.get(r.headers["Location"])
    assert "Sesi Anda telah berakhir. Silakan masuk kembali." in page.text()
    assert console.token() is None


def test_the_console_takes_no_bearer_token(console: Console, people: dict[str, Any]) -> None:
    # Only the console's own session authenticates it: a header cannot stand in for the
    # cookie, so a page is never shown to a script holding just an API token.
    r = console.client.get(HOME, headers=people["admin"].headers)
    assert r.status_code == 302 and r.headers["Location"].startswith("/konsol/masuk")


def test_a_login_is_the_api_login(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    with kernel.db.unit_of_work() as s:
        tokens = s.scalars(select(ApiToken).where(ApiToken.user_id == people["admin"].user_id)).all()
    # The factory's login and the console's: the same kind of token, with the configured lifetime.
    assert len(tokens) == 2
    newest = max(tokens, key=lambda t: t.created_at)
    assert newest.expires_at - newest.created_at == timedelta(hours=kernel.settings.token_ttl_hours)


def test_a_user_of_several_tenants_chooses_and_switches_only_among_them(console: Console, people: dict[str, Any]) -> None:
    console.login("kedua")
    page = console.get("/konsol/")
    assert page.status == 200
    chooser = [text for href, text in page.main_links if href in ("/konsol/balangan/", "/konsol/tabalong/")]
    assert chooser == ["Kabupaten Balangan", "Kabupaten Tabalong"]
    assert "Petugas" in page.text() and "Admin Dinas Sosial" in page.text()
    home = console.get("/konsol/tabalong/")
    switch = [href for href, _ in home.links if href in ("/konsol/balangan/", "/konsol/tabalong/")]
    assert set(switch) == {"/konsol/balangan/", "/konsol/tabalong/"}


def test_a_single_tenant_user_has_no_switch_and_no_way_into_another_tenant(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    home = console.get(HOME)
    assert "Ganti kabupaten/kota" not in home.text()
    page = console.get("/konsol/tabalong/")
    assert page.status == 403 and "Anda tidak memiliki peran di Kabupaten Tabalong." in page.text()


def test_the_platform_admin_sees_every_tenant(console: Console, people: dict[str, Any]) -> None:
    console.login("platform")
    page = console.get("/konsol/")
    assert [t for h, t in page.main_links if h in ("/konsol/balangan/", "/konsol/tabalong/")] == [
        "Kabupaten Balangan", "Kabupaten Tabalong",
    ]
    assert page.text().count("Anda tidak memiliki peran di sini.") == 2
