"""Jobs the fault tests run in a real RQ worker process (importable there as
`tests.faults.fault_jobs`). Each writes one effect a user can see — an entry in its tenant's
audit log — and some wait on Redis at a chosen moment so that the test can kill the worker
exactly there.

A job tells the test it has reached that moment by pushing onto the Redis list `started`, then
blocks on BLPOP of `gate`, which the test pushes only when it wants the job to go on (bounded:
a forgotten gate never hangs a worker for more than two minutes)."""
from __future__ import annotations

import os
from typing import Any

from redis import Redis
from sqlalchemy import event

from core import audit
from core.jobs import JobContext

EFFECT = "uji.efek"
GATE_TIMEOUT = 120


def _redis(ctx: JobContext) -> Redis:
    # redis-py's default socket timeout (5 s) would cut the BLPOP short.
    return Redis.from_url(ctx.kernel.settings.redis_url, socket_timeout=GATE_TIMEOUT + 10)


def effect(ctx: JobContext, label: str) -> None:
    audit.record(ctx.session, EFFECT, "uji", label)


def effect_then_hold(ctx: JobContext, label: str, started: str, gate: str) -> None:
    """Write the effect, then wait with the job's transaction still open."""
    audit.record(ctx.session, EFFECT, "uji", label)
    ctx.session.flush()
    redis = _redis(ctx)
    redis.rpush(started, os.getpid())
    redis.blpop([gate], timeout=GATE_TIMEOUT)


def effect_then_hold_after_commit(ctx: JobContext, label: str, started: str, gate: str) -> None:
    """Write the effect; wait only once the job's transaction has committed — the moment a
    worker killed would leave RQ believing the job never finished."""
    audit.record(ctx.session, EFFECT, "uji", label)
    redis = _redis(ctx)

    @event.listens_for(ctx.session, "after_commit", once=True)
    def _hold(_session: Any) -> None:
        redis.rpush(started, os.getpid())
        redis.blpop([gate], timeout=GATE_TIMEOUT)
