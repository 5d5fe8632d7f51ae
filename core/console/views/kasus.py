"""The case workers' pages: the cases they may see (filtered as the API's list filters them), a
case with its stages, the current stage's checklist, its history, and the form that moves it on.
The same service functions and permissions as /api/v1/tenants/<t>/cases (core/api/cases.py): the
list is `cases_query` under `cases.read`, a move is `advance_case` under `cases.write` with the
version the page was drawn from (the API's If-Match), and a refusal shows its article."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Response, make_response, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select

from core.api.common import current_roles, current_tenant, current_user, has_permission, kernel, paginate, require, session
from core.cases.documents import CaseDocument, documents_query  # the case page's documents (routes: kasus_berkas.py)
from core.cases.schemas import AssignmentSchema, CaseAdvanceSchema, CaseCloseSchema, CaseDocumentUploadSchema, CaseQuerySchema
from core.cases.services import (
    advance_case,
    assignments_for,
    can_read_notes,
    case_events,
    case_profile,
    cases_query,
    due_dates_for,
    get_case,
    sudah_terlambat,
)
from core.console.blueprint import bp
from core.console.forms import VERSION_FIELD, Form, page_version, submit
from core.console.menu import CaseAction
from core.dashboard import case_code
from core.registry.models import Person
from core.staff.models import Membership, User
from core.tenancy.calendar import local_today

PAGE_SIZE = 20


class AdvanceFormSchema(CaseAdvanceSchema):
    """The API's advance body, with the stage note as a text box of its own (the API takes it
    as `data.catatan`)."""

    catatan = fields.String(load_default=None, validate=validate.Length(max=4000))


@dataclass
class _Pages:
    """flask-smorest's pagination parameters, as `paginate` reads and fills them."""

    page: int
    page_size: int = PAGE_SIZE
    item_count: int = 0

    @property
    def first_item(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def last_page(self) -> int:
        return max(1, -(-self.item_count // self.page_size))


def _stage_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for ct in kernel().plugins.case_types.values():
        for s in ct.stages:
            labels.setdefault(s.code, s.label)
    return labels


# The due-date filter as a case worker picks it on a tablet (one select, no date to type):
# overdue, or due within N days (overdue ones included: they are due "by then" too).
TEMPO_TERLAMBAT = "terlambat"
TEMPO_HARI = {"7": 7, "30": 30}


def _tempo_query(tempo: str) -> tuple[dict[str, str], list[str]]:
    """The API's due-date query (`terlambat`, `jatuh_tempo_sampai`) the select means."""
    if not tempo:
        return {}, []
    schema = Schema.from_dict({"tempo": fields.String(validate=validate.OneOf(
        [TEMPO_TERLAMBAT, *TEMPO_HARI], error=_("Pilih salah satu saringan jatuh tempo yang tersedia."),
    ))})()
    try:
        schema.load({"tempo": tempo})
    except ValidationError as exc:
        return {}, [f"{_('Jatuh tempo')}: {' '.join(map(str, exc.messages['tempo']))}"]
    if tempo == TEMPO_TERLAMBAT:
        return {"terlambat": "true"}, []
    return {"jatuh_tempo_sampai": (local_today() + timedelta(days=TEMPO_HARI[tempo])).isoformat()}, []


def _filters() -> tuple[dict[str, str], dict[str, Any], list[str]]:
    """What the filter form says (kept as typed), the API query it means, and its errors."""
    typed = {k: request.args.get(k, "").strip() for k in ("plugin", "stage", "status", "saya", "tempo")}
    raw = {k: typed[k] for k in ("plugin", "stage", "status") if typed[k]}
    tempo, tempo_errors = _tempo_query(typed["tempo"])
    if tempo_errors:
        return typed, {}, tempo_errors
    try:
        query = CaseQuerySchema().load(raw | tempo)
    except ValidationError as exc:
        return typed, {}, [f"{k}: {' '.join(map(str, v))}" for k, v in exc.messages.items()]
    if typed["saya"]:
        query["assigned_to"] = current_user().id
    return typed, query, []


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("halaman", "1")))
    except ValueError:
        return 1


def _names(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = [p for p in person_ids if p is not None]
    if not ids:
        return {}
    return dict(session().execute(select(Person.id, Person.nama).where(Person.id.in_(ids))).all())  # type: ignore[arg-type]


@bp.get("/<tenant>/kasus")
@require("cases.read")
def kasus() -> Response:
    tenant = current_tenant()
    typed, query, errors = _filters()
    pages = _Pages(_page_number())
    cases = [] if errors else paginate(cases_query(session(), kernel(), tenant, **query), pages)
    hooks = kernel().hooks(session(), tenant)
    names = _names([c.person_id for c in cases])
    due = due_dates_for(session(), kernel(), tenant, [c.id for c in cases])
    today = local_today()
    enabled = kernel().enabled_plugins(session(), tenant)
    plugins = sorted({ct.plugin for ct in kernel().plugins.case_types.values() if ct.plugin in enabled})
    labels = _stage_labels()
    rows = [
        {
            "case": c, "kode": case_code(c.id), "nama": names.get(c.person_id) or c.community_name or "",
            "tahap": labels.get(c.stage, c.stage), "ringkasan": hooks.kesos_case_summary(case=c),
            "jatuh_tempo": due.get(c.id), "terlambat": sudah_terlambat(due.get(c.id), today),
        }
        for c in cases
    ]
    stages = [(code, label) for code, label in labels.items()]
    args = {k: v for k, v in typed.items() if v}
    return make_response(render_template(
        "konsol/kasus/daftar.html", tenant=tenant, rows=rows, typed=typed, errors=errors, pages=pages,
        plugins=plugins, stages=stages, args=args, tempo_hari=list(TEMPO_HARI),
    ))


def _history(case: Any, notes: bool) -> list[dict[str, Any]]:
    events = case_events(session(), case)
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    actors = dict(session().execute(select(User.id, User.nama).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    labels = _stage_labels()
    return [
        {
            "event": e, "oleh": actors.get(e.actor_id, ""),
            "dari": labels.get(e.from_stage or "", e.from_stage), "ke": labels.get(e.to_stage or "", e.to_stage),
            # the API's rule: without the right to read notes, an event's data is left out
            "catatan": (e.data or {}).get("catatan") if notes else None,
        }
        for e in events
    ]


def _actions(case: Any, profile: Any) -> list[CaseAction]:
    """The plugins' pages for this case (kesos_case_actions) the user may use; a move to a stage
    is offered only while the case is open and the user may move it."""
    found = kernel().hooks(session(), current_tenant()).kesos_case_actions(session=session(), case=case, profile=profile)
    can_move = has_permission("cases.write") and case.status == "open"
    return [
        a for group in found for a in (group or ())
        if (a.permission is None or has_permission(a.permission)) and (a.tahap is None or can_move)
    ]


DOC_PAGE = "halaman_dokumen"  # the documents' page, beside the list's `halaman`
DEFAULT_PERAN = "petugas"  # the API's AssignmentSchema default, for case types naming no roles


def _case_workers(tenant: Any, exclude: set[uuid.UUID]) -> list[dict[str, Any]]:
    """The tenant's staff who may work on cases (their roles grant `cases.write`), each with
    those roles, in one query; the ones already on the case left out."""
    granted = sorted(kernel().plugins.permissions.get("cases.write", frozenset()))
    rows = session().execute(
        select(User.id, User.nama, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id, Membership.role.in_(granted)).order_by(User.nama, User.id, Membership.role)
    )
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for user_id, nama, role in rows:
        if user_id not in exclude:
            out.setdefault(user_id, {"id": user_id, "nama": nama, "roles": []})["roles"].append(role)
    return list(out.values())


def _case_file(case: Any, case_type: Any, assigned: list[Any], forms: dict[str, Form]) -> dict[str, Any]:
    """The documents, workers and closing parts of the case page, offered as the API allows:
    `cases.write` uploads and closes an open case (closing at a stage its type allows),
    `cases.assign` assigns and releases; the documents' list for every reader (their content
    only for who may read the notes, said on the page)."""
    tenant, is_open = current_tenant(), case.status == "open"
    try:
        pages = _Pages(max(1, int(request.args.get(DOC_PAGE, "1"))))
    except ValueError:
        pages = _Pages(1)
    stmt = documents_query(case).add_columns(User.nama).join(User, User.id == CaseDocument.diunggah_oleh)
    can_assign = has_permission("cases.assign")
    return {
        "documents": paginate(stmt, pages, rows=True), "doc_pages": pages, "doc_page_field": DOC_PAGE,
        "can_upload": has_permission("cases.write") and is_open,
        "can_assign": can_assign and is_open, "can_release": can_assign,
        "staff": _case_workers(tenant, {a.user_id for a in assigned}) if can_assign and is_open else [],
        "peran_choices": case_type.assignment_roles or (DEFAULT_PERAN,),
        "can_close": has_permission("cases.write") and is_open and case.stage in case_type.closable_stages,
        "forms": {
            "dokumen": Form(CaseDocumentUploadSchema()), "tugas": Form(AssignmentSchema()), "tutup": Form(CaseCloseSchema()), **forms,
        },
        # one form (one submission id) per worker to release
        "release": {a.user_id: Form(Schema()) for a in assigned},
    }


def _case_page(case_id: uuid.UUID, form: Form | None = None, forms: dict[str, Form] | None = None) -> str:
    """`form`: the advance form sent back with its errors; `forms`: another form of the page
    (dokumen, tugas, lepas, tutup) sent back with its errors."""
    tenant = current_tenant()
    s = session()
    case = get_case(s, kernel(), tenant, case_id)
    case_type = kernel().plugins.case_type(case.case_type)
    assert case_type is not None
    profile = case_profile(s, kernel(), tenant, case)
    codes = case_type.stage_codes
    current = codes.index(case.stage) if case.stage in codes else -1
    # A closed case has finished the stage it was closed at; the stages after it were never run.
    closed = case.status == "closed"
    stages = [
        {"label": st.label, "selesai": i < current or (closed and i == current), "sekarang": i == current and not closed}
        for i, st in enumerate(case_type.stages)
    ]
    notes = can_read_notes(s, case, current_user().id, current_roles(), kernel().plugins.permissions)
    labels = {st.code: st.label for st in case_type.stages}
    can_advance = has_permission("cases.write") and case.status == "open"
    actions = _actions(case, profile)
    # A stage a plugin has its own form for is entered through that form, not the generic one.
    own_forms = {a.tahap for a in actions if a.tahap}
    targets = [(code, labels[code]) for code in case_type.allowed_targets(case.stage) if code not in own_forms] if can_advance else []
    assigned = assignments_for(s, [case.id])[case.id]
    workers = dict(s.execute(select(User.id, User.nama).where(User.id.in_([a.user_id for a in assigned]))).all()) if assigned else {}
    return render_template(
        "konsol/kasus/kasus.html", tenant=tenant, case=case, kode=case_code(case.id), case_type=case_type,
        profile=profile, stages=stages, stage_label=labels.get(case.stage, case.stage),
        checklist=kernel().hooks(s, tenant).kesos_case_checklist(session=s, case=case, profile=profile),
        history=_history(case, notes), notes=notes, nama=_names([case.person_id]).get(case.person_id) if case.person_id else case.community_name,
        assigned=[{"user_id": a.user_id, "nama": workers.get(a.user_id, ""), "peran": a.peran} for a in assigned],
        summary=kernel().hooks(s, tenant).kesos_case_summary(case=case),
        can_advance=can_advance, targets=targets, actions=actions, form=form or Form(AdvanceFormSchema()),
        # a form sent back keeps the version it was drawn from (a stale one stays stale)
        version=request.form.get(VERSION_FIELD, case.version) if form is not None or forms else case.version,
        **_case_file(case, case_type, assigned, forms or {}),
    )


@bp.get("/<tenant>/kasus/<uuid:case_id>")
@require("cases.read")
def kasus_detail(case_id: uuid.UUID) -> Response:
    return make_response(_case_page(case_id))


@bp.post("/<tenant>/kasus/<uuid:case_id>/maju")
@require("cases.write")
def kasus_maju(case_id: uuid.UUID) -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        s = session()
        case = get_case(s, kernel(), tenant, case_id)
        extra = {"catatan": data["catatan"]} if data.get("catatan") else {}
        with page_version() as version:
            advance_case(
                s, kernel(), tenant, case, to_stage=data["to_stage"], data={**data.get("data", {}), **extra},
                expected_version=version, actor_id=current_user().id,
            )
        return url_for("konsol.kasus_detail", tenant=tenant.slug, case_id=case.id)

    return submit(Form.from_request(AdvanceFormSchema()), action, lambda form: _case_page(case_id, form))
