"""Reports contributed by enabled plugins: request a run (a job), then read its result."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields
from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import defer

from core import audit
from core.api.common import current_tenant, current_user, kernel, paginate, require, session, tenant_blueprint
from core.errors import InvalidInput, NotFound
from core.jobs import JobContext, enqueue
from core.reports import ReportContext, ReportFile, ReportRun
from core.db import get_owned, utcnow
from core.tenancy.services import tenant_profile

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
    enabled = kernel().enabled_plugins(session(), current_tenant())
    return {n: r for n, r in kernel().plugins.reports.items() if r.plugin in enabled}


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
    report = _available().get(name)
    if report is None:
        raise NotFound("laporan_tidak_ditemukan", f"Laporan '{name}' tidak tersedia.")
    params = body["params"]
    if report.params_schema is not None:
        try:
            params = report.params_schema().dump(report.params_schema().load(params))
        except ValidationError as exc:
            raise InvalidInput({"params": exc.messages}) from exc
    s = session()
    run = ReportRun(report=name, params=params, requested_by=current_user().id)
    s.add(run)
    s.flush()
    audit.record(s, "report.request", "report_run", run.id, {"report": name})
    enqueue(s, build_report, str(run.id), tenant_id=current_tenant().id, actor_id=current_user().id, idempotency_key=f"report_run:{run.id}")
    return run


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
    run.files = list(session().scalars(
        select(ReportFile).where(ReportFile.run_id == run.id).order_by(ReportFile.name).options(defer(ReportFile.content))
    ))
    return run


def _visible_run(run_id: uuid.UUID) -> ReportRun:
    run = get_owned(session(), ReportRun, run_id)
    if run is None or run.report not in _available():
        raise NotFound()
    return run


@blp.get("/runs/<uuid:run_id>/files/<string:name>")
@require("reports.read")
@blp.response(200, description="Berkas laporan (mis. XLSX atau CSV)")
def download(run_id: uuid.UUID, name: str) -> Response:
    """Unduh berkas hasil laporan."""
    run = _visible_run(run_id)
    file = session().scalar(select(ReportFile).where(ReportFile.run_id == run.id, ReportFile.name == name))
    if file is None:
        raise NotFound("berkas_tidak_ditemukan", f"Berkas '{name}' tidak ada pada laporan ini.")
    response = Response(file.content, content_type=file.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


def _mark_running(ctx: JobContext, run_id: str) -> None:
    run = get_owned(ctx.session, ReportRun, uuid.UUID(run_id))
    if run is not None and run.status == "queued":
        run.status = "running"


def build_report(ctx: JobContext, run_id: str) -> None:
    """The job: build one report run in its tenant's transaction."""
    run = get_owned(ctx.session, ReportRun, uuid.UUID(run_id))
    if run is None or run.status not in ("queued", "running"):
        return  # already built (a retried job must not build twice)
    report = ctx.kernel.plugins.reports.get(run.report)
    if report is None or report.plugin not in ctx.kernel.enabled_plugins(ctx.session, ctx.tenant):
        run.status, run.error, run.finished_at = "failed", "Plugin laporan tidak aktif.", utcnow()
        return
    profile = tenant_profile(ctx.session, ctx.kernel, ctx.tenant, report.plugin) if report.plugin in ctx.kernel.profiles.sources else None
    report_ctx = ReportContext(ctx.session, ctx.tenant, profile, run.params)
    try:
        with ctx.session.begin_nested():
            result = report.build(report_ctx)
            for f in report_ctx.files:
                ctx.session.add(ReportFile(run_id=run.id, name=f.name, media_type=f.media_type, size=len(f.content), content=f.content))
            ctx.session.flush()
    except Exception as exc:  # noqa: BLE001 — a failed report is recorded, not lost
        run.status, run.error, run.finished_at = "failed", str(exc)[:2000], utcnow()
        return
    run.status, run.result, run.finished_at = "done", result, utcnow()
    try:
        # A failing listener (notification, archive) must not lose the report it was told of:
        # its writes are undone, the run stays done and says what failed.
        with ctx.session.begin_nested():
            ctx.kernel.hooks(ctx.session, ctx.tenant).kesos_report_generated(
                session=ctx.session, tenant=ctx.tenant, report=run.report, result=result
            )
    except Exception as exc:  # noqa: BLE001
        log.exception("kesos_report_generated failed for %s", run.report)
        run.error = f"kesos_report_generated gagal: {exc}"[:2000]


build_report.prepare = _mark_running  # type: ignore[attr-defined]
