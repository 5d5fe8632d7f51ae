"""The daily tick (DESIGN.md, principle 5): each enabled plugin's `kesos_daily` per tenant per
day, idempotent, catching up missed days in order, skipping tenants that disabled the plugin."""
from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core import cli
from core.app import create_app
from core.config import load_settings
from core.kernel import get_kernel, set_process_kernel
from core.sdk import hookimpl
from core.tenancy.models import DailyTickRun, Tenant
from core.tenancy.calendar import local_today
from core.tick import MAX_CATCH_UP_DAYS, daily_tick_job, run_daily_tick
from tests.factories import Factory

T = "/api/v1/tenants"
D = date(2026, 3, 2)


def _tenant(make: Factory, slug: str = "balangan", kode: str = "63.11", enable: bool = True) -> Any:
    make.tenant(slug, kode)
    if enable:
        make.enable(slug)
    return make.user(f"petugas-{slug}", {slug: ["officer"]})


def _notes(kernel: Any, slug: str = "balangan") -> list[str]:
    """The fixture's notes, read straight from the database (also while the plugin is
    disabled and its routes answer 404)."""
    from tests.fixture_plugin.models import FixtureNote

    with kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == slug))
    with kernel.db.unit_of_work(tenant_id) as s:
        return [n.isi for n in s.scalars(select(FixtureNote).order_by(FixtureNote.tanggal, FixtureNote.isi))]


def _runs(kernel: Any, slug: str = "balangan") -> list[tuple[str, date]]:
    with kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == slug))
    with kernel.db.unit_of_work(tenant_id) as s:
        return [(r.plugin, r.tanggal) for r in s.scalars(select(DailyTickRun).order_by(DailyTickRun.tanggal))]


def test_the_tick_runs_each_enabled_plugin_per_tenant(client: Any, kernel: Any, make: Factory) -> None:
    officer = _tenant(make)
    result = run_daily_tick(today=D, kernel=kernel)
    assert result.ran == [("balangan", "fixture", D)] and result.failed == []
    assert _notes(kernel) == ["harian 2026-03-02"]
    # Visible to the tenant's officer through the plugin's own API, dated the day processed.
    notes = client.get(f"{T}/balangan/fixture/notes", headers=officer.headers).get_json()
    assert [(n["tanggal"], n["isi"]) for n in notes] == [("2026-03-02", "harian 2026-03-02")]
    assert _runs(kernel) == [("fixture", D)]


def test_twice_the_same_day_changes_nothing(kernel: Any, make: Factory) -> None:
    _tenant(make)
    run_daily_tick(today=D, kernel=kernel)
    again = run_daily_tick(today=D, kernel=kernel)
    assert again.ran == [] and again.failed == []
    assert _notes(kernel) == ["harian 2026-03-02"]
    assert _runs(kernel) == [("fixture", D)]
    # A date before the last processed day does nothing either.
    assert run_daily_tick(today=D - timedelta(days=3), kernel=kernel).ran == []
    assert _notes(kernel) == ["harian 2026-03-02"]


def test_missed_days_are_caught_up_in_order(kernel: Any, make: Factory) -> None:
    _tenant(make)
    run_daily_tick(today=D, kernel=kernel)
    result = run_daily_tick(today=D + timedelta(days=3), kernel=kernel)
    days = [D + timedelta(days=i) for i in (1, 2, 3)]
    assert result.ran == [("balangan", "fixture", d) for d in days]
    assert _notes(kernel) == [f"harian {d.isoformat()}" for d in [D, *days]]
    assert [d for _p, d in _runs(kernel)] == [D, *days]


def test_catching_up_is_bounded(kernel: Any, make: Factory) -> None:
    _tenant(make)
    run_daily_tick(today=D, kernel=kernel)
    today = D + timedelta(days=100)
    result = run_daily_tick(today=today, kernel=kernel)
    assert len(result.ran) == MAX_CATCH_UP_DAYS
    assert result.ran[0][2] == today - timedelta(days=MAX_CATCH_UP_DAYS - 1) and result.ran[-1][2] == today


def test_a_tenant_with_the_plugin_disabled_is_skipped(kernel: Any, make: Factory) -> None:
    _tenant(make, "balangan", "63.11")
    _tenant(make, "tabalong", "63.09", enable=False)
    _tenant(make, "tanahlaut", "63.01")
    make.enable("tanahlaut", enabled=False)  # enabled once, then disabled
    result = run_daily_tick(today=D, kernel=kernel)
    assert result.ran == [("balangan", "fixture", D)]
    assert _notes(kernel, "tabalong") == [] and _notes(kernel, "tanahlaut") == []
    assert _runs(kernel, "tabalong") == [] and _runs(kernel, "tanahlaut") == []

    # Enabled later: its days start at the tick that sees it enabled.
    make.enable("tabalong")
    result = run_daily_tick(today=D + timedelta(days=1), kernel=kernel)
    assert result.ran == [("balangan", "fixture", D + timedelta(days=1)), ("tabalong", "fixture", D + timedelta(days=1))]
    assert _notes(kernel, "tabalong") == ["harian 2026-03-03"]


def test_an_inactive_tenant_is_skipped(kernel: Any, make: Factory) -> None:
    _tenant(make)
    with kernel.db.unit_of_work() as s:
        s.scalar(select(Tenant).where(Tenant.slug == "balangan")).aktif = False
    assert run_daily_tick(today=D, kernel=kernel).ran == []


# -- failures: one (tenant, plugin, day) is one transaction ---------------------------------------


@pytest.fixture
def build_app(database_urls: dict[str, str], tenants_dir: Path, tmp_path: Path, kernel: Any) -> Iterator[Callable[..., Any]]:
    built: list[Any] = []

    def build(extra_plugins: Any = ()) -> Any:
        settings = load_settings(environ={}, instance_dir=tmp_path / "instance2", tenants_dir=tenants_dir, **database_urls)
        try:
            application = create_app(settings, extra_plugins=extra_plugins)
        finally:
            set_process_kernel(kernel)
        built.append(application)
        return application

    yield build
    for application in built:
        application.extensions["kesos"].db.dispose()
    set_process_kernel(kernel)


def test_a_failing_day_is_rolled_back_and_retried_without_blocking_others(build_app: Callable[..., Any]) -> None:
    broken_day = D + timedelta(days=1)
    calls: list[date] = []
    flaky = types.ModuleType("flaky")

    @hookimpl
    def kesos_daily(session: Any, tenant: Any, day: date) -> None:
        from tests.fixture_plugin.models import FixtureNote

        calls.append(day)
        session.add(FixtureNote(tanggal=day, isi=f"flaky {day.isoformat()}"))  # undone on failure
        session.flush()
        if day == broken_day and calls.count(day) == 1:
            raise RuntimeError("layanan data sedang gangguan")

    flaky.kesos_daily = kesos_daily  # type: ignore[attr-defined]
    k = build_app(extra_plugins=[("flaky", flaky)]).extensions["kesos"]
    make = Factory(k)
    _tenant(make)
    make.enable("balangan", "flaky")
    run_daily_tick(today=D, kernel=k)

    result = run_daily_tick(today=D + timedelta(days=2), kernel=k)
    # flaky's later day waits for the broken one; the fixture is not held back.
    assert [(p, d) for _s, p, d, _e in result.failed] == [("flaky", broken_day)]
    assert "gangguan" in result.failed[0][3]
    assert [(p, d) for _s, p, d in result.ran] == [("fixture", broken_day), ("fixture", D + timedelta(days=2))]
    assert "flaky 2026-03-03" not in _notes(k)
    assert ("flaky", broken_day) not in _runs(k)

    result = run_daily_tick(today=D + timedelta(days=2), kernel=k)
    assert [(p, d) for _s, p, d in result.ran] == [("flaky", broken_day), ("flaky", D + timedelta(days=2))]
    assert result.failed == []
    assert [n for n in _notes(k) if n.startswith("flaky")] == ["flaky 2026-03-02", "flaky 2026-03-03", "flaky 2026-03-04"]


# -- the ways the tick is started ----------------------------------------------------------------


def test_the_rq_cron_job_runs_today(kernel: Any, make: Factory) -> None:
    _tenant(make)
    daily_tick_job()  # what `rq cron core.rq_cron` enqueues; uses this process's kernel
    assert _notes(kernel) == [f"harian {local_today().isoformat()}"]  # the day in WIB


def test_the_cli_tick_with_a_date(kernel: Any, make: Factory, database_urls: dict[str, str], tenants_dir: Path, tmp_path: Path) -> None:
    _tenant(make)
    env = {
        "DATABASE_URL": database_urls["database_url"],
        "MIGRATION_DATABASE_URL": database_urls["migration_database_url"],
        "KESOS_INSTANCE_DIR": str(tmp_path / "instance-cli"),
        "KESOS_TENANTS_DIR": str(tenants_dir),
        "KESOS_BLOCK_PLUGINS": "",
        "REDIS_URL": "",
    }
    try:
        result = CliRunner().invoke(cli.main, ["tick", "--date", "2026-03-02"], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "ok     balangan fixture 2026-03-02" in result.output
        result = CliRunner().invoke(cli.main, ["tick", "--date", "2026-03-04"], env=env, catch_exceptions=False)
        assert result.output.splitlines() == ["ok     balangan fixture 2026-03-03", "ok     balangan fixture 2026-03-04"]
    finally:
        cli_kernel = get_kernel()
        if cli_kernel is not kernel:
            cli_kernel.db.dispose()
        set_process_kernel(kernel)
    assert _notes(kernel) == ["harian 2026-03-02", "harian 2026-03-03", "harian 2026-03-04"]


def test_days_a_plugin_was_switched_off_are_not_replayed(kernel, make):
    """Re-enabling a plugin catches up only from the day it was switched on again."""
    from core.db import tenant_context
    from core.tenancy.models import TenantPlugin

    make.tenant("balangan", "63.11")
    make.enable("balangan")
    day = date(2026, 3, 2)
    run_daily_tick(today=day, kernel=kernel)
    with kernel.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "balangan"))
        with tenant_context(tenant.id, s):
            s.get(TenantPlugin, (tenant.id, "fixture")).enabled_on = day + timedelta(days=5)
    ran = run_daily_tick(today=day + timedelta(days=7), kernel=kernel).ran
    assert [d for _, _, d in ran] == [day + timedelta(days=5), day + timedelta(days=6), day + timedelta(days=7)]


def test_the_tick_forgets_expired_login_failures_old_done_job_keys_and_stale_form_ids(kernel: Any, make: Factory) -> None:
    from datetime import datetime, timezone

    from core.console.models import ConsoleSubmission
    from core.db import new_id, tenant_context
    from core.jobs import JobKey
    from core.staff.models import LoginFailure

    officer = _tenant(make, "balangan", "63.11")
    _tenant(make, "tabalong", "63.09")
    now = datetime.now(timezone.utc)
    ttl = timedelta(hours=kernel.settings.token_ttl_hours)
    old_form, open_form = new_id(), new_id()
    with kernel.db.unit_of_work() as s:
        # A form id older than any login token can live guards nothing; a recent one still may.
        s.add_all([
            ConsoleSubmission(submission_id=old_form, user_id=officer.user_id, result_url="/konsol/x", created_at=now - ttl - timedelta(hours=1)),
            ConsoleSubmission(submission_id=open_form, user_id=officer.user_id, result_url="/konsol/y", created_at=now - timedelta(minutes=5)),
        ])
    with kernel.db.unit_of_work() as s:
        s.add_all([
            LoginFailure(username="lama", failures=2, window_started_at=now - timedelta(days=3)),
            # Still locked: kept, or the lockout would be lifted by the tick.
            LoginFailure(username="terkunci", failures=5, window_started_at=now - timedelta(days=3), locked_until=now + timedelta(minutes=5)),
            LoginFailure(username="baru", failures=1, window_started_at=now - timedelta(minutes=3)),
        ])
        tenants = {t.slug: t.id for t in s.scalars(select(Tenant))}

    def key(tenant: str, name: str, status: str, days_ago: int) -> None:
        at = now - timedelta(days=days_ago)
        with kernel.db.unit_of_work(tenants[tenant]) as s, tenant_context(tenants[tenant]):
            s.add(JobKey(key=f"{tenant}-{name}", job="m:f", spec={}, status=status, rq_job_id=str(new_id()),
                         created_at=at, done_at=at if status == "done" else None))

    for tenant in tenants:
        key(tenant, "selesai-lama", "done", 40)
        key(tenant, "selesai-baru", "done", 2)
        key(tenant, "menunggu-lama", "pending", 40)  # never forgotten: requeue_stale still owes it a run

    run_daily_tick(today=D, kernel=kernel)

    with kernel.db.unit_of_work() as s:
        assert sorted(s.scalars(select(LoginFailure.username))) == ["baru", "terkunci"]
        assert list(s.scalars(select(ConsoleSubmission.submission_id))) == [open_form]
    for tenant, tenant_id in tenants.items():
        with kernel.db.unit_of_work(tenant_id) as s:
            assert sorted(s.scalars(select(JobKey.key))) == [f"{tenant}-menunggu-lama", f"{tenant}-selesai-baru"]
