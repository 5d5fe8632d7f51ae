"""The pemberdayaan API, mounted by the kernel at /api/v1/tenants/<tenant>/pemberdayaan."""
from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from core.sdk import (
    Blueprint,
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
    CODE,
    AnggotaBodyPemberdayaanSchema,
    AnggotaPemberdayaanSchema,
    KasusPemberdayaanSchema,
    PermohonanPemberdayaanSchema,
    StimulanBodyPemberdayaanSchema,
    StimulanPemberdayaanSchema,
)
from .workflow import STAGE_LABELS

blp = Blueprint("pemberdayaan", __name__, url_prefix="", description="Pemberdayaan sosial (PP 39/2012 Pasal 15–27)")


class KasusQuerySchema(Schema):
    sasaran = fields.String(validate=CODE)
    stage = fields.String(validate=validate.OneOf(list(STAGE_LABELS)))


@blp.get("/kasus")
@require("pemberdayaan.read")
@blp.arguments(KasusQuerySchema, location="query")
@blp.response(200, KasusPemberdayaanSchema(many=True))
@blp.paginate()
def list_kasus(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Kasus pemberdayaan sosial (filter sasaran dan tahap)."""
    return paginate(services.kasus_query(**query), pagination_parameters)


@blp.post("/kasus")
@require("pemberdayaan.write")
@blp.arguments(PermohonanPemberdayaanSchema)
@blp.response(201, KasusPemberdayaanSchema)
def add_kasus(body: dict[str, Any]) -> Any:
    """Buka kasus pemberdayaan sosial: sasaran, kriteria (dengan buktinya) dan bentuk pemberdayaan
    diperiksa menurut profil; penolakan menyebut pasalnya. Kelompok/komunitas disertai anggotanya."""
    case = services.ajukan(session(), kernel(), current_tenant(), body, current_user().id)
    return case, {"ETag": etag(case.version)}


@blp.get("/kasus/<uuid:case_id>")
@require("pemberdayaan.read")
@blp.response(200, KasusPemberdayaanSchema)
def show_kasus(case_id: uuid.UUID) -> Any:
    case = services.get_kasus(session(), case_id)
    return case, {"ETag": etag(case.version)}


@blp.get("/kasus/<uuid:case_id>/anggota")
@require("pemberdayaan.read")
@blp.response(200, AnggotaPemberdayaanSchema(many=True))
def list_anggota(case_id: uuid.UUID) -> Any:
    """Anggota kelompok atau komunitas adat terpencil."""
    return services.anggota_rows(session(), services.get_kasus(session(), case_id))


@blp.post("/kasus/<uuid:case_id>/anggota")
@require("pemberdayaan.write")
@blp.arguments(AnggotaBodyPemberdayaanSchema)
@blp.response(201, AnggotaPemberdayaanSchema)
def add_anggota(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Tambah anggota (orang dari registri kabupaten/kota ini) ke kelompok atau komunitas."""
    case = services.get_kasus(session(), case_id)
    entry = services.tambah_anggota(session(), case, body, current_user().id)
    return next(r for r in services.anggota_rows(session(), case) if r["id"] == entry.id)


@blp.post("/kasus/<uuid:case_id>/stimulan")
@require("pemberdayaan.stimulan")
@blp.arguments(StimulanBodyPemberdayaanSchema)
@blp.response(201, StimulanPemberdayaanSchema)
def add_stimulan(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat stimulan (modal, peralatan usaha, tempat usaha) dengan nilai rupiah dan sumber dananya."""
    case = services.get_kasus(session(), case_id)
    return services.catat_stimulan(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.get("/kasus/<uuid:case_id>/stimulan")
@require("pemberdayaan.read")
@blp.response(200, StimulanPemberdayaanSchema(many=True))
@blp.paginate()
def list_stimulan(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    case = services.get_kasus(session(), case_id)
    return paginate(services.stimulan_query(case), pagination_parameters)
