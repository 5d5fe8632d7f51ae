"""One small API to run work in the background: RQ on Redis when REDIS_URL is set, inline
otherwise.

Work enqueued during a transaction is dispatched only after that transaction commits (a worker
must see the rows the request wrote, and a rolled-back request must enqueue nothing). Every job
carries its tenant and runs as one unit of work with that tenant set.

What can go wrong, and what happens then (docs/security.md, "Gangguan dan konkurensi"):

- Redis is down when work is enqueued: `enqueue` refuses before anything is committed
  (`QueueUnavailable`, 503 `antrean_tidak_tersedia`), so the request writes nothing.
- Redis goes away between that check and the dispatch after commit: a job with an
  idempotency key is already recorded in `job_keys` (in the request's own transaction), and
  `requeue_stale` (RQ cron, every few minutes) sends it again; the request still succeeds.
- A job fails or its worker is killed: RQ retries it (`Retry`, settings `job_retries` /
  `job_retry_intervals`); a killed worker's job is found abandoned by RQ's registry
  maintenance once its heartbeat expires, and retried.
- A job runs twice (retried after it had committed, or sent again while still queued): its
  idempotency key is locked and marked done in the job's own transaction, with its effect, so
  the second run does nothing.
"""
from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rq import Worker as RQWorker
from sqlalchemy import Index, Integer, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.auth_context import acting_as
from core.db import Base, JSONDoc, TenantScoped, UTCDateTime, new_id, undone_by, utcnow
from core.errors import KesosError
from core.kernel import Kernel, get_kernel

log = logging.getLogger(__name__)
PENDING_KEY = "kesos_pending_jobs"
# A key whose job was sent again this many times without ever finishing is left alone (and
# stays visible as "pending" in job_keys): something is wrong with the job itself.
MAX_REQUEUES = 5


class QueueUnavailable(KesosError):
    status = 503
    code = "antrean_tidak_tersedia"
    message = (
        "Antrean pekerjaan latar belakang (Redis) sedang tidak dapat dihubungi; permintaan ini "
        "tidak disimpan. Coba lagi beberapa saat lagi."
    )


class JobKey(TenantScoped, Base):
    """The idempotency key of a job with side effects, and what to run (an outbox row).

    Written in the enqueuing transaction; locked and marked `done` in the job's own
    transaction together with the job's effect. A second run of the same job (an RQ retry
    after the job had committed, a job sent again by `requeue_stale`) finds it done and does
    nothing."""

    __tablename__ = "job_keys"
    __table_args__ = (Index("ix_job_keys_tenant_id_status_created_at", "tenant_id", "status", "created_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    job: Mapped[str] = mapped_column(String(200))  # "module:function"
    spec: Mapped[dict[str, Any]] = mapped_column(JSONDoc)  # actor_id, args, kwargs
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending/done
    rq_job_id: Mapped[str] = mapped_column(String(100))
    requeued: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
    idempotency_key: str | None = None,
    **kwargs: Any,
) -> None:
    """Run `func(ctx, *args, **kwargs)` after `session` commits, with `tenant_id` set.
    Arguments must be JSON-like (they cross a process boundary through Redis).

    With Redis configured and unreachable, raises `QueueUnavailable` (503) at once: the caller's
    transaction then rolls back and nothing it wrote is kept.

    `idempotency_key` (unique per tenant, e.g. "report_run:<id>"), for a job with side effects:
    the job takes effect at most once however often it is delivered, and a job whose dispatch
    was lost after the commit is sent again by `requeue_stale`. Enqueuing a key that exists
    already does nothing.

    Enqueued inside a savepoint (`begin_nested`), the job is dropped if that savepoint rolls
    back and kept if it is released; it is dispatched only when the outermost transaction
    commits."""
    kernel = get_kernel()
    if not kernel.settings.jobs_inline:
        require_queue(kernel)
    spec = (_path(func), str(tenant_id) if tenant_id else None, str(actor_id) if actor_id else None, args, kwargs)
    rq_job_id = None
    if idempotency_key is not None:
        if tenant_id is None:
            raise ValueError("an idempotency key belongs to a tenant: give tenant_id")
        if session.get(JobKey, (tenant_id, idempotency_key)) is not None:
            return  # already enqueued (and perhaps done): once is enough
        rq_job_id = f"kesos-{new_id()}"
        session.add(JobKey(
            tenant_id=tenant_id, key=idempotency_key, job=spec[0], rq_job_id=rq_job_id,
            spec={"actor_id": spec[2], "args": list(args), "kwargs": kwargs},
        ))
    # The innermost transaction at enqueue time decides which rollback drops the job.
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING_KEY, []).append((owner, spec, idempotency_key, rq_job_id))


def require_queue(kernel: Kernel) -> None:
    """Refuse (503) when Redis cannot be reached: call before writing what a job must finish."""
    from redis.exceptions import RedisError

    try:
        _queue(kernel).connection.ping()
    except RedisError as exc:
        log.warning("Redis unreachable at enqueue: %s", exc)
        raise QueueUnavailable() from exc


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
    for _owner, spec, key, rq_job_id in pending:
        if kernel.settings.jobs_inline:
            _after_transaction(session, spec, key)
            continue
        try:
            _send(kernel, spec, key, rq_job_id)
        except Exception:  # noqa: BLE001 — committed already: failing the request would lie
            if key is not None:
                log.warning("job %s (%s) not sent; requeue_stale will send it", spec[0], key)
            else:
                log.exception("job %s lost: not sent and it has no idempotency key", spec[0])


def _send(kernel: Kernel, spec: tuple[Any, ...], key: str | None, rq_job_id: str | None) -> Any:
    from rq import Retry

    s = kernel.settings
    retry = Retry(max=s.job_retries, interval=list(s.job_retry_intervals)) if s.job_retries else None
    return _queue(kernel).enqueue(run_job, *spec, key, job_id=rq_job_id, job_timeout=s.job_timeout, retry=retry)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: Any) -> None:
    pending = session.info.get(PENDING_KEY)
    if not pending:
        return
    kept = [item for item in pending if not undone_by(item[0], previous_transaction)]
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


def _after_transaction(session: Session, spec: tuple[Any, ...], key: str | None) -> None:
    # Inline mode: the committing session may still hold its connection; run the job once the
    # outer transaction is fully finished.
    @event.listens_for(session, "after_transaction_end", once=True)
    def _run(_session: Session, _transaction: Any) -> None:
        try:
            run_job(*spec, key)
        except Exception:  # an inline job failing must not fail the request that queued it
            log.exception("inline job %s failed", spec[0])


_queues: dict[tuple[str, str], Any] = {}


def _queue(kernel: Kernel) -> Any:
    from redis import Redis
    from rq import Queue

    # Keyed by URL *and* queue name: two kernels on one Redis may use different queues.
    key = (kernel.settings.redis_url, kernel.settings.queue_name)
    if key not in _queues:
        # Timeouts: a Redis that does not answer fails a request in seconds, it does not hang it.
        connection = Redis.from_url(key[0], socket_connect_timeout=2, socket_timeout=5)
        _queues[key] = Queue(kernel.settings.queue_name, connection=connection)
    return _queues[key]


def _claim(session: Session, tenant_id: uuid.UUID | None, key: str) -> JobKey | None:
    """The job's key, locked until the job's transaction ends (a concurrent run of the same job
    waits here, then finds it done); None when the job must not run (done, or never
    committed)."""
    claim = session.get(JobKey, (tenant_id, key), with_for_update=True, populate_existing=True)
    if claim is None:
        log.warning("job key %s not found: its enqueuing transaction never committed", key)
        return None
    if claim.status == "done":
        log.info("job key %s already done: this run does nothing", key)
        return None
    return claim


def run_job(
    path: str,
    tenant_id: str | None,
    actor_id: str | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    idempotency_key: str | None = None,
) -> Any:
    """Entry point of every job, in a worker or inline: one unit of work with its tenant set;
    with an idempotency key, the key is marked done in that same unit of work."""
    from core.tenancy.models import Tenant

    kernel = get_kernel()
    func = _resolve(path)
    tid = uuid.UUID(tenant_id) if tenant_id else None
    actor = uuid.UUID(actor_id) if actor_id else None
    prepare = getattr(func, "prepare", None)
    if prepare is not None:
        # A short transaction of its own before the work (e.g. "running"), so that progress
        # is visible while the work's own transaction is still open.
        with acting_as(actor), kernel.db.unit_of_work(tid) as session:
            done = idempotency_key is not None and session.scalar(
                select(JobKey.status).where(JobKey.tenant_id == tid, JobKey.key == idempotency_key)
            ) != "pending"
            if not done:
                tenant = session.get(Tenant, tid) if tid else None
                prepare(JobContext(session, tenant, kernel), *args, **kwargs)
    with acting_as(actor), kernel.db.unit_of_work(tid) as session:
        claim = _claim(session, tid, idempotency_key) if idempotency_key is not None else None
        if idempotency_key is not None and claim is None:
            return None
        tenant = session.get(Tenant, tid) if tid else None
        result = func(JobContext(session, tenant, kernel), *args, **kwargs)
        if claim is not None:
            claim.status, claim.done_at = "done", utcnow()
        return result


def requeue_stale(kernel: Kernel | None = None, *, older_than: timedelta | None = None) -> int:
    """Send again every job whose key is still pending after `older_than` (default: the
    setting `job_requeue_minutes`) and that RQ does not hold (queued, started, scheduled):
    its dispatch after commit was lost (Redis went away), or RQ gave up retrying it. Safe to run
    any time, from several places at once: a job that does run twice takes effect once.
    Returns how many jobs were sent."""
    from core.tenancy.models import Tenant

    kernel = kernel or get_kernel()
    if kernel.settings.jobs_inline:
        return 0  # inline jobs run at commit; there is no queue to lose them
    cutoff = utcnow() - (older_than if older_than is not None else timedelta(minutes=kernel.settings.job_requeue_minutes))
    queue = _queue(kernel)
    with kernel.db.unit_of_work() as session:
        tenants = list(session.scalars(select(Tenant.id).where(Tenant.aktif.is_(True)).order_by(Tenant.slug)))
    sent = 0
    for tid in tenants:
        to_send: list[tuple[tuple[Any, ...], str, str]] = []
        with kernel.db.unit_of_work(tid) as session:
            stale = session.scalars(
                select(JobKey)
                .where(JobKey.status == "pending", JobKey.created_at <= cutoff, JobKey.requeued < MAX_REQUEUES)
                .order_by(JobKey.created_at)
                .with_for_update(skip_locked=True)  # a key locked is a job running right now
            )
            for row in stale:
                if _in_flight(queue, row.rq_job_id):
                    continue
                row.requeued += 1
                row.rq_job_id = f"kesos-{new_id()}"
                spec = (row.job, str(tid), row.spec.get("actor_id"), tuple(row.spec.get("args", ())), row.spec.get("kwargs", {}))
                to_send.append((spec, row.key, row.rq_job_id))
                if row.requeued == MAX_REQUEUES:
                    log.error("job key %s sent %d times without finishing; not sent again", row.key, MAX_REQUEUES)
        # Sent after the commit: a send that fails leaves a job id RQ does not know, and the
        # next run of requeue_stale tries again.
        for spec, key, rq_job_id in to_send:
            _send(kernel, spec, key, rq_job_id)
            log.info("job key %s sent again as %s", key, rq_job_id)
            sent += 1
    return sent


def _in_flight(queue: Any, rq_job_id: str) -> bool:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(rq_job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    return job.get_status() in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.CREATED)


def requeue_stale_job() -> int:
    """What RQ's cron scheduler runs every few minutes (see core/rq_cron.py)."""
    return requeue_stale()


def ping_redis(url: str) -> bool:
    from redis import Redis

    return bool(Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())


class Worker(RQWorker):
    """RQ's worker (`rq worker -w core.jobs.Worker --with-scheduler kesos`), with the grace after
    a missed heartbeat taken from the setting `job_heartbeat_grace` (KESOS_JOB_HEARTBEAT_GRACE)
    instead of RQ's fixed 60 seconds. A worker killed mid-job (OOM, node lost) stops its
    heartbeat; once the grace has passed, any worker's registry maintenance finds the job
    abandoned and retries it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from core.config import load_settings

        super().__init__(*args, **kwargs)
        self.heartbeat_grace = load_settings().job_heartbeat_grace

    def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
        base = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            base = min(job.timeout - working_time, self.job_monitoring_interval)
        return int(base) + self.heartbeat_grace
