"""Utilities for tests that need a real PostgreSQL (row-level security, grants, types).

Locally such tests skip when no server is reachable; under CI they fail instead, because CI
must exercise PostgreSQL for real (DESIGN.md, principle 6).
"""
from __future__ import annotations

import functools
import os
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import URL, make_url

PG_ADMIN_URL = os.environ.get(
    "KESOS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _shown(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


@functools.lru_cache(maxsize=1)
def _unreachable_reason() -> str | None:
    """Why PostgreSQL cannot be used, or None if it can (checked once per process)."""
    try:
        engine = create_engine(
            PG_ADMIN_URL, poolclass=pool.NullPool, connect_args={"connect_timeout": 2}
        )
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:  # any failure means "not usable"; say why
        first_line = (str(exc).strip().splitlines() or [""])[0]
        return f"{type(exc).__name__}: {first_line}"
    return None


def pg_available() -> bool:
    return _unreachable_reason() is None


def require_pg() -> None:
    """Skip the test when PostgreSQL is unreachable — except under CI, where that fails."""
    reason = _unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(f"PostgreSQL must run under CI: {_shown(PG_ADMIN_URL)}: {reason}")
    pytest.skip(f"PostgreSQL not reachable at {_shown(PG_ADMIN_URL)}: {reason}")


@dataclass
class PgDatabase:
    name: str
    owner_url: str  # the migration role: owns the database and its tables
    app_url: str  # the app role: neither owner nor superuser, cannot bypass RLS
    owner_role: str
    app_role: str


@contextmanager
def fresh_database(prefix: str = "kesos_test") -> Iterator[PgDatabase]:
    """A new database with its own owner and app roles, dropped (with both roles) afterwards.

    Names carry a random suffix so parallel runs (pytest-xdist, several CI jobs on one server)
    and leftovers of an interrupted run never collide. The roles also get random passwords, so
    this works whether the server trusts local connections or asks for passwords.
    """
    suffix = uuid.uuid4().hex[:12]
    name = f"{prefix}_{suffix}"
    owner_role, app_role = f"{name}_owner", f"{name}_app"
    owner_password, app_password = secrets.token_hex(16), secrets.token_hex(16)
    admin_url = make_url(PG_ADMIN_URL)

    def url_for(role: str, password: str) -> str:
        url = admin_url.set(username=role, password=password, database=name)
        return url.render_as_string(hide_password=False)

    # CREATE/DROP DATABASE cannot run inside a transaction.
    admin = create_engine(PG_ADMIN_URL, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # Identifiers are our own hex-suffixed names and passwords are hex: safe to splice.
            conn.execute(
                text(
                    f'CREATE ROLE "{owner_role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB '
                    f"NOCREATEROLE PASSWORD '{owner_password}'"
                )
            )
            conn.execute(
                text(
                    f'CREATE ROLE "{app_role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB '
                    f"NOCREATEROLE PASSWORD '{app_password}'"
                )
            )
            conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner_role}"'))
        yield PgDatabase(
            name=name,
            owner_url=url_for(owner_role, owner_password),
            app_url=url_for(app_role, app_password),
            owner_role=owner_role,
            app_role=app_role,
        )
    finally:
        try:
            with admin.connect() as conn:
                # FORCE: a test that leaked a connection must not leave the database behind.
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'DROP ROLE IF EXISTS "{app_role}"'))
                conn.execute(text(f'DROP ROLE IF EXISTS "{owner_role}"'))
        finally:
            admin.dispose()
