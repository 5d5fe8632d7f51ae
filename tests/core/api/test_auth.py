"""Logging in and out, the current account, and what happens to a bad or old token."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from core.staff.models import ApiToken, User
from tests.core.api.helpers import A_SLUG, B_SLUG, error_of, two_tenants, url
from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
LOGOUT = "/api/v1/auth/logout"


def test_login_returns_a_bearer_token_that_opens_my_account(client, make):
    make.tenant(A_SLUG)
    make.user("rina", {A_SLUG: ["officer"]})
    r = client.post(LOGIN, json={"username": "rina", "password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    expires = datetime.fromisoformat(body["expires_at"])
    now = datetime.now(timezone.utc)
    # Default life of a token: 12 hours.
    assert now + timedelta(hours=11) < expires <= now + timedelta(hours=12, minutes=1)
    assert "password" not in body

    r = client.get(ME, headers={"Authorization": f"Bearer {body['token']}"})
    assert r.status_code == 200
    assert r.get_json()["username"] == "rina"


def test_each_login_gets_its_own_token(client, make):
    make.user("rina")
    first = client.post(LOGIN, json={"username": "rina", "password": PASSWORD}).get_json()["token"]
    second = client.post(LOGIN, json={"username": "rina", "password": PASSWORD}).get_json()["token"]
    assert first != second


def test_wrong_password_and_unknown_user_are_refused_alike(client, make):
    make.user("rina")
    wrong = error_of(client.post(LOGIN, json={"username": "rina", "password": "bukan-kata-sandinya"}), 401, "login_gagal")
    unknown = error_of(client.post(LOGIN, json={"username": "tidak-ada", "password": PASSWORD}), 401, "login_gagal")
    # The same answer: nobody can find out which usernames exist.
    assert wrong == unknown
    assert wrong["message"] == "Nama pengguna atau kata sandi salah."
    assert "token" not in wrong


def test_login_of_a_deactivated_account_is_refused_like_a_wrong_password(client, make, kernel):
    make.user("rina")
    with kernel.db.unit_of_work() as s:
        s.execute(update(User).where(User.username == "rina").values(aktif=False))
    body = error_of(client.post(LOGIN, json={"username": "rina", "password": PASSWORD}), 401, "login_gagal")
    assert body["message"] == "Nama pengguna atau kata sandi salah."


def test_a_deactivated_accounts_existing_token_stops_working(client, make, kernel):
    rina = make.user("rina")
    with kernel.db.unit_of_work() as s:
        s.execute(update(User).where(User.username == "rina").values(aktif=False))
    error_of(client.get(ME, headers=rina.headers), 401, "token_tidak_sah")


@pytest.mark.parametrize("body", [{}, {"username": "rina"}, {"password": PASSWORD}, {"username": "", "password": ""}])
def test_login_with_missing_fields_names_them(client, make, body):
    make.user("rina")
    err = error_of(client.post(LOGIN, json=body), 422, "data_tidak_valid")
    missing = {"username", "password"} - {k for k, v in body.items() if v}
    assert missing <= set(err["errors"]), err


def test_me_lists_my_tenants_and_roles(client, make):
    two_tenants(make)
    make.tenant("kotabaru", "63.02")
    rina = make.user("rina", {A_SLUG: ["peksos", "officer"], B_SLUG: ["auditor"]})
    r = client.get(ME, headers=rina.headers)
    assert r.status_code == 200
    me = r.get_json()
    assert me["username"] == "rina" and me["nama"] == "Rina"
    assert me["is_platform_admin"] is False
    assert me["id"] == str(rina.user_id)
    # Only the tenants where I hold a role, each with its roles.
    assert me["tenants"] == {A_SLUG: ["officer", "peksos"], B_SLUG: ["auditor"]}
    assert "password_hash" not in me and "password" not in me


def test_me_of_a_platform_admin(client, make):
    admin = make.user("admin", platform_admin=True)
    me = client.get(ME, headers=admin.headers).get_json()
    assert me["is_platform_admin"] is True and me["tenants"] == {}


def test_me_without_a_token_asks_to_log_in(client):
    body = error_of(client.get(ME), 401, "belum_masuk")
    assert body["message"] == "Silakan masuk terlebih dahulu."


def test_logout_revokes_the_token(client, make):
    make.tenant(A_SLUG)
    rina = make.user("rina", {A_SLUG: ["officer"]})
    assert client.get(ME, headers=rina.headers).status_code == 200
    r = client.post(LOGOUT, headers=rina.headers)
    assert r.status_code == 204 and r.data == b""
    body = error_of(client.get(ME, headers=rina.headers), 401, "token_tidak_sah")
    assert "masuk kembali" in body["message"]
    # Revoked for tenant resources too, not only for /me.
    error_of(client.get(url(A_SLUG, "persons"), headers=rina.headers), 401, "token_tidak_sah")
    # Logging out twice: the token is already unusable.
    error_of(client.post(LOGOUT, headers=rina.headers), 401, "token_tidak_sah")


def test_logout_revokes_only_that_token(client, make):
    rina = make.user("rina")
    other = client.post(LOGIN, json={"username": "rina", "password": PASSWORD}).get_json()["token"]
    assert client.post(LOGOUT, headers=rina.headers).status_code == 204
    assert client.get(ME, headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_logout_without_a_token_is_401(client):
    error_of(client.post(LOGOUT), 401, "belum_masuk")


def test_expired_token_is_refused_with_its_own_code(client, make, kernel):
    make.tenant(A_SLUG)
    rina = make.user("rina", {A_SLUG: ["officer"]})
    with kernel.db.unit_of_work() as s:
        s.execute(
            update(ApiToken)
            .where(ApiToken.user_id == rina.user_id)
            .values(expires_at=datetime.now(timezone.utc) - timedelta(minutes=1))
        )
    body = error_of(client.get(ME, headers=rina.headers), 401, "token_kedaluwarsa")
    assert body["message"] == "Sesi Anda telah berakhir. Silakan masuk kembali."
    error_of(client.get(url(A_SLUG, "persons"), headers=rina.headers), 401, "token_kedaluwarsa")
    # Logging in again gives a fresh token that works.
    token = client.post(LOGIN, json={"username": "rina", "password": PASSWORD}).get_json()["token"]
    assert client.get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_unknown_token_is_refused(client):
    body = error_of(client.get(ME, headers={"Authorization": "Bearer bukan-token-yang-pernah-diterbitkan"}), 401, "token_tidak_sah")
    assert body["message"] == "Token tidak sah atau sudah dicabut. Silakan masuk kembali."


@pytest.mark.parametrize(
    "header",
    ["Token abc", "Basic cmluYTp1amk=", "Bearer", "Bearer    ", "abc"],
    ids=["other-scheme", "basic", "no-token", "blank-token", "bare-value"],
)
def test_malformed_authorization_header_is_401(client, make, header):
    make.user("rina")
    body = error_of(client.get(ME, headers={"Authorization": header}), 401, "token_tidak_sah")
    assert "Bearer" in body["message"]


def test_scheme_is_case_insensitive(client, make):
    rina = make.user("rina")
    assert client.get(ME, headers={"Authorization": f"bearer {rina.token}"}).status_code == 200


def test_an_unknown_token_does_not_block_the_login_route_but_a_malformed_header_does(client, make):
    make.user("rina")
    # An old or unknown token left in the client's header must not lock anyone out of logging in…
    r = client.post(LOGIN, json={"username": "rina", "password": PASSWORD}, headers={"Authorization": "Bearer rusak"})
    assert r.status_code == 200, r.get_json()
    # …but a header that is not a bearer token at all is a client bug, and is told so.
    error_of(
        client.post(LOGIN, json={"username": "rina", "password": PASSWORD}, headers={"Authorization": "Basic cmluYTp4"}),
        401,
        "token_tidak_sah",
    )


# --- password policy, when a tenant admin creates an account ------------------------------


@pytest.fixture
def admin(make):
    make.tenant(A_SLUG)
    return make.user("admin-balangan", {A_SLUG: ["tenant_admin"]})


def _new_staff(password: str, username: str = "budi.santoso") -> dict:
    return {"username": username, "nama": "Budi Santoso", "password": password, "roles": ["officer"]}


def test_too_short_password_is_refused_on_the_password_field(client, admin):
    body = error_of(client.post(url(A_SLUG, "staff"), json=_new_staff("pendek1"), headers=admin.headers), 422, "data_tidak_valid")
    assert body["errors"]["password"] == ["Kata sandi minimal 10 karakter."]


def test_password_containing_the_username_is_refused(client, admin):
    body = error_of(
        client.post(url(A_SLUG, "staff"), json=_new_staff("budi.santoso-2026"), headers=admin.headers), 422, "data_tidak_valid"
    )
    assert "Kata sandi tidak boleh memuat nama pengguna." in body["errors"]["password"]


def test_trivial_password_is_refused(client, admin):
    body = error_of(client.post(url(A_SLUG, "staff"), json=_new_staff("aaaaaaaaaaaa"), headers=admin.headers), 422)
    assert "Kata sandi terlalu sederhana." in body["errors"]["password"]


def test_refused_password_creates_no_account(client, admin):
    client.post(url(A_SLUG, "staff"), json=_new_staff("pendek1"), headers=admin.headers)
    error_of(client.post(LOGIN, json={"username": "budi.santoso", "password": "pendek1"}), 401, "login_gagal")


def test_account_with_a_good_password_can_log_in(client, admin):
    r = client.post(url(A_SLUG, "staff"), json=_new_staff("Teduh-Sungai-Barito-7"), headers=admin.headers)
    assert r.status_code == 201, r.get_json()
    assert "password" not in r.get_json()
    r = client.post(LOGIN, json={"username": "budi.santoso", "password": "Teduh-Sungai-Barito-7"})
    assert r.status_code == 200
    me = client.get(ME, headers={"Authorization": f"Bearer {r.get_json()['token']}"}).get_json()
    assert me["tenants"] == {A_SLUG: ["officer"]}


# --- token life, and the account endpoints in the API description ------------------------


def test_token_life_follows_the_setting(make, build_app):
    make.user("rina")
    short = build_app({"KESOS_TOKEN_TTL_HOURS": "1"}).test_client()
    body = short.post(LOGIN, json={"username": "rina", "password": PASSWORD}).get_json()
    expires = datetime.fromisoformat(body["expires_at"])
    now = datetime.now(timezone.utc)
    assert now + timedelta(minutes=59) < expires <= now + timedelta(hours=1, minutes=1)


def test_me_says_whether_the_account_is_external(client, make):
    rina = make.user("rina")
    assert client.get(ME, headers=rina.headers).get_json()["eksternal"] is False


def test_account_endpoints_are_documented(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert paths["/api/v1/auth/oidc"]["post"]["security"] == []
    for path in ("/api/v1/auth/logout-semua", "/api/v1/auth/kata-sandi", "/api/v1/tenants/{tenant}/staff/{user_id}/cabut-token"):
        assert "post" in paths[path] and "security" not in paths[path]["post"], path
    assert "429" in paths["/api/v1/auth/login"]["post"]["responses"]
