"""Imports: what may be imported here with its columns, an upload form per importer
(imports.run: tenant_admin, officer), the run's page following its progress, then its summary
and the rejected rows (imports.read). The same steps as /api/v1/tenants/<t>/imports
(core/api/imports.py): the same importers, the same upload guard and header check, the same run
row, audit entry and background job (core/imports.py). The run's page polls its status with
htmx every few seconds; without JavaScript, a link reloads it."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, make_response, render_template, request, url_for
from marshmallow import Schema
from sqlalchemy import select

from core import imports  # the API's steps: the same importers, run row, audit entry, job and files
from core.api.common import accepts_upload, current_tenant, current_user, has_permission, kernel, paginate, require, session
from core.console.blueprint import bp
from core.console.forms import Form, submit
from core.console.views._halaman import Pagination
from core.console.views.audit import WIB
from core.imports import Importer, ImportRun
from core.staff.models import User

POLL_SECONDS = 3
RUNS_PER_PAGE = 20


class _Halaman(Pagination):
    """The list of runs is also shown again under a refused upload (a POST): its page links
    always lead to the list itself."""

    def url(self, page: int) -> str:
        return url_for("konsol.impor", tenant=current_tenant().slug, halaman=page)


def _available() -> dict[str, Importer]:
    return imports.available_importers(session(), kernel(), current_tenant())


def _schema(importer: Importer) -> Schema:
    # The fields beside the file (e.g. kejadian_id), by the importer's own schema.
    return importer.params() if importer.params is not None else Schema()


def _runs(pages: Pagination) -> list[tuple[ImportRun, str | None]]:
    """One page of runs, newest first, each with who started it: one COUNT and one query
    (users are platform-owned, joined rather than looked up run by run)."""
    stmt = (
        select(ImportRun, User.nama).outerjoin(User, User.id == ImportRun.requested_by)
        .order_by(ImportRun.requested_at.desc(), ImportRun.id)
    )
    return [(run, nama) for run, nama in paginate(stmt, pages, rows=True)]


def _page(failed: Form | None = None, failed_importer: str | None = None) -> str:
    importers = sorted(_available().values(), key=lambda i: i.name)
    forms = {i.name: Form(_schema(i)) for i in importers}
    if failed is not None and failed_importer is not None:
        forms[failed_importer] = failed
    pages = _Halaman.from_request(RUNS_PER_PAGE)
    runs = _runs(pages)
    return render_template(
        "konsol/impor/impor.html", tenant=current_tenant(), importers=importers, forms=forms, runs=runs, pages=pages,
        titles={i.name: i.title for i in importers}, can_run=has_permission("imports.run"), wib=WIB,
    )


@bp.get("/<tenant>/impor")
@require("imports.read")
def impor() -> Response:
    return make_response(_page())


@bp.post("/<tenant>/impor/<name>")
@require("imports.run")
@accepts_upload(files=1)  # the API's limit, applied before the CSRF check reads the body
def unggah_impor(name: str) -> Response:
    importer = imports.available_importer(session(), kernel(), current_tenant(), name)
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        # The form's fields as text again: the service loads them with the importer's schema.
        isian = _schema(importer).dump(data) if importer.params is not None else {}
        run = imports.request_import(session(), kernel(), tenant, importer, request.files.get("berkas"), current_user().id, isian)
        return url_for("konsol.proses_impor", tenant=tenant.slug, run_id=run.id)

    return submit(Form.from_request(_schema(importer)), action, lambda form: _page(form, name))


def _requested_by(run: ImportRun) -> str | None:
    if run.requested_by is None:
        return None
    return session().scalar(select(User.nama).where(User.id == run.requested_by))


@bp.get("/<tenant>/impor/proses/<uuid:run_id>")
@require("imports.read")
def proses_impor(run_id: uuid.UUID) -> Response:
    run = imports.get_run(session(), run_id)
    importer = kernel().plugins.importers.get(run.jenis)  # also a disabled plugin's: its runs are kept
    return make_response(render_template(
        "konsol/impor/proses.html", tenant=current_tenant(), run=run, title=importer.title if importer else run.jenis,
        requested_by=_requested_by(run), poll=POLL_SECONDS, wib=WIB,
    ))


@bp.get("/<tenant>/impor/proses/<uuid:run_id>/ditolak")
@require("imports.read")
def ditolak_impor(run_id: uuid.UUID) -> Response:
    return imports.rejected_rows_response(kernel(), imports.get_run(session(), run_id))
