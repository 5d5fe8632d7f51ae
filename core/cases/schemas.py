from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.cases.models import SUBJECT_TYPES


class AssignmentSchema(Schema):
    user_id = fields.UUID(required=True)
    peran = fields.String(load_default="petugas", validate=validate.Length(min=2, max=30))


class CaseCreateSchema(Schema):
    case_type = fields.String(required=True, validate=validate.Length(min=1, max=63))
    subject_type = fields.String(required=True, validate=validate.OneOf(SUBJECT_TYPES))
    person_id = fields.UUID(load_default=None)
    household_id = fields.UUID(load_default=None)
    organization_id = fields.UUID(load_default=None)
    community_name = fields.String(load_default=None, validate=validate.Length(min=2, max=300))
    assigned = fields.List(fields.Nested(AssignmentSchema), load_default=list, validate=validate.Length(max=20))
    data = fields.Dict(load_default=dict, metadata={"description": "data khusus jenis kasus, divalidasi oleh plugin"})


class CaseCloseSchema(Schema):
    catatan = fields.String(load_default="", validate=validate.Length(max=2000))


class CaseAdvanceSchema(Schema):
    to_stage = fields.String(required=True, validate=validate.Length(min=1, max=63))
    data = fields.Dict(load_default=dict)


class CaseSchema(Schema):
    id = fields.UUID()
    case_type = fields.String()
    plugin = fields.String()
    subject_type = fields.String()
    person_id = fields.UUID(allow_none=True)
    household_id = fields.UUID(allow_none=True)
    organization_id = fields.UUID(allow_none=True)
    community_name = fields.String(allow_none=True)
    stage = fields.String()
    status = fields.String()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    profile_id = fields.String()
    profile_version = fields.Integer()
    version = fields.Integer()
    data = fields.Dict()
    assigned = fields.List(fields.Nested(AssignmentSchema))
    summary = fields.String()
    jatuh_tempo = fields.Date(
        allow_none=True,
        metadata={"description": "tenggat terdekat yang belum dipenuhi (mis. evaluasi, penerbitan tanda pendaftaran LKS), atau null"},
    )


class CaseQuerySchema(Schema):
    case_type = fields.String(validate=validate.Length(max=63))
    plugin = fields.String(validate=validate.Length(max=63))
    stage = fields.String(validate=validate.Length(max=63))
    status = fields.String(validate=validate.OneOf(["open", "closed"]))
    assigned_to = fields.String(metadata={"description": "id petugas, atau 'me'"})
    person_id = fields.UUID()
    jatuh_tempo_sampai = fields.Date(
        metadata={"description": "hanya kasus yang tenggat terdekatnya jatuh pada atau sebelum tanggal ini (YYYY-MM-DD); "
                  "daftar lalu diurutkan menurut tenggat, yang paling mendesak dahulu"}
    )
    terlambat = fields.Boolean(
        metadata={"description": "true: hanya kasus yang tenggat terdekatnya sudah lewat (sebelum hari ini, WIB); "
                  "false: kasus tanpa tenggat atau yang tenggatnya belum lewat"}
    )


class CaseEventSchema(Schema):
    id = fields.UUID()
    at = fields.DateTime()
    actor_id = fields.UUID(allow_none=True)
    kind = fields.String()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(allow_none=True)
    data = fields.Dict()


class ReferralCreateSchema(Schema):
    ke_plugin = fields.String(required=True, validate=validate.Length(min=2, max=63), metadata={"description": "layanan tujuan, mis. jaminan"})
    alasan = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    data = fields.Dict(load_default=dict, metadata={"description": "keterangan untuk layanan tujuan"})


class ReferralSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    dari_plugin = fields.String()
    ke_plugin = fields.String()
    alasan = fields.String()
    data = fields.Dict()
    hasil = fields.Dict()
    dibuat_oleh = fields.UUID(allow_none=True)
    dibuat_pada = fields.DateTime()


class CaseDocumentUploadSchema(Schema):
    """A document of the case file (multipart): what it is, and the file."""

    keterangan = fields.String(
        required=True, validate=validate.Length(min=2, max=200),
        metadata={"description": "jenis atau keterangan dokumen, mis. surat rujukan"},
    )
    # Read from request.files by the view (webargs' form location holds the text fields only).
    berkas = fields.Raw(load_default=None, metadata={"type": "string", "format": "binary", "description": "PDF, JPEG atau PNG"})


class CaseDocumentSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    nama_berkas = fields.String()
    keterangan = fields.String()
    content_type = fields.String()
    ukuran = fields.Integer()
    sha256 = fields.String()
    diunggah_oleh = fields.UUID()
    diunggah_pada = fields.DateTime()
