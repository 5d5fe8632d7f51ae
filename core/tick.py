"""The daily tick: each enabled plugin's `kesos_daily` work, per tenant, per day.

Idempotent and catching up: a (tenant, plugin, day) that has run is recorded in
`daily_tick_runs` and never runs again; a tick after missed days runs each missed day in order.
Each (tenant, plugin, day) is its own transaction, so one plugin's failure neither blocks nor
half-writes another's.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.db import tenant_context
from core.kernel import Kernel, get_kernel
from core.tenancy.models import DailyTickRun, Tenant, TenantPlugin

log = logging.getLogger(__name__)

# A tenant enabling a plugin starts that plugin's days from today; a deployment that was down
# catches up at most this many days (older days are not worth replaying).
MAX_CATCH_UP_DAYS = 31


@dataclass
class TickResult:
    ran: list[tuple[str, str, date]] = field(default_factory=list)
    failed: list[tuple[str, str, date, str]] = field(default_factory=list)


def run_daily_tick(today: date | None = None, kernel: Kernel | None = None) -> TickResult:
    kernel = kernel or get_kernel()
    today = today or date.today()
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
    return result


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
