"""Cases: list, open, show, advance (with If-Match), history."""
from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from core.api.common import (
    current_roles,
    current_tenant,
    current_user,
    etag,
    expected_version,
    kernel,
    paginate,
    parse_uuid,
    require,
    session,
    tenant_blueprint,
)
from core.cases.schemas import (
    AssignmentSchema,
    CaseAdvanceSchema,
    CaseCloseSchema,
    CaseCreateSchema,
    CaseEventSchema,
    CaseQuerySchema,
    CaseSchema,
    ReferralCreateSchema,
    ReferralSchema,
)
from core.cases.services import (
    advance_case,
    assign_staff,
    assignments_for,
    can_read_notes,
    case_events,
    cases_query,
    close_case,
    get_case,
    open_case,
    refer_case,
    referrals_query,
    unassign_staff,
)
from core.errors import InvalidInput

blp = tenant_blueprint("cases", __name__, "cases", "Kasus dan alur tahapannya")


class ReferralQuerySchema(Schema):
    ke_plugin = fields.String(load_default=None, validate=validate.Length(max=63))
BLUEPRINTS = [blp]


def _decorate(cases: list[Any]) -> list[Any]:
    """Attach assignments (one query for the page) and the plugins' one-line summary."""
    by_case = assignments_for(session(), [c.id for c in cases])
    hooks = kernel().hooks(session(), current_tenant())
    for case in cases:
        case.assigned = by_case[case.id]
        case.summary = hooks.kesos_case_summary(case=case)
    return cases


@blp.get("")
@require("cases.read")
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.paginate()
def list_cases(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar kasus dengan filter jenis, plugin, tahap, status, petugas ('me'), orang."""
    assigned = query.pop("assigned_to", None)
    if assigned == "me":
        query["assigned_to"] = current_user().id
    elif assigned is not None:
        parsed = parse_uuid(assigned)
        if parsed is None:
            raise InvalidInput({"assigned_to": ["Isi id petugas atau 'me'."]})
        query["assigned_to"] = parsed
    stmt = cases_query(session(), kernel(), current_tenant(), **query)
    return _decorate(paginate(stmt, pagination_parameters))


@blp.post("")
@require("cases.write")
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema)
def add_case(body: dict[str, Any]) -> Any:
    """Buka kasus. Profil regulasi kabupaten/kota saat ini disematkan pada kasus dan menjadi
    dasar penilaiannya sampai kasus selesai."""
    case = open_case(session(), kernel(), current_tenant(), body, current_user().id)
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.get("/<uuid:case_id>")
@require("cases.read")
@blp.response(200, CaseSchema)
def show_case(case_id: uuid.UUID) -> Any:
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.post("/<uuid:case_id>/advance")
@require("cases.write")
@blp.arguments(CaseAdvanceSchema)
@blp.response(200, CaseSchema)
def advance(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Pindahkan kasus ke tahap berikutnya. Wajib If-Match (ETag kasus); tahap tidak boleh
    dilompati; penolakan menyebut pasal yang menolaknya."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    version = expected_version(case.version)
    advance_case(
        session(), kernel(), current_tenant(), case,
        to_stage=body["to_stage"], data=body["data"], expected_version=version, actor_id=current_user().id,
    )
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.post("/<uuid:case_id>/close")
@require("cases.write")
@blp.arguments(CaseCloseSchema)
@blp.response(200, CaseSchema)
def close(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Tutup kasus pada tahap yang mengizinkannya. Wajib If-Match."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    version = expected_version(case.version)
    close_case(session(), kernel(), current_tenant(), case, data=body, expected_version=version, actor_id=current_user().id)
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.post("/<uuid:case_id>/assignments")
@require("cases.assign")
@blp.arguments(AssignmentSchema)
@blp.response(201, AssignmentSchema)
def assign(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Tugaskan petugas pada kasus; aturan jenis kasus (mis. sertifikat dan izin praktik
    Pekerja Sosial Profesional) diperiksa dan penolakannya menyebut pasalnya."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return assign_staff(
        session(), kernel(), current_tenant(), case, user_id=body["user_id"], peran=body["peran"], actor_id=current_user().id
    )


@blp.delete("/<uuid:case_id>/assignments/<uuid:user_id>")
@require("cases.assign")
@blp.response(204)
def unassign(case_id: uuid.UUID, user_id: uuid.UUID) -> None:
    case = get_case(session(), kernel(), current_tenant(), case_id)
    unassign_staff(session(), current_tenant(), case, user_id, current_user().id)


@blp.get("/<uuid:case_id>/events")
@require("cases.read")
@blp.response(200, CaseEventSchema(many=True))
def events(case_id: uuid.UUID) -> Any:
    """Riwayat kasus (tidak dapat diubah). Isi catatan hanya untuk petugas yang ditugaskan dan
    peran yang berwenang (kerahasiaan); yang lain melihat metadatanya saja."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    history = case_events(session(), case)
    if not can_read_notes(session(), case, current_user().id, current_roles(), kernel().plugins.permissions):
        return [_without_data(e) for e in history]
    return history


def _without_data(event: Any) -> dict[str, Any]:
    return {k: getattr(event, k) for k in ("id", "at", "actor_id", "kind", "from_stage", "to_stage")} | {"data": {}}


@blp.post("/<uuid:case_id>/referrals")
@require("cases.refer")
@blp.arguments(ReferralCreateSchema)
@blp.response(201, ReferralSchema)
def refer(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Rujuk kasus ke layanan lain di kabupaten/kota ini (mis. dari rehabilitasi ke jaminan
    sosial); ditolak dengan sopan bila layanan tujuan belum aktif."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return refer_case(
        session(), kernel(), current_tenant(), case, ke_plugin=body["ke_plugin"], alasan=body["alasan"], data=body["data"], actor_id=current_user().id
    )


@blp.get("/<uuid:case_id>/referrals")
@require("cases.read")
@blp.response(200, ReferralSchema(many=True))
@blp.paginate()
def case_referrals(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return paginate(referrals_query(case_id=case.id), pagination_parameters)


@blp.get("/referrals")
@require("cases.read")
@blp.arguments(ReferralQuerySchema, location="query")
@blp.response(200, ReferralSchema(many=True))
@blp.paginate()
def incoming_referrals(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Rujukan antarlayanan, terbaru dahulu (ke_plugin: yang masuk ke satu layanan)."""
    return paginate(referrals_query(ke_plugin=query.get("ke_plugin")), pagination_parameters)
