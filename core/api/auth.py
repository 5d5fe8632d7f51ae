from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from core.api.common import current_user, kernel, session
from core.staff.schemas import LoginSchema, MeSchema, TokenSchema
from core.staff.services import login, memberships_of, revoke_token

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Masuk, keluar, dan akun saya")
BLUEPRINTS = [blp]


@blp.post("/login")
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(security=[])
def do_login(body: dict[str, Any]) -> Any:
    """Masuk dengan nama pengguna dan kata sandi; mengembalikan token bearer."""
    issued = login(session(), body["username"], body["password"], kernel().settings.token_ttl_hours)
    return {"token": issued.token, "expires_at": issued.expires_at}


@blp.post("/logout")
@blp.response(204)
def do_logout() -> None:
    """Cabut token yang sedang dipakai."""
    current_user()
    revoke_token(session(), request.headers["Authorization"].partition(" ")[2].strip())


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
        "tenants": memberships_of(session(), user.id),
    }
