"""Staff of a tenant: accounts, roles, credentials (tenant_admin)."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from core.api.common import current_tenant, current_user, require, session, tenant_blueprint
from core.staff.models import Membership
from core.staff.schemas import (
    PasswordResetSchema,
    RevokedTokensSchema,
    StaffCreateSchema,
    StaffRemovedSchema,
    StaffSchema,
    StaffUpdateSchema,
)
from core.staff.services import (
    add_staff_member,
    get_staff_member,
    remove_staff_member,
    reset_password,
    revoke_all_tokens,
    save_credential,
    set_roles,
    staff_query,
)

blp = tenant_blueprint("staff", __name__, "staff", "Petugas: akun, peran, sertifikat dan izin praktik")
BLUEPRINTS = [blp]


def _out(rows: list[tuple[Any, Any]]) -> list[dict[str, Any]]:
    """Staff with roles and credential; roles of the whole page in one query."""
    ids = [u.id for u, _ in rows]
    roles: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    if ids:
        for m in session().scalars(
            select(Membership).where(Membership.tenant_id == current_tenant().id, Membership.user_id.in_(ids))
        ):
            roles[m.user_id].append(m.role)
    return [
        {"id": u.id, "username": u.username, "nama": u.nama, "aktif": u.aktif, "roles": sorted(roles[u.id]), "credential": c}
        for u, c in rows
    ]


@blp.get("")
@require("staff.read")
@blp.response(200, StaffSchema(many=True))
@blp.paginate()
def list_staff(pagination_parameters: Any) -> Any:
    stmt = staff_query(current_tenant().id)
    s = session()
    pagination_parameters.item_count = s.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = s.execute(stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)).all()
    return _out([(r[0], r[1]) for r in rows])


@blp.post("")
@require("staff.manage")
@blp.arguments(StaffCreateSchema)
@blp.response(201, StaffSchema)
def add_staff(body: dict[str, Any]) -> Any:
    """Buat akun petugas di kabupaten/kota ini dengan perannya dan kredensialnya."""
    return _out([add_staff_member(session(), current_tenant(), body)])[0]


@blp.get("/<uuid:user_id>")
@require("staff.read")
@blp.response(200, StaffSchema)
def show_staff(user_id: uuid.UUID) -> Any:
    return _out([get_staff_member(session(), current_tenant(), user_id)])[0]


@blp.patch("/<uuid:user_id>")
@require("staff.manage")
@blp.arguments(StaffUpdateSchema)
@blp.response(200, StaffSchema)
def patch_staff(body: dict[str, Any], user_id: uuid.UUID) -> Any:
    s = session()
    user, cred = get_staff_member(s, current_tenant(), user_id)
    if "roles" in body:
        set_roles(s, current_tenant(), user, body["roles"])
    if "credential" in body:
        cred = save_credential(s, user, body["credential"])
    return _out([(user, cred)])[0]


@blp.post("/<uuid:user_id>/cabut-token")
@require("staff.manage")
@blp.response(200, RevokedTokensSchema)
def revoke_staff_tokens(user_id: uuid.UUID) -> Any:
    """Cabut semua token petugas ini (mis. perangkatnya hilang): ia harus masuk kembali di semua
    perangkat. Akun dan perannya tidak berubah."""
    s = session()
    user, _ = get_staff_member(s, current_tenant(), user_id)
    return {"token_dicabut": revoke_all_tokens(s, user, reason="dicabut_admin")}


@blp.post("/<uuid:user_id>/keluarkan")
@require("staff.manage")
@blp.response(200, StaffRemovedSchema)
def remove_staff(user_id: uuid.UUID) -> Any:
    """Keluarkan petugas dari kabupaten/kota ini (mis. pindah tugas): semua perannya di sini
    dicabut; akunnya dan perannya di kabupaten/kota lain tetap. Ditolak (409) selama ia masih
    ditugaskan pada kasus yang berjalan, dan untuk diri sendiri. Tokennya dicabut bila ia tidak
    bekerja di kabupaten/kota lain. Data sertifikat dan izin praktiknya di sini disimpan."""
    s = session()
    user, _ = get_staff_member(s, current_tenant(), user_id)
    removal = remove_staff_member(s, current_tenant(), user, actor_id=current_user().id)
    return {"roles": removal.roles, "token_dicabut": removal.token_dicabut}


@blp.post("/<uuid:user_id>/atur-ulang-sandi")
@require("staff.manage")
@blp.arguments(PasswordResetSchema)
@blp.response(200, RevokedTokensSchema)
def reset_staff_password(body: dict[str, Any], user_id: uuid.UUID) -> Any:
    """Atur kata sandi awal baru bagi petugas yang lupa kata sandinya; semua tokennya dicabut.
    Ditolak (409) untuk akun yang juga bekerja di kabupaten/kota lain, admin platform, dan akun
    penyedia identitas: hubungi admin platform."""
    s = session()
    user, _ = get_staff_member(s, current_tenant(), user_id)
    return {"token_dicabut": reset_password(s, current_tenant(), user, body["password"], actor_id=current_user().id)}
