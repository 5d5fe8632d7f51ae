"""`kesos scheduler`: RQ's cron jobs (core/rq_cron.py), enqueued by exactly one scheduler per
deployment — the one holding the leader lock in Redis.

RQ's CronScheduler has no leader election: two of them (two pods overlapping during a rolling
update) would both enqueue every job. Here each scheduler loops; the leader renews its lock
(`SET NX PX` with a token of its own, renewed only while the token is still its) and enqueues
what is due; a standby only tries to take the lock. On SIGTERM the leader releases the lock, so
the standby takes over at its next poll; a leader that dies without releasing is replaced once
its lock expires.

A new leader fires what came due since `lock_ttl` before it took over (the moment the old
leader may have stopped), so a handover never skips a job; at worst a job due right then runs
twice, which both jobs tolerate (idempotent).

The clock, the wait and the stop condition are injectable: the tests drive the loop step by
step, without sleeping.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq.cron import CronJob, CronScheduler

log = logging.getLogger(__name__)

LOCK_TTL = 30.0  # seconds a leader that stopped renewing keeps the lock
RENEW_EVERY = 10.0  # seconds between two renewals (and the longest a leader waits)
POLL_EVERY = 10.0  # seconds between two tries of a standby

# Renew or release only if the lock still holds our token: a leader that lost the lock (it
# expired while the process was stalled) must not extend or delete its successor's.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def lock_key(queue_name: str) -> str:
    """One lock per deployment: the deployment's queue names it (several deployments, or test
    runs, may share one Redis)."""
    return f"kesos:scheduler:leader:{queue_name}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class LeaderScheduler:
    def __init__(
        self,
        connection: Redis,
        jobs: Iterable[dict[str, Any]],
        *,
        lock_name: str,
        lock_ttl: float = LOCK_TTL,
        renew_every: float = RENEW_EVERY,
        poll_every: float = POLL_EVERY,
        clock: Callable[[], datetime] = _utcnow,
        name: str | None = None,
    ) -> None:
        if renew_every >= lock_ttl:
            raise ValueError("renew_every must be shorter than lock_ttl, or the lock lapses between renewals")
        self.connection = connection
        self.lock_name = lock_name
        self.lock_ttl, self.renew_every, self.poll_every = lock_ttl, renew_every, poll_every
        self.clock = clock
        self.token = name or uuid.uuid4().hex
        # RQ's scheduler object keeps the jobs and shows this scheduler in RQ's monitoring
        # (registered only while it leads).
        self.cron = CronScheduler(connection=connection, name=f"kesos-{self.token}")
        for job in jobs:
            self.cron.register(**job)
        self.is_leader = False
        self._standing_by = False

    @property
    def jobs(self) -> list[CronJob]:
        return self.cron.get_jobs()

    # -- the lock ----------------------------------------------------------------------------

    def _acquire(self) -> bool:
        return bool(self.connection.set(self.lock_name, self.token, nx=True, px=int(self.lock_ttl * 1000)))

    def _renew(self) -> bool:
        return bool(self.connection.eval(_RENEW, 1, self.lock_name, self.token, int(self.lock_ttl * 1000)))

    def release(self) -> None:
        """Give up leadership (on stop): the standby takes over at its next poll."""
        if not self.is_leader:
            return
        self.is_leader = False
        try:
            self.connection.eval(_RELEASE, 1, self.lock_name, self.token)
            self.cron.register_death()
        except RedisError as exc:  # the lock then expires by itself
            log.warning("scheduler %s: could not release the leader lock: %s", self.token, exc)
        log.info("scheduler %s: leader lock released", self.token)

    # -- the loop ----------------------------------------------------------------------------

    def _take_over(self, now: datetime) -> None:
        # Fire what came due since the old leader may have stopped, but nothing this scheduler
        # already enqueued itself (it may be taking the lock back after losing it).
        since = now - timedelta(seconds=self.lock_ttl)
        for job in self.jobs:
            latest = job.latest_enqueue_time
            job.latest_enqueue_time = max(since, latest) if latest else since  # the base RQ counts from
            job.next_enqueue_time = job.get_next_enqueue_time()
            job.latest_enqueue_time = latest
        self.cron.register_birth()
        log.info("scheduler %s: became the leader (lock %s)", self.token, self.lock_name)

    def _enqueue_due(self, now: datetime) -> list[str]:
        fired = []
        for job in self.jobs:
            if job.next_enqueue_time is not None and job.next_enqueue_time <= now:
                enqueued = job.enqueue(self.connection)
                job.set_enqueue_time(now)
                fired.append(job.name)
                log.info("scheduler %s: enqueued %s as %s on %s", self.token, job.name, enqueued.id, job.queue_name)
        if fired:
            self.cron.save()
        return fired

    def step(self) -> float:
        """One turn: keep or take the lock, enqueue what is due if leading; returns the seconds
        to wait before the next turn."""
        now = self.clock()
        if self.is_leader and not self._renew():
            self.is_leader = False
            log.warning("scheduler %s: lost the leader lock; enqueuing nothing until it is back", self.token)
        if not self.is_leader:
            if not self._acquire():
                if not self._standing_by:
                    self._standing_by = True
                    log.info("scheduler %s: standing by; another scheduler holds the leader lock", self.token)
                return self.poll_every
            self.is_leader, self._standing_by = True, False
            self._take_over(now)
        self._enqueue_due(now)
        self.cron.heartbeat()
        upcoming = [job.next_enqueue_time for job in self.jobs if job.next_enqueue_time is not None]
        until_next = min((t - self.clock()).total_seconds() for t in upcoming) if upcoming else self.renew_every
        return max(0.0, min(self.renew_every, until_next))

    def run(self, stop: threading.Event, wait: Callable[[float], Any] | None = None) -> None:
        """Loop until `stop` is set (SIGTERM sets it: see `kesos scheduler`), then release."""
        wait = wait or stop.wait
        log.info("scheduler %s: started; %d cron jobs: %s", self.token, len(self.jobs), ", ".join(j.name for j in self.jobs))
        try:
            while not stop.is_set():
                try:
                    delay = self.step()
                except RedisError as exc:
                    # Leadership unknown while Redis is away: enqueue nothing, try again.
                    self.is_leader = False
                    log.warning("scheduler %s: Redis unavailable: %s", self.token, exc)
                    delay = self.poll_every
                wait(delay)
        finally:
            self.release()
            log.info("scheduler %s: stopped", self.token)
