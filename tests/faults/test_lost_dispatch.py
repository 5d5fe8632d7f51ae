"""Redis goes away after the check and before the dispatch: the request has committed its run,
and the job never reached the queue. The request still succeeds (its data is there), the run is
recorded with its job key, and `requeue_stale` — RQ cron, every five minutes — sends it once
Redis is back; the report is then built, once.

The dispatch really fails: at commit the kernel is pointed at a Redis where nothing listens."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from core.jobs import JobKey, requeue_stale
from tests.core.api.helpers import A_KODE, A_SLUG, tenant_id, url
from tests.factories import Factory
from tests.rq_helpers import redis_settings, work

pytestmark = pytest.mark.redis
DEAD_REDIS = "redis://127.0.0.1:1/0"
NOW = timedelta(0)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return redis_settings()


@pytest.fixture
def redis_lost_at_commit(kernel: Any) -> Iterator[None]:
    """The next commit finds Redis gone (after the request checked it was there)."""
    real = kernel.settings

    def _gone(_session: Any) -> None:
        kernel.settings = dataclasses.replace(real, redis_url=DEAD_REDIS)

    event.listen(kernel.db.session_factory, "before_commit", _gone, once=True)
    yield
    kernel.settings = real


def _keys(kernel: Any) -> list[tuple[str, str, int]]:
    with kernel.db.unit_of_work(tenant_id(kernel, A_SLUG)) as s:
        return [(k.key, k.status, k.requeued) for k in s.scalars(select(JobKey))]


def test_a_report_whose_dispatch_was_lost_is_sent_again_and_built_once(
    client: Any, kernel: Any, make: Factory, rq_queue: Any, request: pytest.FixtureRequest
) -> None:
    make.tenant(A_SLUG, A_KODE)
    make.enable(A_SLUG)
    officer = make.user("petugas.balangan", {A_SLUG: ["officer"]})
    real = kernel.settings

    request.getfixturevalue("redis_lost_at_commit")
    r = client.post(url(A_SLUG, "reports/fixture.ringkasan/runs"), json={}, headers=officer.headers)
    assert r.status_code == 202, r.get_json()  # committed: the user's request is not lost
    kernel.settings = real  # Redis is back
    run_url = url(A_SLUG, f"reports/runs/{r.get_json()['id']}")
    assert client.get(run_url, headers=officer.headers).get_json()["status"] == "queued"
    assert rq_queue.count == 0  # the job never reached the queue
    assert _keys(kernel) == [(f"report_run:{r.get_json()['id']}", "pending", 0)]

    assert requeue_stale(kernel) == 0  # younger than job_requeue_minutes: it may still be on its way
    assert requeue_stale(kernel, older_than=NOW) == 1
    assert requeue_stale(kernel, older_than=NOW) == 0  # queued now: not sent twice
    assert rq_queue.count == 1

    work(rq_queue)
    run = client.get(run_url, headers=officer.headers).get_json()
    assert run["status"] == "done", run
    notes = client.get(url(A_SLUG, "fixture/notes"), headers=officer.headers).get_json()
    assert [n["isi"] for n in notes] == ["laporan fixture.ringkasan selesai"]  # built once
    assert _keys(kernel) == [(f"report_run:{r.get_json()['id']}", "done", 1)]
    assert requeue_stale(kernel, older_than=NOW) == 0  # done: nothing left to send


def test_a_job_rq_gave_up_on_is_sent_again(kernel: Any, make: Factory, rq_queue: Any) -> None:
    """A job whose RQ job failed for good (retries exhausted) while its key is pending is sent
    again; once done, never again."""
    from core.jobs import enqueue

    make.tenant(A_SLUG, A_KODE)
    tid = tenant_id(kernel, A_SLUG)
    with kernel.db.unit_of_work(tid) as s:
        enqueue(s, "tests.faults.fault_jobs:effect", "gagal-dulu", tenant_id=tid, idempotency_key="uji:gagal-dulu")
    (job,) = rq_queue.jobs
    job.cancel()  # RQ no longer holds it (as after its last failed retry)
    assert requeue_stale(kernel, older_than=NOW) == 1
    work(rq_queue)
    assert _keys(kernel) == [("uji:gagal-dulu", "done", 1)]
    assert requeue_stale(kernel, older_than=NOW) == 0
