from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint

from core.api.common import ErrorSchema, current_user, kernel, login_required, public, session
from core.errors import NotFound
from core.oidc import OidcConfig, login_with_id_token
from core.staff.lockout import AccountLocked, LockoutPolicy
from core.staff.schemas import LoginSchema, MeSchema, OidcLoginSchema, PasswordChangeSchema, TokenSchema
from core.staff.services import (
    LoginFailed,
    WrongCurrentPassword,
    change_password,
    login,
    memberships_of,
    revoke_all_tokens,
    revoke_token,
)

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Masuk, keluar, dan akun saya")
BLUEPRINTS = [blp]

RETRY_AFTER = {"Retry-After": {"description": "detik sampai akun dapat dicoba lagi", "schema": {"type": "integer"}}}


@blp.errorhandler(AccountLocked)
def _locked(exc: AccountLocked) -> Response:
    response = jsonify(exc.to_dict())
    response.status_code = exc.status
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _policy() -> LockoutPolicy:
    return LockoutPolicy.of(kernel().settings)


def _bearer() -> str:
    return request.headers["Authorization"].partition(" ")[2].strip()


@blp.post("/login")
@public  # a stale token in the header must not stop anyone from logging in again
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Nama pengguna atau kata sandi salah (`login_gagal`)")
@blp.alt_response(
    429, schema=ErrorSchema, headers=RETRY_AFTER,
    description="Terlalu banyak percobaan gagal: akun dikunci sementara (`akun_terkunci`), juga untuk kata sandi yang benar",
)
@blp.doc(security=[])
def do_login(body: dict[str, Any]) -> Any:
    """Masuk dengan nama pengguna dan kata sandi; mengembalikan token bearer.

    Setelah beberapa kali gagal dalam rentang waktu tertentu, akun dikunci sementara (429)."""
    s = session()
    try:
        issued = login(s, body["username"], body["password"], kernel().settings.token_ttl_hours, policy=_policy())
    except (LoginFailed, AccountLocked):
        # The failure count (and a lockout's audit entry) must outlive this refused request,
        # which the request cycle otherwise rolls back.
        s.commit()
        raise
    return {"token": issued.token, "expires_at": issued.expires_at}


@blp.post("/oidc")
@public
@blp.arguments(OidcLoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Token identitas tidak sah: tanda tangan, penerbit, audiens, atau kedaluwarsa (kode `oidc_*`)")
@blp.alt_response(404, schema=ErrorSchema, description="Login OpenID Connect tidak diaktifkan")
@blp.alt_response(503, schema=ErrorSchema, description="Kunci (JWKS) penyedia identitas tidak dapat diambil")
@blp.doc(security=[])
def do_oidc_login(body: dict[str, Any]) -> Any:
    """Masuk dengan ID token dari penyedia identitas (OpenID Connect, mis. Keycloak).

    Akun dibuat pada login pertama (tanpa kata sandi lokal); perannya diambil dari klaim peran
    token (`"<kabupaten>:<peran>"`, `"platform_admin"`) pada setiap login."""
    settings = kernel().settings
    config = OidcConfig.from_settings(settings)
    if config is None:
        raise NotFound("oidc_tidak_aktif", "Login melalui penyedia identitas (OpenID Connect) tidak diaktifkan.")
    issued = login_with_id_token(session(), config, body["id_token"], settings.token_ttl_hours)
    return {"token": issued.token, "expires_at": issued.expires_at}


@blp.post("/logout")
@blp.response(204)
def do_logout() -> None:
    """Cabut token yang sedang dipakai."""
    current_user()
    revoke_token(session(), _bearer())


@blp.post("/logout-semua")
@blp.response(204)
def do_logout_everywhere() -> None:
    """Keluar dari semua perangkat: cabut semua token akun saya, termasuk yang sedang dipakai."""
    revoke_all_tokens(session(), current_user(), reason="logout_semua")


@blp.post("/kata-sandi")
@login_required
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(
    429, schema=ErrorSchema, headers=RETRY_AFTER,
    description="Terlalu banyak percobaan kata sandi lama yang salah: akun dikunci sementara (`akun_terkunci`)",
)
def do_change_password(body: dict[str, Any]) -> None:
    """Ganti kata sandi saya. Kata sandi baru harus memenuhi kebijakan; semua token lain akun
    saya dicabut (token yang sedang dipakai tetap berlaku)."""
    s = session()
    try:
        change_password(s, current_user(), body["kata_sandi_lama"], body["kata_sandi_baru"], keep_token=_bearer(), policy=_policy())
    except (WrongCurrentPassword, AccountLocked):
        s.commit()  # a wrong current password counts towards the lockout, as at login
        raise


@blp.get("/me")
@blp.response(200, MeSchema)
def me() -> Any:
    """Akun saya dan peran saya di setiap kabupaten/kota."""
    user = current_user()
    return {
        "id": user.id,
        "username": user.username,
        "nama": user.nama,
        "is_platform_admin": user.is_platform_admin,
        "eksternal": user.eksternal,
        "tenants": memberships_of(session(), user.id),
    }
