"""Schemas of the pemberdayaan plugin: its regulation-profile parameters and its API bodies.
Shape only; what the law allows is judged by rules.py against the case's pinned profile."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.sdk import CaseSchema

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,62}$", error="Kode hanya huruf kecil, angka dan garis bawah.")
SUBJECTS = ("person", "household", "community", "organization")
RUPIAH = validate.Range(min=1, error="Nilai harus bilangan bulat rupiah lebih dari 0.")


class _Item(Schema):
    kode = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))


class _Bentuk(_Item):
    stimulan = fields.Boolean(load_default=False)


class _Sasaran(_Item):
    huruf = fields.String(required=True, validate=validate.OneOf(["a", "b"]))
    subjek = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    syarat = fields.List(fields.String(validate=CODE), required=True)


class _Kriteria(Schema):
    """A list of criteria and how many must be met: `salah_satu` ("dan/atau") or `semua` ("dan")."""

    sifat = fields.String(required=True, validate=validate.OneOf(["salah_satu", "semua"]))
    pilihan = fields.List(fields.Nested(_Item), required=True, validate=validate.Length(min=1))


def _items(schema: type[Schema] = _Item) -> fields.List:
    return fields.List(fields.Nested(schema), required=True, validate=validate.Length(min=1))


CRITERIA_PARAMS = (
    "kondisi_perseorangan", "kriteria_perseorangan", "kondisi_keluarga", "kriteria_keluarga", "kondisi_kelompok",
    "ikatan_komunitas", "kondisi_komunitas", "kriteria_komunitas", "kriteria_lembaga",
)


class PemberdayaanProfileSchema(Schema):
    sasaran = _items(_Sasaran)
    bentuk_huruf_a = _items(_Bentuk)
    bentuk_huruf_b = _items(_Bentuk)
    kondisi_perseorangan = fields.Nested(_Kriteria, required=True)
    kriteria_perseorangan = fields.Nested(_Kriteria, required=True)
    kondisi_keluarga = fields.Nested(_Kriteria, required=True)
    kriteria_keluarga = fields.Nested(_Kriteria, required=True)
    batas_kebutuhan_dasar_minimal = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(min=1))
    kondisi_kelompok = fields.Nested(_Kriteria, required=True)
    jenis_kelompok = _items()
    ikatan_komunitas = fields.Nested(_Kriteria, required=True)
    kondisi_komunitas = fields.Nested(_Kriteria, required=True)
    kriteria_komunitas = fields.Nested(_Kriteria, required=True)
    anggota_minimum_komunitas = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(min=1))
    jenis_lembaga = fields.List(fields.String(validate=validate.OneOf(["panti_pemerintah", "lks", "lks_asing", "lainnya"])), required=True)
    kriteria_lembaga = fields.Nested(_Kriteria, required=True)
    tahapan = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1))
    tahap_stimulan = fields.List(fields.String(validate=CODE), required=True)
    jenis_stimulan = _items()
    sumber_dana = _items()

    @validates_schema
    def _syarat_known(self, data: dict[str, Any], **_: object) -> None:
        for s in data.get("sasaran", []):
            unknown = [p for p in s["syarat"] if p not in CRITERIA_PARAMS]
            if unknown:
                raise ValidationError({"sasaran": [f"Syarat tidak dikenal untuk {s['kode']}: {', '.join(unknown)}."]})
            codes = [c["kode"] for p in s["syarat"] for c in data.get(p, {}).get("pilihan", [])]
            if len(codes) != len(set(codes)):
                raise ValidationError({"sasaran": [f"Kode kriteria {s['kode']} disebut lebih dari sekali di antara syaratnya."]})


class KriteriaBuktiSchema(Schema):
    """One criterion the applicant meets, with what shows it (Pasal 19–24)."""

    kode = fields.String(required=True, validate=CODE)
    bukti = fields.String(required=True, validate=validate.Length(min=3, max=1000), metadata={"description": "keterangan/bukti yang mendukung"})


class PemberdayaanDataSchema(Schema):
    """`data` of a pemberdayaan_sosial case."""

    sasaran = fields.String(required=True, validate=CODE)
    kriteria = fields.List(fields.Nested(KriteriaBuktiSchema), required=True, validate=validate.Length(max=30))
    bentuk = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1, max=20))
    jenis_kelompok = fields.String(load_default=None, allow_none=True, validate=CODE)
    penghasilan_per_bulan = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0))
    keterangan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: object) -> None:
        errors: dict[str, list[str]] = {}
        codes = [k["kode"] for k in data.get("kriteria") or []]
        if len(codes) != len(set(codes)):
            errors["kriteria"] = ["Kriteria yang sama disebut lebih dari sekali."]
        if len(set(data.get("bentuk") or [])) != len(data.get("bentuk") or []):
            errors["bentuk"] = ["Bentuk pemberdayaan disebut lebih dari sekali."]
        if data.get("sasaran") == "kelompok" and not data.get("jenis_kelompok"):
            errors["jenis_kelompok"] = ["Wajib diisi untuk kelompok (mis. nelayan, petani, pedagang_pasar)."]
        if errors:
            raise ValidationError(errors)


class PermohonanPemberdayaanSchema(Schema):
    person_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "sasaran perseorangan"})
    household_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "sasaran keluarga"})
    organization_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "sasaran lembaga (LKS)"})
    community_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=200),
                                   metadata={"description": "nama kelompok atau komunitas adat terpencil"})
    anggota = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500),
                          metadata={"description": "untuk kelompok/komunitas: id orang dari registri kabupaten/kota ini"})
    data = fields.Dict(required=True, metadata={"description": "sasaran, kriteria (dengan bukti), bentuk, dan keterangan menurut sasaran"})


class KasusPemberdayaanSchema(CaseSchema):
    class Meta:
        exclude = ("plugin",)


class AnggotaBodyPemberdayaanSchema(Schema):
    person_id = fields.UUID(required=True)
    peran = fields.String(load_default="anggota", validate=validate.OneOf(["ketua", "sekretaris", "bendahara", "anggota"]))


class AnggotaPemberdayaanSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    person_id = fields.UUID()
    nama = fields.String()
    peran = fields.String()
    ditambahkan_pada = fields.DateTime()


class StimulanBodyPemberdayaanSchema(Schema):
    jenis = fields.String(required=True, validate=CODE, metadata={"description": "modal, peralatan_usaha, tempat_usaha"})
    nilai = fields.Integer(required=True, strict=True, validate=RUPIAH, metadata={"description": "rupiah, bilangan bulat > 0"})
    sumber_dana = fields.String(required=True, validate=CODE, metadata={"description": "apbn, apbd, sumbangan_masyarakat, …"})
    tanggal = fields.Date(required=True)
    uraian = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class StimulanPemberdayaanSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    jenis = fields.String()
    nilai = fields.Integer()
    sumber_dana = fields.String()
    tanggal = fields.Date()
    uraian = fields.String(allow_none=True)
    dicatat_oleh = fields.UUID()
    dicatat_pada = fields.DateTime()
