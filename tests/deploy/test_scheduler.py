"""`kesos scheduler`: RQ's cron jobs enqueued by exactly one scheduler per deployment — the one
holding the leader lock in Redis — with a handover when it stops or dies.

The loop is driven step by step with a clock of the test's own (core/scheduler.py); the lock
lives in the real Redis."""
from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from rq import Queue

from core.config import load_settings
from core.jobs import requeue_stale_job
from core.rq_cron import DAILY_TICK, REQUEUE, cron_jobs
from core.scheduler import LeaderScheduler, lock_key
from core.tick import daily_tick_job
from tests.deploy.processes import BIN, base_environ, running, wait_for
from tests.rq_helpers import redis_settings

DEADLINE = 60  # seconds any wait on a real process or a real expiry may take
TICK_FUNC, REQUEUE_FUNC = "core.tick.daily_tick_job", "core.jobs.requeue_stale_job"


class Clock:
    """The schedulers' clock: moves only when the test moves it."""

    def __init__(self, local: datetime) -> None:
        self.now = local.astimezone(timezone.utc)  # a naive time is the server's local time, as cron reads it

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def deployment() -> Iterator[tuple[Redis, Any]]:
    """A Redis connection and the settings of a deployment of our own (its own queue and lock)."""
    overrides = redis_settings()
    settings = load_settings(environ={}, **overrides)
    connection = Redis.from_url(settings.redis_url)
    yield connection, settings
    connection.delete(lock_key(settings.queue_name))
    Queue(settings.queue_name, connection=connection).delete(delete_jobs=True)
    connection.close()


def _scheduler(deployment: tuple[Redis, Any], clock: Clock, **kwargs: Any) -> LeaderScheduler:
    connection, settings = deployment
    return LeaderScheduler(connection, cron_jobs(settings), lock_name=lock_key(settings.queue_name), clock=clock, **kwargs)


def _queued(deployment: tuple[Redis, Any]) -> list[str]:
    connection, settings = deployment
    return sorted(job.func_name for job in Queue(settings.queue_name, connection=connection).jobs)


def test_the_cron_jobs_are_the_daily_tick_and_the_requeue() -> None:
    settings = load_settings(environ={"KESOS_QUEUE": "antrean-x", "KESOS_JOB_TIMEOUT": "900"})
    jobs = {job["name"]: job for job in cron_jobs(settings)}
    assert set(jobs) == {DAILY_TICK, REQUEUE}
    assert (jobs[DAILY_TICK]["func"], jobs[DAILY_TICK]["cron"]) == (daily_tick_job, "30 0 * * *")
    assert (jobs[REQUEUE]["func"], jobs[REQUEUE]["cron"]) == (requeue_stale_job, "*/5 * * * *")
    assert all(job["queue_name"] == "antrean-x" and job["job_timeout"] == 900 for job in jobs.values())


def test_rq_cron_still_loads_the_same_jobs() -> None:
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=Redis())  # not connected: loading registers only
    scheduler.load_config_from_file("core.rq_cron")
    assert sorted((j.name, j.cron) for j in scheduler.get_jobs()) == [(DAILY_TICK, "30 0 * * *"), (REQUEUE, "*/5 * * * *")]


@pytest.mark.redis
def test_of_two_schedulers_only_the_leader_enqueues(deployment: tuple[Redis, Any]) -> None:
    clock = Clock(datetime(2026, 3, 2, 0, 29))
    first, second = _scheduler(deployment, clock), _scheduler(deployment, clock)
    first.step()
    assert second.step() == second.poll_every  # the standby only polls
    assert (first.is_leader, second.is_leader) == (True, False)
    assert _queued(deployment) == []  # nothing due at 00:29

    clock.advance(minutes=1)  # 00:30: the daily tick and the requeue are both due
    first.step()
    second.step()
    assert _queued(deployment) == sorted([TICK_FUNC, REQUEUE_FUNC])
    clock.advance(minutes=1)
    first.step()
    second.step()
    assert _queued(deployment) == sorted([TICK_FUNC, REQUEUE_FUNC])  # once, not once per scheduler


@pytest.mark.redis
def test_when_the_leader_stops_the_standby_takes_over(deployment: tuple[Redis, Any]) -> None:
    connection, settings = deployment
    clock = Clock(datetime(2026, 3, 2, 0, 31))
    first, second = _scheduler(deployment, clock), _scheduler(deployment, clock)
    stop = threading.Event()
    first.run(stop, wait=lambda _seconds: stop.set())  # one turn, then SIGTERM's stop
    assert not first.is_leader
    assert connection.get(lock_key(settings.queue_name)) is None  # released on stop

    second.step()
    assert second.is_leader
    clock.advance(minutes=4)  # 00:35
    second.step()
    assert _queued(deployment) == [REQUEUE_FUNC]


@pytest.mark.redis
def test_when_the_leader_dies_its_lock_expires_and_nothing_due_meanwhile_is_skipped(deployment: tuple[Redis, Any]) -> None:
    clock = Clock(datetime(2026, 3, 2, 0, 29, 59, 900_000))
    short = {"lock_ttl": 0.5, "renew_every": 0.1}
    first, second = _scheduler(deployment, clock, **short), _scheduler(deployment, clock, **short)
    first.step()
    assert first.is_leader and second.step() == second.poll_every
    # The leader dies here: it never renews again. 00:30 comes while its lock still holds.
    clock.advance(seconds=0.2)
    assert second.step() == second.poll_every and not second.is_leader
    wait_for(lambda: (second.step(), second.is_leader)[1], DEADLINE, "the standby never took over")
    assert _queued(deployment) == sorted([TICK_FUNC, REQUEUE_FUNC])  # due while nobody led: fired by the new leader


@pytest.mark.redis
def test_a_leader_renews_its_lock_and_never_deletes_a_successors(deployment: tuple[Redis, Any]) -> None:
    connection, settings = deployment
    key = lock_key(settings.queue_name)
    clock = Clock(datetime(2026, 3, 2, 10, 1))
    first = _scheduler(deployment, clock, lock_ttl=30, renew_every=10)
    first.step()
    connection.pexpire(key, 1000)
    first.step()
    assert connection.pttl(key) > 20_000  # renewed to the full lifetime
    connection.set(key, "penerus")  # the lock went to another scheduler while this one stalled
    first.step()
    assert not first.is_leader
    first.release()
    assert connection.get(key) == b"penerus"


def _lines(log: Path, text: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]  # every line is JSON
    return [line for line in lines if text in line["message"]]


@pytest.mark.redis
def test_kesos_scheduler_processes_hand_over_on_sigterm(deployment: tuple[Redis, Any], tmp_path: Path) -> None:
    connection, settings = deployment
    env = base_environ(tmp_path, REDIS_URL=settings.redis_url, KESOS_QUEUE=settings.queue_name, KESOS_LOG_FORMAT="json")
    cmd = [str(BIN / "kesos"), "scheduler"]
    key = lock_key(settings.queue_name)
    with running(cmd, env, tmp_path / "a.log") as a, running(cmd, env, tmp_path / "b.log") as b:
        logs = {a.pid: tmp_path / "a.log", b.pid: tmp_path / "b.log"}

        def roles() -> tuple[Any, Any] | None:
            for leader, standby in ((a, b), (b, a)):
                if _lines(logs[leader.pid], "became the leader") and _lines(logs[standby.pid], "standing by"):
                    return leader, standby
            return None

        leader, standby = wait_for(roles, DEADLINE, "not one leader and one standby", a, logs[a.pid])
        assert connection.get(key) is not None
        leader.send_signal(signal.SIGTERM)
        assert leader.wait(DEADLINE) == 0
        # The standby polls every 10 s: it leads within one poll of the release.
        wait_for(lambda: _lines(logs[standby.pid], "became the leader"), DEADLINE, "the standby never took over",
                 standby, logs[standby.pid])
        assert connection.get(key) is not None
        standby.send_signal(signal.SIGTERM)
        assert standby.wait(DEADLINE) == 0
    assert connection.get(key) is None  # the last one released it too
    assert len(_lines(logs[leader.pid], "became the leader")) == 1
    assert len(_lines(logs[leader.pid], "leader lock released")) == 1
