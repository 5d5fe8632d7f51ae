"""Opening cases and moving them through their workflow."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import Select, Subquery, false, func, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core import audit
from core.cases.models import Case, CaseAssignment, CaseEvent, CaseReferral
from core.cases.workflow import AssignContext, CaseContext, CaseType
from core.db import get_owned, utcnow
from core.tenancy.calendar import local_today
from core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from core.kernel import Kernel
from core.regulations.profiles import RegulationProfile
from core.regulations.services import pin, profile_for
from core.registry.services import get_household, get_organization, get_person
from core.rules import RuleViolation
from core.staff.models import Membership
from core.tenancy.models import Tenant
from core.tenancy.services import tenant_profile


def _case_type(session: Session, kernel: Kernel, tenant: Tenant, name: str) -> CaseType:
    case_type = kernel.plugins.case_type(name)
    if case_type is None or case_type.plugin not in kernel.enabled_plugins(session, tenant):
        raise InvalidInput({"case_type": [f"Jenis kasus '{name}' tidak tersedia di kabupaten/kota ini."]})
    return case_type


def _load(schema_cls: Any, data: dict[str, Any], field: str) -> dict[str, Any]:
    if schema_cls is None:
        if data:
            raise InvalidInput({field: ["Jenis kasus ini tidak menerima data tambahan."]})
        return {}
    schema = schema_cls()
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        raise InvalidInput({field: exc.messages}) from exc
    return loaded  # type: ignore[no-any-return]


def _check_subject(session: Session, case_type: CaseType, values: dict[str, Any]) -> None:
    subject_type = values["subject_type"]
    if subject_type not in case_type.subject_types:
        allowed = ", ".join(case_type.subject_types)
        raise InvalidInput({"subject_type": [f"Jenis kasus ini hanya untuk subjek: {allowed}."]})
    lookups = {"person": ("person_id", get_person), "household": ("household_id", get_household), "organization": ("organization_id", get_organization)}
    if subject_type == "community":
        if not values.get("community_name"):
            raise InvalidInput({"community_name": ["Nama komunitas wajib diisi."]})
        return
    field, getter = lookups[subject_type]
    if not values.get(field):
        raise InvalidInput({field: ["Wajib diisi untuk subjek ini."]})
    try:
        getter(session, values[field])
    except NotFound as exc:  # a field error of this request, not a 404 of the endpoint
        raise InvalidInput({field: ["Tidak ditemukan di kabupaten/kota ini."]}) from exc


def _check_assignees(session: Session, tenant: Tenant, user_ids: list[uuid.UUID], field: str = "assigned") -> None:
    if not user_ids:
        return
    twice = sorted({str(u) for u in user_ids if user_ids.count(u) > 1})
    if twice:
        # One assignment per worker and case (its primary key): say so, rather than fail on insert.
        raise InvalidInput({field: [f"Petugas yang sama ditugaskan lebih dari sekali: {', '.join(twice)}."]})
    found = set(
        session.scalars(
            select(Membership.user_id).where(Membership.tenant_id == tenant.id, Membership.user_id.in_(user_ids))
        )
    )
    missing = [str(u) for u in user_ids if u not in found]
    if missing:
        raise InvalidInput({field: [f"Petugas tidak terdaftar di kabupaten/kota ini: {', '.join(missing)}."]})


def open_case(
    session: Session, kernel: Kernel, tenant: Tenant, values: dict[str, Any], actor_id: uuid.UUID | None
) -> Case:
    case_type = _case_type(session, kernel, tenant, values["case_type"])
    _check_subject(session, case_type, values)
    assigned = values.get("assigned", [])
    _check_assignees(session, tenant, [a["user_id"] for a in assigned])
    data = _load(case_type.data_schema, values.get("data", {}), "data")
    profile = tenant_profile(session, kernel, tenant, case_type.plugin)
    case = Case(
        case_type=case_type.name,
        plugin=case_type.plugin,
        subject_type=values["subject_type"],
        person_id=values.get("person_id"),
        household_id=values.get("household_id"),
        organization_id=values.get("organization_id"),
        community_name=values.get("community_name"),
        stage=case_type.stages[0].code,
        status="open",
        opened_by=actor_id,
        profile_id=profile.id,
        profile_version=profile.version,
        data=_jsonable(case_type.data_schema, data),
    )
    ctx = CaseContext(session, tenant, case, profile, actor_id, data, None, case.stage)
    for guard in case_type.on_open:
        guard(ctx)
    pin(session, profile)
    session.add(case)
    session.flush()
    event = CaseEvent(case_id=case.id, actor_id=actor_id, kind="opened", to_stage=case.stage, data={"profile": f"{profile.id} v{profile.version}"})
    session.add(event)
    session.flush()
    for a in assigned:
        peran = a.get("peran", "petugas")
        _assign(session, tenant, case_type, case, profile, a["user_id"], peran, actor_id)
        session.add(CaseEvent(case_id=case.id, actor_id=actor_id, kind="assigned", data={"user_id": str(a["user_id"]), "peran": peran}))
        audit.record(session, "case.assign", "case", case.id, {"user_id": a["user_id"], "peran": peran})
    session.flush()
    kernel.hooks(session, tenant).kesos_case_opened(session=session, case=case, profile=profile)
    audit.record(session, "case.open", "case", case.id, {"case_type": case.case_type, "profile": profile.id})
    return case


def _assign(
    session: Session,
    tenant: Tenant,
    case_type: CaseType,
    case: Case,
    profile: RegulationProfile,
    user_id: uuid.UUID,
    peran: str,
    actor_id: uuid.UUID | None,
) -> CaseAssignment:
    if case_type.assignment_roles and peran not in case_type.assignment_roles:
        raise InvalidInput({"peran": [f"Peran petugas harus salah satu dari: {', '.join(case_type.assignment_roles)}."]})
    ctx = AssignContext(session, tenant, case, profile, user_id, peran, local_today(), actor_id)
    for guard in case_type.assign_guards:
        guard(ctx)
    assignment = CaseAssignment(case_id=case.id, user_id=user_id, peran=peran)
    session.add(assignment)
    return assignment


def assign_staff(
    session: Session,
    kernel: Kernel,
    tenant: Tenant,
    case: Case,
    *,
    user_id: uuid.UUID,
    peran: str,
    actor_id: uuid.UUID | None,
) -> CaseAssignment:
    """Assign a worker to an open case, after the case type's assignment rules (which cite
    their articles). Recorded in the case history and the audit log."""
    case_type = kernel.plugins.case_type(case.case_type)
    assert case_type is not None
    profile = case_profile(session, kernel, tenant, case)
    if case.status != "open":
        raise RuleViolation("kasus_sudah_ditutup", "Kasus sudah ditutup; petugas tidak dapat ditambahkan.", profile.citation(case_type.order_parameter))
    _check_assignees(session, tenant, [user_id], field="user_id")
    if session.get(CaseAssignment, (tenant.id, case.id, user_id)) is not None:
        raise Conflict("petugas_sudah_ditugaskan", "Petugas ini sudah ditugaskan pada kasus ini.")
    assignment = _assign(session, tenant, case_type, case, profile, user_id, peran, actor_id)
    session.add(CaseEvent(case_id=case.id, actor_id=actor_id, kind="assigned", data={"user_id": str(user_id), "peran": peran}))
    session.flush()
    audit.record(session, "case.assign", "case", case.id, {"user_id": user_id, "peran": peran})
    return assignment


def unassign_staff(session: Session, tenant: Tenant, case: Case, user_id: uuid.UUID, actor_id: uuid.UUID | None) -> None:
    assignment = session.get(CaseAssignment, (tenant.id, case.id, user_id))
    if assignment is None:
        raise NotFound("penugasan_tidak_ditemukan", "Petugas ini tidak ditugaskan pada kasus ini.")
    session.delete(assignment)
    session.add(CaseEvent(case_id=case.id, actor_id=actor_id, kind="unassigned", data={"user_id": str(user_id), "peran": assignment.peran}))
    session.flush()
    audit.record(session, "case.unassign", "case", case.id, {"user_id": user_id, "peran": assignment.peran})


def close_case(
    session: Session,
    kernel: Kernel,
    tenant: Tenant,
    case: Case,
    *,
    data: dict[str, Any],
    expected_version: int,
    actor_id: uuid.UUID | None,
) -> CaseEvent:
    """Close a case at a stage where its type allows it (e.g. after bimbingan lanjut)."""
    if case.version != expected_version:
        raise PreconditionFailed()
    case_type = kernel.plugins.case_type(case.case_type)
    assert case_type is not None
    profile = case_profile(session, kernel, tenant, case)
    citation = profile.citation(case_type.order_parameter)
    if case.status != "open":
        raise RuleViolation("kasus_sudah_ditutup", "Kasus sudah ditutup.", citation)
    if case.stage not in case_type.closable_stages:
        labels = {s.code: s.label for s in case_type.stages}
        allowed = ", ".join(labels[s] for s in case_type.closable_stages) or "tidak ada"
        raise RuleViolation(
            "belum_dapat_ditutup", f"Kasus hanya dapat ditutup pada tahap: {allowed}.", citation
        )
    ctx = CaseContext(session, tenant, case, profile, actor_id, data, case.stage, None)
    for guard in case_type.close_guards:
        guard(ctx)
    event = CaseEvent(case_id=case.id, actor_id=actor_id, kind="closed", from_stage=case.stage, data=data)
    session.add(event)
    case.status = "closed"
    case.closed_at = utcnow()
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed() from exc
    audit.record(session, "case.close", "case", case.id, {"stage": case.stage})
    return event


def can_read_notes(session: Session, case: Case, user_id: uuid.UUID | None, roles: frozenset[str], permissions: dict[str, frozenset[str]]) -> bool:
    """Confidentiality (Perbup Balangan 61/2017 Pasal 29 huruf b): a case's notes are for its
    assigned workers and for roles granted `cases.notes.read`; others see its metadata only."""
    if roles & permissions.get("cases.notes.read", frozenset()):
        return True
    if user_id is None:
        return False
    return session.get(CaseAssignment, (case.tenant_id, case.id, user_id)) is not None


def _jsonable(schema_cls: Any, data: dict[str, Any]) -> dict[str, Any]:
    return schema_cls().dump(data) if schema_cls is not None else {}


def visible_case_types(session: Session, kernel: Kernel, tenant: Tenant) -> list[str]:
    enabled = kernel.enabled_plugins(session, tenant)
    return [name for name, ct in kernel.plugins.case_types.items() if ct.plugin in enabled]


def get_case(session: Session, kernel: Kernel, tenant: Tenant, case_id: uuid.UUID) -> Case:
    """A case of this tenant whose plugin is enabled; otherwise 404 (a disabled plugin's cases
    are kept, not shown)."""
    case = get_owned(session, Case, case_id)
    if case is None or case.plugin not in kernel.enabled_plugins(session, tenant):
        raise NotFound("kasus_tidak_ditemukan", "Kasus tidak ditemukan.")
    return case


def case_profile(session: Session, kernel: Kernel, tenant: Tenant, case: Case) -> RegulationProfile:
    return profile_for(session, kernel, case.plugin, case.profile_id, case.profile_version, tenant.slug)


def advance_case(
    session: Session,
    kernel: Kernel,
    tenant: Tenant,
    case: Case,
    *,
    to_stage: str,
    data: dict[str, Any],
    expected_version: int,
    actor_id: uuid.UUID | None,
) -> CaseEvent:
    """Move a case to its next stage: check the order and the guards (citing their articles),
    record the event, bump the version. A stale `expected_version` is refused (412)."""
    if case.version != expected_version:
        raise PreconditionFailed()
    case_type = kernel.plugins.case_type(case.case_type)
    assert case_type is not None
    profile = case_profile(session, kernel, tenant, case)
    if case.status != "open":
        raise RuleViolation(
            "kasus_sudah_ditutup", "Kasus sudah ditutup; tahapnya tidak dapat diubah.", profile.citation(case_type.order_parameter)
        )
    case_type.check_move(profile, case.stage, to_stage)
    schema = case_type.advance_schemas.get(to_stage) or case_type.advance_schemas.get("*")
    loaded = _load(schema, data, "data")
    ctx = CaseContext(session, tenant, case, profile, actor_id, loaded, case.stage, to_stage)
    for guard in case_type.guards.get(to_stage, ()):
        guard(ctx)
    from_stage = case.stage
    event = CaseEvent(
        case_id=case.id, actor_id=actor_id, kind="advanced", from_stage=from_stage, to_stage=to_stage,
        data=_jsonable(schema, loaded),
    )
    session.add(event)
    case.stage = to_stage
    if to_stage in case_type.final_stages:
        case.status = "closed"
        case.closed_at = utcnow()
    try:
        session.flush()
    except StaleDataError as exc:  # another request advanced it between our read and write
        raise PreconditionFailed() from exc
    kernel.hooks(session, tenant).kesos_case_advanced(session=session, case=case, event=event, profile=profile)
    audit.record(session, "case.advance", "case", case.id, {"from": from_stage, "to": to_stage})
    return event


def cases_query(
    session: Session,
    kernel: Kernel,
    tenant: Tenant,
    *,
    case_type: str | None = None,
    plugin: str | None = None,
    stage: str | None = None,
    status: str | None = None,
    assigned_to: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    jatuh_tempo_sampai: date | None = None,
    terlambat: bool | None = None,
) -> Select[tuple[Case]]:
    """The tenant's cases of enabled plugins, newest first, filtered as the API's list is.

    `jatuh_tempo_sampai`: only cases whose next due date (the earliest open deadline the
    plugins give through `kesos_case_due_dates`) is on or before that day; `terlambat=True`:
    only cases whose next due date is before today (WIB), `False`: the others (no deadline, or
    not yet due). Filtering by due date orders by it, the most urgent first."""
    stmt = select(Case).where(Case.plugin.in_(sorted(kernel.enabled_plugins(session, tenant)))).order_by(Case.opened_at.desc(), Case.id)
    for column, value in ((Case.case_type, case_type), (Case.plugin, plugin), (Case.stage, stage), (Case.status, status), (Case.person_id, person_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    if assigned_to is not None:
        stmt = stmt.where(
            Case.id.in_(select(CaseAssignment.case_id).where(CaseAssignment.user_id == assigned_to))
        )
    if jatuh_tempo_sampai is None and terlambat is None:
        return stmt
    due = _next_due_dates(session, kernel, tenant)
    if due is None:  # no enabled plugin has deadlines: nothing is due, nothing is late
        return stmt if terlambat is False and jatuh_tempo_sampai is None else stmt.where(false())
    today = local_today()
    if terlambat is False and jatuh_tempo_sampai is None:
        stmt = stmt.outerjoin(due, due.c.case_id == Case.id).where(due.c.jatuh_tempo.is_(None) | (due.c.jatuh_tempo >= today))
    else:
        stmt = stmt.join(due, due.c.case_id == Case.id)
        if jatuh_tempo_sampai is not None:
            stmt = stmt.where(due.c.jatuh_tempo <= jatuh_tempo_sampai)
        if terlambat is not None:
            stmt = stmt.where(due.c.jatuh_tempo < today if terlambat else due.c.jatuh_tempo >= today)
    return stmt.order_by(None).order_by(due.c.jatuh_tempo.asc().nulls_last(), Case.opened_at.desc(), Case.id)


def _next_due_dates(session: Session, kernel: Kernel, tenant: Tenant, case_ids: list[uuid.UUID] | None = None) -> Subquery | None:
    """(case_id, jatuh_tempo): the earliest open deadline of each case, from the UNION of what
    the enabled plugins give (`kesos_case_due_dates`), grouped in SQL so a list stays one
    paginated query. None when no enabled plugin has deadlines."""
    parts = [p for p in kernel.hooks(session, tenant).kesos_case_due_dates(tenant=tenant) if p is not None]
    if not parts:
        return None
    union = union_all(*parts).subquery("tenggat")
    case_id, jatuh_tempo = union.c[0], union.c[1]  # by position: plugins name their columns freely
    stmt = select(case_id.label("case_id"), func.min(jatuh_tempo).label("jatuh_tempo")).group_by(case_id)
    if case_ids is not None:
        stmt = stmt.where(case_id.in_(case_ids))
    return stmt.subquery("jatuh_tempo_kasus")


def due_dates_for(session: Session, kernel: Kernel, tenant: Tenant, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """The next due date of each of a page of cases, in one query (no N+1 on lists); a case
    without an open deadline is absent."""
    if not case_ids:
        return {}
    due = _next_due_dates(session, kernel, tenant, case_ids)
    if due is None:
        return {}
    return {cid: day for cid, day in session.execute(select(due.c.case_id, due.c.jatuh_tempo))}


def sudah_terlambat(jatuh_tempo: date | None, today: date | None = None) -> bool:
    """Past due: the due date is the last day allowed, so a deadline is late from the next
    day (WIB) — the rule `cases_query(terlambat=True)` filters by."""
    return jatuh_tempo is not None and jatuh_tempo < (today or local_today())


def assignments_for(session: Session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[CaseAssignment]]:
    """All assignments of a page of cases in one query (no N+1 on lists)."""
    out: dict[uuid.UUID, list[CaseAssignment]] = {cid: [] for cid in case_ids}
    if case_ids:
        for a in session.scalars(select(CaseAssignment).where(CaseAssignment.case_id.in_(case_ids))):
            out[a.case_id].append(a)
    return out


def case_events(session: Session, case: Case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)))


def refer_case(
    session: Session, kernel: Kernel, tenant: Tenant, case: Case, *, ke_plugin: str, alasan: str, data: dict[str, Any], actor_id: uuid.UUID | None
) -> CaseReferral:
    """Refer an open case to another service of this tenant. Refused politely (409) when that
    service is not enabled here; the receiving plugin's `kesos_referral_received` answers, and its
    answer is kept with the referral. Recorded in the case history and the audit log."""
    if ke_plugin not in kernel.plugins.installed:
        raise InvalidInput({"ke_plugin": [f"Layanan '{ke_plugin}' tidak dikenal di platform ini."]})
    if ke_plugin == case.plugin:
        raise InvalidInput({"ke_plugin": ["Kasus tidak dirujuk ke layanannya sendiri."]})
    if ke_plugin not in kernel.enabled_plugins(session, tenant):
        raise Conflict(
            "layanan_tujuan_tidak_aktif",
            f"Layanan {ke_plugin} belum diaktifkan di {tenant.nama}; rujukan belum dapat dikirim. "
            "Hubungi admin Dinas Sosial untuk mengaktifkannya, atau rujuk ke layanan lain.",
        )
    if case.status != "open":
        raise Conflict("kasus_sudah_ditutup", "Kasus sudah ditutup; rujukan tidak dapat dikirim.")
    referral = CaseReferral(case_id=case.id, dari_plugin=case.plugin, ke_plugin=ke_plugin, alasan=alasan, data=data, dibuat_oleh=actor_id)
    session.add(referral)
    session.flush()
    answers = [a for a in kernel.plugins.hook_for_plugin(ke_plugin, "kesos_referral_received")(
        session=session, tenant=tenant, referral=referral, case=case
    ) if a is not None]
    referral.hasil = answers[0] if answers else {}
    session.add(CaseEvent(case_id=case.id, actor_id=actor_id, kind="referred", data={"ke_plugin": ke_plugin, "referral_id": str(referral.id)}))
    session.flush()
    audit.record(session, "case.refer", "case", case.id, {"ke_plugin": ke_plugin, "referral_id": referral.id})
    return referral


def referrals_query(case_id: uuid.UUID | None = None, ke_plugin: str | None = None) -> Select[tuple[CaseReferral]]:
    stmt = select(CaseReferral).order_by(CaseReferral.dibuat_pada.desc(), CaseReferral.id)
    if case_id is not None:
        stmt = stmt.where(CaseReferral.case_id == case_id)
    if ke_plugin is not None:
        stmt = stmt.where(CaseReferral.ke_plugin == ke_plugin)
    return stmt
