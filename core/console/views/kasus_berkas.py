"""The case page's own forms beyond moving a stage: the case file's documents (upload and
download), assigning and releasing workers, and closing the case.

Each calls the service and checks the permission of its API route (core/api/cases.py):
`add_document` under `cases.write`, the download under `cases.read` and then `open_document`'s
notes right (403 otherwise), `assign_staff` and `unassign_staff` under `cases.assign`,
`close_case` under `cases.write` with the version the page was drawn from (the API's If-Match).
The page they come back to on a refusal is the case page (kasus.py `_case_page`)."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request, url_for
from marshmallow import Schema

from core.api.common import accepts_upload, current_roles, current_tenant, current_user, kernel, require, session
from core.cases.documents import add_document, download
from core.cases.schemas import AssignmentSchema, CaseCloseSchema, CaseDocumentUploadSchema
from core.cases.services import assign_staff, close_case, get_case, unassign_staff
from core.console.blueprint import bp
from core.console.forms import Form, page_version, submit
from core.console.views.kasus import _case_page
from core.uploads import Berkas


def _back(case_id: uuid.UUID, section: str = "") -> str:
    url = url_for("konsol.kasus_detail", tenant=current_tenant().slug, case_id=case_id)
    return f"{url}#{section}" if section else url


@bp.post("/<tenant>/kasus/<uuid:case_id>/dokumen")
@require("cases.write")
@accepts_upload(files=1)
def kasus_dokumen_unggah(case_id: uuid.UUID) -> Response:
    """POST /cases/<id>/dokumen: one document into the case file."""
    tenant = current_tenant()
    case = get_case(session(), kernel(), tenant, case_id)  # another tenant's case: 404 before anything

    def action(data: dict[str, Any]) -> str:
        add_document(
            session(), kernel(), tenant, case,
            keterangan=data["keterangan"], berkas=Berkas.of(request.files.get("berkas")), actor_id=current_user().id,
        )
        return _back(case_id, "dokumen")

    return submit(Form.from_request(CaseDocumentUploadSchema()), action, lambda f: _case_page(case_id, forms={"dokumen": f}))


@bp.get("/<tenant>/kasus/<uuid:case_id>/dokumen/<uuid:doc_id>")
@require("cases.read")
def kasus_dokumen_unduh(case_id: uuid.UUID, doc_id: uuid.UUID) -> Response:
    """GET /cases/<id>/dokumen/<doc_id>: the content, for who may read the case's notes."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return download(
        session(), kernel(), case, doc_id, user_id=current_user().id, roles=current_roles(), permissions=kernel().plugins.permissions,
    )


@bp.post("/<tenant>/kasus/<uuid:case_id>/petugas")
@require("cases.assign")
def kasus_tugaskan(case_id: uuid.UUID) -> Response:
    """POST /cases/<id>/assignments: the case type's rules (e.g. a valid Peksos certificate)
    refuse with their article, shown above the form."""
    tenant = current_tenant()
    case = get_case(session(), kernel(), tenant, case_id)

    def action(data: dict[str, Any]) -> str:
        assign_staff(session(), kernel(), tenant, case, user_id=data["user_id"], peran=data["peran"], actor_id=current_user().id)
        return _back(case_id, "petugas")

    return submit(Form.from_request(AssignmentSchema()), action, lambda f: _case_page(case_id, forms={"tugas": f}))


@bp.post("/<tenant>/kasus/<uuid:case_id>/petugas/<uuid:user_id>/lepas")
@require("cases.assign")
def kasus_lepas_petugas(case_id: uuid.UUID, user_id: uuid.UUID) -> Response:
    """DELETE /cases/<id>/assignments/<user_id>, as a form (a page cannot send DELETE without
    JavaScript)."""
    tenant = current_tenant()
    case = get_case(session(), kernel(), tenant, case_id)

    def action(_data: dict[str, Any]) -> str:
        unassign_staff(session(), tenant, case, user_id, current_user().id)
        return _back(case_id, "petugas")

    return submit(Form.from_request(Schema()), action, lambda f: _case_page(case_id, forms={"lepas": f}))


@bp.post("/<tenant>/kasus/<uuid:case_id>/tutup")
@require("cases.write")
def kasus_tutup(case_id: uuid.UUID) -> Response:
    """POST /cases/<id>/close with the page's version: a case changed meanwhile is refused (412)
    as a stale If-Match is."""
    tenant = current_tenant()
    case = get_case(session(), kernel(), tenant, case_id)

    def action(data: dict[str, Any]) -> str:
        with page_version() as version:
            close_case(session(), kernel(), tenant, case, data=data, expected_version=version, actor_id=current_user().id)
        return _back(case_id)

    return submit(Form.from_request(CaseCloseSchema()), action, lambda f: _case_page(case_id, forms={"tutup": f}))
