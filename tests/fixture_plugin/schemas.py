from __future__ import annotations

from marshmallow import Schema, fields, validate


class FixtureProfileSchema(Schema):
    """The parameters a fixture profile may set (validated when a profile file is loaded)."""

    tahapan = fields.List(fields.String(), required=True)
    usia_minimum = fields.Integer(required=True, validate=validate.Range(min=0, max=120), strict=True)
    wajib_catatan_penutup = fields.Boolean(required=True)


class FixtureCaseDataSchema(Schema):
    keterangan = fields.String(load_default="", validate=validate.Length(max=200))


class FixtureCloseSchema(Schema):
    catatan = fields.String(load_default="", validate=validate.Length(max=500))


class NoteSchema(Schema):
    id = fields.UUID(dump_only=True)
    tanggal = fields.Date(required=True)
    isi = fields.String(required=True, validate=validate.Length(min=1, max=300))
