"""Bulk imports: upload a CSV/XLSX to one of the importers available here (the kernel's
`persons`, and those of the tenant's enabled plugins), follow its progress (202, then GET),
download the rejected rows with the reason for each."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy import select

from core.api.common import accepts_upload, current_tenant, current_user, kernel, paginate, require, session, tenant_blueprint
from core.imports import ImportRun, available_importer, available_importers, get_run, rejected_rows_response, request_import

blp = tenant_blueprint("imports", __name__, "imports", "Impor data penerima pelayanan (CSV/XLSX)")
BLUEPRINTS = [blp]


class ImportUploadSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the importer's own fields (`parameter` of GET /imports/jenis), loaded by its schema

    berkas = fields.Raw(metadata={
        "type": "string", "format": "binary",
        "description": "CSV (UTF-8, pemisah koma atau titik koma) atau XLSX; baris pertama: nama kolom (lihat GET /imports/jenis)",
    })


class ImporterSchema(Schema):
    name = fields.String()
    plugin = fields.String(allow_none=True)
    title = fields.String()
    required = fields.List(fields.String(), metadata={"description": "kolom wajib"})
    optional = fields.List(fields.String(), metadata={"description": "kolom pilihan"})
    parameter = fields.Function(
        lambda i: sorted(i.params().fields) if i.params else [],
        metadata={"description": "isian formulir wajib di samping berkas (mis. kejadian_id)"},
    )


class ImportRunSchema(Schema):
    id = fields.UUID()
    jenis = fields.String()
    nama_berkas = fields.String()
    format = fields.String()
    parameter = fields.Dict(allow_none=True, metadata={"description": "isian yang menyertai berkas (mis. kejadian_id)"})
    status = fields.String(metadata={"description": "queued → running → done / failed"})
    baris_dibaca = fields.Integer()
    diterima = fields.Integer()
    ditolak = fields.Integer()
    ada_berkas_ditolak = fields.Function(lambda r: r.kunci_ditolak is not None)
    error = fields.String(allow_none=True)
    requested_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


@blp.get("/jenis")
@require("imports.read")
@blp.response(200, ImporterSchema(many=True))
def list_importers() -> Any:
    """Apa yang dapat diimpor di kabupaten/kota ini, dengan kolomnya."""
    return sorted(available_importers(session(), kernel(), current_tenant()).values(), key=lambda i: i.name)


@blp.post("/<string:name>")
@require("imports.run")
@accepts_upload(files=1)
@blp.arguments(ImportUploadSchema, location="form", content_type="multipart/form-data")
@blp.response(202, ImportRunSchema)
def start_import(form: dict[str, Any], name: str) -> Any:
    """Impor dari CSV/XLSX di latar belakang (mis. `persons`: penerima pelayanan): setiap baris
    diperiksa seperti data yang diisi tangan, data ganda ditolak, baris yang ditolak dapat diunduh.
    Impor yang berlaku untuk sesuatu (mis. `perlindungan.terdampak` untuk satu kejadian) meminta
    isian formulir di samping berkas (lihat `parameter` pada GET /imports/jenis)."""
    importer = available_importer(session(), kernel(), current_tenant(), name)
    isian = {k: v for k, v in form.items() if k != "berkas"}
    return request_import(session(), kernel(), current_tenant(), importer, request.files.get("berkas"), current_user().id, isian)


@blp.get("")
@require("imports.read")
@blp.response(200, ImportRunSchema(many=True))
@blp.paginate()
def list_imports(pagination_parameters: Any) -> Any:
    return paginate(select(ImportRun).order_by(ImportRun.requested_at.desc(), ImportRun.id), pagination_parameters)


@blp.get("/<uuid:run_id>")
@require("imports.read")
@blp.response(200, ImportRunSchema)
def show_import(run_id: uuid.UUID) -> Any:
    """Kemajuan impor: baris yang sudah dibaca, diterima dan ditolak."""
    return get_run(session(), run_id)


@blp.get("/<uuid:run_id>/ditolak")
@require("imports.read")
@blp.response(200, description="CSV baris yang ditolak dengan alasannya", content_type="text/csv")
def rejected_rows(run_id: uuid.UUID) -> Response:
    """Baris yang ditolak, seperti tertulis di berkas, dengan kolom `alasan_ditolak`."""
    return rejected_rows_response(kernel(), get_run(session(), run_id))
