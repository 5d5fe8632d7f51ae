"""The jaminan API, mounted by the kernel at /api/v1/tenants/<tenant>/jaminan."""
from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from core.sdk import Blueprint, current_tenant, current_user, etag, kernel, paginate, require, session

from . import services
from .schemas import PROGRAMS, KasusJaminanSchema, PenyaluranBodySchema, PenyaluranSchema, PermohonanJaminanSchema
from .workflow import STAGE_LABELS

blp = Blueprint("jaminan", __name__, url_prefix="", description="Jaminan sosial (PP 39/2012 Pasal 10–14)")


class KasusQuerySchema(Schema):
    program = fields.String(validate=validate.OneOf(PROGRAMS))
    stage = fields.String(validate=validate.OneOf(list(STAGE_LABELS)))


@blp.get("/kasus")
@require("jaminan.read")
@blp.arguments(KasusQuerySchema, location="query")
@blp.response(200, KasusJaminanSchema(many=True))
@blp.paginate()
def list_kasus(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Kasus jaminan sosial (filter program dan tahap)."""
    return paginate(services.kasus_query(**query), pagination_parameters)


@blp.post("/kasus")
@require("jaminan.write")
@blp.arguments(PermohonanJaminanSchema)
@blp.response(201, KasusJaminanSchema)
def add_kasus(body: dict[str, Any]) -> Any:
    """Buka kasus jaminan sosial: kategori, program, ketergantungan, data resmi, tunjangan dan
    hubungan keluarga pahlawan diperiksa menurut profil; penolakan menyebut pasalnya."""
    case = services.ajukan(session(), kernel(), current_tenant(), body, current_user().id)
    return case, {"ETag": etag(case.version)}


@blp.get("/kasus/<uuid:case_id>")
@require("jaminan.read")
@blp.response(200, KasusJaminanSchema)
def show_kasus(case_id: uuid.UUID) -> Any:
    case = services.get_kasus(session(), case_id)
    return case, {"ETag": etag(case.version)}


@blp.post("/kasus/<uuid:case_id>/penyaluran")
@require("jaminan.salur")
@blp.arguments(PenyaluranBodySchema)
@blp.response(201, PenyaluranSchema)
def add_penyaluran(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat penyaluran satu periode; periode yang sudah disalurkan ditolak (409)."""
    case = services.get_kasus(session(), case_id)
    return services.salurkan(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.get("/kasus/<uuid:case_id>/penyaluran")
@require("jaminan.read")
@blp.response(200, PenyaluranSchema(many=True))
@blp.paginate()
def list_penyaluran(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    case = services.get_kasus(session(), case_id)
    return paginate(services.penyaluran_query(case), pagination_parameters)
