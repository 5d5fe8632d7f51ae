"""Schemas of the rehabilitasi plugin: its regulation-profile parameters and its API bodies."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

# The seven stages are fixed by the law itself (PP 39/2012 Pasal 7 ayat (2); Perbup Balangan
# 61/2017 Pasal 18 ayat (1)); a profile may relabel them but not reorder or replace them.
STAGES = (
    "pendekatan_awal",
    "pengungkapan_pemahaman_masalah",
    "penyusunan_rencana",
    "pemecahan_masalah",
    "resosialisasi",
    "terminasi",
    "bimbingan_lanjut",
)
TEMPAT = ("dalam_lembaga", "luar_lembaga")
PEMBERIAN_DI_LUAR = ("keluarga", "masyarakat")
HASIL_TERMINASI = ("berhasil", "sebagian_berhasil", "tidak_berhasil", "dirujuk", "mengundurkan_diri", "meninggal_dunia")
EDUCATION_ORDER = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,62}$", error="Kode hanya huruf kecil, angka dan garis bawah.")


# -- profile parameters -----------------------------------------------------------------------


class _Item(Schema):
    kode = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    ayat = fields.Raw(load_default=None)
    huruf = fields.String(load_default=None)


class _Bounds(Schema):
    min = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    max = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if data["min"] > data["max"]:
            raise ValidationError("min tidak boleh lebih dari max", "min")


class _Pelaksana(Schema):
    """PP 39/2012 Pasal 8: carried out by a certified and licensed Pekerja Sosial Profesional."""

    wajib = fields.Boolean(required=True)
    sertifikat_wajib = fields.Boolean(required=True)
    izin_praktik_wajib = fields.Boolean(required=True)


class _KualifikasiPeksos(Schema):
    """Perbup Balangan Pasal 27: at least S1 or D-IV in social work (and a certificate)."""

    pendidikan = fields.List(fields.String(validate=validate.OneOf(EDUCATION_ORDER)), required=True, validate=validate.Length(min=1))
    bidang = fields.List(fields.String(validate=validate.Length(min=3, max=100)), required=True, validate=validate.Length(min=1))


class _KualifikasiTks(Schema):
    """Perbup Balangan Pasal 28: at least SMA in social work/welfare, or any bachelor's degree."""

    pendidikan_minimum = fields.String(required=True, validate=validate.OneOf(EDUCATION_ORDER))
    bidang_jika_di_bawah_sarjana = fields.List(fields.String(validate=validate.Length(min=3, max=100)), required=True)


class _Laporan(Schema):
    periode = fields.String(required=True, validate=validate.OneOf(["tahun_anggaran"]))


def _items(required: bool = True) -> fields.List:
    return fields.List(fields.Nested(_Item), required=required)


class RehabilitasiProfileSchema(Schema):
    """Every parameter a rehabilitasi profile sets; a variant overrides only some of them."""

    kelompok_sasaran = _items()
    bentuk_rehabilitasi = _items()
    tahapan = _items()
    kegiatan_tahapan = fields.Dict(
        keys=fields.String(validate=validate.OneOf(STAGES)), values=fields.List(fields.Nested(_Item)), required=True
    )
    tempat_pelaksanaan = fields.List(fields.String(validate=validate.OneOf(TEMPAT)), required=True, validate=validate.Length(min=1))
    durasi_dalam_lembaga_bulan = fields.Nested(_Bounds, allow_none=True, required=True)
    durasi_luar_lembaga_bulan = fields.Nested(_Bounds, allow_none=True, required=True)
    pelaksana_peksos = fields.Nested(_Pelaksana, required=True)
    kualifikasi_peksos = fields.Nested(_KualifikasiPeksos, allow_none=True, required=True)
    kualifikasi_tks = fields.Nested(_KualifikasiTks, allow_none=True, required=True)
    maks_kasus_per_peksos = fields.Integer(allow_none=True, required=True, strict=True, validate=validate.Range(min=1))
    syarat_terminasi = fields.List(
        fields.String(validate=validate.OneOf(["identifikasi_keberhasilan", "kunjungan_keluarga"])), required=True
    )
    prinsip = _items()
    pendekatan = _items()
    metode = _items()
    teknik = _items()
    butir_pemantauan = _items()
    evaluasi_interval_bulan = fields.Integer(allow_none=True, required=True, strict=True, validate=validate.Range(min=1, max=60))
    sumber_dana = _items()
    laporan_tahunan = fields.Nested(_Laporan, required=True)

    @validates_schema
    def _stages_are_the_laws(self, data: dict, **_: object) -> None:
        codes = tuple(i["kode"] for i in data.get("tahapan", []))
        if codes and codes != STAGES:
            raise ValidationError(f"tahapan harus tepat: {', '.join(STAGES)}", "tahapan")
