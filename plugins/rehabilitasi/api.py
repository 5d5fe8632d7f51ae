"""The rehabilitasi API, mounted by the kernel at /api/v1/tenants/<tenant>/rehabilitasi.

Thin views: check the permission (before the body is read), parse, call a service, return. The
kernel commits the request's transaction, or rolls it back on any error.
"""
from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from core.sdk import (
    Blueprint,
    can_read_notes,
    current_roles,
    current_tenant,
    current_user,
    etag,
    kernel,
    paginate,
    require,
    session,
)

from . import services
from .schemas import (
    EvaluasiCreateSchema,
    EvaluasiSchema,
    KasusCreateSchema,
    KasusDetailSchema,
    KasusSchema,
    KegiatanCreateSchema,
    KegiatanSchema,
    PemantauanCreateSchema,
    PemantauanSchema,
    PeringatanSchema,
    RencanaBodySchema,
    RencanaSchema,
    STAGES,
)

blp = Blueprint("rehabilitasi", __name__, url_prefix="", description="Rehabilitasi sosial (PP 39/2012 Pasal 4–8; Perbup Balangan 61/2017)")


class KasusQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["open", "closed"]))
    stage = fields.String(validate=validate.OneOf(STAGES))


class PeringatanQuerySchema(Schema):
    semua = fields.Boolean(load_default=False, metadata={"description": "true: termasuk yang sudah selesai"})


def _notes_allowed(case: Any) -> bool:
    """Perbup Balangan 61/2017 Pasal 29 huruf b (kerahasiaan): assigned workers and roles granted
    `cases.notes.read` read the notes (the kernel's rule, the same for every plugin)."""
    return can_read_notes(session(), case, current_user().id, current_roles(), kernel().plugins.permissions)


@blp.get("/kasus")
@require("rehabilitasi.kasus.read")
@blp.arguments(KasusQuerySchema, location="query")
@blp.response(200, KasusSchema(many=True))
@blp.paginate()
def list_kasus(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar kasus rehabilitasi sosial (filter status dan tahap)."""
    cases = paginate(services.kasus_query(**query), pagination_parameters)
    assigned = services.assignments_of(session(), [c.id for c in cases])
    return [services.kasus_out(c, assigned[c.id]) for c in cases]


@blp.post("/kasus")
@require("rehabilitasi.kasus.write")
@blp.arguments(KasusCreateSchema)
@blp.response(201, KasusSchema)
def add_kasus(body: dict[str, Any]) -> Any:
    """Buka kasus rehabilitasi sosial: kelompok sasaran, tempat, lembaga dan jangka waktu diperiksa
    menurut profil regulasi kabupaten/kota; penolakan menyebut pasalnya."""
    case = services.open_kasus(session(), kernel(), current_tenant(), body, current_user().id)
    assigned = services.assignments_of(session(), [case.id])[case.id]
    return services.kasus_out(case, assigned), {"ETag": etag(case.version)}


@blp.get("/kasus/<uuid:case_id>")
@require("rehabilitasi.kasus.read")
@blp.response(200, KasusDetailSchema)
def show_kasus(case_id: uuid.UUID) -> Any:
    """Kasus dengan kegiatan, rencana, pemantauan, evaluasi dan peringatannya. Catatan hanya
    untuk petugas yang ditugaskan dan peran yang berwenang (Perbup Balangan 61/2017 Pasal 29)."""
    case = services.get_kasus(session(), case_id)
    return services.kasus_detail(session(), case, _notes_allowed(case)), {"ETag": etag(case.version)}


@blp.post("/kasus/<uuid:case_id>/kegiatan")
@require("rehabilitasi.kasus.write")
@blp.arguments(KegiatanCreateSchema)
@blp.response(201, KegiatanSchema)
def add_kegiatan(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat kegiatan tahap yang sedang berjalan (Perbup Balangan 61/2017 Pasal 19–25)."""
    case = services.get_kasus(session(), case_id)
    return services.add_kegiatan(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.get("/kasus/<uuid:case_id>/kegiatan")
@require("rehabilitasi.kasus.read")
@blp.response(200, KegiatanSchema(many=True))
@blp.paginate()
def list_kegiatan(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    """Kegiatan kasus (catatan hanya untuk yang berwenang)."""
    case = services.get_kasus(session(), case_id)
    items = paginate(services.kegiatan_query(case), pagination_parameters)
    return services.kegiatan_page(items, _notes_allowed(case))


@blp.put("/kasus/<uuid:case_id>/rencana")
@require("rehabilitasi.kasus.write")
@blp.arguments(RencanaBodySchema)
@blp.response(200, RencanaSchema)
def put_rencana(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Susun atau perbarui rencana pemecahan masalah (tahap penyusunan rencana atau pemecahan
    masalah): bentuk rehabilitasi, rujukan, jadwal, sumber dana."""
    case = services.get_kasus(session(), case_id)
    rencana, _ = services.save_rencana(session(), kernel(), current_tenant(), case, body, current_user().id)
    return rencana


@blp.post("/kasus/<uuid:case_id>/pemantauan")
@require("rehabilitasi.kasus.write")
@blp.arguments(PemantauanCreateSchema)
@blp.response(201, PemantauanSchema)
def add_pemantauan(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat pemantauan: setiap butir pemantauan profil wajib diisi (Perbup Balangan 61/2017 Pasal 41)."""
    case = services.get_kasus(session(), case_id)
    return services.add_pemantauan(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.post("/kasus/<uuid:case_id>/evaluasi")
@require("rehabilitasi.kasus.write")
@blp.arguments(EvaluasiCreateSchema)
@blp.response(201, EvaluasiSchema)
def add_evaluasi(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat evaluasi (Perbup Balangan 61/2017 Pasal 42); peringatan evaluasi terlambat kasus ini selesai."""
    case = services.get_kasus(session(), case_id)
    return services.add_evaluasi(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.get("/peringatan")
@require("rehabilitasi.kasus.read")
@blp.arguments(PeringatanQuerySchema, location="query")
@blp.response(200, PeringatanSchema(many=True))
@blp.paginate()
def list_peringatan(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Peringatan yang masih terbuka (mis. evaluasi terlambat)."""
    return paginate(services.peringatan_query(query["semua"]), pagination_parameters)
