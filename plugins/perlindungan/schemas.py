"""Schemas of the perlindungan plugin: its regulation-profile parameters, the data of its case
types and its API bodies. Shape only; what the law allows is judged by rules.py against the
case's pinned profile."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.sdk import CaseSchema

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,62}$", error="Kode hanya huruf kecil, angka dan garis bawah.")
SIFAT = ("sementara", "berkelanjutan")
BENTUK_BANSOS = ("bantuan_langsung", "penyediaan_aksesibilitas", "penguatan_kelembagaan")
BENTUK_ADVOKASI = ("penyadaran_hak", "pembelaan", "pemenuhan_hak")
BENTUK_HUKUM = ("pembelaan", "konsultasi_hukum")
FORUM = ("dalam_pengadilan", "luar_pengadilan")
MAX_IDS = 1000


class _Item(Schema):
    kode = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))


class _JenisBantuan(_Item):
    rupiah = fields.Boolean(load_default=False, metadata={"description": "dicatat dengan nilai rupiah"})


class _KegiatanHukum(_Item):
    anak = fields.Boolean(load_default=False, metadata={"description": "pendampingan anak yang berhadapan dengan hukum"})


def _items(item: type[Schema] = _Item, choices: tuple[str, ...] | None = None) -> fields.List:
    def _known(values: list[dict[str, Any]]) -> None:
        codes = [v["kode"] for v in values]
        if len(set(codes)) != len(codes):
            raise ValidationError("Kode disebut lebih dari sekali.")
        if choices and not set(codes) <= set(choices):
            raise ValidationError(f"Kode yang dikenal: {', '.join(choices)}.")

    return fields.List(fields.Nested(item), required=True, validate=[validate.Length(min=1), _known])


def _codes(choices: tuple[str, ...] | None = None, min_: int = 1) -> fields.List:
    inner = fields.String(validate=validate.OneOf(choices)) if choices else fields.String(validate=CODE)
    return fields.List(inner, required=True, validate=validate.Length(min=min_))


class PerlindunganProfileSchema(Schema):
    jenis_kejadian = _items()
    sifat_bantuan_sosial = _codes(SIFAT)
    bentuk_bantuan_sosial = _items(choices=BENTUK_BANSOS)
    sementara_sampai_stabil = fields.Boolean(required=True)
    koordinasi_bnpb = _codes(min_=0)
    berkelanjutan_setelah_sementara = fields.Boolean(required=True)
    # set by the Minister on the regional government's recommendation (Pasal 29 ayat (6))
    kebutuhan_dasar_minimal = fields.Dict(keys=fields.String(), required=True, allow_none=True)
    jenis_bantuan_langsung = _items(_JenisBantuan)
    kegiatan_aksesibilitas = _items()
    kegiatan_penguatan_kelembagaan = _items()
    bentuk_advokasi = _items(choices=BENTUK_ADVOKASI)
    kegiatan_penyadaran_hak = _items()
    kegiatan_pembelaan = _items()
    kegiatan_pemenuhan_hak = _items()
    bentuk_bantuan_hukum = _items(choices=BENTUK_HUKUM)
    kegiatan_bantuan_hukum = _items(_KegiatanHukum)
    status_anak_berhadapan_hukum = _codes()
    usia_anak_maks = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=21))


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Kode disebut lebih dari sekali.")


# ---- case data ------------------------------------------------------------------------------


class BantuanSosialDataSchema(Schema):
    """`data` of a bantuan_sosial case (Pasal 29)."""

    kejadian_id = fields.UUID(required=True)
    sifat = fields.String(required=True, validate=validate.OneOf(SIFAT))
    bentuk = fields.String(required=True, validate=validate.OneOf(BENTUK_BANSOS))
    jenis = fields.List(fields.String(validate=CODE), required=True, validate=[validate.Length(min=1, max=20), _unique])
    keterangan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class SelesaiBantuanSchema(Schema):
    """Declaring a bantuan sosial finished: temporary aid when the situation is stable (Pasal 29
    ayat (3)), sustained aid when the minimum basic needs are met (Pasal 29 ayat (6))."""

    keterangan = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    keadaan_stabil = fields.Boolean(load_default=False)
    kebutuhan_dasar_terpenuhi = fields.Boolean(load_default=False)


class AdvokasiDataSchema(Schema):
    """`data` of an advokasi_sosial case (Pasal 33): whose rights were violated, which forms."""

    bentuk = fields.List(fields.String(validate=CODE), required=True, validate=[validate.Length(min=1, max=3), _unique])
    hak_dilanggar = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class BantuanHukumDataSchema(Schema):
    """`data` of a bantuan_hukum case (Pasal 35): the legal problem, in or out of court."""

    bentuk = fields.List(fields.String(validate=CODE), required=True, validate=[validate.Length(min=1, max=2), _unique])
    masalah_hukum = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    forum = fields.String(required=True, validate=validate.OneOf(FORUM))


class SelesaiKasusSchema(Schema):
    hasil = fields.String(required=True, validate=validate.Length(min=1, max=1000))


# ---- API bodies -----------------------------------------------------------------------------


class KejadianBodySchema(Schema):
    nama = fields.String(required=True, validate=validate.Length(min=2, max=300))
    jenis = fields.String(required=True, validate=CODE)
    tanggal_mulai = fields.Date(required=True)
    lokasi = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class KoordinasiBodySchema(Schema):
    tanggal = fields.Date(required=True)
    keterangan = fields.String(required=True, validate=validate.Length(min=5, max=500),
                               metadata={"description": "mis. rapat koordinasi dengan BNPB/BPBD, nomor surat"})


class TutupBodySchema(Schema):
    tanggal = fields.Date(required=True)
    keterangan = fields.String(required=True, validate=validate.Length(min=1, max=500))


class TerdampakBodySchema(Schema):
    person_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_IDS))
    household_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_IDS))

    @validates_schema
    def _some(self, data: dict[str, Any], **_: object) -> None:
        if not data.get("person_ids") and not data.get("household_ids"):
            raise ValidationError({"person_ids": ["Sebutkan paling sedikit satu orang atau keluarga."]})


class BantuanBodySchema(Schema):
    person_id = fields.UUID(load_default=None, allow_none=True)
    household_id = fields.UUID(load_default=None, allow_none=True)
    data = fields.Dict(required=True, metadata={"description": "kejadian_id, sifat, bentuk, jenis"})

    @validates_schema
    def _one_subject(self, data: dict[str, Any], **_: object) -> None:
        if bool(data.get("person_id")) == bool(data.get("household_id")):
            raise ValidationError({"person_id": ["Isi salah satu: person_id atau household_id."]})


class KasusBodySchema(Schema):
    case_type = fields.String(required=True, validate=validate.OneOf(["advokasi_sosial", "bantuan_hukum"]))
    person_id = fields.UUID(load_default=None, allow_none=True)
    household_id = fields.UUID(load_default=None, allow_none=True)
    community_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=300))
    data = fields.Dict(required=True)

    @validates_schema
    def _one_subject(self, data: dict[str, Any], **_: object) -> None:
        if sum(bool(data.get(k)) for k in ("person_id", "household_id", "community_name")) != 1:
            raise ValidationError({"person_id": ["Isi salah satu: person_id, household_id atau community_name."]})


class PenyaluranBantuanBodySchema(Schema):
    jenis = fields.String(required=True, validate=CODE)
    jumlah = fields.Integer(load_default=None, allow_none=True, strict=True,
                            validate=validate.Range(min=1, error="Jumlah harus bilangan bulat lebih dari 0."))
    satuan = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40))
    nilai_rupiah = fields.Integer(load_default=None, allow_none=True, strict=True,
                                  validate=validate.Range(min=1, error="Nilai harus bilangan bulat rupiah lebih dari 0."))
    tanggal = fields.Date(required=True)

    @validates_schema
    def _amount(self, data: dict[str, Any], **_: object) -> None:
        if data.get("jumlah") is None and data.get("nilai_rupiah") is None:
            raise ValidationError({"jumlah": ["Isi jumlah (dengan satuan) atau nilai_rupiah."]})
        if data.get("jumlah") is not None and not data.get("satuan"):
            raise ValidationError({"satuan": ["Satuan jumlah wajib diisi, mis. paket, kg, orang."]})


class KegiatanPerlindunganBodySchema(Schema):
    kegiatan = fields.String(required=True, validate=CODE)
    tanggal = fields.Date(required=True)
    uraian = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    status_anak = fields.String(load_default=None, allow_none=True, validate=CODE,
                                metadata={"description": "untuk pendampingan anak yang berhadapan dengan hukum"})


# ---- API output -----------------------------------------------------------------------------


class KasusPerlindunganSchema(CaseSchema):
    class Meta:
        exclude = ("plugin", "organization_id")


class KejadianSchema(Schema):
    id = fields.UUID()
    nama = fields.String()
    jenis = fields.String()
    tanggal_mulai = fields.Date()
    lokasi = fields.String(allow_none=True)
    status = fields.String()
    koordinasi_bnpb_tanggal = fields.Date(allow_none=True)
    koordinasi_bnpb_keterangan = fields.String(allow_none=True)
    ditutup_tanggal = fields.Date(allow_none=True)
    ditutup_keterangan = fields.String(allow_none=True)
    dicatat_pada = fields.DateTime()


class TerdampakSchema(Schema):
    id = fields.UUID()
    kejadian_id = fields.UUID()
    person_id = fields.UUID(allow_none=True)
    household_id = fields.UUID(allow_none=True)


class TerdampakHasilSchema(Schema):
    ditambahkan = fields.Integer()
    sudah_ada = fields.Integer()


class PenyaluranBantuanSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    kejadian_id = fields.UUID()
    sifat = fields.String()
    jenis = fields.String()
    jumlah = fields.Integer(allow_none=True)
    satuan = fields.String(allow_none=True)
    nilai_rupiah = fields.Integer(allow_none=True)
    tanggal = fields.Date()
    penerima = fields.String()
    dicatat_oleh = fields.UUID()
    dicatat_pada = fields.DateTime()


class KegiatanPerlindunganSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    bentuk = fields.String()
    kegiatan = fields.String()
    tanggal = fields.Date()
    uraian = fields.String()
    status_anak = fields.String(allow_none=True)
    dicatat_oleh = fields.UUID()
    dicatat_pada = fields.DateTime()
