"""Test set-up shared by the whole suite.

- The fixture plugin (tests/fixture_plugin) is made *installed* the way any third-party plugin
  is: a distribution with a `kesos.plugins` entry point on sys.path (a dist-info directory
  written here), so the kernel discovers it through importlib.metadata like a real package,
  without installing test code into the runtime environment.
- `backend` runs a test on SQLite and on PostgreSQL. On PostgreSQL the app connects as the
  non-owner app role (RLS in force) and migrations run as the owner, as in production.
- Every test gets an empty, migrated database: a copy of a migrated SQLite file, or a
  PostgreSQL database per worker truncated between tests.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, pool, text

_EP_DIR = Path(tempfile.mkdtemp(prefix="kesos-entry-points-"))
_DIST = _EP_DIR / "kesos_fixture_plugin-0.1.dist-info"
_DIST.mkdir()
(_DIST / "METADATA").write_text("Metadata-Version: 2.1\nName: kesos-fixture-plugin\nVersion: 0.1\n")
(_DIST / "entry_points.txt").write_text("[kesos.plugins]\nfixture = tests.fixture_plugin\n")
sys.path.insert(0, str(_EP_DIR))

from core import migrate  # noqa: E402
from core.app import create_app  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.kernel import set_process_kernel  # noqa: E402
from core.plugins import PluginRegistry  # noqa: E402
from tests.factories import Factory  # noqa: E402
from tests.pg import fresh_database, require_pg  # noqa: E402


def pytest_unconfigure(config: Any) -> None:
    shutil.rmtree(_EP_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def migration_dirs() -> dict[str, Path]:
    return PluginRegistry.discover().migration_dirs


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, migration_dirs: dict[str, Path]) -> Path:
    path = tmp_path_factory.mktemp("template") / "kesos.db"
    migrate.upgrade(f"sqlite:///{path}", migration_dirs)
    return path


@pytest.fixture(scope="session")
def pg_database(migration_dirs: dict[str, Path]) -> Iterator[Any]:
    require_pg()
    with fresh_database() as db:
        migrate.upgrade(db.owner_url, migration_dirs, app_role=db.app_role)
        yield db


def _truncate(owner_url: str) -> None:
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            ))]
            if tables:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def database_urls(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if backend == "postgres":
        db = request.getfixturevalue("pg_database")
        _truncate(db.owner_url)
        return {"database_url": db.app_url, "migration_database_url": db.owner_url, "app_db_role": db.app_role}
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "kesos.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    return {"database_url": url, "migration_database_url": url}


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    d = tmp_path / "tenants"
    d.mkdir()
    return d


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. redis_url)."""
    return {}


@pytest.fixture
def app(database_urls: dict[str, str], tenants_dir: Path, tmp_path: Path, settings_overrides: dict[str, Any]) -> Iterator[Any]:
    settings = load_settings(
        environ={}, instance_dir=tmp_path / "instance", tenants_dir=tenants_dir, **database_urls, **settings_overrides
    )
    application = create_app(settings)
    application.testing = True
    yield application
    application.extensions["kesos"].db.dispose()


@pytest.fixture
def kernel(app: Any) -> Any:
    return app.extensions["kesos"]


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def make(kernel: Any) -> Factory:
    return Factory(kernel)


@pytest.fixture
def rq_queue(kernel: Any) -> Iterator[Any]:
    """The test kernel's RQ queue on the real Redis (tests marked `redis`), emptied afterwards."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(kernel.settings.redis_url)
    queue = Queue(kernel.settings.queue_name, connection=connection)
    yield queue
    queue.delete(delete_jobs=True)
    connection.close()


@pytest.fixture
def build_app(database_urls: dict[str, str], tenants_dir: Path, tmp_path: Path, kernel: Any) -> Iterator[Any]:
    """Another app on the test database (e.g. with extra plugins: a second process of the same
    deployment). The `app` fixture's kernel stays the process kernel afterwards."""
    built: list[Any] = []

    def build(environ: dict[str, str] | None = None, extra_plugins: Any = (), **overrides: Any) -> Any:
        settings = load_settings(
            environ=environ or {}, instance_dir=tmp_path / "instance2", tenants_dir=tenants_dir, **database_urls, **overrides
        )
        try:
            application = create_app(settings, extra_plugins=extra_plugins)
        finally:
            set_process_kernel(kernel)
        application.testing = True
        built.append(application)
        return application

    yield build
    for application in built:
        application.extensions["kesos"].db.dispose()
    set_process_kernel(kernel)
