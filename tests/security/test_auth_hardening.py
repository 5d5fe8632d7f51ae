"""Login hardening: lockout after repeated failures, no user enumeration, revoking tokens,
the password policy, and the security headers on every response.

Time is injected (core.staff.lockout.clock), never slept through."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.audit import PlatformAuditEntry
from core.demo import _STAFF, DEMO_PASSWORD
from core.staff import lockout, passwords
from core.staff.models import User
from core.staff.passwords import password_problems
from tests.core.api.helpers import A_SLUG, B_SLUG, audit_log, error_of, two_tenants, url
from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
LOGOUT_ALL = "/api/v1/auth/logout-semua"
CHANGE_PASSWORD = "/api/v1/auth/kata-sandi"
LOCKED_MESSAGE = "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal."


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_N", 2**10)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(lockout, "clock", c)
    return c


def _login(client: Any, username: str, password: str) -> Any:
    return client.post(LOGIN, json={"username": username, "password": password})


def _fail(client: Any, username: str, times: int) -> list[Any]:
    return [_login(client, username, "salah-sama-sekali-99") for _ in range(times)]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- lockout ---------------------------------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(client, make, clock):
    make.user("rina")
    for r in _fail(client, "rina", 4):
        error_of(r, 401, "login_gagal")
    fifth = error_of(_fail(client, "rina", 1)[0], 429, "akun_terkunci")
    assert fifth["message"] == f"{LOCKED_MESSAGE} Coba lagi dalam 15 menit."

    right = _login(client, "rina", PASSWORD)
    body = error_of(right, 429, "akun_terkunci")
    assert right.headers["Retry-After"] == "900"
    assert "token" not in body


def test_retry_after_counts_down_and_the_lock_lifts_after_15_minutes(client, make, clock):
    make.user("rina")
    _fail(client, "rina", 5)
    clock.advance(minutes=10)
    r = _login(client, "rina", PASSWORD)
    assert error_of(r, 429, "akun_terkunci")["message"].endswith("Coba lagi dalam 5 menit.")
    assert r.headers["Retry-After"] == "300"

    clock.advance(minutes=5)
    r = _login(client, "rina", PASSWORD)
    assert r.status_code == 200, r.get_json()
    assert client.get(ME, headers=_bearer(r.get_json()["token"])).status_code == 200


def test_failures_spread_beyond_the_window_do_not_add_up(client, make, clock):
    make.user("rina")
    _fail(client, "rina", 4)
    clock.advance(minutes=15)
    for r in _fail(client, "rina", 4):
        error_of(r, 401, "login_gagal")
    error_of(_fail(client, "rina", 1)[0], 429, "akun_terkunci")


def test_a_successful_login_resets_the_count(client, make, clock):
    make.user("rina")
    _fail(client, "rina", 4)
    assert _login(client, "rina", PASSWORD).status_code == 200
    for r in _fail(client, "rina", 4):
        error_of(r, 401, "login_gagal")
    assert _login(client, "rina", PASSWORD).status_code == 200


def test_after_a_lock_runs_out_the_count_starts_afresh(client, make, clock):
    make.user("rina")
    _fail(client, "rina", 5)
    clock.advance(minutes=16)
    for r in _fail(client, "rina", 4):
        error_of(r, 401, "login_gagal")
    error_of(_fail(client, "rina", 1)[0], 429, "akun_terkunci")


def test_locking_one_account_leaves_the_others_alone(client, make, clock):
    make.user("rina")
    make.user("budi")
    _fail(client, "rina", 5)
    assert _login(client, "budi", PASSWORD).status_code == 200


def _answers(client: Any, username: str, password: str) -> list[tuple[int, dict[str, Any], str | None]]:
    return [(r.status_code, r.get_json(), r.headers.get("Retry-After")) for r in (_login(client, username, password) for _ in range(7))]


def test_an_unknown_username_is_refused_and_locked_exactly_like_a_real_one(client, make, clock):
    make.user("rina")
    real = _answers(client, "rina", "salah-sama-sekali-99")
    unknown = _answers(client, "tidak-ada", "salah-sama-sekali-99")
    # Nobody can tell which usernames exist: not from the refusals, not from the lockout.
    assert real == unknown
    assert [status for status, _, _ in real] == [401, 401, 401, 401, 429, 429, 429]


def test_every_refused_login_costs_one_password_hash(client, make, kernel, monkeypatch, clock):
    make.user("rina")
    with kernel.db.unit_of_work() as s:
        s.add(User(username="sso.user", nama="SSO", password_hash="!eksternal", eksternal=True, oidc_subject="abc"))
    passwords.dummy_hash()  # computed once per cost, before counting
    calls: list[int] = []
    real_scrypt = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(passwords.hashlib, "scrypt", counting)
    for username in ("rina", "tidak-ada", "sso.user"):
        calls.clear()
        error_of(_login(client, username, "salah-sama-sekali-99"), 401, "login_gagal")
        assert len(calls) == 1, username


def test_lockout_is_audited_on_the_platform_log(client, make, kernel, clock):
    rina = make.user("rina")
    _fail(client, "rina", 5)
    _fail(client, "tidak-ada", 5)
    with kernel.db.unit_of_work() as s:
        entries = list(s.scalars(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "auth.lockout").order_by(PlatformAuditEntry.at)))
        assert [(e.target_type, e.target_id, e.summary["username"], e.summary["akun_ada"]) for e in entries] == [
            ("user", str(rina.user_id), "rina", True),
            ("username", "tidak-ada", "tidak-ada", False),
        ]
        assert entries[0].summary["gagal"] == 5 and entries[0].summary["dalam_menit"] == 15


def test_the_count_is_shared_by_every_web_pod(client, make, build_app, clock):
    make.user("rina")
    other_pod = build_app().test_client()
    _fail(client, "rina", 3)
    _fail(other_pod, "rina", 1)
    error_of(_fail(client, "rina", 1)[0], 429, "akun_terkunci")
    error_of(_login(other_pod, "rina", PASSWORD), 429, "akun_terkunci")


def test_lockout_thresholds_come_from_the_settings(make, build_app, clock):
    make.user("rina")
    strict = build_app({"KESOS_LOGIN_MAX_FAILURES": "2", "KESOS_LOGIN_LOCKOUT_MINUTES": "1"}).test_client()
    error_of(_fail(strict, "rina", 1)[0], 401, "login_gagal")
    r = _fail(strict, "rina", 1)[0]
    assert error_of(r, 429, "akun_terkunci")["message"].endswith("Coba lagi dalam 1 menit.")
    assert r.headers["Retry-After"] == "60"


def test_the_429_is_documented_with_retry_after(client):
    login = client.get("/api/openapi.json").get_json()["paths"]["/api/v1/auth/login"]["post"]
    assert "Retry-After" in login["responses"]["429"]["headers"]


# --- revoking tokens -------------------------------------------------------------------------


def _second_token(client: Any, username: str) -> str:
    return _login(client, username, PASSWORD).get_json()["token"]


def test_logout_everywhere_revokes_every_token_of_mine(client, make):
    make.tenant(A_SLUG)
    rina = make.user("rina", {A_SLUG: ["officer"]})
    laptop = _second_token(client, "rina")
    budi = make.user("budi")
    r = client.post(LOGOUT_ALL, headers=rina.headers)
    assert r.status_code == 204 and r.data == b""
    for token in (rina.token, laptop):
        body = error_of(client.get(ME, headers=_bearer(token)), 401, "token_tidak_sah")
        assert "masuk kembali" in body["message"]
        error_of(client.get(url(A_SLUG, "persons"), headers=_bearer(token)), 401, "token_tidak_sah")
    # Someone else's session is untouched; and I can log in again.
    assert client.get(ME, headers=budi.headers).status_code == 200
    assert client.get(ME, headers=_bearer(_second_token(client, "rina"))).status_code == 200


def test_logout_everywhere_needs_a_login(client):
    error_of(client.post(LOGOUT_ALL), 401, "belum_masuk")


@pytest.fixture
def staff(make):
    two_tenants(make)
    return {
        "admin": make.user("admin-balangan", {A_SLUG: ["tenant_admin"]}),
        "admin_b": make.user("admin-tabalong", {B_SLUG: ["tenant_admin"]}),
        "officer": make.user("petugas", {A_SLUG: ["officer"]}),
        "rina": make.user("rina", {A_SLUG: ["peksos"]}),
    }


def test_a_tenant_admin_revokes_a_staff_members_tokens(client, kernel, staff):
    rina = staff["rina"]
    phone = _second_token(client, "rina")
    r = client.post(url(A_SLUG, f"staff/{rina.user_id}/cabut-token"), headers=staff["admin"].headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"token_dicabut": 2}
    for token in (rina.token, phone):
        error_of(client.get(ME, headers=_bearer(token)), 401, "token_tidak_sah")
    # The account and its roles stay: logging in again works.
    token = _second_token(client, "rina")
    assert client.get(ME, headers=_bearer(token)).get_json()["tenants"] == {A_SLUG: ["peksos"]}
    entry = [e for e in audit_log(kernel, A_SLUG) if e.action == "user.tokens_revoked"][-1]
    assert entry.target_id == str(rina.user_id) and entry.actor_id == staff["admin"].user_id
    assert entry.summary == {"username": "rina", "alasan": "dicabut_admin", "jumlah": 2}


def test_only_the_tenant_admin_of_that_tenant_may_revoke(client, staff):
    path = url(A_SLUG, f"staff/{staff['rina'].user_id}/cabut-token")
    error_of(client.post(path, headers=staff["officer"].headers), 403, "tidak_berwenang")
    # Another kabupaten's admin: no role in Balangan.
    error_of(client.post(path, headers=staff["admin_b"].headers), 403, "tidak_berwenang")
    # ... and through their own kabupaten, Rina is not their staff: as if she did not exist.
    error_of(client.post(url(B_SLUG, f"staff/{staff['rina'].user_id}/cabut-token"), headers=staff["admin_b"].headers), 404)
    assert client.get(ME, headers=staff["rina"].headers).status_code == 200


# --- password policy and changing my password ------------------------------------------------


def _new_staff(password: str) -> dict[str, Any]:
    return {"username": "budi.santoso", "nama": "Budi Santoso", "password": password, "roles": ["officer"]}


@pytest.mark.parametrize("common", ["password123", "1234567890", "Bismillah123", "qwertyuiop"])
def test_a_very_common_password_is_refused_naming_the_rule(client, staff, common):
    body = error_of(client.post(url(A_SLUG, "staff"), json=_new_staff(common), headers=staff["admin"].headers), 422, "data_tidak_valid")
    assert body["errors"]["password"] == [
        "Kata sandi ini termasuk kata sandi yang sangat umum dan mudah ditebak; pilih yang lain."
    ]


def test_the_documented_demo_password_passes_the_policy():
    usernames = ["platform", *(f"{suffix}.{slug}" for slug in ("balangan", "tabalong") for suffix, _, _ in _STAFF)]
    for username in usernames:
        assert password_problems(DEMO_PASSWORD, username) == [], username


def test_the_common_password_list_ships_with_the_package():
    listed = passwords.common_passwords()
    assert 50 <= len(listed) < 1000 and "password123" in listed
    assert Path(passwords.COMMON_PASSWORDS_FILE).parent == Path(passwords.__file__).parent


def test_i_change_my_password_and_my_other_sessions_end(client, staff):
    rina = staff["rina"]
    laptop = _second_token(client, "rina")
    r = client.post(CHANGE_PASSWORD, json={"kata_sandi_lama": PASSWORD, "kata_sandi_baru": "Hulu-Sungai-Utara-88"}, headers=rina.headers)
    assert r.status_code == 204, r.get_json()
    # The session I changed it from goes on; the others must log in again.
    assert client.get(ME, headers=rina.headers).status_code == 200
    error_of(client.get(ME, headers=_bearer(laptop)), 401, "token_tidak_sah")
    error_of(_login(client, "rina", PASSWORD), 401, "login_gagal")
    assert _login(client, "rina", "Hulu-Sungai-Utara-88").status_code == 200


def test_a_new_password_is_held_to_the_policy(client, staff):
    rina = staff["rina"]
    for new, message in [
        ("pendek1", "Kata sandi minimal 10 karakter."),
        ("rina-kuat-sekali", "Kata sandi tidak boleh memuat nama pengguna."),
        ("password123", "Kata sandi ini termasuk kata sandi yang sangat umum dan mudah ditebak; pilih yang lain."),
        (PASSWORD, "Kata sandi baru harus berbeda dari kata sandi saat ini."),
    ]:
        body = error_of(
            client.post(CHANGE_PASSWORD, json={"kata_sandi_lama": PASSWORD, "kata_sandi_baru": new}, headers=rina.headers),
            422, "data_tidak_valid",
        )
        assert message in body["errors"]["kata_sandi_baru"], body
    assert _login(client, "rina", PASSWORD).status_code == 200


def test_guessing_the_current_password_with_a_stolen_token_locks_the_account(client, staff, clock):
    rina = staff["rina"]
    for _ in range(4):
        body = error_of(
            client.post(CHANGE_PASSWORD, json={"kata_sandi_lama": "tebakan-salah-01", "kata_sandi_baru": "Hulu-Sungai-Utara-88"}, headers=rina.headers),
            422, "data_tidak_valid",
        )
        assert body["errors"] == {"kata_sandi_lama": ["Kata sandi saat ini salah."]}
    r = client.post(CHANGE_PASSWORD, json={"kata_sandi_lama": "tebakan-salah-01", "kata_sandi_baru": "Hulu-Sungai-Utara-88"}, headers=rina.headers)
    error_of(r, 429, "akun_terkunci")
    assert r.headers["Retry-After"] == "900"
    error_of(_login(client, "rina", PASSWORD), 429, "akun_terkunci")


# --- security headers ------------------------------------------------------------------------

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def _csp(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.mark.parametrize(
    "method, path, status",
    [("get", "/", 302), ("get", "/konsol/masuk", 200), ("get", "/healthz", 200), ("get", ME, 401), ("get", "/tidak-ada", 404), ("post", LOGIN, 422)],
)
def test_every_response_carries_the_security_headers(client, method, path, status):
    r = getattr(client, method)(path, json={} if method == "post" else None)
    assert r.status_code == status
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    csp = _csp(r)
    for directive, value in CSP_DIRECTIVES.items():
        assert csp[directive] == value, csp
    # Plain HTTP: no HSTS (it would be ignored, and would pin a host that may not have TLS).
    assert "Strict-Transport-Security" not in r.headers


def test_api_answers_are_not_cached(client, make):
    rina = make.user("rina")
    assert client.get(ME, headers=rina.headers).headers["Cache-Control"] == "no-store"
    assert _login(client, "rina", PASSWORD).headers["Cache-Control"] == "no-store"


def test_swagger_ui_runs_its_own_inline_script_only(client):
    r = client.get("/api/docs")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    csp = _csp(r)
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1
    import base64

    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert csp["script-src"] == f"'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
    # Its assets come from this origin, which the policy allows; the spec is fetched from here too.
    assert all(src.startswith("/api/docs/static/") for src in re.findall(r'src="([^"]+)"', html))
    assert csp["default-src"] == "'self'" and "data:" in csp["img-src"]
    # The hash is for that page only: the JSON spec and the rest keep the strict policy.
    assert _csp(client.get("/api/openapi.json"))["script-src"] == "'self'"


def test_the_printable_lks_letters_need_nothing_the_policy_forbids(client):
    """The letters (plugins/lks/templates) carry one inline <style> and no script or external
    resource: the policy allows inline styles and this origin only."""
    templates = Path(__file__).resolve().parents[2] / "plugins" / "lks" / "templates"
    html = "".join(p.read_text(encoding="utf-8") for p in templates.glob("*.html"))
    assert "<style>" in html
    assert "<script" not in html and not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "'unsafe-inline'" in _csp(client.get("/"))["style-src"]


def test_hsts_on_https(client):
    r = client.get("/", base_url="https://kesos.balangankab.go.id")
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_forwarded_proto_header_is_ignored_unless_the_proxy_is_trusted(client, build_app):
    forwarded = {"X-Forwarded-Proto": "https"}
    # Anybody can send the header: without KESOS_PROXY_FIX it proves nothing.
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers
    behind_proxy = build_app({"KESOS_PROXY_FIX": "1"}).test_client()
    assert behind_proxy.get("/", headers=forwarded).headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in behind_proxy.get("/").headers


def test_session_cookie_defaults_for_the_console(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # Secure always in production, and on any HTTPS request (core/api/headers.py); not on the
    # plain-HTTP development server, where a LAN address would drop a Secure cookie.
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert "Secure" in app.test_client().get("/konsol/masuk", base_url="https://kesos.example").headers["Set-Cookie"]
    assert "Secure" not in app.test_client().get("/konsol/masuk").headers["Set-Cookie"]



def test_a_revoked_or_expired_token_in_the_header_does_not_stop_logging_in_again(client, make, kernel):
    """A client that still sends its old token must be able to log in — and to read the public
    LKS register — while every route that needs a login still refuses that token."""
    make.tenant(A_SLUG)
    make.enable(A_SLUG, "lks")
    rina = make.user("rina", {A_SLUG: ["officer"]})
    assert client.post(LOGOUT_ALL, headers=rina.headers).status_code == 204
    stale = rina.headers
    r = client.post(LOGIN, json={"username": "rina", "password": PASSWORD}, headers=stale)
    assert r.status_code == 200, r.get_json()
    assert client.get(url(A_SLUG, "lks/publik/terdaftar"), headers=stale).status_code == 200
    error_of(client.get(ME, headers=stale), 401, "token_tidak_sah")
    error_of(client.get(url(A_SLUG, "persons"), headers=stale), 401, "token_tidak_sah")
