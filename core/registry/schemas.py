from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from core.registry.nik import mask_nik
from core.registry.wilayah import is_valid_region_code

class UtcDateTime(fields.DateTime):
    """A timestamp always shown with its offset: SQLite hands back the stored UTC value without
    tzinfo, PostgreSQL with it; clients must see the same "+00:00" from both."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)  # type: ignore[no-any-return]


DIGITS_16 = validate.Regexp(r"^[0-9]{16}$", error="Harus 16 digit angka.")

EARLIEST_BIRTH = date(1900, 1, 1)
# WIT (UTC+9) is the first Indonesian zone to reach a new day: a baby born this morning in
# Jayapura must not be "in the future" for a server running on UTC.
_WIT = timezone(timedelta(hours=9))


def birth_date(value: date) -> None:
    if value > datetime.now(_WIT).date():
        raise ValidationError("Tanggal lahir tidak boleh setelah hari ini.")
    if value < EARLIEST_BIRTH:
        raise ValidationError(f"Tanggal lahir tidak boleh sebelum {EARLIEST_BIRTH.strftime('%d-%m-%Y')}.")


def region_code(value: str) -> None:
    if not is_valid_region_code(value):
        raise ValidationError("Kode wilayah Kemendagri tidak sah (contoh: 63.11.01).")


class PersonCreateSchema(Schema):
    nik = fields.String(required=True, validate=DIGITS_16)
    nama = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tanggal_lahir = fields.Date(required=True, validate=birth_date)
    jenis_kelamin = fields.String(required=True, validate=validate.OneOf(["L", "P"], error="Isi L (laki-laki) atau P (perempuan)."))
    alamat = fields.String(load_default=None, validate=validate.Length(max=500))
    kode_wilayah = fields.String(load_default=None, validate=region_code)
    nomor_kk = fields.String(load_default=None, validate=DIGITS_16)
    household_id = fields.UUID(load_default=None)


class PersonUpdateSchema(Schema):
    nik = fields.String(validate=DIGITS_16)
    nama = fields.String(validate=validate.Length(min=1, max=200))
    tanggal_lahir = fields.Date(validate=birth_date)
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
    """One person: the NIK and KK in full for the roles that need them, masked for the others
    (core/registry/privacy.py decides and audits)."""

    nik = fields.String()
    nomor_kk = fields.String(allow_none=True)
    alamat = fields.String(allow_none=True)
    created_at = UtcDateTime()
    dianonimkan_pada = UtcDateTime(allow_none=True)
    warnings = fields.List(fields.String(), dump_default=[])


class AnonymiseSchema(Schema):
    alasan = fields.String(
        required=True, validate=validate.Length(min=10, max=500),
        metadata={"description": "alasan anonimisasi, mis. permohonan tercatat subjek data (UU 27/2022 Pasal 8)"},
    )


class PersonExportSchema(Schema):
    """All of one person's data (UU 27/2022 Pasal 7 and Pasal 13 ayat (1))."""

    dasar_hukum = fields.String()
    diekspor_pada = fields.String()
    kabupaten_kota = fields.String()
    orang = fields.Dict()
    keluarga = fields.Dict(allow_none=True)
    kasus = fields.List(fields.Dict(), metadata={"description": "kasus beserta riwayat, petugas dan rujukannya"})
    layanan = fields.Dict(metadata={"description": "data setiap layanan (plugin) tentang orang ini"})


class PersonQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=2, max=100), metadata={"description": "bagian nama"})
    nik = fields.String(validate=DIGITS_16)


class HouseholdSchema(Schema):
    id = fields.UUID(dump_only=True)
    nomor_kk = fields.String(required=True, validate=DIGITS_16)
    alamat = fields.String(load_default=None, validate=validate.Length(max=500))
    kode_wilayah = fields.String(load_default=None, validate=region_code)


class HouseholdShownSchema(HouseholdSchema):
    """A household as answered: the KK may be masked (e.g. `6311**********01`), so the input's
    16-digit pattern does not describe it."""

    nomor_kk = fields.String(metadata={"description": "lengkap, atau disamarkan bagi peran yang tidak memerlukannya"})


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
