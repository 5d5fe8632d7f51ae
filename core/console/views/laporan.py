"""Reports: ask for one (reports.run: tenant_admin, officer), follow its progress, download its
files (reports.read). The same steps as /api/v1/tenants/<t>/reports (core/api/reports.py): the
report's own parameter schema, the same run row, audit entry and background job. The run's page
polls its status with htmx every few seconds; without JavaScript, a link reloads it."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, make_response, render_template, url_for
from marshmallow import Schema
from sqlalchemy import select

from core import report_runs  # the API's steps: the same run row, audit entry, job and files
from core.api.common import current_tenant, current_user, has_permission, kernel, require, session
from core.console.blueprint import bp
from core.console.forms import Form, submit
from core.console.views.audit import WIB
from core.errors import NotFound
from core.reports import ReportRun

POLL_SECONDS = 3
RECENT_RUNS = 20


def _available() -> dict[str, Any]:
    return report_runs.available(session(), kernel(), current_tenant())


def _schema(report: Any) -> Schema:
    return report.params_schema() if report.params_schema is not None else Schema()


def _page(failed: Form | None = None, failed_report: str | None = None) -> str:
    reports = sorted(_available().values(), key=lambda r: r.name)
    forms = {r.name: Form(_schema(r)) for r in reports}
    if failed is not None and failed_report is not None:
        forms[failed_report] = failed
    runs = list(session().scalars(
        select(ReportRun).where(ReportRun.report.in_([r.name for r in reports]))
        .order_by(ReportRun.requested_at.desc(), ReportRun.id).limit(RECENT_RUNS)
    ))
    return render_template(
        "konsol/laporan/laporan.html", tenant=current_tenant(), reports=reports, forms=forms, runs=runs,
        titles={r.name: r.title for r in reports}, can_run=has_permission("reports.run"), wib=WIB,
    )


@bp.get("/<tenant>/laporan")
@require("reports.read")
def laporan() -> Response:
    return make_response(_page())


@bp.post("/<tenant>/laporan/<name>")
@require("reports.run")
def minta_laporan(name: str) -> Response:
    report = _available().get(name)
    if report is None:
        raise NotFound("laporan_tidak_ditemukan", f"Laporan '{name}' tidak tersedia.")
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        params = _schema(report).dump(data) if report.params_schema is not None else {}
        run = report_runs.request_run(session(), kernel(), tenant, name, params, current_user().id)
        return url_for("konsol.proses_laporan", tenant=tenant.slug, run_id=run.id)

    return submit(Form.from_request(_schema(report)), action, lambda form: _page(form, name))


def _visible_run(run_id: uuid.UUID) -> tuple[ReportRun, Any]:
    run = report_runs.visible_run(session(), kernel(), current_tenant(), run_id)
    return run, _available()[run.report]


@bp.get("/<tenant>/laporan/proses/<uuid:run_id>")
@require("reports.read")
def proses_laporan(run_id: uuid.UUID) -> Response:
    run, report = _visible_run(run_id)
    files = report_runs.run_files(session(), run)
    return make_response(render_template(
        "konsol/laporan/proses.html", tenant=current_tenant(), run=run, report=report, files=files, poll=POLL_SECONDS,
    ))


@bp.get("/<tenant>/laporan/proses/<uuid:run_id>/berkas/<string:filename>")
@require("reports.read")
def unduh_laporan(run_id: uuid.UUID, filename: str) -> Response:
    run, _report = _visible_run(run_id)
    return report_runs.download_response(report_runs.run_file(session(), run, filename))
