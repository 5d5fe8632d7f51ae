"""A worker killed in the middle of a job (OOM, a node lost): RQ finds the job abandoned once
its heartbeat expires, retries it on another worker, and its effect is in the database exactly
once — whether the worker died before the job's transaction committed or just after.

Real worker processes (`core.jobs.Worker`, RQ's forking worker) on the real Redis and the test's
PostgreSQL database, SIGKILLed (with their work horse) while the job waits on a Redis key."""
from __future__ import annotations

import os
import select as io_select
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from rq.job import Job, JobStatus
from sqlalchemy import select

from core.audit import AuditEntry
from core.config import PROJECT_ROOT
from core.jobs import JobKey, enqueue
from tests.core.api.helpers import A_KODE, A_SLUG, count_rows, tenant_id
from tests.factories import Factory
from tests.faults.fault_jobs import EFFECT
from tests.rq_helpers import redis_settings, work

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WORKER = """
import sys
from redis import Redis
from rq import Queue
from core.jobs import Worker

url, queue, name = sys.argv[1:4]
connection = Redis.from_url(url)
# Heartbeat every second, registry maintenance every second: a dead worker's job is found
# abandoned within seconds (with KESOS_JOB_HEARTBEAT_GRACE=2) instead of minutes.
Worker([Queue(queue, connection=connection)], connection=connection, name=name,
       job_monitoring_interval=1, maintenance_interval=1, worker_ttl=16).work(logging_level="INFO")
"""
DEADLINE = 90  # seconds: each wait below is bounded by it


@pytest.fixture
def backend() -> str:
    return "postgres"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # Retried at once (no scheduler in this test), twice at most.
    return redis_settings() | {"job_retries": 2, "job_retry_intervals": (0,), "job_timeout": 120}


@pytest.fixture
def redis(kernel: Any) -> Iterator[Redis]:
    # Blocking reads below wait up to DEADLINE; redis-py's default socket timeout is 5 s.
    connection = Redis.from_url(kernel.settings.redis_url, socket_timeout=DEADLINE + 10)
    yield connection
    for key in connection.scan_iter(match=f"*{kernel.settings.queue_name}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def workers(kernel: Any, database_urls: dict[str, str], tenants_dir: Path, tmp_path: Path, redis: Redis) -> Iterator[Any]:
    """Start worker processes on the test's queue and database; each its own process group, so
    that killing one kills its work horse too (as losing a pod does)."""
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KESOS_", "DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL"))}
    env.update(
        DATABASE_URL=database_urls["database_url"], MIGRATION_DATABASE_URL=database_urls["migration_database_url"],
        KESOS_APP_DB_ROLE=database_urls.get("app_db_role", ""), REDIS_URL=kernel.settings.redis_url,
        KESOS_QUEUE=kernel.settings.queue_name, KESOS_TENANTS_DIR=str(tenants_dir),
        KESOS_INSTANCE_DIR=str(tmp_path / "worker"), KESOS_JOB_HEARTBEAT_GRACE="2",
    )

    def start() -> subprocess.Popen[bytes]:
        name = f"kesos-uji-{uuid.uuid4().hex[:12]}"
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, kernel.settings.redis_url, kernel.settings.queue_name, name],
            cwd=PROJECT_ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        started.append((proc, name))
        return proc

    yield start
    for proc, name in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(DEADLINE)
        redis.srem("rq:workers", f"rq:worker:{name}")
        redis.delete(f"rq:worker:{name}")


def _kill(proc: subprocess.Popen[bytes], horse_pid: int) -> None:
    """SIGKILL the worker and its work horse — the process running the job, which RQ puts in a
    process group of its own — as losing the pod would."""
    horse = os.pidfd_open(horse_pid)  # readable once the horse has exited (it is not our child)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
        os.kill(horse_pid, signal.SIGKILL)
        assert proc.wait(DEADLINE) == -signal.SIGKILL
        assert io_select.select([horse], [], [], DEADLINE)[0], "the work horse outlived SIGKILL"
    finally:
        os.close(horse)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()  # warm shutdown: the worker is idle by now
    proc.wait(DEADLINE)


def _enqueue(kernel: Any, job: str, label: str, *args: Any) -> str:
    tid = tenant_id(kernel, A_SLUG)
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, f"tests.faults.fault_jobs:{job}", label, *args, tenant_id=tid, idempotency_key=f"uji:{label}")
    with kernel.db.unit_of_work(tid) as s:
        return s.scalar(select(JobKey.rq_job_id).where(JobKey.key == f"uji:{label}"))  # type: ignore[no-any-return]


def _key_status(kernel: Any, label: str) -> str | None:
    with kernel.db.unit_of_work(tenant_id(kernel, A_SLUG)) as s:
        return s.scalar(select(JobKey.status).where(JobKey.key == f"uji:{label}"))


def _effects(kernel: Any, label: str) -> int:
    return count_rows(kernel, AuditEntry, A_SLUG, action=EFFECT, target_id=label)


@pytest.mark.parametrize("job", ["effect_then_hold", "effect_then_hold_after_commit"])
def test_a_job_whose_worker_is_killed_is_retried_and_takes_effect_once(
    job: str, kernel: Any, make: Factory, redis: Redis, workers: Any
) -> None:
    make.tenant(A_SLUG, A_KODE)
    label, started, gate = uuid.uuid4().hex, f"{kernel.settings.queue_name}:mulai", f"{kernel.settings.queue_name}:gerbang"
    rq_job_id = _enqueue(kernel, job, label, started, gate)

    first = workers()
    popped = redis.blpop([started], timeout=DEADLINE)
    assert popped is not None, "the job never started"
    _kill(first, int(popped[1]))  # inside the job: before its commit, or just after it
    rq_job = Job.fetch(rq_job_id, connection=redis)
    assert rq_job.get_status() == JobStatus.STARTED  # RQ still believes it runs
    committed = job == "effect_then_hold_after_commit"
    assert _effects(kernel, label) == (1 if committed else 0)
    assert _key_status(kernel, label) == ("done" if committed else "pending")

    redis.rpush(gate, "lanjut")  # a run from now on goes through
    second = workers()
    result = rq_job.latest_result(timeout=DEADLINE)  # blocks until the retry has finished
    _stop(second)
    assert result is not None and result.type == result.Type.SUCCESSFUL, result
    rq_job.refresh()
    assert rq_job.get_status() == JobStatus.FINISHED
    assert rq_job.retries_left == 1  # retried by RQ as abandoned, once
    assert _effects(kernel, label) == 1
    assert _key_status(kernel, label) == "done"
    # Killed before its commit, the job ran again in full (the retry waited at the gate once
    # more and took the pushed item); killed after, the retry found its key done and did nothing.
    assert redis.llen(gate) == (1 if committed else 0)


def test_a_job_delivered_twice_takes_effect_once(kernel: Any, make: Factory, request: pytest.FixtureRequest) -> None:
    """Two deliveries of one job (a retry after it had committed, a resend while it still sat in
    the queue) both run; only the first takes effect. Without a key, each would."""
    from rq import Queue

    make.tenant(A_SLUG, A_KODE)
    queue = Queue(kernel.settings.queue_name, connection=Redis.from_url(kernel.settings.redis_url))
    request.addfinalizer(lambda: queue.delete(delete_jobs=True))
    tid = tenant_id(kernel, A_SLUG)
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, "tests.faults.fault_jobs:effect", "berkunci", tenant_id=tid, idempotency_key="uji:berkunci")
        enqueue(s, "tests.faults.fault_jobs:effect", "tanpa-kunci", tenant_id=tid)
    for original in list(queue.jobs):
        queue.enqueue(original.func_name, *original.args)  # the same job, delivered again
    assert queue.count == 4
    work(queue)
    assert _effects(kernel, "berkunci") == 1
    assert _effects(kernel, "tanpa-kunci") == 2
