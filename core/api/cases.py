"""Cases: list, open, show, advance (with If-Match), history."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate

from core.api.common import (
    accepts_upload,
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
from core.cases.documents import add_document, documents_query, download
from core.cases.schemas import (
    AssignmentSchema,
    CaseAdvanceSchema,
    CaseCloseSchema,
    CaseCreateSchema,
    CaseDocumentSchema,
    CaseDocumentUploadSchema,
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
    due_dates_for,
    get_case,
    open_case,
    refer_case,
    referrals_query,
    unassign_staff,
)
from core.errors import InvalidInput
from core.uploads import Berkas

blp = tenant_blueprint("cases", __name__, "cases", "Kasus dan alur tahapannya")


class ReferralQuerySchema(Schema):
    ke_plugin = fields.String(load_default=None, validate=validate.Length(max=63))
BLUEPRINTS = [blp]


def _decorate(cases: list[Any]) -> list[Any]:
    """Attach assignments and next due dates (one query each for the page) and the plugins'
    one-line summary."""
    ids = [c.id for c in cases]
    by_case = assignments_for(session(), ids)
    due = due_dates_for(session(), kernel(), current_tenant(), ids)
    hooks = kernel().hooks(session(), current_tenant())
    for case in cases:
        case.assigned = by_case[case.id]
        case.jatuh_tempo = due.get(case.id)
        case.summary = hooks.kesos_case_summary(case=case)
    return cases


@blp.get("")
@require("cases.read")
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.paginate()
def list_cases(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar kasus dengan filter jenis, plugin, tahap, status, petugas ('me'), orang, dan
    tenggat: `jatuh_tempo_sampai` (tenggat terdekat pada atau sebelum tanggal itu) dan
    `terlambat`. Setiap kasus membawa `jatuh_tempo`, tenggat terdekatnya yang belum dipenuhi
    menurut layanannya (mis. evaluasi rehabilitasi yang terlambat, batas penerbitan tanda
    pendaftaran LKS dalam hari kerja), atau null."""
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


@blp.get("/<uuid:case_id>/dokumen")
@require("cases.read")
@blp.response(200, CaseDocumentSchema(many=True))
@blp.paginate()
def list_documents(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    """Dokumen berkas kasus, terbaru dahulu: nama, jenis, tanggal, pengunggah. Isinya hanya
    dapat diunduh oleh petugas yang ditugaskan dan peran yang berwenang membaca catatan kasus
    (kerahasiaan, Perbup Balangan 61/2017 Pasal 29 huruf b)."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return paginate(documents_query(case), pagination_parameters)


@blp.post("/<uuid:case_id>/dokumen")
@require("cases.write")
@accepts_upload(files=1)
@blp.arguments(CaseDocumentUploadSchema, location="form", content_type="multipart/form-data")
@blp.response(201, CaseDocumentSchema)
def upload_document(form: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Unggah satu dokumen ke berkas kasus yang masih berjalan (multipart: berkas, keterangan):
    PDF, JPEG atau PNG, dikenali dari isinya. Dicatat di riwayat kasus dan log audit."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return add_document(
        session(), kernel(), current_tenant(), case,
        keterangan=form["keterangan"], berkas=Berkas.of(request.files.get("berkas")), actor_id=current_user().id,
    )


@blp.get("/<uuid:case_id>/dokumen/<uuid:doc_id>")
@require("cases.read")
@blp.response(200, description="Berkas dokumen (unduhan)")
def download_document(case_id: uuid.UUID, doc_id: uuid.UUID) -> Response:
    """Unduh isi dokumen: hanya petugas yang ditugaskan pada kasus dan peran yang berwenang
    membaca catatan kasus (lainnya 403). Setiap unduhan dicatat di log audit."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return download(
        session(), kernel(), case, doc_id, user_id=current_user().id, roles=current_roles(), permissions=kernel().plugins.permissions,
    )


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
