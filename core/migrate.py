"""Schema migrations: the functions behind `kesos db` (and `/readyz`'s pending check).

One Alembic environment (`core/migrations/`, inside the package so a wheel carries it): core
revisions in `core/migrations/versions`, each plugin's
own branch in its own directory, all applied with `upgrade heads` (DESIGN.md, "Migrations").
On PostgreSQL the upgrade also enforces the third layer of tenancy (principle 4): every
tenant-owned table must have row-level security enabled, forced and with a policy, and the app
role gets data privileges only — never ownership, never UPDATE/DELETE on history.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from alembic import command, op
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, pool, text
from sqlalchemy.engine import make_url

import core.models  # noqa: F401  (tenant_owned_tables() must see every kernel model)
from core.db import tenant_owned_tables

MIGRATIONS_DIR: Path = Path(__file__).resolve().parent / "migrations"
CORE_VERSIONS_DIR: Path = MIGRATIONS_DIR / "versions"

# History is append-only (principle 8): the app role may INSERT and SELECT these, nothing more.
APPEND_ONLY_TABLES = ("audit_log", "platform_audit_log", "case_events", "profile_snapshots")

_NO_PLUGINS: Mapping[str, Path] = MappingProxyType({})
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Any constant will do: it serialises concurrent `kesos db upgrade` runs (e.g. two pods starting
# at once), so the second waits and then finds nothing to do.
_MIGRATION_LOCK_KEY = 0x6B65736F73  # "kesos"
_TENANT_MATCHES = "tenant_id = NULLIF(current_setting('kesos.tenant_id', true), '')::uuid"


def rls_statements(table: str) -> list[str]:
    """SQL that confines `table` to the tenant set on the transaction.

    FORCE makes the policy bind the table owner too (the migration role), and NULLIF turns
    "no tenant set" into NULL, which matches no row: unset means nothing, never everything.
    """
    # The name is spliced into DDL; only plain lower-case identifiers are accepted.
    if not _IDENTIFIER.match(table):
        raise ValueError(f"not a plain table name: {table!r}")
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING ({_TENANT_MATCHES}) WITH CHECK ({_TENANT_MATCHES})",
    ]


def enable_tenant_rls(table: str) -> None:
    """For use inside a revision's upgrade(): RLS on PostgreSQL, nothing on SQLite (which has
    no RLS; the ORM scoping still applies there)."""
    # get_context().dialect also works in offline (--sql) mode, where there is no bind.
    if op.get_context().dialect.name != "postgresql":
        return
    for statement in rls_statements(table):
        op.execute(statement)


def alembic_config(database_url: str, plugin_dirs: Mapping[str, Path] = _NO_PLUGINS) -> Config:
    """An in-memory Alembic config: core versions plus each plugin's branch directory."""
    locations = [CORE_VERSIONS_DIR, *(Path(d) for d in plugin_dirs.values())]
    for location in locations:
        if os.pathsep in str(location):
            raise ValueError(f"migration directory contains {os.pathsep!r}: {location}")
    cfg = Config()
    # Values go through configparser interpolation, so a literal % (e.g. a URL-encoded
    # password) must be doubled.
    cfg.set_main_option("script_location", _escape(str(MIGRATIONS_DIR)))
    # Alembic >= 1.16 reads `path_separator` (`version_path_separator` is deprecated); "os"
    # splits on os.pathsep, so directories may contain spaces.
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option(
        "version_locations", _escape(os.pathsep.join(str(loc) for loc in locations))
    )
    cfg.set_main_option("sqlalchemy.url", _escape(database_url))
    return cfg


def upgrade(
    database_url: str,
    plugin_dirs: Mapping[str, Path] = _NO_PLUGINS,
    *,
    app_role: str | None = None,
) -> None:
    """`upgrade heads`; on PostgreSQL then verify RLS and grant `app_role` its privileges.

    On PostgreSQL everything runs in one transaction: if a tenant-owned table lacks RLS (a
    plugin forgot it), the whole upgrade rolls back and the error names the table.
    Idempotent: a second run changes nothing.
    """
    cfg = alembic_config(database_url, plugin_dirs)
    if make_url(database_url).get_backend_name() != "postgresql":
        command.upgrade(cfg, "heads")
        return
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
            _check_tenant_rls(conn)
            if app_role:
                _grant_app_role(conn, app_role)
    finally:
        engine.dispose()


def pending(database_url: str, plugin_dirs: Mapping[str, Path] = _NO_PLUGINS) -> list[str]:
    """Revision ids not yet applied, oldest first (empty: the schema is current)."""
    script = ScriptDirectory.from_config(alembic_config(database_url, plugin_dirs))
    current = _applied_heads(database_url)
    # Everything at or below an applied head (following depends_on too) is applied.
    applied = (
        {rev.revision for rev in script.iterate_revisions(current, "base")}
        if current
        else set()
    )
    # walk_revisions() goes from the heads down; reversed, that is the order of application.
    ordered = reversed(list(script.walk_revisions()))
    return [rev.revision for rev in ordered if rev.revision not in applied]


def heads(plugin_dirs: Mapping[str, Path] = _NO_PLUGINS) -> list[str]:
    """The head revisions of core and of every plugin branch."""
    script = ScriptDirectory.from_config(alembic_config("", plugin_dirs))
    return sorted(script.get_heads())


def _applied_heads(database_url: str) -> tuple[str, ...]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # Connecting would create an empty file (or fail on a missing directory): a database
        # that does not exist yet simply has nothing applied.
        if not Path(url.database).exists():
            return ()
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_heads()
    finally:
        engine.dispose()


def _escape(value: str) -> str:
    return value.replace("%", "%%")


def _check_tenant_rls(conn: Connection) -> None:
    """Refuse to finish unless every tenant-owned table (kernel and imported plugins) is
    protected: a missing policy would silently expose every tenant's rows."""
    rows = conn.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        )
    ).all()
    state = {name: (enabled, forced, has_policy) for name, enabled, forced, has_policy in rows}
    problems = []
    for table in tenant_owned_tables():
        if table not in state:
            problems.append(f"{table}: table missing (no migration creates it)")
            continue
        enabled, forced, has_policy = state[table]
        missing = [
            what
            for what, ok in (("ENABLE", enabled), ("FORCE", forced), ("a policy", has_policy))
            if not ok
        ]
        if missing:
            problems.append(f"{table}: row-level security lacks {', '.join(missing)}")
    if problems:
        raise RuntimeError(
            "tenant-owned tables without row-level security (call enable_tenant_rls() in the "
            "revision that creates them): " + "; ".join(problems)
        )


def _grant_app_role(conn: Connection, app_role: str) -> None:
    """Data privileges for the role the app connects as; GRANT/REVOKE are idempotent."""
    # RLS only protects if the app can neither own the tables (owners may disable RLS) nor
    # bypass it; refuse a role that defeats the third layer of tenancy.
    role = conn.execute(
        text(
            "SELECT rolsuper OR rolbypassrls, pg_has_role(:role, current_user, 'MEMBER')"
            " FROM pg_roles WHERE rolname = :role"
        ),
        {"role": app_role},
    ).first()
    if role is None:
        raise RuntimeError(f"app database role {app_role!r} does not exist")
    bypasses, owns = role
    if bypasses or owns:
        raise RuntimeError(
            f"app database role {app_role!r} must neither bypass row-level security nor "
            "be (a member of) the role that owns the tables"
        )
    quote = conn.dialect.identifier_preparer.quote
    grantee = quote(app_role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {grantee}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {grantee}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {grantee}",
        # /readyz reads the applied revisions; only migrations may change them.
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {grantee}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {grantee}" for table in APPEND_ONLY_TABLES
    ]
    for statement in statements:
        conn.execute(text(statement))
