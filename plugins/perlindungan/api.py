"""The perlindungan API, mounted by the kernel at /api/v1/tenants/<tenant>/perlindungan."""
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

from . import rules, services
from .schemas import (
    BantuanBodySchema,
    KasusBodySchema,
    KasusPerlindunganSchema,
    KegiatanPerlindunganBodySchema,
    KegiatanPerlindunganSchema,
    KejadianBodySchema,
    KejadianSchema,
    KoordinasiBodySchema,
    PenyaluranBantuanBodySchema,
    PenyaluranBantuanSchema,
    TerdampakBodySchema,
    TerdampakHasilSchema,
    TerdampakSchema,
    TutupBodySchema,
)
from .workflow import STAGE_LABELS

blp = Blueprint("perlindungan", __name__, url_prefix="", description="Perlindungan sosial (PP 39/2012 Pasal 28–36)")

KASUS_TYPES = (rules.ADVOKASI_SOSIAL, rules.BANTUAN_HUKUM)


class KejadianQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["berlangsung", "ditutup"]))


class BantuanQuerySchema(Schema):
    stage = fields.String(validate=validate.OneOf(list(STAGE_LABELS)))
    kejadian_id = fields.UUID()


class KasusQuerySchema(Schema):
    case_type = fields.String(validate=validate.OneOf(KASUS_TYPES))
    stage = fields.String(validate=validate.OneOf(list(STAGE_LABELS)))


# ---- kejadian -------------------------------------------------------------------------------


@blp.get("/kejadian")
@require("perlindungan.read")
@blp.arguments(KejadianQuerySchema, location="query")
@blp.response(200, KejadianSchema(many=True))
@blp.paginate()
def list_kejadian(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Kejadian (bencana, krisis) yang ditangani."""
    return paginate(services.kejadian_query(**query), pagination_parameters)


@blp.post("/kejadian")
@require("perlindungan.write")
@blp.arguments(KejadianBodySchema)
@blp.response(201, KejadianSchema)
def add_kejadian(body: dict[str, Any]) -> Any:
    """Catat kejadian yang menimbulkan guncangan dan kerentanan sosial (Pasal 28 ayat (2))."""
    return services.catat_kejadian(session(), kernel(), current_tenant(), body, current_user().id)


@blp.get("/kejadian/<uuid:kejadian_id>")
@require("perlindungan.read")
@blp.response(200, KejadianSchema)
def show_kejadian(kejadian_id: uuid.UUID) -> Any:
    return services.get_kejadian(session(), kejadian_id)


@blp.post("/kejadian/<uuid:kejadian_id>/koordinasi-bnpb")
@require("perlindungan.write")
@blp.arguments(KoordinasiBodySchema)
@blp.response(200, KejadianSchema)
def add_koordinasi(body: dict[str, Any], kejadian_id: uuid.UUID) -> Any:
    """Catat koordinasi dengan Badan Nasional Penanggulangan Bencana (Pasal 29 ayat (4))."""
    return services.catat_koordinasi(session(), services.get_kejadian(session(), kejadian_id), body)


@blp.post("/kejadian/<uuid:kejadian_id>/tutup")
@require("perlindungan.write")
@blp.arguments(TutupBodySchema)
@blp.response(200, KejadianSchema)
def close_kejadian(body: dict[str, Any], kejadian_id: uuid.UUID) -> Any:
    """Tutup kejadian: sesudahnya tidak ada penyaluran, penerima atau bantuan baru."""
    return services.tutup_kejadian(session(), services.get_kejadian(session(), kejadian_id), body)


@blp.post("/kejadian/<uuid:kejadian_id>/terdampak")
@require("perlindungan.write")
@blp.arguments(TerdampakBodySchema)
@blp.response(201, TerdampakHasilSchema)
def add_terdampak(body: dict[str, Any], kejadian_id: uuid.UUID) -> Any:
    """Catat sekaligus orang dan keluarga terdampak dari data kabupaten/kota ini; satu id yang
    tidak dikenal menolak seluruh permintaan (422, menyebut id-nya) dan tidak ada yang dicatat."""
    return services.tambah_terdampak(session(), services.get_kejadian(session(), kejadian_id), body)


@blp.get("/kejadian/<uuid:kejadian_id>/terdampak")
@require("perlindungan.read")
@blp.response(200, TerdampakSchema(many=True))
@blp.paginate()
def list_terdampak(kejadian_id: uuid.UUID, pagination_parameters: Any) -> Any:
    return paginate(services.terdampak_query(services.get_kejadian(session(), kejadian_id)), pagination_parameters)


@blp.get("/kejadian/<uuid:kejadian_id>/penyaluran")
@require("perlindungan.read")
@blp.response(200, PenyaluranBantuanSchema(many=True))
@blp.paginate()
def list_penyaluran_kejadian(kejadian_id: uuid.UUID, pagination_parameters: Any) -> Any:
    """Buku penyaluran kejadian: apa yang diterima siapa, berapa, kapan."""
    return paginate(services.penyaluran_query(kejadian=services.get_kejadian(session(), kejadian_id)), pagination_parameters)


# ---- bantuan sosial -------------------------------------------------------------------------


@blp.get("/bantuan")
@require("perlindungan.read")
@blp.arguments(BantuanQuerySchema, location="query")
@blp.response(200, KasusPerlindunganSchema(many=True))
@blp.paginate()
def list_bantuan(query: dict[str, Any], pagination_parameters: Any) -> Any:
    return paginate(services.kasus_query((rules.BANTUAN_SOSIAL,), **query), pagination_parameters)


@blp.post("/bantuan")
@require("perlindungan.write")
@blp.arguments(BantuanBodySchema)
@blp.response(201, KasusPerlindunganSchema)
def add_bantuan(body: dict[str, Any]) -> Any:
    """Beri bantuan sosial sementara atau berkelanjutan (Pasal 29–32) kepada orang atau keluarga
    terdampak suatu kejadian; penolakan menyebut pasalnya."""
    case = services.beri_bantuan(session(), kernel(), current_tenant(), body, current_user().id)
    return case, {"ETag": etag(case.version)}


@blp.get("/bantuan/<uuid:case_id>")
@require("perlindungan.read")
@blp.response(200, KasusPerlindunganSchema)
def show_bantuan(case_id: uuid.UUID) -> Any:
    case = services.get_kasus(session(), case_id, rules.BANTUAN_SOSIAL)
    return case, {"ETag": etag(case.version)}


@blp.post("/bantuan/<uuid:case_id>/penyaluran")
@require("perlindungan.write")
@blp.arguments(PenyaluranBantuanBodySchema)
@blp.response(201, PenyaluranBantuanSchema)
def add_penyaluran(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat satu penyaluran: jenis, jumlah dengan satuan atau nilai rupiah, tanggal."""
    case = services.get_kasus(session(), case_id, rules.BANTUAN_SOSIAL)
    return services.salurkan(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.get("/bantuan/<uuid:case_id>/penyaluran")
@require("perlindungan.read")
@blp.response(200, PenyaluranBantuanSchema(many=True))
@blp.paginate()
def list_penyaluran(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    return paginate(services.penyaluran_query(case=services.get_kasus(session(), case_id, rules.BANTUAN_SOSIAL)), pagination_parameters)


# ---- advokasi sosial and bantuan hukum ------------------------------------------------------


@blp.get("/kasus")
@require("perlindungan.read")
@blp.arguments(KasusQuerySchema, location="query")
@blp.response(200, KasusPerlindunganSchema(many=True))
@blp.paginate()
def list_kasus(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Kasus advokasi sosial dan bantuan hukum."""
    types = (query["case_type"],) if query.get("case_type") else KASUS_TYPES
    return paginate(services.kasus_query(types, stage=query.get("stage")), pagination_parameters)


@blp.post("/kasus")
@require("perlindungan.write")
@blp.arguments(KasusBodySchema)
@blp.response(201, KasusPerlindunganSchema)
def add_kasus(body: dict[str, Any]) -> Any:
    """Buka kasus advokasi sosial (Pasal 33–34) atau bantuan hukum (Pasal 35–36)."""
    case = services.buka_kasus(session(), kernel(), current_tenant(), body, current_user().id)
    return case, {"ETag": etag(case.version)}


@blp.get("/kasus/<uuid:case_id>")
@require("perlindungan.read")
@blp.response(200, KasusPerlindunganSchema)
def show_kasus(case_id: uuid.UUID) -> Any:
    case = services.get_kasus(session(), case_id, *KASUS_TYPES)
    return case, {"ETag": etag(case.version)}


@blp.post("/kasus/<uuid:case_id>/kegiatan")
@require("perlindungan.write")
@blp.arguments(KegiatanPerlindunganBodySchema)
@blp.response(201, KegiatanPerlindunganSchema)
def add_kegiatan(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Catat kegiatan kasus menurut profil (Pasal 34, Pasal 36), termasuk pendampingan anak yang
    berhadapan dengan hukum (Pasal 36 huruf f)."""
    case = services.get_kasus(session(), case_id, *KASUS_TYPES)
    return services.catat_kegiatan(session(), kernel(), current_tenant(), case, body, current_user().id)


@blp.get("/kasus/<uuid:case_id>/kegiatan")
@require("perlindungan.read")
@blp.response(200, KegiatanPerlindunganSchema(many=True))
@blp.paginate()
def list_kegiatan(case_id: uuid.UUID, pagination_parameters: Any) -> Any:
    return paginate(services.kegiatan_query(services.get_kasus(session(), case_id, *KASUS_TYPES)), pagination_parameters)
