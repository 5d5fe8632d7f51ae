"""Report runs: which reports a tenant may ask for, asking for one (a run row, an audit entry,
a background job), reading it, and the job that builds it. One place for the API
(core/api/reports.py) and the console (core/console/views/laporan.py)."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Response
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from core import audit
from core.db import get_owned, utcnow
from core.errors import InvalidInput, NotFound
from core.jobs import JobContext, enqueue
from core.reports import ReportContext, ReportFile, ReportRun
from core.tenancy.services import tenant_profile

log = logging.getLogger(__name__)


def available(session: Session, kernel: Any, tenant: Any) -> dict[str, Any]:
    """The reports of the plugins enabled here: a disabled plugin's report is neither offered
    nor shown (its runs are kept)."""
    enabled = kernel.enabled_plugins(session, tenant)
    return {n: r for n, r in kernel.plugins.reports.items() if r.plugin in enabled}


def request_run(session: Session, kernel: Any, tenant: Any, name: str, params: dict[str, Any], actor_id: uuid.UUID) -> ReportRun:
    """Ask for a report: its parameters checked by the report's own schema, the run recorded and
    audited, the job enqueued in the same transaction (idempotent: one build per run)."""
    report = available(session, kernel, tenant).get(name)
    if report is None:
        raise NotFound("laporan_tidak_ditemukan", f"Laporan '{name}' tidak tersedia.")
    if report.params_schema is not None:
        try:
            params = report.params_schema().dump(report.params_schema().load(params))
        except ValidationError as exc:
            raise InvalidInput({"params": exc.messages}) from exc
    run = ReportRun(report=name, params=params, requested_by=actor_id)
    session.add(run)
    session.flush()
    audit.record(session, "report.request", "report_run", run.id, {"report": name})
    enqueue(session, build_report, str(run.id), tenant_id=tenant.id, actor_id=actor_id, idempotency_key=f"report_run:{run.id}")
    return run


def visible_run(session: Session, kernel: Any, tenant: Any, run_id: uuid.UUID) -> ReportRun:
    """A run of this tenant whose report is available here; 404 otherwise."""
    run = get_owned(session, ReportRun, run_id)
    if run is None or run.report not in available(session, kernel, tenant):
        raise NotFound()
    return run


def run_files(session: Session, run: ReportRun) -> list[ReportFile]:
    """The run's files without their content (a listing)."""
    return list(session.scalars(
        select(ReportFile).where(ReportFile.run_id == run.id).order_by(ReportFile.name).options(defer(ReportFile.content))
    ))


def run_file(session: Session, run: ReportRun, name: str) -> ReportFile:
    file = session.scalar(select(ReportFile).where(ReportFile.run_id == run.id, ReportFile.name == name))
    if file is None:
        raise NotFound("berkas_tidak_ditemukan", f"Berkas '{name}' tidak ada pada laporan ini.")
    return file


def download_response(file: ReportFile) -> Response:
    response = Response(file.content, content_type=file.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


# -- the job -----------------------------------------------------------------------------------

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
