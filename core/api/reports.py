"""Reports contributed by enabled plugins: request a run (a job), then read its result."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from marshmallow import Schema, fields
from flask import Response
from sqlalchemy import select

from core.api.common import current_tenant, current_user, kernel, paginate, require, session, tenant_blueprint
from core import report_runs
from core.reports import ReportRun

log = logging.getLogger(__name__)

blp = tenant_blueprint("reports", __name__, "reports", "Laporan")
BLUEPRINTS = [blp]


class ReportInfoSchema(Schema):
    name = fields.String()
    plugin = fields.String()
    title = fields.String()
    citation = fields.String(allow_none=True)


class ReportFileSchema(Schema):
    name = fields.String()
    media_type = fields.String()
    size = fields.Integer()


class ReportRunSchema(Schema):
    id = fields.UUID()
    report = fields.String()
    params = fields.Dict()
    status = fields.String()
    requested_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    result = fields.Dict(allow_none=True)
    error = fields.String(allow_none=True)
    files = fields.List(fields.Nested(ReportFileSchema), dump_default=[])


class ReportRequestSchema(Schema):
    params = fields.Dict(load_default=dict)


def _available() -> dict[str, Any]:
    return report_runs.available(session(), kernel(), current_tenant())


@blp.get("")
@require("reports.read")
@blp.response(200, ReportInfoSchema(many=True))
def list_reports() -> Any:
    return sorted(_available().values(), key=lambda r: r.name)


@blp.post("/<name>/runs")
@require("reports.run")
@blp.arguments(ReportRequestSchema)
@blp.response(202, ReportRunSchema)
def request_run(body: dict[str, Any], name: str) -> Any:
    """Minta laporan dibuat di latar belakang; pantau hasilnya lewat GET runs/<id>."""
    return report_runs.request_run(session(), kernel(), current_tenant(), name, body["params"], current_user().id)


@blp.get("/runs")
@require("reports.read")
@blp.response(200, ReportRunSchema(many=True))
@blp.paginate()
def list_runs(pagination_parameters: Any) -> Any:
    """Runs of the reports available here: a disabled plugin's runs are kept, not shown."""
    stmt = select(ReportRun).where(ReportRun.report.in_(sorted(_available())))
    return paginate(stmt.order_by(ReportRun.requested_at.desc(), ReportRun.id), pagination_parameters)


@blp.get("/runs/<uuid:run_id>")
@require("reports.read")
@blp.response(200, ReportRunSchema)
def show_run(run_id: uuid.UUID) -> Any:
    """Status (queued → running → done/failed), hasil, dan berkas yang dapat diunduh."""
    run = _visible_run(run_id)
    run.files = report_runs.run_files(session(), run)
    return run


def _visible_run(run_id: uuid.UUID) -> ReportRun:
    return report_runs.visible_run(session(), kernel(), current_tenant(), run_id)


@blp.get("/runs/<uuid:run_id>/files/<string:name>")
@require("reports.read")
@blp.response(200, description="Berkas laporan (mis. XLSX atau CSV)")
def download(run_id: uuid.UUID, name: str) -> Response:
    """Unduh berkas hasil laporan."""
    return report_runs.download_response(report_runs.run_file(session(), _visible_run(run_id), name))


# Pending job keys written before the job moved name this path: it must keep resolving.
build_report = report_runs.build_report
