from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.staff.models import ROLES

EDUCATION = ["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class OidcLoginSchema(Schema):
    id_token = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=20000),
        metadata={"description": "ID token (JWT) dari penyedia identitas OpenID Connect"},
    )


class PasswordChangeSchema(Schema):
    kata_sandi_lama = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    kata_sandi_baru = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=200),
        metadata={"description": "minimal 10 karakter, tidak memuat nama pengguna, bukan kata sandi yang umum"},
    )


class RevokedTokensSchema(Schema):
    token_dicabut = fields.Integer(metadata={"description": "jumlah token yang dicabut"})


class PasswordResetSchema(Schema):
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=200),
        metadata={"description": "kata sandi awal yang baru: minimal 10 karakter, tidak memuat nama pengguna, bukan kata sandi yang umum"},
    )


class StaffRemovedSchema(Schema):
    roles = fields.List(fields.String(), metadata={"description": "peran di kabupaten/kota ini yang dicabut"})
    token_dicabut = fields.Integer(
        metadata={"description": "jumlah token yang dicabut (0 bila akun masih bekerja di kabupaten/kota lain)"}
    )


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()


class MeSchema(Schema):
    id = fields.UUID()
    username = fields.String()
    nama = fields.String()
    is_platform_admin = fields.Boolean()
    eksternal = fields.Boolean(metadata={"description": "masuk melalui penyedia identitas (OpenID Connect)"})
    tenants = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class CredentialSchema(Schema):
    jabatan = fields.String(allow_none=True, validate=validate.Length(max=100))
    pendidikan = fields.String(allow_none=True, validate=validate.OneOf(EDUCATION))
    bidang_pendidikan = fields.String(allow_none=True, validate=validate.Length(max=200))
    nomor_sertifikat = fields.String(allow_none=True, validate=validate.Length(max=100))
    sertifikat_berlaku_sampai = fields.Date(allow_none=True)
    nomor_izin_praktik = fields.String(allow_none=True, validate=validate.Length(max=100))
    izin_praktik_berlaku_sampai = fields.Date(allow_none=True)


class StaffCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9._-]{3,80}$", error="3–80 karakter: huruf kecil, angka, titik, garis."))
    nama = fields.String(required=True, validate=validate.Length(min=2, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True, validate=validate.Length(min=1))
    credential = fields.Nested(CredentialSchema, load_default=None)


class StaffUpdateSchema(Schema):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(min=1))
    credential = fields.Nested(CredentialSchema)


class StaffSchema(Schema):
    id = fields.UUID()
    username = fields.String()
    nama = fields.String()
    aktif = fields.Boolean()
    roles = fields.List(fields.String())
    credential = fields.Nested(CredentialSchema, allow_none=True)
