"""THE plugin contract of Kesos: every hook a plugin may implement.

Every hook is named `kesos_*`. Implement them in your plugin's `__init__.py` with
`@hookimpl` from `core.sdk`. Hooks are grouped by life-cycle:

- start-up registration — called once per process on every installed plugin;
- per-tenant configuration — called when a tenant changes a plugin's state;
- case life-cycle — called through the tenant's hook caller, i.e. only on plugins the tenant
  has enabled;
- scheduled work — the daily tick, per tenant, only on enabled plugins;
- reporting.

Each hook is documented with its exact signature in docs/plugins.md; tests/core/test_hooks_meta.py
fails when a hook here is undocumented there or has no `test_hook_<name>` test.
"""
from __future__ import annotations

import datetime
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from flask import Flask
    from flask_smorest import Blueprint
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

    from core.cases.models import Case, CaseEvent, CaseReferral
    from core.cases.workflow import CaseType
    from core.console.menu import CaseAction, ConsoleContribution
    from core.dashboard import OverdueDeadlines
    from core.imports import Importer
    from core.registry.models import Person
    from core.regulations.profiles import ProfileSource, RegulationProfile
    from core.reports import Report
    from core.tenancy.models import Tenant

hookspec = pluggy.HookspecMarker("kesos")


# ============================================================================================
# Start-up registration: called once per process, on every installed (not blocked) plugin.
# ============================================================================================


@hookspec
def kesos_register_case_types() -> list[CaseType]:
    """Called once at start-up to collect the case types the plugin handles.

    Returns a list of `CaseType` (name, stages in order, the profile parameter citing the
    order, guards per stage, data schemas). Case type names are unique across plugins;
    start-up refuses a duplicate.
    """


@hookspec
def kesos_register_blueprints() -> list[Blueprint]:
    """Called once at start-up to collect the plugin's flask-smorest blueprints.

    Each blueprint is mounted under `/api/v1/tenants/<tenant>/<plugin>/`; for a tenant that has
    the plugin disabled every route of it answers 404. Returns a list of `Blueprint`.
    """


@hookspec
def kesos_register_profiles() -> ProfileSource | None:
    """Called once at start-up to collect the plugin's regulation profiles.

    Returns a `ProfileSource`: the marshmallow schema of the profile parameters, the
    directories holding the plugin's profile YAML files, and the default profile id. Every file
    is validated when loaded; a bad file stops start-up naming the file and the field.
    """


@hookspec
def kesos_register_migrations() -> Path | None:
    """Called at start-up and by `kesos db` to find the plugin's Alembic branch.

    Returns the directory holding the plugin's revision files (branch label = plugin name,
    `depends_on` the core revision it needs), or None for a plugin without tables.
    """


@hookspec
def kesos_register_models() -> list[type]:
    """Called once at start-up to collect the plugin's SQLAlchemy models.

    Returns the model classes whose tables the plugin owns. Table names must start with
    `<plugin>_`; start-up refuses two plugins claiming the same table.
    """


@hookspec
def kesos_register_permissions() -> dict[str, list[str]]:
    """Called once at start-up to collect permissions and the tenant roles granted each.

    Returns a mapping `permission → [role, ...]`, e.g.
    `{"rehabilitasi.kasus.buat": ["peksos", "officer"]}`. Roles are the kernel's tenant roles.
    The kernel's own permissions come through this hook too (internal plugin).
    """


@hookspec
def kesos_register_reports() -> list[Report]:
    """Called once at start-up to collect the reports the plugin offers.

    Returns a list of `Report` (unique name, title, a build function run as a job with a
    `ReportContext`, an optional parameter schema and citation).
    """


@hookspec
def kesos_register_importers() -> list[Importer]:
    """Called once at start-up to collect what the plugin lets a tenant import from CSV/XLSX.

    Returns a list of `Importer` (unique name, plugin, title, required and optional columns, and
    how a row is parsed, deduplicated and written). Each is offered at
    `POST /api/v1/tenants/<tenant>/imports/<name>` while the plugin is enabled for the tenant;
    the kernel streams the file, rejects bad rows with their reason and reports progress.
    """


@hookspec
def kesos_register_console() -> ConsoleContribution | None:
    """Called once at start-up to collect the plugin's part of the web console (/konsol).

    Returns a `ConsoleContribution(title, menu, blueprints)` (from core.sdk): the service's name
    as people know it (Indonesian, translated through the console's catalogue when it has the
    text), its `MenuEntry(label, endpoint, permission)` links, and plain Flask blueprints mounted
    at `/konsol/<tenant>/<plugin>/`, authenticated by the console's session and CSRF-checked like
    the console's own pages; or None. A tenant that has the plugin disabled sees none of its
    menu entries and gets 404 from its console routes, and its data stays.
    """


@hookspec
def kesos_startup(app: Flask) -> None:
    """Called once, at the end of `create_app()`, after every blueprint is registered.

    `app` is the Flask application. Returns nothing. Use it for one-off set-up; never for
    per-request work.
    """


# ============================================================================================
# Per-tenant configuration
# ============================================================================================


@hookspec
def kesos_plugin_toggled(session: Session, tenant: Tenant, plugin: str, enabled: bool) -> None:
    """Called in the toggle's transaction after a tenant enables or disables a plugin, on that
    plugin only (even when it is being disabled).

    `session` is the request's session (do not commit), `tenant` the tenant, `plugin` the
    plugin's name, `enabled` the new state. Returns nothing. Never delete data here: disabling
    keeps everything so that re-enabling brings it back unchanged.
    """


# ============================================================================================
# Case life-cycle: through the tenant's hook caller (enabled plugins only).
# ============================================================================================


@hookspec
def kesos_case_opened(session: Session, case: Case, profile: RegulationProfile) -> None:
    """Called in the same transaction right after a case is opened and its `opened` event
    recorded.

    `case` is the new case (flushed, with its id), `profile` the regulation profile it is
    pinned to. Returns nothing; raise `RuleViolation` to refuse the opening (nothing is kept).
    """


@hookspec
def kesos_case_advanced(session: Session, case: Case, event: CaseEvent, profile: RegulationProfile) -> None:
    """Called in the same transaction right after a case moved to another stage.

    `event` is the recorded `advanced` event (from_stage, to_stage, data); `profile` the
    case's pinned profile. Returns nothing; raise `RuleViolation` to refuse the move.
    """


@hookspec
def kesos_referral_received(session: Session, tenant: Tenant, referral: CaseReferral, case: Case) -> dict[str, Any] | None:
    """Called in the referring request's transaction when a case of another plugin is referred
    to this plugin, on the receiving plugin only (and only while the tenant has it enabled).

    `referral` is the recorded `CaseReferral` (from and to plugin, `alasan`, `data`), `case` the
    referred case (its subject is the person or household to serve). Returns a JSON-able dict
    stored as the referral's `hasil` (e.g. `{"case_id": ...}` of a case it opened), or None. Raise
    `RuleViolation` to refuse the referral (nothing is kept).
    """


@hookspec(firstresult=True)
def kesos_case_summary(case: Case) -> str | None:
    """Called to give a one-line human summary of a case (lists, audit, notifications).

    Stops at the first non-None result. The kernel's default (trylast) returns the case type's
    label and stage.
    """


@hookspec(firstresult=True)
def kesos_case_checklist(session: Session, case: Case, profile: RegulationProfile) -> list[dict[str, Any]] | None:
    """Called by the console's case page for the activities of the case's CURRENT stage, as a
    checklist (tenant's hook caller: enabled plugins only).

    Returns `[{"label": str, "selesai": bool}, ...]` in the order the regulation lists them —
    `selesai` when an activity of that kind is recorded in the current stage — or None when the
    plugin has nothing to list for this case (its case type, or a profile that leaves the
    activities free). Stops at the first non-None result. Read only: never write here.
    """


@hookspec
def kesos_case_actions(session: Session, case: Case, profile: RegulationProfile) -> list[CaseAction] | None:
    """Called by the console's case page for the plugin's own pages that work on this case
    (record an activity, draw up the plan, the form that enters a stage needing more than a
    note) — on the plugins the tenant has enabled.

    Return a list of `CaseAction(label, url, tahap=None, permission=None)` (core.sdk), or None
    for cases that are not yours. An action with `tahap` is THE form for moving the case to that
    stage: the generic "move" form then leaves that stage out, so the user is not offered a
    move the generic form cannot send the data for. An action with `permission` shows only to
    users holding it. Read only: never write here.
    """


# ============================================================================================
# Personal data (UU 27/2022): called on every installed plugin, enabled for the tenant or not,
# because a disabled plugin's data stays and is still the person's data.
# ============================================================================================


@hookspec
def kesos_person_exported(session: Session, tenant: Tenant, person: Person) -> dict[str, Any] | None:
    """Called when a tenant_admin exports all of one person's data
    (`GET /api/v1/tenants/<tenant>/persons/<id>/ekspor`), in that request's transaction.

    `session` is the request's session (do not commit), `tenant` the tenant (current), `person`
    the person (`person.nik` in plaintext, `person.nik_index` for lookups). Returns a JSON-able
    dict of what the plugin holds about them (rows linked to the person or to their cases; dates
    and ids may be given as such), placed under `layanan.<plugin>` of the export, or None when
    it holds nothing.
    """


@hookspec
def kesos_person_anonymising(session: Session, tenant: Tenant, person: Person) -> None:
    """Called when a tenant_admin anonymises a person, in that request's transaction, after the
    kernel's own checks (no open case) and before the kernel replaces the person's identity.

    `session` is the request's session, `tenant` the tenant, `person` the person (still with
    their data). Returns nothing. Raise `RuleViolation` (e.g. citing `RETENTION_CITATION`, UU
    27/2022 Pasal 15 ayat (1) huruf c) to refuse when the plugin holds records the state must
    keep about them, such as payments or aid given: nothing is changed. Otherwise replace any
    copy of their name or numbers the plugin keeps; never delete rows.
    """


# ============================================================================================
# Scheduled work
# ============================================================================================


@hookspec
def kesos_daily(session: Session, tenant: Tenant, day: datetime.date) -> None:
    """Called by the daily tick once per tenant, per enabled plugin, per calendar day.

    `day` is the day being processed: a tick that missed days calls the hook for each missed
    day in order, and never twice for the same (tenant, plugin, day). `session` is the tick's
    transaction for that tenant and day. Returns nothing. Work must be idempotent.
    """


@hookspec
def kesos_load_demo(session: Session, tenant: Tenant, staff: dict[str, uuid.UUID]) -> None:
    """Called by `kesos demo` (and so by `make run`) once per demo tenant, on the plugins that
    tenant has enabled, after the kernel's demo staff and people exist.

    `session` is the demo's transaction with `tenant` current; `staff` maps the demo roles
    ("admin", "petugas", "peksos", "tks", "auditor", "operator") to user ids. Returns nothing. Must be
    idempotent: `kesos demo` may run again on the same database.
    """


# ============================================================================================
# Reporting
# ============================================================================================


@hookspec
def kesos_report_generated(session: Session, tenant: Tenant, report: str, result: dict[str, Any]) -> None:
    """Called after a report run finished successfully, in the job's transaction.

    `report` is the report's name and `result` its data. Returns nothing (e.g. notify the
    Dinas Sosial, archive the yearly report). Runs in a savepoint: an exception undoes the
    hooks' writes and is recorded in the run's `error`; the run stays done.
    """


@hookspec
def kesos_overdue_deadlines(session: Session, tenant: Tenant, today: datetime.date, limit: int) -> OverdueDeadlines | None:
    """Called when the tenant's dashboard is built (core/dashboard.py), on the plugins the
    tenant has enabled, to collect the plugin's deadlines that are past due on `today` (WIB).

    Return `OverdueDeadlines(plugin, jumlah, tertua)`: how many deadlines are overdue and the
    oldest of them by due date (at most `limit`), each an `OverdueDeadline` saying whether the
    regulation counts it in hari kerja and citing the article that sets it; None when the plugin
    has no deadlines. Read only, in a fixed number of queries whatever the number of cases.
    """


@hookspec
def kesos_case_due_dates(tenant: Tenant) -> Select[tuple[uuid.UUID, datetime.date]] | None:
    """Called when cases are listed (`GET /api/v1/tenants/<tenant>/cases`, the console's
    case list), on the plugins the tenant has enabled, for the plugin's OPEN deadlines of open
    cases, so that the list can show each case's next due date and filter by it in SQL.

    `tenant` is the tenant (current). Return a SQLAlchemy `Select` of two columns, the case's
    id and the due date (the last day allowed; e.g. an evaluation due, a tanda pendaftaran to
    issue), for this tenant's rows only, one row per open deadline (a case may have several: the
    kernel keeps the earliest); or None when the plugin has no deadlines. Build the statement
    only, never execute it: the kernel joins it into the list's own queries. A deadline counted
    in hari kerja is given as the date the plugin stored when it computed it, never recomputed.
    """
