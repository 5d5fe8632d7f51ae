from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from core.registry.nik import mask_nik
from core.registry.wilayah import is_valid_region_code

DIGITS_16 = validate.Regexp(r"^[0-9]{16}$", error="Harus 16 digit angka.")


def region_code(value: str) -> None:
    if not is_valid_region_code(value):
        raise ValidationError("Kode wilayah Kemendagri tidak sah (contoh: 63.11.01).")


class PersonCreateSchema(Schema):
    nik = fields.String(required=True, validate=DIGITS_16)
    nama = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tanggal_lahir = fields.Date(required=True)
    jenis_kelamin = fields.String(required=True, validate=validate.OneOf(["L", "P"], error="Isi L (laki-laki) atau P (perempuan)."))
    alamat = fields.String(load_default=None, validate=validate.Length(max=500))
    kode_wilayah = fields.String(load_default=None, validate=region_code)
    nomor_kk = fields.String(load_default=None, validate=DIGITS_16)
    household_id = fields.UUID(load_default=None)


class PersonUpdateSchema(Schema):
    nik = fields.String(validate=DIGITS_16)
    nama = fields.String(validate=validate.Length(min=1, max=200))
    tanggal_lahir = fields.Date()
    jenis_kelamin = fields.String(validate=validate.OneOf(["L", "P"], error="Isi L (laki-laki) atau P (perempuan)."))
    alamat = fields.String(allow_none=True, validate=validate.Length(max=500))
    kode_wilayah = fields.String(allow_none=True, validate=region_code)
    nomor_kk = fields.String(allow_none=True, validate=DIGITS_16)
    household_id = fields.UUID(allow_none=True)


class PersonSchema(Schema):
    """A person as shown in lists: the NIK masked (DESIGN.md, Data and privacy)."""

    id = fields.UUID()
    nik = fields.Function(lambda p: mask_nik(p.nik))
    nama = fields.String()
    tanggal_lahir = fields.Date()
    jenis_kelamin = fields.String()
    kode_wilayah = fields.String(allow_none=True)
    household_id = fields.UUID(allow_none=True)


class PersonDetailSchema(PersonSchema):
    """One person, for roles that work with them: full NIK and KK."""

    nik = fields.String()
    nomor_kk = fields.String(allow_none=True)
    alamat = fields.String(allow_none=True)
    created_at = fields.DateTime()
    warnings = fields.List(fields.String(), dump_default=[])


class PersonQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=2, max=100), metadata={"description": "bagian nama"})
    nik = fields.String(validate=DIGITS_16)


class HouseholdSchema(Schema):
    id = fields.UUID(dump_only=True)
    nomor_kk = fields.String(required=True, validate=DIGITS_16)
    alamat = fields.String(load_default=None, validate=validate.Length(max=500))
    kode_wilayah = fields.String(load_default=None, validate=region_code)


class OrganizationSchema(Schema):
    id = fields.UUID(dump_only=True)
    nama = fields.String(required=True, validate=validate.Length(min=2, max=300))
    jenis = fields.String(required=True, validate=validate.OneOf(["panti_pemerintah", "lks", "lks_asing", "lainnya"]))
    berbadan_hukum = fields.Boolean(load_default=False)
    alamat = fields.String(load_default=None, validate=validate.Length(max=500))
    kode_wilayah = fields.String(load_default=None, validate=region_code)
    npwp = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9.\-]{15,20}$", error="Format NPWP tidak sah."))


class OrganizationQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=2, max=100))
    jenis = fields.String(validate=validate.OneOf(["panti_pemerintah", "lks", "lks_asing", "lainnya"]))
