"""Background jobs: dispatched only after the enqueuing transaction commits, with their tenant
set — inline without Redis, through RQ with it — and the RQ cron configuration."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from core.db import current_tenant_id
from core.jobs import JobContext, enqueue
from core.tenancy.models import Tenant
from tests.factories import Factory
from tests.rq_helpers import REDIS_URL, redis_settings, work

T = "/api/v1/tenants"

# What the jobs below saw, in this process (inline jobs and RQ's SimpleWorker run in-process).
RAN: list[dict[str, Any]] = []


def record(ctx: JobContext, label: str) -> None:
    RAN.append({"label": label, "tenant": ctx.tenant.slug if ctx.tenant else None, "current_tenant": current_tenant_id()})


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.node.get_closest_marker("redis") is None:
        return {}
    return redis_settings()


@pytest.fixture(autouse=True)
def _clean_ran() -> None:
    RAN.clear()


def _tenant_id(kernel: Any, slug: str = "balangan") -> uuid.UUID:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))  # type: ignore[no-any-return]


# -- inline mode ---------------------------------------------------------------------------------


def test_inline_a_job_runs_after_commit_only_with_its_tenant(kernel: Any, make: Factory) -> None:
    assert kernel.settings.jobs_inline
    make.tenant("balangan", "63.11")
    tid = _tenant_id(kernel)
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, record, "satu", tenant_id=tid)
        enqueue(s, "tests.core.test_jobs:record", "dua", tenant_id=tid)
        s.flush()
        assert RAN == []  # not before the commit
    assert RAN == [
        {"label": "satu", "tenant": "balangan", "current_tenant": tid},
        {"label": "dua", "tenant": "balangan", "current_tenant": tid},
    ]


def test_inline_a_rolled_back_transaction_runs_nothing(kernel: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    tid = _tenant_id(kernel)
    with pytest.raises(RuntimeError), kernel.db.unit_of_work(tid) as s:
        enqueue(s, record, "batal", tenant_id=tid)
        raise RuntimeError("gagal")
    assert RAN == []
    # Nor does the session's next transaction inherit it.
    s = kernel.db.session_factory()
    try:
        s.scalar(select(Tenant.slug))  # a transaction is open
        enqueue(s, record, "dibuang", tenant_id=tid)
        s.rollback()
        s.scalar(select(Tenant.slug))
        s.commit()
    finally:
        s.close()
    assert RAN == []


def test_inline_savepoints_keep_or_drop_only_their_own_jobs(kernel: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    tid = _tenant_id(kernel)
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, record, "luar", tenant_id=tid)
        with pytest.raises(RuntimeError), s.begin_nested():
            enqueue(s, record, "savepoint-batal", tenant_id=tid)
            raise RuntimeError("gagal")
        with s.begin_nested():
            enqueue(s, record, "savepoint-lepas", tenant_id=tid)
        # Releasing a savepoint is not a commit: nothing has run yet.
        assert RAN == []
    assert [r["label"] for r in RAN] == ["luar", "savepoint-lepas"]


def test_inline_a_released_savepoint_then_a_rollback_runs_nothing(kernel: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    tid = _tenant_id(kernel)
    with pytest.raises(RuntimeError), kernel.db.unit_of_work(tid) as s:
        with s.begin_nested():
            enqueue(s, record, "di-savepoint", tenant_id=tid)
        assert RAN == []
        raise RuntimeError("gagal")
    assert RAN == []


def test_inline_a_failed_request_enqueues_nothing(client: Any, kernel: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    auditor = make.user("auditor", {"balangan": ["auditor"]})
    r = client.post(f"{T}/balangan/reports/fixture.ringkasan/runs", json={}, headers=auditor.headers)
    assert r.status_code == 403
    officer = make.user("petugas", {"balangan": ["officer"]})
    assert client.get(f"{T}/balangan/reports/runs", headers=officer.headers).get_json() == []


# -- Redis mode (RQ) -----------------------------------------------------------------------------




@pytest.mark.redis
def test_redis_a_report_is_queued_then_built_by_a_worker(client: Any, kernel: Any, make: Factory, rq_queue: Any) -> None:
    assert not kernel.settings.jobs_inline
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    officer = make.user("petugas", {"balangan": ["officer"]})
    r = client.post(f"{T}/balangan/reports/fixture.ringkasan/runs", json={}, headers=officer.headers)
    assert r.status_code == 202, r.get_json()
    run_url = f"{T}/balangan/reports/runs/{r.get_json()['id']}"
    assert client.get(run_url, headers=officer.headers).get_json()["status"] == "queued"
    assert rq_queue.count == 1
    (job,) = rq_queue.jobs
    assert job.func_name == "core.jobs.run_job"
    assert job.args[0] == "core.report_runs:build_report" and job.args[1] == str(_tenant_id(kernel))

    work(rq_queue)
    run = client.get(run_url, headers=officer.headers).get_json()
    assert run["status"] == "done", run
    assert run["result"] == {"per_tahap": {}, "profil": "fixture-nasional"}
    notes = client.get(f"{T}/balangan/fixture/notes", headers=officer.headers).get_json()
    assert [n["isi"] for n in notes] == ["laporan fixture.ringkasan selesai"]  # kesos_report_generated ran too
    assert rq_queue.count == 0


@pytest.mark.redis
def test_redis_a_report_whose_plugin_was_disabled_meanwhile_fails(client: Any, kernel: Any, make: Factory, rq_queue: Any) -> None:
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    officer = make.user("petugas", {"balangan": ["officer"]})
    r = client.post(f"{T}/balangan/reports/fixture.ringkasan/runs", json={}, headers=officer.headers)
    run_url = f"{T}/balangan/reports/runs/{r.get_json()['id']}"
    make.enable("balangan", enabled=False)  # before a worker picks the job up
    work(rq_queue)
    make.enable("balangan")
    run = client.get(run_url, headers=officer.headers).get_json()
    assert run["status"] == "failed" and run["error"] == "Plugin laporan tidak aktif." and run["result"] is None
    assert client.get(f"{T}/balangan/fixture/notes", headers=officer.headers).get_json() == []


@pytest.mark.redis
def test_redis_jobs_are_sent_after_commit_and_run_with_their_tenant(kernel: Any, make: Factory, rq_queue: Any) -> None:
    make.tenant("balangan", "63.11")
    make.tenant("tabalong", "63.09")
    tid, other = _tenant_id(kernel), _tenant_id(kernel, "tabalong")
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, record, "balangan", tenant_id=tid)
        assert rq_queue.count == 0  # not before the commit
    with pytest.raises(RuntimeError), kernel.db.unit_of_work(other) as s:
        enqueue(s, record, "batal", tenant_id=other)
        raise RuntimeError("gagal")
    with kernel.db.unit_of_work(other) as s:
        enqueue(s, record, "tabalong", tenant_id=other)
    assert rq_queue.count == 2
    work(rq_queue)
    assert RAN == [
        {"label": "balangan", "tenant": "balangan", "current_tenant": tid},
        {"label": "tabalong", "tenant": "tabalong", "current_tenant": other},
    ]


@pytest.mark.redis
def test_redis_each_kernel_uses_its_own_queue(kernel: Any, make: Factory, rq_queue: Any) -> None:
    """Two settings on one Redis with different queue names must not share a queue (the queue
    cache was once keyed by URL only)."""
    from redis import Redis
    from rq import Queue

    from core.jobs import _queue

    make.tenant("balangan", "63.11")
    tid = _tenant_id(kernel)
    assert _queue(kernel).name == kernel.settings.queue_name
    other_kernel = type("K", (), {"settings": type("S", (), {"redis_url": kernel.settings.redis_url, "queue_name": f"{kernel.settings.queue_name}-lain"})()})()
    other_queue = _queue(other_kernel)
    try:
        assert other_queue.name == f"{kernel.settings.queue_name}-lain"
        with kernel.db.unit_of_work(tid) as s:
            enqueue(s, record, "x", tenant_id=tid)
        assert rq_queue.count == 1 and other_queue.count == 0
    finally:
        Queue(other_queue.name, connection=Redis.from_url(kernel.settings.redis_url)).delete(delete_jobs=True)


# -- RQ cron -------------------------------------------------------------------------------------


def test_rq_cron_config_registers_the_daily_tick() -> None:
    from redis import Redis
    from rq.cron import CronScheduler

    from core.config import load_settings

    scheduler = CronScheduler(connection=Redis.from_url(REDIS_URL))  # no connection is made here
    scheduler.load_config_from_file("core.rq_cron")
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"kesos-daily-tick", "kesos-kirim-ulang-pekerjaan"}
    tick = jobs["kesos-daily-tick"]
    assert tick.func_name == "core.tick.daily_tick_job"
    assert tick.cron == "30 0 * * *"
    assert tick.queue_name == load_settings().queue_name
    # Jobs whose dispatch was lost after their request committed are sent again within minutes.
    requeue = jobs["kesos-kirim-ulang-pekerjaan"]
    assert requeue.func_name == "core.jobs.requeue_stale_job"
    assert requeue.cron == "*/5 * * * *"
    assert requeue.queue_name == load_settings().queue_name
