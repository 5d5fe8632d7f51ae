"""Routes of foreign LKS and of sanctions, on the LKS blueprint (see api.py)."""
from __future__ import annotations

import uuid
from typing import Any

from flask import request
from sqlalchemy import select

from core.sdk import (
    Organization,
    accepts_upload,
    current_tenant,
    current_user,
    kernel,
    paginate,
    require,
    session,
    tenant_profile,
)

from . import asing, cetak, dokumen, sanksi
from .access import get_lembaga
from .api import _html, blp, scope
from .models import Lembaga, Pelanggaran, Sanksi
from .schemas import (
    CariSchema,
    DendaSchema,
    IzinFormSchema,
    IzinSchema,
    IzinTeknisSchema,
    LaporanFormSchema,
    LaporanSchema,
    LembagaAsingBodySchema,
    LembagaAsingDetailSchema,
    LembagaSchema,
    PelanggaranBodySchema,
    PelanggaranSchema,
    PencabutanSchema,
    SanksiQuerySchema,
    SanksiSchema,
    SanksiTidakTerdaftarSchema,
)


def _detail_asing(organization_id: uuid.UUID) -> Any:
    org, lembaga = get_lembaga(session(), organization_id, scope(), asing=True)
    return asing.detail(session(), kernel(), current_tenant(), org, lembaga)


@blp.get("/asing")
@require("lks.read")
@blp.arguments(CariSchema, location="query")
@blp.response(200, LembagaSchema(many=True))
@blp.paginate()
def list_asing(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """LKS Asing yang tercatat."""
    from .lembaga import query as lembaga_query, row_out

    stmt = lembaga_query(scope(), query.get("q")).where(Lembaga.asing.is_(True))
    return [row_out(*row) for row in paginate(stmt, pagination_parameters, rows=True)]


@blp.post("/asing")
@require("lks.proses")
@blp.arguments(LembagaAsingBodySchema)
@blp.response(201, LembagaAsingDetailSchema)
def add_asing(body: dict[str, Any]) -> Any:
    """Catat LKS Asing: berbadan hukum, dari negara yang memiliki hubungan diplomatik dengan
    Indonesia (PP 39/2012 Pasal 59 ayat (1))."""
    org = asing.catat(session(), kernel(), current_tenant(), body)
    return _detail_asing(org.id)


@blp.get("/asing/<uuid:organization_id>")
@require("lks.read")
@blp.response(200, LembagaAsingDetailSchema)
def show_asing(organization_id: uuid.UUID) -> Any:
    """LKS Asing dengan izinnya, periode laporan, pelanggaran dan posisinya pada tangga sanksi."""
    return _detail_asing(organization_id)


@blp.post("/asing/<uuid:organization_id>/izin")
@require("lks.proses")
@accepts_upload(files=6)
@blp.arguments(IzinFormSchema, location="form", content_type="multipart/form-data")
@blp.response(201, IzinSchema)
def add_izin(form: dict[str, Any], organization_id: uuid.UUID) -> Any:
    """Catat izin menteri luar negeri (Pasal 59 ayat (2)–(3)) atau izin operasional Menteri Sosial
    (ayat (4)–(7)) dengan dokumennya, atau penolakan tertulisnya (ayat (8))."""
    org, _ = get_lembaga(session(), organization_id, scope(), asing=True)
    uploads = {name: f for name, f in request.files.items() if getattr(f, "filename", None)}
    izin = asing.catat_izin(session(), kernel(), current_tenant(), org, form, uploads, current_user().id)
    return _izin_out(izin)


@blp.post("/asing/<uuid:organization_id>/izin-teknis")
@require("lks.proses")
@blp.arguments(IzinTeknisSchema)
@blp.response(201, IzinSchema)
def add_izin_teknis(body: dict[str, Any], organization_id: uuid.UUID) -> Any:
    """Beri izin teknis bupati/walikota — hanya setelah ada izin operasional yang berlaku
    (PP 39/2012 Pasal 61)."""
    org, lembaga = get_lembaga(session(), organization_id, scope(), asing=True)
    izin = asing.terbitkan_izin_teknis(session(), kernel(), current_tenant(), org, lembaga, body, current_user().id)
    return _izin_out(izin)


@blp.post("/asing/<uuid:organization_id>/laporan")
@require("lks.ajukan")
@accepts_upload(files=1)
@blp.arguments(LaporanFormSchema, location="form", content_type="multipart/form-data")
@blp.response(201, LaporanSchema)
def add_laporan(form: dict[str, Any], organization_id: uuid.UUID) -> Any:
    """Sampaikan laporan kegiatan berkala dengan dokumennya (PP 39/2012 Pasal 62); laporan
    menghentikan sanksi atas periode itu."""
    org, lembaga = get_lembaga(session(), organization_id, scope(), asing=True)
    laporan = asing.laporkan(session(), kernel(), current_tenant(), org, lembaga, form, dokumen.Berkas.of(request.files.get("berkas")), current_user().id)
    from .pendaftaran import dokumen_out

    docs = dokumen.of(session(), laporan_ids=[laporan.id])
    return {c: getattr(laporan, c) for c in ("id", "periode_ke", "periode_mulai", "periode_selesai", "tanggal_diterima", "ringkasan")} | {
        "dokumen": [dokumen_out(d, {}) for d in docs]
    }


@blp.post("/asing/<uuid:organization_id>/pelanggaran")
@require("lks.proses")
@blp.arguments(PelanggaranBodySchema)
@blp.response(201, PelanggaranSchema)
def add_pelanggaran(body: dict[str, Any], organization_id: uuid.UUID) -> Any:
    """Catat LKS Asing yang beroperasi tanpa izin operasional atau izin teknis (PP 39/2012 Pasal 65
    ayat (2)); tangga sanksi Pasal 66–68 berjalan sejak hari ini."""
    org, _ = get_lembaga(session(), organization_id, scope(), asing=True)
    pl = asing.catat_pelanggaran(session(), kernel(), current_tenant(), org, body, current_user().id)
    return _pelanggaran_out(pl, org)


@blp.post("/lembaga/<uuid:organization_id>/sanksi")
@require("lks.proses")
@blp.arguments(SanksiTidakTerdaftarSchema)
@blp.response(201, SanksiSchema)
def add_sanksi_tidak_terdaftar(body: dict[str, Any], organization_id: uuid.UUID) -> Any:
    """Peringatan tertulis atau penghentian sementara bagi LKS yang tidak mendaftar (PP 39/2012
    Pasal 65 ayat (1))."""
    org, lembaga = get_lembaga(session(), organization_id, scope())
    s = sanksi.sanksi_tidak_terdaftar(session(), kernel(), current_tenant(), org, lembaga, body, current_user().id)
    return _sanksi_out(s)


@blp.get("/sanksi")
@require("lks.read")
@blp.arguments(SanksiQuerySchema, location="query")
@blp.response(200, SanksiSchema(many=True))
@blp.paginate()
def list_sanksi(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Sanksi yang dikenakan, terbaru dahulu (operator LKS: hanya lembaganya)."""
    sc = scope()
    stmt = (
        select(Sanksi, Pelanggaran, Organization)
        .join(Pelanggaran, (Pelanggaran.id == Sanksi.pelanggaran_id) & (Pelanggaran.tenant_id == Sanksi.tenant_id))
        .join(Organization, (Organization.id == Sanksi.organization_id) & (Organization.tenant_id == Sanksi.tenant_id))
        .order_by(Sanksi.tanggal.desc(), Sanksi.urutan.desc(), Sanksi.id)
    )
    if not sc.semua:
        stmt = stmt.where(Sanksi.organization_id == (sc.organization_id or uuid.UUID(int=0)))
    if query.get("organization_id"):
        stmt = stmt.where(Sanksi.organization_id == query["organization_id"])
    if query.get("langkah"):
        stmt = stmt.where(Sanksi.langkah == query["langkah"])
    profile = tenant_profile(session(), kernel(), current_tenant(), "lks")
    return [asing.sanksi_out(profile, s, pl, org) for s, pl, org in paginate(stmt, pagination_parameters, rows=True)]


@blp.get("/sanksi/<uuid:sanksi_id>/dokumen")
@require("lks.read")
@blp.response(200, description="Surat sanksi siap cetak (HTML)", content_type="text/html")
def sanksi_dokumen(sanksi_id: uuid.UUID) -> Any:
    """Surat sanksi: lembaga, pelanggaran, langkah sanksi dan pasalnya."""
    s, pl = sanksi.get_sanksi(session(), sanksi_id, scope())
    return _html(cetak.surat_sanksi(session(), kernel(), current_tenant(), s, pl))


@blp.put("/sanksi/<uuid:sanksi_id>/denda")
@require("lks.proses")
@blp.arguments(DendaSchema)
@blp.response(200, SanksiSchema)
def put_denda(body: dict[str, Any], sanksi_id: uuid.UUID) -> Any:
    """Tetapkan besaran denda administratif: paling banyak Rp50.000.000 tanpa izin (Pasal 65
    ayat (3)), Rp100.000.000 tidak melapor (ayat (5))."""
    s, pl = sanksi.get_sanksi(session(), sanksi_id, scope())
    sanksi.tetapkan_denda(session(), kernel(), current_tenant(), s, pl, body["jumlah"], current_user().id)
    return _sanksi_out(s)


@blp.post("/pelanggaran/<uuid:pelanggaran_id>/pencabutan")
@require("lks.proses")
@blp.arguments(PencabutanSchema)
@blp.response(201, SanksiSchema)
def cabut(body: dict[str, Any], pelanggaran_id: uuid.UUID) -> Any:
    """Cabut izin LKS Asing yang tidak melaporkan kegiatannya (PP 39/2012 Pasal 65 ayat (4) huruf d),
    setelah denda administratif."""
    pl = sanksi.get_pelanggaran(session(), pelanggaran_id, scope())
    s = sanksi.cabut_izin(session(), kernel(), current_tenant(), pl, body["uraian"], current_user().id)
    return _sanksi_out(s)


def _izin_out(izin: Any) -> dict[str, Any]:
    from .pendaftaran import dokumen_out

    cols = ("id", "jenis", "keputusan", "nomor", "tanggal", "berlaku_mulai", "berlaku_sampai", "penerbit", "alasan", "dicabut_pada")
    # the documents named as the profile names them, as in the LKS's detail
    labels = asing.dokumen_labels(tenant_profile(session(), kernel(), current_tenant(), "lks"))
    return {c: getattr(izin, c) for c in cols} | {"dokumen": [dokumen_out(d, labels) for d in dokumen.of(session(), izin_ids=[izin.id])]}


def _sanksi_out(s: Sanksi) -> dict[str, Any]:
    from core.sdk import get_owned

    pl = get_owned(session(), Pelanggaran, s.pelanggaran_id)
    org = get_owned(session(), Organization, s.organization_id)
    return asing.sanksi_out(tenant_profile(session(), kernel(), current_tenant(), "lks"), s, pl, org)


def _pelanggaran_out(pl: Pelanggaran, org: Any) -> dict[str, Any]:
    from core.sdk import tenant_calendar

    steps = list(session().scalars(select(Sanksi).where(Sanksi.pelanggaran_id == pl.id).order_by(Sanksi.urutan)))
    profile = tenant_profile(session(), kernel(), current_tenant(), "lks")
    return asing.pelanggaran_out(profile, tenant_calendar(session(), current_tenant()), pl, org, steps)
