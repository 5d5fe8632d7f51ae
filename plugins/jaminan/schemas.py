"""Schemas of the jaminan plugin: its regulation-profile parameters and its API bodies. Shape
only; what the law allows is judged by rules.py against the case's pinned profile."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.sdk import CaseSchema

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,62}$", error="Kode hanya huruf kecil, angka dan garis bawah.")
PROGRAMS = ("asuransi_kesejahteraan_sosial", "bantuan_langsung_berkelanjutan", "tunjangan_berkelanjutan")
TUNJANGAN = ("kesehatan", "hidup", "perumahan", "pendidikan")


class _Item(Schema):
    kode = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))


class _Kategori(_Item):
    kelompok = fields.String(required=True, validate=validate.OneOf(["a", "b"]))


def _codes(choices: tuple[str, ...] | None = None) -> fields.List:
    inner = fields.String(validate=validate.OneOf(choices)) if choices else fields.String(validate=CODE)
    return fields.List(inner, required=True, validate=validate.Length(min=1))


class JaminanProfileSchema(Schema):
    kategori_penerima = fields.List(fields.Nested(_Kategori), required=True, validate=validate.Length(min=1))
    program_kelompok_a = fields.List(fields.Nested(_Item), required=True)
    program_kelompok_b = fields.List(fields.Nested(_Item), required=True)
    ketergantungan_penuh = fields.List(fields.Nested(_Item), required=True, validate=validate.Length(min=1))
    penyaluran_tunai = _codes(("langsung", "melalui_pengasuh"))
    data_terpadu_wajib = fields.Boolean(required=True)
    tunjangan_pejuang_perintis = _codes(TUNJANGAN)
    tunjangan_keluarga_pahlawan = _codes(TUNJANGAN)
    hubungan_keluarga_pahlawan = _codes()
    besaran_maks = fields.Dict(
        keys=fields.String(validate=validate.OneOf(PROGRAMS)),
        values=fields.Integer(strict=True, validate=validate.Range(min=1)), required=True,
    )
    bukti_ketidakmampuan = fields.List(fields.Nested(_Item), required=True, validate=validate.Length(min=1))
    periode_bulan = fields.Dict(
        keys=fields.String(validate=validate.OneOf(PROGRAMS)),
        values=fields.Integer(strict=True, validate=validate.OneOf([1, 2, 3, 4, 6, 12])), required=True,
    )


class PengasuhSchema(Schema):
    """The carer through whom cash is paid (Pasal 12 ayat (2), penjelasan)."""

    nama = fields.String(required=True, validate=validate.Length(min=1, max=200))
    hubungan = fields.String(required=True, validate=validate.Length(min=2, max=100))
    nik = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9]{16}$", error="NIK terdiri atas 16 angka."))


class KetidakmampuanSchema(Schema):
    """The evidence of socio-economic inability of a group (a) applicant (Pasal 10 ayat (1) huruf a)."""

    jenis = fields.String(required=True, validate=CODE, metadata={"description": "jenis bukti dari profil (bukti_ketidakmampuan)"})
    keterangan = fields.String(required=True, validate=validate.Length(min=3, max=500),
                               metadata={"description": "mis. nomor dan penerbit surat, atau ringkasan asesmen"})
    tanggal = fields.Date(required=True)


class JaminanDataSchema(Schema):
    """`data` of a jaminan_sosial case."""

    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    kategori = fields.String(required=True, validate=CODE)
    ketergantungan = fields.String(load_default=None, allow_none=True, validate=CODE)
    penyaluran = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["langsung", "melalui_pengasuh"]))
    pengasuh = fields.Nested(PengasuhSchema, load_default=None, allow_none=True)
    jenis_tunjangan = fields.List(fields.String(validate=validate.OneOf(TUNJANGAN)), load_default=list, validate=validate.Length(max=4))
    hubungan_pahlawan = fields.String(load_default=None, allow_none=True, validate=CODE)
    ketidakmampuan = fields.Nested(KetidakmampuanSchema, load_default=None, allow_none=True,
                                   metadata={"description": "wajib bagi kelompok huruf a (Pasal 10 ayat (1) huruf a)"})

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: object) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("program") == "bantuan_langsung_berkelanjutan":
            if not data.get("penyaluran"):
                errors["penyaluran"] = ["Wajib diisi: langsung atau melalui_pengasuh."]
            if data.get("penyaluran") == "melalui_pengasuh" and not data.get("pengasuh"):
                errors["pengasuh"] = ["Pengasuh yang menerima uang wajib dicatat."]
        if data.get("program") == "tunjangan_berkelanjutan" and not data.get("jenis_tunjangan"):
            errors["jenis_tunjangan"] = ["Pilih paling sedikit satu jenis tunjangan."]
        if len(set(data.get("jenis_tunjangan") or [])) != len(data.get("jenis_tunjangan") or []):
            errors["jenis_tunjangan"] = ["Jenis tunjangan disebut lebih dari sekali."]
        if errors:
            raise ValidationError(errors)


class PermohonanJaminanSchema(Schema):
    person_id = fields.UUID(required=True)
    data = fields.Dict(required=True, metadata={"description": "program, kategori, dan keterangan menurut program"})


class KasusJaminanSchema(CaseSchema):
    class Meta:
        exclude = ("plugin", "subject_type", "household_id", "organization_id", "community_name")


class PenyaluranBodySchema(Schema):
    periode = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error="Periode ditulis TTTT-BB, mis. 2026-12."))
    jenis = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(TUNJANGAN), metadata={"description": "untuk tunjangan: jenis tunjangannya"})
    jumlah = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, error="Jumlah harus bilangan bulat rupiah lebih dari 0."))
    tanggal = fields.Date(required=True)


class PenyaluranSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    periode = fields.String()
    jenis = fields.String()
    jumlah = fields.Integer()
    tanggal = fields.Date()
    penerima = fields.String(metadata={"description": "langsung, atau nama pengasuh"})
    dicatat_oleh = fields.UUID()
    dicatat_pada = fields.DateTime()
