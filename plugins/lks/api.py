"""The LKS API, mounted by the kernel at /api/v1/tenants/<tenant>/lks.

Thin views: check the permission (before the body is read), parse, call a service, return. The
kernel commits the request's transaction, or rolls it back on any error — an uploaded file of a
failed request is deleted with it.
"""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request

from core.sdk import (
    Blueprint,
    accepts_upload,
    advance_case,
    current_roles,
    current_tenant,
    current_user,
    etag,
    expected_version,
    kernel,
    paginate,
    public,
    require,
    session,
)

from . import cetak, dokumen, pendaftaran, penomoran
from .access import lingkup
from .schemas import (
    CariSchema,
    LembagaBodySchema,
    LembagaSchema,
    LengkapSchema,
    OperatorBodySchema,
    PendaftaranDetailSchema,
    PendaftaranQuerySchema,
    PendaftaranSchema,
    PengaturanSchema,
    PeringatanQuerySchema,
    PeringatanJatuhTempoSchema,
    PermohonanSchema,
    RegisterPublikSchema,
    TerbitkanSchema,
    UnggahSchema,
)

blp = Blueprint("lks", __name__, url_prefix="", description="Pendaftaran dan perizinan Lembaga Kesejahteraan Sosial (PP 39/2012 Pasal 57–68)")


def scope() -> Any:
    return lingkup(session(), current_user().id, current_roles())


def _detail(case_id: uuid.UUID) -> Any:
    case, p = pendaftaran.get_pendaftaran(session(), case_id, scope())
    return pendaftaran.detail(session(), kernel(), current_tenant(), case, p), {"ETag": etag(case.version)}


# -- registration --------------------------------------------------------------------------------


@blp.get("/pendaftaran")
@require("lks.read")
@blp.arguments(PendaftaranQuerySchema, location="query")
@blp.response(200, PendaftaranSchema(many=True))
@blp.paginate()
def list_pendaftaran(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Permohonan pendaftaran LKS (operator LKS: hanya lembaganya sendiri), dengan jatuh tempo
    tanda pendaftaran dan tanda terlambat."""
    stmt = pendaftaran.query(scope(), query.get("stage"), query.get("terlambat"))
    return [pendaftaran.out(*row) for row in paginate(stmt, pagination_parameters, rows=True)]


@blp.post("/pendaftaran")
@require("lks.ajukan")
@blp.arguments(PermohonanSchema)
@blp.response(201, PendaftaranDetailSchema)
def add_pendaftaran(body: dict[str, Any]) -> Any:
    """Ajukan pendaftaran LKS (PP 39/2012 Pasal 57) — tanpa biaya. Lembaga yang wilayah kerjanya
    melampaui kabupaten/kota ini dicatat lalu dirujuk ke provinsi atau kementerian."""
    case = pendaftaran.ajukan(session(), kernel(), current_tenant(), body, scope(), current_user().id)
    return _detail(case.id)


@blp.get("/pendaftaran/<uuid:case_id>")
@require("lks.read")
@blp.response(200, PendaftaranDetailSchema)
def show_pendaftaran(case_id: uuid.UUID) -> Any:
    """Permohonan dengan daftar persyaratan, dokumen, jatuh tempo dan peringatannya."""
    return _detail(case_id)


@blp.post("/pendaftaran/<uuid:case_id>/dokumen")
@require("lks.ajukan")
@accepts_upload(files=1)
@blp.arguments(UnggahSchema, location="form", content_type="multipart/form-data")
@blp.response(201, PendaftaranDetailSchema)
def add_dokumen(form: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Unggah satu lampiran permohonan (PP 39/2012 Pasal 57 ayat (3)): PDF, JPEG atau PNG,
    sekali per jenis dokumen."""
    case, p = pendaftaran.get_pendaftaran(session(), case_id, scope())
    berkas = dokumen.Berkas.of(request.files.get("berkas"))
    pendaftaran.unggah(session(), kernel(), current_tenant(), case, p, form["jenis"], berkas, current_user().id)
    return _detail(case_id)


@blp.post("/pendaftaran/<uuid:case_id>/lengkap")
@require("lks.proses")
@blp.arguments(LengkapSchema)
@blp.response(200, PendaftaranDetailSchema)
def declare_lengkap(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Nyatakan persyaratan lengkap (wajib If-Match). Ditolak, dengan daftar dokumen yang belum
    ada, selama lampiran wajib belum lengkap; sejak tanggal itu tanda pendaftaran jatuh tempo
    dalam 14 hari kerja (PP 39/2012 Pasal 58)."""
    case, _ = pendaftaran.get_pendaftaran(session(), case_id, scope())
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in body.items() if v is not None}
    advance_case(session(), kernel(), current_tenant(), case, to_stage="lengkap", data=data, expected_version=expected_version(case.version), actor_id=current_user().id)
    return _detail(case_id)


@blp.post("/pendaftaran/<uuid:case_id>/terbitkan")
@require("lks.proses")
@blp.arguments(TerbitkanSchema)
@blp.response(200, PendaftaranDetailSchema)
def terbitkan(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Terbitkan tanda pendaftaran (wajib If-Match): nomor unik menurut format kabupaten/kota."""
    case, _ = pendaftaran.get_pendaftaran(session(), case_id, scope())
    data = {k: v for k, v in body.items() if v is not None}
    advance_case(session(), kernel(), current_tenant(), case, to_stage="terdaftar", data=data, expected_version=expected_version(case.version), actor_id=current_user().id)
    return _detail(case_id)


@blp.get("/pendaftaran/<uuid:case_id>/tanda-pendaftaran")
@require("lks.read")
@blp.response(200, description="Tanda pendaftaran siap cetak (HTML)", content_type="text/html")
def tanda_pendaftaran(case_id: uuid.UUID) -> Response:
    """Tanda pendaftaran siap cetak, dengan dasar hukumnya."""
    case, p = pendaftaran.get_pendaftaran(session(), case_id, scope())
    return _html(cetak.tanda_pendaftaran(session(), kernel(), current_tenant(), case, p))


@blp.get("/dokumen/<uuid:dokumen_id>/berkas")
@require("lks.read")
@blp.response(200, description="Berkas dokumen")
def download_dokumen(dokumen_id: uuid.UUID) -> Response:
    """Unduh berkas dokumen (operator LKS: hanya dokumen lembaganya)."""
    d = dokumen.get_dokumen(session(), dokumen_id, scope())
    response = Response(dokumen.buka(kernel(), d), content_type=d.media_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{d.nama_berkas}"'
    response.headers["X-Content-SHA256"] = d.sha256
    return response


# -- institutions and operators ------------------------------------------------------------------


@blp.get("/lembaga")
@require("lks.read")
@blp.arguments(CariSchema, location="query")
@blp.response(200, LembagaSchema(many=True))
@blp.paginate()
def list_lembaga(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """LKS yang tercatat (operator LKS: hanya lembaganya sendiri)."""
    from . import lembaga

    return [lembaga.row_out(*row) for row in paginate(lembaga.query(scope(), query.get("q")), pagination_parameters, rows=True)]


@blp.post("/lembaga")
@require("lks.proses")
@blp.arguments(LembagaBodySchema)
@blp.response(201, LembagaSchema)
def add_lembaga(body: dict[str, Any]) -> Any:
    """Catat LKS tanpa permohonan — mis. lembaga yang ditemukan beroperasi tanpa mendaftar, agar
    dapat diberi peringatan tertulis atau penghentian sementara (PP 39/2012 Pasal 65 ayat (1))."""
    from . import lembaga

    org, _ = pendaftaran.catat_lembaga(session(), body, within=None)
    return lembaga.show(session(), org.id, scope())


@blp.get("/lembaga/<uuid:organization_id>")
@require("lks.read")
@blp.response(200, LembagaSchema)
def show_lembaga(organization_id: uuid.UUID) -> Any:
    from . import lembaga

    return lembaga.show(session(), organization_id, scope())


@blp.put("/lembaga/<uuid:organization_id>/operator")
@require("lks.proses")
@blp.arguments(OperatorBodySchema)
@blp.response(200, LembagaSchema)
def put_operator(body: dict[str, Any], organization_id: uuid.UUID) -> Any:
    """Tautkan pengguna berperan Operator LKS pada lembaga ini (satu operator, satu lembaga)."""
    from . import lembaga

    found = lembaga.show(session(), organization_id, scope())
    pendaftaran.link_operator(session(), current_tenant(), organization_id, body["user_id"])
    return found


# -- warnings and settings -----------------------------------------------------------------------


@blp.get("/peringatan")
@require("lks.proses")
@blp.arguments(PeringatanQuerySchema, location="query")
@blp.response(200, PeringatanJatuhTempoSchema(many=True))
@blp.paginate()
def list_peringatan(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Peringatan jatuh tempo tanda pendaftaran (untuk_saya: yang ditujukan kepada saya)."""
    from .jobs import peringatan_query

    return paginate(peringatan_query(current_user().id if query["untuk_saya"] else None), pagination_parameters)


@blp.get("/pengaturan")
@require("lks.proses")
@blp.response(200, PengaturanSchema)
def show_pengaturan() -> Any:
    return {"format_nomor": penomoran.format_nomor(session())}


@blp.put("/pengaturan")
@require("lks.pengaturan")
@blp.arguments(PengaturanSchema)
@blp.response(200, PengaturanSchema)
def put_pengaturan(body: dict[str, Any]) -> Any:
    """Format nomor tanda pendaftaran kabupaten/kota ini, mis. {urut:04d}/LKS/{kode_wilayah}/{tahun}."""
    return penomoran.set_format(session(), current_tenant(), body["format_nomor"], current_user().id)


# -- the public register -------------------------------------------------------------------------


@blp.get("/publik/terdaftar")
@public
@blp.doc(security=[])
@blp.arguments(CariSchema, location="query")
@blp.response(200, RegisterPublikSchema(many=True))
@blp.paginate()
def register_publik(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar LKS yang terdaftar di kabupaten/kota ini, terbuka untuk umum tanpa masuk: nama,
    nomor dan tanggal tanda pendaftaran, wilayah kerja — tanpa data pribadi."""
    from .lembaga import wilayah_out

    rows = paginate(pendaftaran.register_publik(query.get("q")), pagination_parameters, rows=True)
    return [
        {"nama": r.nama, "nomor_tanda_pendaftaran": r.nomor, "tanggal_terbit": r.tanggal_terbit, "wilayah_kerja": wilayah_out(r.wilayah_kerja)}
        for r in rows
    ]


def _html(body: str) -> Response:
    response = Response(body, content_type="text/html; charset=utf-8")
    # A printable page of our own: no scripts, no external anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


from . import api_asing  # noqa: E402,F401  (the foreign-LKS routes on the same blueprint)
