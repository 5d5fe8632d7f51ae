"""`kesos worker`: RQ's worker (core.jobs.Worker) on the deployment's queue, on the real Redis,
finishing a job enqueued through core.jobs, its log lines JSON with the job's id and tenant."""
from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.audit import AuditEntry
from core.cli import main
from core.jobs import JobKey, enqueue
from tests.core.api.helpers import A_KODE, A_SLUG, count_rows, tenant_id
from tests.deploy.jobs import EFFECT
from tests.deploy.processes import BIN, base_environ
from tests.factories import Factory
from tests.rq_helpers import redis_settings

DEADLINE = 120  # seconds `kesos worker --burst` may take to start, run the job and exit


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the worker's database is not what is tested here: its queue and its logs are


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return redis_settings()


@pytest.mark.redis
def test_kesos_worker_burst_finishes_a_job_and_logs_it_as_json(
    kernel: Any, make: Factory, rq_queue: Any, database_urls: dict[str, str], tmp_path: Path
) -> None:
    make.tenant(A_SLUG, A_KODE)
    tid = tenant_id(kernel, A_SLUG)
    label = uuid.uuid4().hex
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, "tests.deploy.jobs:logged_effect", label, tenant_id=tid, idempotency_key=f"uji:{label}")
    with kernel.db.unit_of_work(tid) as s:
        rq_job_id = s.scalar(select(JobKey.rq_job_id).where(JobKey.key == f"uji:{label}"))
    assert rq_queue.count == 1  # dispatched to Redis at commit, nothing run yet
    assert count_rows(kernel, AuditEntry, A_SLUG, action=EFFECT, target_id=label) == 0

    env = base_environ(
        tmp_path, DATABASE_URL=database_urls["database_url"], REDIS_URL=kernel.settings.redis_url,
        KESOS_QUEUE=kernel.settings.queue_name, KESOS_LOG_FORMAT="json",
    )
    done = subprocess.run([str(BIN / "kesos"), "worker", "--burst"], env=env, capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    assert count_rows(kernel, AuditEntry, A_SLUG, action=EFFECT, target_id=label) == 1
    with kernel.db.unit_of_work(tid) as s:
        assert s.scalar(select(JobKey.status).where(JobKey.key == f"uji:{label}")) == "done"
    assert rq_queue.count == 0
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]  # every line is JSON
    [job_line] = [line for line in lines if line["message"] == f"pekerjaan uji {label} berjalan"]
    assert (job_line["job_id"], job_line["tenant_id"]) == (rq_job_id, str(tid))
    assert any(line["logger"] == "rq.worker" and rq_job_id in line["message"] for line in lines), lines
    assert not done.stderr.strip(), done.stderr[-3000:]


@pytest.mark.redis
def test_kesos_worker_takes_the_queues_it_is_given(
    kernel: Any, make: Factory, rq_queue: Any, database_urls: dict[str, str], tmp_path: Path
) -> None:
    from rq import Queue

    other = Queue(f"{kernel.settings.queue_name}-lain", connection=rq_queue.connection)
    job = other.enqueue("core.jobs.ping_redis", kernel.settings.redis_url)
    try:
        env = base_environ(tmp_path, DATABASE_URL=database_urls["database_url"], REDIS_URL=kernel.settings.redis_url,
                           KESOS_QUEUE=kernel.settings.queue_name)
        done = subprocess.run([str(BIN / "kesos"), "worker", "--burst", "--queue", other.name],
                              env=env, capture_output=True, text=True, timeout=DEADLINE)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        job.refresh()
        assert job.is_finished and job.return_value() is True
    finally:
        other.delete(delete_jobs=True)


@pytest.mark.parametrize("command", ["worker", "scheduler"])
def test_without_redis_url_the_command_says_what_is_missing(command: str, tmp_path: Path) -> None:
    env = {k: v for k, v in base_environ(tmp_path).items()}
    env.pop("REDIS_URL", None)
    result = CliRunner().invoke(main, [command], env=env | {"REDIS_URL": ""})
    assert result.exit_code == 1
    assert f"REDIS_URL belum diisi: `kesos {command}` membutuhkan Redis" in result.output
