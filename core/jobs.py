"""One small API to run work in the background: RQ on Redis when REDIS_URL is set, inline
otherwise.

Work enqueued during a transaction is dispatched only after that transaction commits (a worker
must see the rows the request wrote, and a rolled-back request must enqueue nothing). Every job
carries its tenant and runs as one unit of work with that tenant set.
"""
from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.auth_context import acting_as
from core.db import undone_by
from core.kernel import Kernel, get_kernel

log = logging.getLogger(__name__)
PENDING_KEY = "kesos_pending_jobs"


@dataclass
class JobContext:
    """What a job function receives first: its session (one transaction), tenant and kernel."""

    session: Session
    tenant: Any
    kernel: Kernel


def _path(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(path: str) -> Callable[..., Any]:
    module, _, attr = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def enqueue(
    session: Session,
    func: Callable[..., Any] | str,
    *args: Any,
    tenant_id: uuid.UUID | None,
    actor_id: uuid.UUID | None = None,
    **kwargs: Any,
) -> None:
    """Run `func(ctx, *args, **kwargs)` after `session` commits, with `tenant_id` set.
    Arguments must be JSON-like (they cross a process boundary through Redis).

    Enqueued inside a savepoint (`begin_nested`), the job is dropped if that savepoint rolls
    back and kept if it is released; it is dispatched only when the outermost transaction
    commits."""
    spec = (_path(func), str(tenant_id) if tenant_id else None, str(actor_id) if actor_id else None, args, kwargs)
    # The innermost transaction at enqueue time decides which rollback drops the job.
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING_KEY, []).append((owner, spec))


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    # after_commit also fires when a savepoint is released; only the outermost commit makes
    # the rows visible to a worker. During a savepoint's release it is still the session's
    # nested transaction.
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(PENDING_KEY, [])
    if not pending:
        return
    kernel = get_kernel()
    for _owner, spec in pending:
        if kernel.settings.jobs_inline:
            _after_transaction(session, spec)
        else:
            _queue(kernel).enqueue(run_job, *spec, job_timeout=600)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: Any) -> None:
    pending = session.info.get(PENDING_KEY)
    if not pending:
        return
    kept = [(owner, spec) for owner, spec in pending if not undone_by(owner, previous_transaction)]
    if kept:
        session.info[PENDING_KEY] = kept
    else:
        session.info.pop(PENDING_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: Any) -> None:
    # A session closed without commit or rollback (e.g. `Session.close()`) must not carry its
    # jobs into the next transaction it begins.
    if transaction.parent is None:
        session.info.pop(PENDING_KEY, None)


def _after_transaction(session: Session, spec: tuple[Any, ...]) -> None:
    # Inline mode: the committing session may still hold its connection; run the job once the
    # outer transaction is fully finished.
    @event.listens_for(session, "after_transaction_end", once=True)
    def _run(_session: Session, _transaction: Any) -> None:
        try:
            run_job(*spec)
        except Exception:  # an inline job failing must not fail the request that queued it
            log.exception("inline job %s failed", spec[0])


_queues: dict[tuple[str, str], Any] = {}


def _queue(kernel: Kernel) -> Any:
    from redis import Redis
    from rq import Queue

    # Keyed by URL *and* queue name: two kernels on one Redis may use different queues.
    key = (kernel.settings.redis_url, kernel.settings.queue_name)
    if key not in _queues:
        _queues[key] = Queue(kernel.settings.queue_name, connection=Redis.from_url(key[0]))
    return _queues[key]


def run_job(path: str, tenant_id: str | None, actor_id: str | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Entry point of every job, in a worker or inline: one unit of work with its tenant set."""
    from core.tenancy.models import Tenant

    kernel = get_kernel()
    func = _resolve(path)
    tid = uuid.UUID(tenant_id) if tenant_id else None
    prepare = getattr(func, "prepare", None)
    if prepare is not None:
        # A short transaction of its own before the work (e.g. "running"), so that progress
        # is visible while the work's own transaction is still open.
        with acting_as(uuid.UUID(actor_id) if actor_id else None), kernel.db.unit_of_work(tid) as session:
            tenant = session.get(Tenant, tid) if tid else None
            prepare(JobContext(session, tenant, kernel), *args, **kwargs)
    with acting_as(uuid.UUID(actor_id) if actor_id else None), kernel.db.unit_of_work(tid) as session:
        tenant = session.get(Tenant, tid) if tid else None
        return func(JobContext(session, tenant, kernel), *args, **kwargs)


def ping_redis(url: str) -> bool:
    from redis import Redis

    return bool(Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
