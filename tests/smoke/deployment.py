"""One production deployment on this machine, from an empty database to stopped processes:
the migration job (`kesos db upgrade`, `kesos tenants sync`) as the table owner, then gunicorn,
an RQ worker and the cron scheduler as the app role, on a Redis queue of their own.

Whatever happens, leaving stops every process group, deletes the queue's Redis keys and drops
the database with its two roles (tests/pg.py)."""
from __future__ import annotations

import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis import Redis

from tests.pg import PgDatabase, fresh_database
from tests.smoke import processes as p

READY_DEADLINE = 120.0  # seconds from start to a ready deployment (measured here: ~10 s)
PLATFORM_ADMIN = "admin.platform"


@dataclass
class Deployment:
    # Kept out of repr(): pytest prints the fixture's value on failure, and the database URLs,
    # environment (keys) and passwords have no business in CI output.
    db: PgDatabase = field(repr=False)
    workdir: Path
    redis_url: str
    queue: str
    env: dict[str, str] = field(default_factory=dict, repr=False)
    base_url: str = ""
    services: dict[str, p.Service] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict, repr=False)

    # -- what failed, told by the processes' own logs ---------------------------------------------

    def explain(self, what: str = "") -> str:
        parts = [what] if what else []
        for s in self.services.values():
            state = "hidup" if s.proc.poll() is None else f"keluar dengan kode {s.proc.returncode}"
            parts.append(f"--- {s.name} ({state}), akhir {s.log.name} ---\n{s.tail()}")
        return "\n".join(parts)

    # -- the migration job and the accounts an operator creates by hand --------------------------

    def kesos(self, *args: str, **extra_env: str) -> str:
        return p.run_kesos(list(args), {**self.env, **extra_env})

    def migrate(self) -> None:
        """The chart's migration job: as the table owner, which grants the app role its
        privileges (KESOS_APP_DB_ROLE) and checks forced RLS."""
        owner = {"MIGRATION_DATABASE_URL": self.db.owner_url}
        self.kesos("db", "upgrade", **owner)
        self.kesos("tenants", "sync", **owner)  # an empty tenants dir: nothing to apply, no error

    def create_user(self, username: str, *extra: str) -> str:
        password = self.passwords[username] = secrets.token_urlsafe(18)
        self.kesos("users", "create", username, "--nama", f"Pengguna {username}", "--password", password, *extra)
        return password

    # -- the long-running processes ----------------------------------------------------------------

    def start(self) -> None:
        port = p.free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        web, web_env = p.web_command(port)
        self.services["gunicorn"] = p.start("gunicorn", web, {**self.env, **web_env}, self.workdir)
        self.services["worker"] = p.start("worker", p.WORKER, self.env, self.workdir)
        self.services["scheduler"] = p.start("scheduler", p.SCHEDULER, self.env, self.workdir)

    def wait_ready(self, deadline: float = READY_DEADLINE) -> None:
        """Until /readyz answers 200, the worker listens on our queue and a cron scheduler holds
        our queue's jobs — failing at once, with the logs, if a process exits meanwhile."""
        def ready() -> bool:
            dead = [s for s in self.services.values() if s.proc.poll() is not None]
            assert not dead, self.explain(f"{dead[0].name} berhenti saat start-up")
            return p.http_status(f"{self.base_url}/readyz") == 200 and bool(self.workers()) and bool(self.cron_schedulers())

        assert p.wait_until(ready, deadline, every=0.5), self.explain(f"deployment tidak siap dalam {deadline:.0f} s")

    def stop(self) -> None:
        for service in self.services.values():
            p.stop(service)

    # -- what Redis holds for this deployment ----------------------------------------------------

    def redis(self) -> Redis:
        return Redis.from_url(self.redis_url)

    def workers(self) -> list[Any]:
        from rq import Queue, Worker

        with self.redis() as conn:
            return list(Worker.all(queue=Queue(self.queue, connection=conn)))

    def cron_schedulers(self) -> list[Any]:
        """RQ cron schedulers whose jobs go to our queue (other runs on this Redis have theirs)."""
        from rq.cron import CronScheduler

        with self.redis() as conn:
            return [s for s in CronScheduler.all(conn) if any(j.queue_name == self.queue for j in s.get_jobs())]

    def clear_redis(self) -> None:
        """Delete our queue's keys only: jobs, registries, the workers and cron scheduler that
        served it, and any lock or key naming the queue."""
        from rq.cron_scheduler_registry import get_registry_key

        with self.redis() as conn:
            for scheduler in self.cron_schedulers():
                conn.zrem(get_registry_key(), scheduler.name)
                conn.delete(scheduler.key)
            for worker in conn.smembers(f"rq:workers:{self.queue}"):
                conn.srem("rq:workers", worker)
                conn.delete(worker)
            for key in conn.scan_iter(match=f"*{self.queue}*"):
                conn.delete(key)


@contextmanager
def production_deployment(redis_url: str) -> Iterator[Deployment]:
    """A migrated, running deployment with a platform admin; everything gone afterwards."""
    queue = f"kesos-smoke-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="kesos_smoke_") as tmp, fresh_database(prefix="kesos_smoke") as db:
        workdir = Path(tmp)
        d = Deployment(db=db, workdir=workdir, redis_url=redis_url, queue=queue)
        d.env = p.production_environ(db, redis_url, queue, workdir)
        try:
            d.migrate()
            d.create_user(PLATFORM_ADMIN, "--platform-admin")
            d.start()
            d.wait_ready()
            yield d
        finally:
            # Each step runs even if one before it fails: the database is dropped regardless.
            try:
                d.stop()
            finally:
                d.clear_redis()
