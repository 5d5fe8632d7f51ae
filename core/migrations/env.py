"""The one Alembic environment of Kesos: core revisions plus every plugin's branch.

Normally driven by `core.migrate` (the `kesos db` command), which passes the version locations,
the URL and sometimes an open connection through the Alembic `Config`.
"""
from __future__ import annotations

import os
from logging.config import fileConfig
from pathlib import Path
from typing import Any

from alembic import context
from sqlalchemy import Connection, MetaData, create_engine, pool
from sqlalchemy.engine import Engine, make_url

import core.models  # noqa: F401  (completes the kernel's metadata)
from core.db import Base

config = context.config

# Only a real alembic.ini carries logging settings; `core.migrate` builds its Config in memory.
if config.config_file_name and os.path.exists(config.config_file_name):
    fileConfig(config.config_file_name)

# Plugin models are already registered on Base.metadata when their plugin was imported.
target_metadata: MetaData = config.attributes.get("target_metadata", Base.metadata)


def _configure_options(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        # SQLite cannot ALTER most things; batch mode recreates the table instead.
        "render_as_batch": dialect_name == "sqlite",
    }


def _engine(url: str) -> Engine:
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
        Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
    # Deliberately not core.db.make_engine: its SQLite connections turn foreign_keys ON, and
    # batch migrations drop and recreate tables, which with foreign keys on would cascade
    # deletes into (or fail on) the referencing tables. NullPool: a one-off command.
    return create_engine(sa_url, poolclass=pool.NullPool)


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set")
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_configure_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    context.configure(connection=connection, **_configure_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # A caller-owned connection (core.migrate.upgrade on PostgreSQL) keeps the migrations, the
    # RLS check and the grants in one transaction: all or nothing.
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set and no connection was given")
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            _run_on(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
