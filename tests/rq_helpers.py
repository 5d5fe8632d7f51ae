"""Utilities for tests that need a real Redis (RQ jobs on a worker).

Locally such tests skip when Redis is unreachable; under CI they fail instead, because CI must
exercise Redis for real (DESIGN.md, principle 6) — as tests/pg.py does for PostgreSQL.
"""
from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

REDIS_URL = os.environ.get("KESOS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_unreachable() -> str | None:
    try:
        from redis import Redis

        Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means "not usable"; say why
        return f"{type(exc).__name__}: {exc}"
    return None


def require_redis() -> None:
    """Skip when Redis is unreachable — except under CI, where that fails (principle 6)."""
    reason = _redis_unreachable()
    if reason is None:
        return
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(f"Redis must run under CI: {REDIS_URL}: {reason}")
    pytest.skip(f"Redis not reachable at {REDIS_URL}: {reason}")


def redis_settings() -> dict[str, Any]:
    """Settings for a test marked `redis`: the real Redis and a queue of its own."""
    require_redis()
    return {"redis_url": REDIS_URL, "queue_name": f"kesos-test-{uuid.uuid4().hex}"}


def work(queue: Any) -> None:
    """Run every job on `queue` with RQ's in-process worker until it is empty."""
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)
