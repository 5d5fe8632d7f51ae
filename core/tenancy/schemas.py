from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.registry.wilayah import is_kabupaten_code


def _region(value: str) -> bool:
    # A tenant is a kabupaten/kota: never a province ("63") or a kecamatan ("63.11.01").
    if not is_kabupaten_code(value):
        raise validate.ValidationError("Kode wilayah kabupaten/kota Kemendagri tidak sah (contoh: 63.11).")
    return True


class TenantSchema(Schema):
    id = fields.UUID(dump_only=True)
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", error="Slug hanya huruf kecil, angka dan '-'."))
    kode_wilayah = fields.String(required=True, validate=_region)
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200))
    provinsi = fields.String(required=True, validate=validate.Length(min=3, max=100))
    aktif = fields.Boolean(load_default=True)
    cuti_bersama_libur = fields.Boolean(load_default=True)


class TenantUpdateSchema(Schema):
    nama = fields.String(validate=validate.Length(min=3, max=200))
    provinsi = fields.String(validate=validate.Length(min=3, max=100))
    aktif = fields.Boolean()
    cuti_bersama_libur = fields.Boolean()


class ProfileSummarySchema(Schema):
    id = fields.String()
    version = fields.Integer()
    title = fields.String()
    regulation = fields.String()
    extends = fields.String(allow_none=True)
    effective_from = fields.Date()
    tenant_local = fields.Function(lambda p: p.tenant is not None)


class PluginStateSchema(Schema):
    plugin = fields.String()
    enabled = fields.Boolean()
    profile = fields.Nested(ProfileSummarySchema, allow_none=True)
    available_profiles = fields.List(fields.Nested(ProfileSummarySchema))


class PluginConfigureSchema(Schema):
    enabled = fields.Boolean()
    profile_id = fields.String(validate=validate.Length(min=1, max=100))


class ProfileChangeSchema(Schema):
    parameter = fields.String()
    label = fields.String(allow_none=True)
    change = fields.String()
    parent_value = fields.Raw(allow_none=True)
    value = fields.Raw(allow_none=True)
    citation = fields.String(allow_none=True)
    parent_citation = fields.String(allow_none=True)


class ProfileDetailSchema(Schema):
    id = fields.String()
    plugin = fields.String()
    version = fields.Integer()
    title = fields.String()
    regulation = fields.String()
    extends = fields.String(allow_none=True)
    effective_from = fields.String()
    tenant_local = fields.Boolean()
    parameters = fields.Dict()
    changes = fields.List(fields.Nested(ProfileChangeSchema))
