"""Many officers of many kabupaten at once: gunicorn on PostgreSQL with RLS, driven by locust.

In one run, on a fresh PostgreSQL database (an owner role runs the migrations; the app serves
as a role that neither owns the tables nor bypasses row-level security):
  - 10 kabupaten with jaminan and rehabilitasi enabled, officers with passwords set by the
    staff service; gunicorn serves wsgi:app with the production config (core/gunicorn_conf.py)
    on a loopback port with REDIS_URL set, and one `kesos worker` builds the yearly reports
    requested during the run;
  - locust in library mode (no web UI) runs the same mix of reads and writes twice: with one
    user (the baseline) and with --users users (default 100) spread evenly over the tenants.
    Each user sticks to one tenant and logs in once. The mix: list and read persons and cases,
    register persons (valid NIKs), open jaminan sosial applications, advance them with
    If-Match (sometimes two requests at once on purpose: one must win, the other get 412),
    request and read yearly reports, /readyz;
  - afterwards, as the table owner and tenant by tenant (RLS is forced on the owner too):
    every id acknowledged with 201/202 and every advance acknowledged with 200 must be in the
    database (lost writes), in the tenant whose URL it was posted to (cross-tenant rows).

Printed: requests, failures, RPS, p50/p95/p99 per request kind for both phases — measured over
a window that opens once every user has logged in (logins hash a password; their burst is timed
apart) — and the ratios load/baseline of throughput and latency; unexpected errors (any non-2xx but the 412/409 of a
deliberately concurrent advance), lost writes, cross-tenant rows, deadlocks. Everything it
started is stopped and its database and roles are dropped, also when it fails.

Run: .venv/bin/python bench/load_test.py [--duration 180] [--users 100]
     (PostgreSQL admin URL: KESOS_TEST_PG_ADMIN, as for the tests; Redis: --redis-url)
"""
from __future__ import annotations

# locust first: importing it monkey-patches the standard library for gevent, so that psycopg,
# SQLAlchemy's pool and subprocess imported below yield to the simulated users' greenlets.
# isort: off
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser
from locust.stats import StatsEntry
# isort: on

import argparse
import base64
import itertools
import logging
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import gevent

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, pool, text

from tests.factories import nik_for
from tests.pg import PG_ADMIN_URL, PgDatabase, fresh_database

BIN = Path(sys.executable).parent  # the venv's gunicorn, rq and kesos
API = "/api/v1/tenants"
PLUGINS = ("jaminan", "rehabilitasi")
# Ten kabupaten of Kalimantan Selatan: real Kemendagri codes, so NIKs carry no region warning.
TENANTS = [
    ("tanah-laut", "63.01"), ("kotabaru", "63.02"), ("banjar", "63.03"), ("barito-kuala", "63.04"),
    ("tapin", "63.05"), ("hulu-sungai-selatan", "63.06"), ("hulu-sungai-tengah", "63.07"),
    ("hulu-sungai-utara", "63.08"), ("tabalong", "63.09"), ("tanah-bumbu", "63.10"),
]
KODE = dict(TENANTS)
NEXT_STAGE = {"permohonan": "verifikasi", "verifikasi": "penerima"}  # jaminan sosial; stop before berhenti
# The only refusals a correct client may meet: another officer advanced the case first.
EXPECTED_CONFLICTS = (409, 412)
LOGIN = "POST /auth/login"
REPORT = "jaminan.tahunan"

log = logging.getLogger("load_test")


# -- options ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=180, help="seconds of the loaded phase (default 180)")
    p.add_argument("--users", type=int, default=100, help="concurrent simulated users of the loaded phase (default 100)")
    p.add_argument("--baseline-duration", type=float, default=30, help="seconds of the 1-user baseline (default 30)")
    p.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    p.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"),
                   help="seconds a user waits between two tasks (default 0.5 1.5)")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker, -k gthread (default 4)")
    p.add_argument("--keep-alive", type=int, default=10,
                   help="gunicorn keep-alive seconds; longer than a user's wait, so an idle connection is not closed under it (default 10)")
    p.add_argument("--port", type=int, default=0, help="loopback port for gunicorn (default: a free one)")
    p.add_argument("--redis-url", default=os.environ.get("KESOS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    p.add_argument("--report-interval", type=float, default=20,
                   help="at most one yearly report requested per tenant in this many seconds (default 20)")
    p.add_argument("--drain-timeout", type=float, default=120, help="seconds to wait for the worker to finish reports")
    return p.parse_args(argv)


# -- what the simulated users saw, shared by all of them ----------------------------------------


@dataclass
class TenantPool:
    """Ids the server acknowledged in one tenant: what later requests pick from, and what the
    database must hold afterwards."""

    persons: list[str] = field(default_factory=list)
    without_case: list[str] = field(default_factory=list)  # persons no case has been opened for yet
    cases: list[str] = field(default_factory=list)
    advanceable: list[str] = field(default_factory=list)  # cases not yet at penerima
    advances: list[tuple[str, str]] = field(default_factory=list)  # (case id, to_stage) answered 200
    reports: list[str] = field(default_factory=list)
    last_report: float = float("-inf")


@dataclass
class Ledger:
    pools: dict[str, TenantPool] = field(default_factory=lambda: defaultdict(TenantPool))
    expected: Counter = field(default_factory=Counter)  # (kind, status) of deliberate-concurrency refusals
    unexpected: Counter = field(default_factory=Counter)  # (kind, status) of every other failure
    samples: dict[tuple[str, Any], str] = field(default_factory=dict)  # the first body of each unexpected kind
    races: Counter = field(default_factory=Counter)  # sorted status pair of two simultaneous advances
    logins: list[float] = field(default_factory=list)  # seconds per login, of the current phase

    def on_request(self, request_type: str, name: str, response: Any, exception: Any, **_kw: Any) -> None:
        # Locust calls this for every request; a request marked success (2xx, or an expected
        # conflict) has no exception.
        if exception is None:
            return
        status = getattr(response, "status_code", None) or type(exception).__name__
        self.unexpected[(name, status)] += 1
        if (name, status) not in self.samples:
            body = getattr(response, "text", None) or str(exception)
            self.samples[(name, status)] = (body or "")[:300].replace("\n", " ")


LEDGER = Ledger()
_nik_serials = itertools.count()


def new_person_body(kode: str) -> dict[str, Any]:
    """A person with a NIK unique in the run: the birth date, sex and serial vary together."""
    i = next(_nik_serials)
    born = date(1945, 1, 1) + timedelta(days=i % 20000)
    sex = "LP"[(i // 20000) % 2]
    nik = nik_for(kode, born, sex, serial=1 + i // 40000)
    return {"nik": nik, "nama": f"Penerima Uji {i}", "tanggal_lahir": born.isoformat(), "jenis_kelamin": sex, "kode_wilayah": kode}


def jaminan_application(person_id: str) -> dict[str, Any]:
    """Social-welfare insurance for a fakir miskin with its evidence (PP 39/2012 Pasal 10):
    valid under the national profile, needs no register import."""
    evidence = {"jenis": "surat_keterangan_tidak_mampu", "keterangan": "SKTM 470/015/Desa Uji",
                "tanggal": (date.today() - timedelta(days=30)).isoformat()}
    return {"person_id": person_id,
            "data": {"program": "asuransi_kesejahteraan_sosial", "kategori": "fakir_miskin", "ketidakmampuan": evidence}}


# -- the simulated officer ----------------------------------------------------------------------


class Officer(FastHttpUser):
    """One officer of one kabupaten, logged in once, working through the mix below."""

    wait_time = between(0.5, 1.5)  # replaced from --think
    accounts: ClassVar[list[tuple[str, str]]] = []  # (slug, username), interleaved by tenant
    password = ""
    report_interval = 20.0
    _numbers = itertools.count()  # reset per phase: user n works in tenant n mod 10
    started = 0  # users past their login, successful or not

    def on_start(self) -> None:
        n = next(Officer._numbers)
        self.slug, username = self.accounts[n % len(self.accounts)]
        self.kode = KODE[self.slug]
        self.pool = LEDGER.pools[self.slug]
        t0 = time.perf_counter()
        try:
            r = self.client.post("/api/v1/auth/login", json={"username": username, "password": self.password}, name=LOGIN)
        finally:
            Officer.started += 1
        if r.status_code != 200:
            raise StopUser()
        LEDGER.logins.append(time.perf_counter() - t0)
        self.auth = {"Authorization": f"Bearer {r.json()['token']}"}

    def _get(self, path: str, name: str) -> Any:
        return self.client.get(f"{API}/{self.slug}{path}", headers=self.auth, name=name)

    # reads ---------------------------------------------------------------------------------

    @task(8)
    def list_persons(self) -> None:
        self._get("/persons?page_size=20", "GET persons")

    @task(8)
    def list_cases(self) -> None:
        self._get("/cases?page_size=20", "GET cases")

    @task(6)
    def read_person(self) -> None:
        if not self.pool.persons:
            return self.list_persons()
        self._get(f"/persons/{random.choice(self.pool.persons)}", "GET persons/:id")

    @task(6)
    def read_case(self) -> None:
        if not self.pool.cases:
            return self.list_cases()
        self._get(f"/cases/{random.choice(self.pool.cases)}", "GET cases/:id")

    @task(1)
    def readyz(self) -> None:
        self.client.get("/readyz", name="GET /readyz")

    # writes --------------------------------------------------------------------------------

    @task(5)
    def create_person(self) -> str | None:
        r = self.client.post(f"{API}/{self.slug}/persons", json=new_person_body(self.kode), headers=self.auth, name="POST persons")
        if r.status_code != 201:
            return None
        person_id = r.json()["id"]
        self.pool.persons.append(person_id)
        self.pool.without_case.append(person_id)
        return person_id

    @task(4)
    def open_case(self) -> None:
        # One application per person: take a person nobody has applied for yet.
        person_id = self.pool.without_case.pop() if self.pool.without_case else self.create_person()
        if person_id is None:
            return
        if person_id in self.pool.without_case:
            self.pool.without_case.remove(person_id)
        r = self.client.post(f"{API}/{self.slug}/jaminan/kasus", json=jaminan_application(person_id), headers=self.auth,
                             name="POST jaminan/kasus")
        if r.status_code == 201:
            case_id = r.json()["id"]
            self.pool.cases.append(case_id)
            self.pool.advanceable.append(case_id)

    def _next_move(self) -> tuple[str, str, str] | None:
        """A case of this tenant to advance, its ETag and next stage — read just before, as a
        client does; other officers of the tenant pick from the same cases, so they collide."""
        if not self.pool.advanceable:
            self.open_case()
            return None
        case_id = random.choice(self.pool.advanceable)
        r = self._get(f"/cases/{case_id}", "GET cases/:id")
        if r.status_code != 200:
            return None
        to_stage = NEXT_STAGE.get(r.json()["stage"])
        if to_stage is None:
            self._retire(case_id)
            return None
        return case_id, r.headers["ETag"], to_stage

    def _retire(self, case_id: str) -> None:
        if case_id in self.pool.advanceable:
            self.pool.advanceable.remove(case_id)

    def _advance(self, case_id: str, etag: str, to_stage: str, name: str) -> int:
        with self.client.post(
            f"{API}/{self.slug}/cases/{case_id}/advance", json={"to_stage": to_stage, "data": {}},
            headers={**self.auth, "If-Match": etag}, name=name, catch_response=True,
        ) as r:
            if r.status_code == 200:
                self.pool.advances.append((case_id, to_stage))
                if to_stage not in NEXT_STAGE:
                    self._retire(case_id)
                r.success()
            elif r.status_code in EXPECTED_CONFLICTS:
                LEDGER.expected[(name, r.status_code)] += 1
                r.success()
            else:
                r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
            return int(r.status_code or 0)

    @task(4)
    def advance(self) -> None:
        move = self._next_move()
        if move:
            self._advance(*move, name="POST cases/:id/advance")

    @task(1)
    def advance_twice_at_once(self) -> None:
        """The same move sent twice at the same moment with the same If-Match: exactly one
        may win (200), the other must be refused (412), never both applied."""
        move = self._next_move()
        if not move:
            return
        pair = [gevent.spawn(self._advance, *move, name="POST cases/:id/advance (race)") for _ in range(2)]
        gevent.joinall(pair)
        LEDGER.races[tuple(sorted(g.value or 0 for g in pair))] += 1

    @task(1)
    def report(self) -> None:
        # Rate-limited per tenant: a kabupaten asks for its yearly report now and then; the
        # single worker must not become the thing measured.
        now = time.monotonic()
        if now - self.pool.last_report < self.report_interval:
            if self.pool.reports:
                self._get(f"/reports/runs/{random.choice(self.pool.reports)}", "GET reports/runs/:id")
            return
        self.pool.last_report = now
        r = self.client.post(f"{API}/{self.slug}/reports/{REPORT}/runs", json={"params": {"tahun": date.today().year}},
                             headers=self.auth, name="POST reports/runs")
        if r.status_code == 202:
            self.pool.reports.append(r.json()["id"])


# -- the database: roles, schema, tenants, staff ------------------------------------------------


def kesos_environ(db: PgDatabase, args: argparse.Namespace, queue: str, workdir: Path) -> dict[str, str]:
    """The environment of every Kesos process: production mode, the app role, our own queue,
    and directories of our own (nothing written under instance/)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KESOS_", "DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL"))}
    env.update({
        "KESOS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # Production refuses the development keys that encrypt NIKs: fresh random ones per run.
        "KESOS_DATA_KEYS": f"load:{_random_key()}",
        "KESOS_DATA_KEY_ID": "load",
        "KESOS_BLIND_INDEX_KEY": _random_key(),
        "DATABASE_URL": db.app_url,
        "REDIS_URL": args.redis_url,
        "KESOS_QUEUE": queue,
        "KESOS_INSTANCE_DIR": str(workdir / "instance"),
        "KESOS_TENANTS_DIR": str(workdir / "tenants"),
        "KESOS_STORAGE_DIR": str(workdir / "berkas"),
    })
    (workdir / "tenants").mkdir(parents=True, exist_ok=True)
    return env


def _random_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def migrate(db: PgDatabase, env: dict[str, str]) -> None:
    """`kesos db upgrade` as the owner; it grants the app role its data privileges."""
    subprocess.run(
        [str(BIN / "kesos"), "db", "upgrade"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        env={**env, "MIGRATION_DATABASE_URL": db.owner_url, "KESOS_APP_DB_ROLE": db.app_role},
    )


def seed(env: dict[str, str], officers_per_tenant: int, password: str) -> tuple[dict[str, uuid.UUID], list[tuple[str, str]]]:
    """Tenants, their plugins and officers through the kernel's services (audited, passwords
    hashed by the staff service), connected as the app role as the server will be."""
    from core.app import create_app
    from core.config import load_settings
    from core.db import tenant_context
    from core.staff.services import create_user, set_roles
    from core.tenancy.services import configure_plugin, create_tenant

    app = create_app(load_settings(environ=env))
    kernel = app.extensions["kesos"]
    tenant_ids: dict[str, uuid.UUID] = {}
    try:
        with kernel.db.unit_of_work() as s:
            for slug, kode in TENANTS:
                tenant = create_tenant(s, {"slug": slug, "kode_wilayah": kode, "nama": f"Kabupaten {slug.replace('-', ' ').title()}",
                                           "provinsi": "Kalimantan Selatan"})
                tenant_ids[slug] = tenant.id
                with tenant_context(tenant.id, s):
                    for plugin in PLUGINS:
                        configure_plugin(s, kernel, tenant, plugin, enabled=True)
                    for i in range(1, officers_per_tenant + 1):
                        user = create_user(s, username=f"petugas{i}.{slug}", nama=f"Petugas {i} {slug}", password=password)
                        set_roles(s, tenant, user, ["officer"])
    finally:
        kernel.db.dispose()
    # Interleaved by tenant: consecutive users land in different kabupaten.
    accounts = [(slug, f"petugas{i}.{slug}") for i in range(1, officers_per_tenant + 1) for slug, _ in TENANTS]
    return tenant_ids, accounts


# -- processes: gunicorn and the RQ worker ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    # A session of its own: stopping it means its whole process group (gunicorn's workers, the
    # RQ work horse), and nothing else on the machine.
    out = open(log_path, "wb")  # noqa: SIM115 — the child keeps it
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_ready(host: str, procs: list[subprocess.Popen[bytes]], logs: list[Path], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc, path in zip(procs, logs):
            if proc.poll() is not None:
                raise RuntimeError(f"{path.name} exited with {proc.returncode}:\n{path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{host}/readyz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn not ready in {timeout:.0f} s:\n{logs[0].read_text()[-3000:]}")


def clear_queue(redis_url: str, queue: str) -> None:
    """Delete our queue, its jobs and registries — only keys carrying our queue's name."""
    from redis import Redis
    from rq import Queue

    conn = Redis.from_url(redis_url)
    q = Queue(queue, connection=conn)
    for registry in (q.finished_job_registry, q.failed_job_registry, q.started_job_registry, q.deferred_job_registry,
                     q.scheduled_job_registry, q.canceled_job_registry):
        for job_id in registry.get_job_ids():
            conn.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    q.delete(delete_jobs=True)
    for key in conn.scan_iter(match=f"*{queue}*"):
        conn.delete(key)


# -- one phase of locust ------------------------------------------------------------------------


@dataclass
class Phase:
    users: int
    ramp_seconds: float  # until every user had logged in (not measured below)
    seconds: float  # the measured window
    kinds: dict[str, StatsEntry]
    mix: StatsEntry  # every request of the window
    logins: list[float]  # seconds of each user's login, ramp-up included

    @property
    def rps(self) -> float:
        return self.mix.num_requests / self.seconds


def _snapshot(env: Environment) -> tuple[dict[str, StatsEntry], StatsEntry]:
    """Copies of the figures so far: requests still finishing while users stop are left out."""
    kinds = {}
    for entry in env.stats.entries.values():
        kinds[entry.name] = StatsEntry(env.stats, entry.name, entry.method)
        kinds[entry.name].extend(entry)
    mix = StatsEntry(env.stats, "mix", "")
    for entry in kinds.values():
        mix.extend(entry)
    return kinds, mix


def run_phase(host: str, users: int, seconds: float, spawn_rate: float) -> Phase:
    # Users that are mid-task when the time is up may finish it (stop_timeout): a write whose
    # answer was cut off would otherwise count as committed-but-unacknowledged.
    env = Environment(user_classes=[Officer], host=host, stop_timeout=15)
    env.events.request.add_listener(LEDGER.on_request)
    runner = env.create_local_runner()
    Officer._numbers, Officer.started, LEDGER.logins = itertools.count(), 0, []
    t0 = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)
    # Logins hash a password (scrypt): a burst of them is a different load from the working
    # day measured here, so the window opens once every user has logged in.
    while Officer.started < users and time.monotonic() - t0 < 600:
        gevent.sleep(0.2)
    ramp = time.monotonic() - t0
    env.stats.reset_all()
    gevent.sleep(seconds)
    kinds, mix = _snapshot(env)
    runner.stop()
    runner.quit()
    return Phase(users, ramp, seconds, kinds, mix, sorted(LEDGER.logins))


# -- afterwards: what the database holds --------------------------------------------------------


@dataclass
class TenantCheck:
    acked: Counter = field(default_factory=Counter)  # what the server acknowledged
    lost: Counter = field(default_factory=Counter)  # acknowledged but not in this tenant
    foreign: Counter = field(default_factory=Counter)  # in this tenant but posted to another's URL
    unacked: Counter = field(default_factory=Counter)  # rows of this tenant nobody was told about
    double_advances: int = 0  # the same move recorded twice
    reports: Counter = field(default_factory=Counter)  # run status


def wait_for_reports(owner_url: str, tenant_ids: dict[str, uuid.UUID], timeout: float) -> float:
    """Seconds until every acknowledged report run is done or failed (or the timeout)."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < timeout:
            pending = 0
            for slug, tid in tenant_ids.items():
                ids = LEDGER.pools[slug].reports
                if ids:
                    with engine.begin() as c:
                        _as_tenant(c, tid)
                        pending += c.scalar(text("SELECT count(*) FROM report_runs WHERE id = ANY(:ids) AND status IN ('queued', 'running')"),
                                            {"ids": [uuid.UUID(i) for i in ids]})
            if not pending:
                break
            time.sleep(1)
    finally:
        engine.dispose()
    return time.monotonic() - t0


def _as_tenant(conn: Any, tenant_id: uuid.UUID) -> None:
    # RLS is forced on the owner too: it sees a tenant's rows only with that tenant set.
    conn.execute(text("SELECT set_config('kesos.tenant_id', :t, true)"), {"t": str(tenant_id)})


def _ids(values: list[str]) -> list[uuid.UUID]:
    return [uuid.UUID(v) for v in values]


def check_tenant(conn: Any, slug: str, all_acked: dict[str, set[str]]) -> TenantCheck:
    """Compare, inside one tenant, the rows the database holds with what the server said."""
    p = LEDGER.pools[slug]
    out = TenantCheck()
    for table, mine in (("persons", p.persons), ("cases", p.cases), ("report_runs", p.reports)):
        everyone = all_acked[table]
        present = {str(i) for i in conn.scalars(text(f"SELECT id FROM {table} WHERE id = ANY(:ids)"), {"ids": _ids(list(everyone))})}
        out.acked[table] = len(mine)
        out.lost[table] = len(set(mine) - present)
        out.foreign[table] = len(present - set(mine))
        total = conn.scalar(text(f"SELECT count(*) FROM {table}"))
        out.unacked[table] = total - len(present & set(mine)) - out.foreign[table]
    # A case's subject is a person of the case's tenant (else the join below finds none here).
    out.foreign["case subjects"] = conn.scalar(text(
        "SELECT count(*) FROM cases c WHERE c.id = ANY(:ids) AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = c.person_id)"
    ), {"ids": _ids(p.cases)})
    # Every advance answered 200 is one 'advanced' event; a move recorded twice is a lost update.
    recorded = Counter((case_id, to_stage) for case_id, to_stage in conn.execute(text(
        "SELECT case_id::text, to_stage FROM case_events WHERE kind = 'advanced' AND case_id = ANY(:ids)"
    ), {"ids": _ids(p.cases)}))
    acked = Counter(p.advances)
    out.acked["advances"] = sum(acked.values())
    out.lost["advances"] = sum((acked - recorded).values())
    out.double_advances = sum(n - 1 for n in recorded.values() if n > 1)
    out.reports = Counter({status: n for status, n in conn.execute(text(
        "SELECT status, count(*) FROM report_runs WHERE id = ANY(:ids) GROUP BY status"), {"ids": _ids(p.reports)})})
    return out


def check_database(owner_url: str, tenant_ids: dict[str, uuid.UUID]) -> dict[str, TenantCheck]:
    all_acked = {
        "persons": {i for p in LEDGER.pools.values() for i in p.persons},
        "cases": {i for p in LEDGER.pools.values() for i in p.cases},
        "report_runs": {i for p in LEDGER.pools.values() for i in p.reports},
    }
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    try:
        results = {}
        for slug, tid in tenant_ids.items():
            with engine.begin() as conn:
                _as_tenant(conn, tid)
                results[slug] = check_tenant(conn, slug, all_acked)
        return results
    finally:
        engine.dispose()


def report_latency(owner_url: str, tenant_ids: dict[str, uuid.UUID]) -> list[float]:
    """Seconds from request to finished of every report run that finished."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    out: list[float] = []
    try:
        for tid in tenant_ids.values():
            with engine.begin() as conn:
                _as_tenant(conn, tid)
                out += [float(s) for s in conn.scalars(text(
                    "SELECT extract(epoch FROM finished_at - requested_at) FROM report_runs WHERE finished_at IS NOT NULL"))]
    finally:
        engine.dispose()
    return sorted(out)


def server_health(db_name: str, logs: list[Path]) -> dict[str, int]:
    """Deadlocks and rollbacks PostgreSQL counted in our database; tracebacks and worker
    timeouts in our processes' logs."""
    admin = create_engine(PG_ADMIN_URL, poolclass=pool.NullPool)
    try:
        with admin.connect() as c:
            row = c.execute(text("SELECT deadlocks, xact_rollback, xact_commit FROM pg_stat_database WHERE datname = :n"), {"n": db_name}).one()
    finally:
        admin.dispose()
    text_ = "\n".join(p.read_text(errors="replace") for p in logs if p.exists())
    return {"deadlocks": row[0], "rollbacks (read-only ones too)": row[1], "commits": row[2], "tracebacks": text_.count("Traceback (most recent call last)"),
            "worker timeouts": text_.count("WORKER TIMEOUT"), "deadlock lines": text_.lower().count("deadlock detected")}


# -- printing -----------------------------------------------------------------------------------


def _ms(entry: StatsEntry, q: float) -> float:
    return float(entry.get_response_time_percentile(q) or 0)


def print_phase(title: str, ph: Phase) -> None:
    logins = ph.logins or [float("nan")]
    print(f"\n{title}: {ph.users} user(s), measured {ph.seconds:.0f} s after all had logged in ({ph.ramp_seconds:.0f} s; "
          f"login p50 {logins[len(logins) // 2] * 1000:.0f} ms, max {logins[-1] * 1000:.0f} ms)")
    print(f"  {'request kind':<32} {'requests':>9} {'failures':>9} {'RPS':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name in sorted(ph.kinds):
        e = ph.kinds[name]
        if not e.num_requests:
            continue
        print(f"  {name:<32} {e.num_requests:>9} {e.num_failures:>9} {e.num_requests / ph.seconds:>7.1f} "
              f"{_ms(e, .5):>8.0f} {_ms(e, .95):>8.0f} {_ms(e, .99):>8.0f}")
    m = ph.mix
    print(f"  {'ALL':<32} {m.num_requests:>9} {m.num_failures:>9} {ph.rps:>7.1f} "
          f"{_ms(m, .5):>8.0f} {_ms(m, .95):>8.0f} {_ms(m, .99):>8.0f}")


def print_ratios(base: Phase, load: Phase) -> None:
    print(f"\nload vs baseline ({load.users} users vs {base.users}):")
    print(f"  throughput  {load.rps:8.1f} vs {base.rps:6.1f} RPS   ×{load.rps / base.rps:.1f} (×{load.users / base.users:.0f} if it scaled linearly)")
    for q in (.5, .95, .99):
        b, ld = _ms(base.mix, q), _ms(load.mix, q)
        print(f"  p{int(q * 100):<2} latency {ld:8.0f} vs {b:6.0f} ms    ×{ld / b if b else float('nan'):.1f}")


def print_integrity(checks: dict[str, TenantCheck]) -> dict[str, int]:
    print("\nwrites, per tenant (acknowledged by the server / lost / in this tenant but posted elsewhere):")
    totals: Counter = Counter()
    for slug, c in checks.items():
        cells = "  ".join(f"{k} {c.acked[k]}/{c.lost[k]}/{c.foreign[k]}" for k in ("persons", "cases", "advances", "report_runs"))
        print(f"  {slug:<20} {cells}  foreign case subjects {c.foreign['case subjects']}  double advances {c.double_advances}")
        totals["acknowledged"] += sum(c.acked.values())
        totals["lost"] += sum(c.lost.values())
        totals["cross-tenant"] += sum(c.foreign.values())
        totals["double advances"] += c.double_advances
        totals["unacknowledged rows"] += sum(c.unacked.values())
        for status, n in c.reports.items():
            totals[f"reports {status}"] += n
    print("  " + ", ".join(f"{k}: {v}" for k, v in totals.items()))
    return totals


def print_http() -> int:
    unexpected = sum(LEDGER.unexpected.values())
    expected = ", ".join(f"{name} → {status}: {n}" for (name, status), n in sorted(LEDGER.expected.items())) or "0"
    races = ", ".join(f"{pair}: {n}" for pair, n in sorted(LEDGER.races.items())) or "-"
    print(f"\nHTTP: expected refusals (another officer advanced first): {expected}")
    print(f"      simultaneous advance pairs, statuses: {races} (right: one 200, one 412 or 409)")
    print(f"      unexpected errors: {unexpected}")
    for (name, status), n in LEDGER.unexpected.most_common():
        print(f"        {n:>5} × {name} → {status}: {LEDGER.samples.get((name, status), '')}")
    return unexpected


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    Officer.wait_time = between(*args.think)
    Officer.report_interval = args.report_interval
    Officer.password = secrets.token_urlsafe(16)
    queue = f"kesos_load_{uuid.uuid4().hex[:12]}"
    officers_per_tenant = -(-max(args.users, 1) // len(TENANTS))
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="kesos_load_") as tmp, fresh_database(prefix="kesos_load") as db:
        workdir = Path(tmp)
        logs = [workdir / "gunicorn.log", workdir / "rq-worker.log"]
        try:
            env = kesos_environ(db, args, queue, workdir)
            t0 = time.monotonic()
            migrate(db, env)
            t1 = time.monotonic()
            tenant_ids, Officer.accounts = seed(env, officers_per_tenant, Officer.password)
            t2 = time.monotonic()
            port = args.port or free_port()
            host = f"http://127.0.0.1:{port}"
            # The processes exactly as production runs them (core/gunicorn_conf.py, `kesos worker`):
            # the load test measures the deployed configuration, not a copy of it.
            web_env = env | {
                "KESOS_WEB_BIND": f"127.0.0.1:{port}", "KESOS_WEB_WORKERS": str(args.workers),
                "KESOS_WEB_WORKER_CLASS": "gthread", "KESOS_WEB_THREADS": str(args.threads),
                "KESOS_WEB_KEEPALIVE": str(args.keep_alive),
            }
            procs.append(start([str(BIN / "gunicorn"), "-c", "python:core.gunicorn_conf", "wsgi:app"], web_env, logs[0]))
            procs.append(start([str(BIN / "kesos"), "worker", "--queue", queue], env, logs[1]))
            wait_ready(host, procs, logs)
            print(f"database {db.name}: migrated in {t1 - t0:.0f} s, {len(TENANTS)} tenants × {officers_per_tenant} officers in {t2 - t1:.0f} s; "
                  f"gunicorn -w {args.workers} -k gthread --threads {args.threads} on {host}; RQ queue {queue}")

            base = run_phase(host, 1, args.baseline_duration, args.spawn_rate)
            load = run_phase(host, args.users, args.duration, args.spawn_rate)
            drained = wait_for_reports(db.owner_url, tenant_ids, args.drain_timeout)
            checks = check_database(db.owner_url, tenant_ids)
            latencies = report_latency(db.owner_url, tenant_ids)
            health = server_health(db.name, logs)

            print_phase("baseline", base)
            print_phase("load", load)
            print_ratios(base, load)
            unexpected = print_http()
            totals = print_integrity(checks)
            if latencies:
                print(f"  report runs: requested → finished p50 {latencies[len(latencies) // 2]:.1f} s, max {latencies[-1]:.1f} s "
                      f"(worker drained {drained:.0f} s after the load)")
            print("server: " + ", ".join(f"{k} {v}" for k, v in health.items()))
            bad = unexpected + totals["lost"] + totals["cross-tenant"] + totals["double advances"]
            if health["tracebacks"]:
                print(f"\n--- last lines of {logs[0].name} ---\n{logs[0].read_text(errors='replace')[-4000:]}")
            return 1 if bad else 0
        finally:
            for proc in reversed(procs):
                stop(proc)
            try:
                clear_queue(args.redis_url, queue)
            except Exception as exc:  # noqa: BLE001 — cleanup goes on: the database must still be dropped
                print(f"could not clear RQ queue {queue}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
