"""PostgreSQL away or restarted. While the server cannot be reached a request fails cleanly —
a JSON 503 `basis_data_tidak_tersedia`, nothing written — and once it is back the very next
request succeeds, without restarting the app.

The shared server is never stopped: its connections to this test's own database are
terminated (pg_terminate_backend, what a restart or a failover does to them), and "no server"
is an app pointed at a port where nothing listens."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, pool, text

import core.kernel
from core.app import create_app
from core.config import load_settings
from core.registry.models import Person
from tests.core.api.helpers import A_KODE, A_SLUG, AHMAD, SITI, count_rows, error_of, url
from tests.factories import Factory
from tests.pg import PG_ADMIN_URL

NO_SERVER = "postgresql+psycopg://kesos:kesos@127.0.0.1:1/kesos"


def _terminate_backends(database: str, pid: int | None = None) -> int:
    """Terminate the server processes serving `database` (only the given one with `pid`),
    waiting until each has exited; the number terminated."""
    admin = create_engine(PG_ADMIN_URL, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid() AND (CAST(:pid AS integer) IS NULL OR pid = :pid)"
                ),
                {"db": database, "pid": pid},
            ).scalars().all()
    finally:
        admin.dispose()
    assert all(rows), "a backend did not exit in time"
    return len(rows)


@pytest.fixture
def officer(make: Factory) -> Any:
    make.tenant(A_SLUG, A_KODE)
    return make.user("petugas.balangan", {A_SLUG: ["officer"]})


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_after_the_servers_connections_are_killed_the_next_request_succeeds(
    client: Any, kernel: Any, officer: Any, pg_database: Any
) -> None:
    for _ in range(3):
        assert client.get(url(A_SLUG, "persons"), headers=officer.headers).status_code == 200
    assert kernel.db.engine.pool.checkedin() >= 1  # the app holds pooled connections now
    assert _terminate_backends(pg_database.name) >= 1

    r = client.get(url(A_SLUG, "persons"), headers=officer.headers)
    assert r.status_code == 200, r.get_json()
    r = client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers)
    assert r.status_code == 201, r.get_json()
    assert count_rows(kernel, Person, A_SLUG) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_connection_lost_at_commit_answers_503_and_writes_nothing(
    app: Any, client: Any, kernel: Any, officer: Any, pg_database: Any
) -> None:
    """The server goes away between the request's work and its commit (the commit runs after
    the view, in after_request): 503 JSON, the person is not there, the next request works."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: no test-client re-raise

    def _kill_own_backend(session: Any) -> None:
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        assert _terminate_backends(pg_database.name, pid) == 1

    event.listen(kernel.db.session_factory, "before_commit", _kill_own_backend, once=True)
    r = client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers)
    body = error_of(r, 503, "basis_data_tidak_tersedia")
    assert "tidak ada data yang tersimpan" in body["message"]
    assert r.headers["Retry-After"] == "5"
    assert count_rows(kernel, Person, A_SLUG) == 0

    r = client.post(url(A_SLUG, "persons"), json=AHMAD, headers=officer.headers)
    assert r.status_code == 201, r.get_json()
    assert count_rows(kernel, Person, A_SLUG) == 1


@pytest.fixture
def unreachable_app(tmp_path: Path) -> Any:
    previous = core.kernel._process_kernel
    settings = load_settings(environ={}, database_url=NO_SERVER, instance_dir=tmp_path / "instance", tenants_dir=tmp_path)
    application = create_app(settings)  # start-up itself needs no database
    application.testing = True
    yield application
    application.extensions["kesos"].db.dispose()
    core.kernel.set_process_kernel(previous)  # type: ignore[arg-type]


def test_with_no_database_server_requests_answer_503_json(unreachable_app: Any) -> None:
    client = unreachable_app.test_client()
    r = client.get(url(A_SLUG, "persons"), headers={"Authorization": "Bearer token-apa-saja"})
    body = error_of(r, 503, "basis_data_tidak_tersedia")
    assert "Basis data" in body["message"]
    r = client.post("/api/v1/auth/login", json={"username": "petugas", "password": "kata-sandi-panjang-sekali"})
    error_of(r, 503, "basis_data_tidak_tersedia")

    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["checks"]["database"].startswith("gagal")
    assert client.get("/healthz").status_code == 200
