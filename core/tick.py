"""The daily tick: each enabled plugin's `kesos_daily` work, per tenant, per day.

Idempotent and catching up: a (tenant, plugin, day) that has run is recorded in
`daily_tick_runs` and never runs again; a tick after missed days runs each missed day in order.
Each (tenant, plugin, day) is its own transaction, so one plugin's failure neither blocks nor
half-writes another's.

The tick also forgets what no longer protects anything (`prune`): login failures whose window
and lockout are long over, idempotency keys of jobs done a month ago, and the console's
one-time form ids older than a login token can live (no page holding them is still open).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from core.db import tenant_context, utcnow
from core.kernel import Kernel, get_kernel
from core.tenancy.calendar import local_today
from core.tenancy.models import DailyTickRun, Tenant, TenantPlugin

log = logging.getLogger(__name__)

# A tenant enabling a plugin starts that plugin's days from today; a deployment that was down
# catches up at most this many days (older days are not worth replaying).
MAX_CATCH_UP_DAYS = 31
# A done job's key guards against a late duplicate of that job (an RQ retry, a requeue): those
# come within minutes; after a month the key guards nothing.
JOB_KEY_RETENTION = timedelta(days=30)
# A login failure counts only inside its window and locks only until locked_until; a day later
# the row says nothing the next failure would not write again.
LOGIN_FAILURE_RETENTION = timedelta(days=1)


@dataclass
class TickResult:
    ran: list[tuple[str, str, date]] = field(default_factory=list)
    failed: list[tuple[str, str, date, str]] = field(default_factory=list)


def run_daily_tick(today: date | None = None, kernel: Kernel | None = None) -> TickResult:
    kernel = kernel or get_kernel()
    today = today or local_today()  # the legal day is Indonesia's (WIB), whatever the server's zone
    result = TickResult()
    with kernel.db.unit_of_work() as session:
        tenants = [(t.id, t.slug) for t in session.scalars(select(Tenant).where(Tenant.aktif.is_(True)).order_by(Tenant.slug))]
    for tenant_id, slug in tenants:
        with kernel.db.unit_of_work(tenant_id) as session:
            tenant = session.get(Tenant, tenant_id)
            assert tenant is not None
            plugins = sorted(kernel.enabled_plugins(session, tenant))
            last_runs = dict(
                session.execute(
                    select(DailyTickRun.plugin, func.max(DailyTickRun.tanggal)).group_by(DailyTickRun.plugin)
                ).all()
            )
            enabled_on = dict(session.execute(select(TenantPlugin.plugin, TenantPlugin.enabled_on)).all())
        for plugin in plugins:
            for day in _days_to_run(last_runs.get(plugin), today, enabled_on.get(plugin)):
                try:
                    _run_one(kernel, tenant_id, plugin, day)
                    result.ran.append((slug, plugin, day))
                except IntegrityError:
                    log.info("daily tick %s/%s/%s already ran elsewhere", slug, plugin, day)
                except Exception as exc:  # noqa: BLE001 — recorded, the tick goes on
                    log.exception("daily tick failed for %s/%s/%s", slug, plugin, day)
                    result.failed.append((slug, plugin, day, str(exc)))
                    break  # later days of this plugin wait for this one: order matters
    prune(kernel, [tenant_id for tenant_id, _ in tenants])
    return result


def prune(kernel: Kernel, tenant_ids: list, now: datetime | None = None) -> tuple[int, int, int]:  # type: ignore[type-arg]
    """Delete expired login failures, done job keys and stale console submissions; returns how
    many of each."""
    from core.console.models import ConsoleSubmission
    from core.jobs import JobKey
    from core.staff.models import LoginFailure

    now = now or utcnow()
    cutoff = now - LOGIN_FAILURE_RETENTION
    with kernel.db.unit_of_work() as session:  # a platform table: no tenant
        failures = session.execute(
            delete(LoginFailure).where(
                LoginFailure.window_started_at < cutoff,
                or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < cutoff),
            )
        ).rowcount
        forms = session.execute(
            delete(ConsoleSubmission).where(ConsoleSubmission.created_at < now - timedelta(hours=kernel.settings.token_ttl_hours))
        ).rowcount
    keys = 0
    for tenant_id in tenant_ids:  # job keys are tenant rows: RLS lets each tenant delete its own
        with kernel.db.unit_of_work(tenant_id) as session:
            keys += session.execute(
                delete(JobKey).where(JobKey.status == "done", JobKey.done_at < now - JOB_KEY_RETENTION)
            ).rowcount
    log.info("daily tick pruned %d expired login failures, %d done job keys and %d console submissions", failures, keys, forms)
    return failures, keys, forms


def _days_to_run(last: date | None, today: date, enabled_on: date | None = None) -> list[date]:
    if last is None:
        return [today]
    start = max(last + timedelta(days=1), today - timedelta(days=MAX_CATCH_UP_DAYS - 1))
    if enabled_on is not None and start < enabled_on <= today:
        start = enabled_on  # the days it was switched off are not replayed
    return [start + timedelta(days=i) for i in range((today - start).days + 1)]


def _run_one(kernel: Kernel, tenant_id, plugin: str, day: date) -> None:  # type: ignore[no-untyped-def]
    with kernel.db.unit_of_work(tenant_id) as session:
        # Claim the day first: a concurrent tick on another worker fails here and rolls back.
        session.add(DailyTickRun(plugin=plugin, tanggal=day))
        session.flush()
        tenant = session.get(Tenant, tenant_id)
        with tenant_context(tenant_id):
            kernel.plugins.hook_for_plugin(plugin, "kesos_daily")(session=session, tenant=tenant, day=day)


def daily_tick_job() -> None:
    """What RQ's cron scheduler runs (see core/rq_cron.py)."""
    run_daily_tick()
