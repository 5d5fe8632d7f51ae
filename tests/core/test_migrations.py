"""The migrations build exactly the models' schema, and on PostgreSQL they fence tenants apart.

The PostgreSQL tests migrate as a table-owner role and then act as the app role, which neither
owns the tables nor bypasses row-level security (DESIGN.md, principle 4).
"""
from __future__ import annotations

import pprint
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect, pool, text
from sqlalchemy.exc import DBAPIError

from core import migrate
from core.audit import AuditEntry
from core.db import Base, tenant_owned_tables
from core.tenancy.models import Tenant, TenantDayOff, TenantPlugin
from tests.pg import PgDatabase, fresh_database, require_pg

INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE of both "permission denied" and RLS violations


def _installed_plugin_dirs() -> dict[str, Path]:
    """Migration branches of the installed plugins; discovering them also imports their
    models, so the metadata compared below is the whole schema, not just the kernel's."""
    from core.plugins import ENTRY_POINT_GROUP, PluginRegistry

    if not entry_points(group=ENTRY_POINT_GROUP):
        return {}
    return PluginRegistry.discover().migration_dirs


@contextmanager
def _connect(url: str) -> Iterator[Connection]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _set_tenant(conn: Connection, tenant_id: uuid.UUID) -> None:
    # Transaction-local, exactly as core.db does it for the app.
    conn.execute(
        text("SELECT set_config('kesos.tenant_id', :tid, true)"), {"tid": str(tenant_id)}
    )


def _count(conn: Connection, table: str) -> int:
    return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _new_tenant(conn: Connection) -> uuid.UUID:
    """A tenant row (platform-owned, so no tenant needs to be set for it)."""
    tenant_id = uuid.uuid4()
    code = tenant_id.hex[:8]
    conn.execute(
        Tenant.__table__.insert(),
        {"id": tenant_id, "slug": f"kab-{code}", "kode_wilayah": code,
         "nama": f"Kabupaten {code}", "provinsi": "Kalimantan Selatan"},
    )
    return tenant_id


def _audit_row(tenant_id: uuid.UUID) -> dict[str, object]:
    return {"tenant_id": tenant_id, "action": "uji.tindakan", "target_type": "uji"}


@pytest.fixture(scope="module")
def plugin_dirs() -> dict[str, Path]:
    return _installed_plugin_dirs()


@pytest.fixture(scope="module")
def migrated_pg(plugin_dirs: dict[str, Path]) -> Iterator[PgDatabase]:
    """One database migrated as its owner role, shared by the read-mostly tests below (each
    uses its own fresh tenant ids)."""
    require_pg()
    with fresh_database() as db:
        migrate.upgrade(db.owner_url, plugin_dirs, app_role=db.app_role)
        yield db


@pytest.mark.postgres
def test_upgrade_applies_every_head_and_leaves_nothing_pending(
    plugin_dirs: dict[str, Path],
) -> None:
    require_pg()
    with fresh_database() as db:
        before = migrate.pending(db.owner_url, plugin_dirs)
        assert "0001_core" in before

        migrate.upgrade(db.owner_url, plugin_dirs, app_role=db.app_role)

        assert migrate.pending(db.owner_url, plugin_dirs) == []
        # /readyz asks as the app role: it must be able to read the applied revisions.
        assert migrate.pending(db.app_url, plugin_dirs) == []
        with _connect(db.owner_url) as conn:
            applied = set(MigrationContext.configure(conn).get_current_heads())
        # Alembic records a head only when no other applied head depends on it (a plugin branch
        # `depends_on` core), so what is recorded is a non-empty subset of the heads.
        assert applied and applied <= set(migrate.heads(plugin_dirs))
        if "fixture" in plugin_dirs:
            assert "0001_fixture" in applied


@pytest.mark.postgres
def test_autogenerate_finds_no_difference_between_models_and_migrations(
    migrated_pg: PgDatabase,
) -> None:
    with _connect(migrated_pg.owner_url) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models and migrations differ:\n" + pprint.pformat(diff)


@pytest.mark.postgres
def test_every_tenant_owned_table_has_forced_row_level_security(
    migrated_pg: PgDatabase,
) -> None:
    tables = tenant_owned_tables()
    # Guard against a vacuous pass if the model registry were ever empty.
    assert {"persons", "cases", "audit_log", "tenant_days_off"} <= set(tables)
    with _connect(migrated_pg.owner_url) as conn:
        flags = {
            name: (enabled, forced)
            for name, enabled, forced in conn.execute(
                text(
                    "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
                    " WHERE relnamespace = 'public'::regnamespace AND relname = ANY(:t)"
                ),
                {"t": tables},
            )
        }
        policies = dict(
            conn.execute(
                text("SELECT tablename, qual FROM pg_policies WHERE schemaname = 'public'")
            ).all()
        )
    for table in tables:
        assert flags.get(table) == (True, True), f"{table}: RLS not enabled and forced"
        assert "kesos.tenant_id" in policies.get(table, ""), f"{table}: no tenant policy"
    # Platform-owned tables stay readable across tenants (login lists a user's tenants).
    assert "tenants" not in policies and "memberships" not in policies


@pytest.mark.postgres
def test_without_a_tenant_the_app_role_reads_no_rows(migrated_pg: PgDatabase) -> None:
    with _connect(migrated_pg.owner_url) as owner, owner.begin():
        tenant_a = _new_tenant(owner)
        # The owner is subject to FORCE ROW LEVEL SECURITY too, so it must set the tenant.
        _set_tenant(owner, tenant_a)
        owner.execute(
            TenantDayOff.__table__.insert(),
            {"tenant_id": tenant_a, "tanggal": date(2025, 9, 5), "keterangan": "Hari jadi"},
        )
        owner.execute(
            TenantPlugin.__table__.insert(), {"tenant_id": tenant_a, "plugin": "rehabilitasi"}
        )
        owner.execute(AuditEntry.__table__.insert(), _audit_row(tenant_a))

    with _connect(migrated_pg.app_url) as app:
        with app.begin():
            _set_tenant(app, tenant_a)
            # The rows are there and the app may read them — for their own tenant.
            assert _count(app, "tenant_days_off") >= 1
            assert _count(app, "tenant_plugins") >= 1
            assert _count(app, "audit_log") >= 1
        with app.begin():
            visible = {t: _count(app, t) for t in tenant_owned_tables()}
        assert visible == dict.fromkeys(tenant_owned_tables(), 0)
        with app.begin():
            _set_tenant(app, uuid.uuid4())  # another tenant sees nothing of A's either
            assert _count(app, "tenant_days_off") == 0

    with _connect(migrated_pg.owner_url) as owner, owner.begin():
        assert _count(owner, "tenant_days_off") == 0  # owner without a tenant: FORCE applies


@pytest.mark.postgres
def test_app_role_cannot_write_for_another_tenant(migrated_pg: PgDatabase) -> None:
    with _connect(migrated_pg.owner_url) as owner, owner.begin():
        tenant_a, tenant_b = _new_tenant(owner), _new_tenant(owner)

    with _connect(migrated_pg.app_url) as app:
        with app.begin():
            _set_tenant(app, tenant_a)
            app.execute(
                TenantDayOff.__table__.insert(),
                {"tenant_id": tenant_a, "tanggal": date(2025, 1, 2), "keterangan": "Libur A"},
            )
        with pytest.raises(DBAPIError) as refused:
            with app.begin():
                _set_tenant(app, tenant_a)
                app.execute(
                    TenantDayOff.__table__.insert(),
                    {"tenant_id": tenant_b, "tanggal": date(2025, 1, 2), "keterangan": "Libur B"},
                )
    assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE
    assert "row-level security" in str(refused.value.orig)


@pytest.mark.postgres
def test_history_is_append_only_for_the_app_role(migrated_pg: PgDatabase) -> None:
    with _connect(migrated_pg.owner_url) as owner, owner.begin():
        tenant_a = _new_tenant(owner)

    with _connect(migrated_pg.app_url) as app:
        with app.begin():
            _set_tenant(app, tenant_a)
            app.execute(AuditEntry.__table__.insert(), _audit_row(tenant_a))
            assert _count(app, "audit_log") == 1
        for statement in (
            "UPDATE audit_log SET action = 'dihapus'",
            "DELETE FROM audit_log",
        ):
            with pytest.raises(DBAPIError) as refused:
                with app.begin():
                    _set_tenant(app, tenant_a)
                    app.execute(text(statement))
            assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, statement
            assert "permission denied for table audit_log" in str(refused.value.orig)
        with app.begin():
            _set_tenant(app, tenant_a)
            assert _count(app, "audit_log") == 1

        privileges = {
            (table, privilege): app.execute(
                text("SELECT has_table_privilege(current_user, :t, :p)"),
                {"t": table, "p": privilege},
            ).scalar_one()
            for table in (*migrate.APPEND_ONLY_TABLES, "persons")
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE")
        }
        app.rollback()
    for table in migrate.APPEND_ONLY_TABLES:
        assert privileges[table, "SELECT"] and privileges[table, "INSERT"], table
        assert not privileges[table, "UPDATE"] and not privileges[table, "DELETE"], table
    # Ordinary tenant data stays writable: the revoke is aimed at history only.
    assert privileges["persons", "UPDATE"] and privileges["persons", "DELETE"]


@pytest.mark.postgres
def test_upgrade_twice_is_idempotent(
    migrated_pg: PgDatabase, plugin_dirs: dict[str, Path]
) -> None:
    migrate.upgrade(migrated_pg.owner_url, plugin_dirs, app_role=migrated_pg.app_role)

    assert migrate.pending(migrated_pg.owner_url, plugin_dirs) == []
    with _connect(migrated_pg.owner_url) as conn:
        policies = dict(
            conn.execute(
                text(
                    "SELECT tablename, count(*) FROM pg_policies"
                    " WHERE schemaname = 'public' GROUP BY tablename"
                )
            ).all()
        )
        audit_update = conn.execute(
            text("SELECT has_table_privilege(:r, 'audit_log', 'UPDATE')"),
            {"r": migrated_pg.app_role},
        ).scalar_one()
    assert policies == dict.fromkeys(tenant_owned_tables(), 1)
    assert audit_update is False


@pytest.mark.postgres
def test_upgrade_refuses_unprotected_tables_and_an_owning_app_role(
    plugin_dirs: dict[str, Path],
) -> None:
    require_pg()
    with fresh_database() as db:
        migrate.upgrade(db.owner_url, plugin_dirs)
        # The table owner may switch RLS off: it must never be the role the app uses.
        with pytest.raises(RuntimeError, match="must neither bypass row-level security"):
            migrate.upgrade(db.owner_url, plugin_dirs, app_role=db.owner_role)

        # What a plugin revision that forgot enable_tenant_rls() would leave behind.
        with _connect(db.owner_url) as conn, conn.begin():
            conn.execute(text("ALTER TABLE tenant_days_off NO FORCE ROW LEVEL SECURITY"))
            conn.execute(text("DROP POLICY tenant_isolation ON persons"))

        with pytest.raises(RuntimeError) as refused:
            migrate.upgrade(db.owner_url, plugin_dirs)
        assert "tenant_days_off: row-level security lacks FORCE" in str(refused.value)
        assert "persons: row-level security lacks a policy" in str(refused.value)


def test_upgrade_on_a_fresh_sqlite_file(tmp_path: Path, plugin_dirs: dict[str, Path]) -> None:
    url = f"sqlite:///{tmp_path / 'instance' / 'kesos.db'}"
    assert "0001_core" in migrate.pending(url, plugin_dirs)

    migrate.upgrade(url, plugin_dirs)
    migrate.upgrade(url, plugin_dirs)  # a second run finds nothing to do

    assert migrate.pending(url, plugin_dirs) == []
    with _connect(url) as conn:
        assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models and migrations differ on SQLite:\n" + pprint.pformat(diff)


def test_plugin_branch_is_collected_from_its_own_directory(tmp_path: Path) -> None:
    # A space in the path: version locations are split on os.pathsep, not on spaces.
    branch = tmp_path / "demo plugin" / "migrations"
    branch.mkdir(parents=True)
    (branch / "demo_0001.py").write_text(
        '"""demo: its first table."""\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        'revision = "demo_0001"\n'
        "down_revision = None\n"
        'branch_labels = ("demo",)\n'
        'depends_on = "0001_core"\n\n\n'
        "def upgrade():\n"
        '    op.create_table("demo_things", sa.Column("id", sa.Integer, primary_key=True))\n\n\n'
        "def downgrade():\n"
        '    op.drop_table("demo_things")\n'
    )
    plugins = {"demo": branch}
    url = f"sqlite:///{tmp_path / 'kesos.db'}"

    assert set(migrate.heads(plugins)) == {*migrate.heads(), "demo_0001"}
    todo = migrate.pending(url, plugins)
    assert set(todo) == {*migrate.pending(url), "demo_0001"}
    assert todo.index("0001_core") < todo.index("demo_0001")  # its depends_on comes first

    migrate.upgrade(url, plugins)

    assert migrate.pending(url, plugins) == []
    with _connect(url) as conn:
        assert "demo_things" in inspect(conn).get_table_names()


@pytest.mark.parametrize("backend_name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_profile_snapshots_of_an_older_database_are_keyed_by_plugin_after_upgrade(tmp_path: Path, plugin_dirs: dict[str, Path], backend_name: str) -> None:
    """0002_profile_keys: a snapshot stored as "*:<id>" becomes "*:<plugin>:<id>", its content
    untouched, so cases opened before the upgrade are still judged by what they pinned."""
    import contextlib
    import json

    from alembic import command

    with contextlib.ExitStack() as stack:
        if backend_name == "postgres":
            require_pg()
            url = stack.enter_context(fresh_database()).owner_url
        else:
            url = f"sqlite:///{tmp_path / 'lama.db'}"
        command.upgrade(migrate.alembic_config(url), "0001_core")
        content = {"id": "pp-39-2012", "plugin": "rehabilitasi", "version": 1, "parameters": {}}
        with _connect(url) as conn, conn.begin():
            conn.execute(
                text("INSERT INTO profile_snapshots (profile_key, version, content_hash, content, created_at) VALUES (:k, 1, 'h', :c, CURRENT_TIMESTAMP)"),
                {"k": "*:pp-39-2012", "c": json.dumps(content)},
            )
        migrate.upgrade(url, plugin_dirs)
        with _connect(url) as conn:
            rows = conn.execute(text("SELECT profile_key, content FROM profile_snapshots")).all()
        assert [r[0] for r in rows] == ["*:rehabilitasi:pp-39-2012"]
        stored = rows[0][1] if isinstance(rows[0][1], dict) else json.loads(rows[0][1])
        assert stored == content
