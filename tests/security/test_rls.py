"""Row-level security, the third layer of tenancy (DESIGN.md principle 4), table by table and
with real data: the demo of both repo tenants loaded through the app.

Extends tests/core/test_tenancy_isolation.py and tests/core/test_migrations.py (one table, few
rows each) to every table that carries a `tenant_id` in the metadata of the app with all its
plugins: the catalogue (enabled, forced, a policy on the tenant and no policy that lets more
through), nothing readable with no tenant set although rows are there, exactly the tenant's own
rows with it set, and no row written, moved or deleted for another tenant.

The app connects as the test database's app role (neither owner nor superuser); the real row
counts come from a superuser connection, the only one that bypasses RLS.
"""
from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, pool, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core.db import Base, tenant_owned_tables
from core.demo import DEMO_PASSWORD, load_demo
from core.migrate import APPEND_ONLY_TABLES
from core.tenancy.models import Tenant
from tests.pg import PG_ADMIN_URL

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("backend", ["postgres"], indirect=True)]

REPO_TENANTS = Path(__file__).resolve().parents[2] / "tenants"
A, B = "balangan", "tabalong"
INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE of an RLS violation (and of "permission denied")
# A `tenant_id` column on a table that is platform-owned on purpose, with the reason.
PLATFORM_OWNED = {
    "memberships": "login lists every tenant a user works in before a tenant is chosen (core/staff/models.py)",
}
# Tables the demo fills in both tenants: the RLS checks below cannot pass vacuously on these.
MUST_HAVE_DATA = {
    "persons", "households", "organizations", "cases", "case_events", "case_assignments", "audit_log",
    "staff_credentials", "tenant_plugins", "lks_lembaga", "lks_pendaftaran", "lks_dokumen", "lks_sanksi",
    "jaminan_register", "pemberdayaan_anggota", "perlindungan_kejadian", "perlindungan_terdampak",
    "rehabilitasi_kegiatan", "report_runs", "import_runs",
}


def tenant_tables() -> list[str]:
    """Every table of the metadata with a `tenant_id` column, but the platform-owned ones."""
    return sorted(t.name for t in Base.metadata.tables.values() if "tenant_id" in t.c and t.name not in PLATFORM_OWNED)


@pytest.fixture
def superuser(pg_database: Any) -> Iterator[Connection]:
    """The test database as the server's superuser: sees every row (RLS does not bind it)."""
    url = make_url(PG_ADMIN_URL).set(database=pg_database.name)
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@pytest.fixture
def demo(kernel: Any, client: Any, tenants_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, uuid.UUID]:
    """Both repo tenants with the demo, a report run (with its files) and an import run (with its
    rejected rows) each, all written through the app as the app role; slug → tenant id."""
    from core.staff import passwords

    monkeypatch.setattr(passwords, "_N", 2**10)  # the demo's accounts hash cheaply
    for slug in (A, B):
        shutil.copy(REPO_TENANTS / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    load_demo(kernel)
    for slug in (A, B):
        r = client.post("/api/v1/auth/login", json={"username": f"admin.{slug}", "password": DEMO_PASSWORD})
        admin = {"Authorization": f"Bearer {r.get_json()['token']}"}
        base = f"/api/v1/tenants/{slug}"
        r = client.post(f"{base}/reports/rehabilitasi.tahunan/runs", json={"params": {"tahun": 2026}}, headers=admin)
        assert r.status_code == 202, r.get_json()
        csv = b"nik,nama,tanggal_lahir,jenis_kelamin\n123,NIK Terlalu Pendek,1990-01-01,L\n"
        r = client.post(f"{base}/imports/persons", data={"berkas": (io.BytesIO(csv), "penerima.csv")},
                        content_type="multipart/form-data", headers=admin)
        assert r.status_code == 202, r.get_json()
    with kernel.db.unit_of_work() as s:
        return {t.slug: t.id for t in s.scalars(select(Tenant).where(Tenant.slug.in_((A, B))))}


def _as_app(kernel: Any) -> Any:
    """A raw connection of the app's own engine: the app role, RLS in force."""
    return kernel.db.engine.connect()


def _set_tenant(conn: Connection, tenant_id: uuid.UUID | None) -> None:
    conn.execute(text("SELECT set_config('kesos.tenant_id', :tid, true)"), {"tid": str(tenant_id) if tenant_id else ""})


def _count(conn: Connection, table: str, tenant_id: uuid.UUID | None = None) -> int:
    if tenant_id is None:
        return int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
    return int(conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE tenant_id = :t'), {"t": tenant_id}).scalar_one())


def _refusal(conn: Connection, sql: str, params: dict[str, Any]) -> DBAPIError | None:
    """Run `sql` in a savepoint that is always rolled back; the database error, if any."""
    savepoint = conn.begin_nested()
    try:
        conn.execute(text(sql), params)
    except DBAPIError as exc:
        return exc
    finally:
        savepoint.rollback()
    return None


def _is_rls_violation(exc: DBAPIError | None, table: str) -> bool:
    return (
        exc is not None
        and getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE
        and f'row-level security policy for table "{table}"' in str(exc.orig)
    )


def test_every_table_with_a_tenant_id_is_forced_under_the_tenant_policy_alone(kernel: Any, pg_database: Any) -> None:
    tables = tenant_tables()
    # The ORM's scoping (layer 2) covers the same tables: a tenant_id column on a model that is
    # not TenantScoped would be neither filtered nor stamped.
    assert tables == tenant_owned_tables()
    assert {"persons", "cases", "audit_log", "lks_dokumen", "rehabilitasi_kegiatan", "fixture_notes"} <= set(tables)
    with _as_app(kernel) as conn:
        assert conn.execute(text("SELECT current_user")).scalar_one() == pg_database.app_role
        flags = {
            name: (enabled, forced)
            for name, enabled, forced in conn.execute(text(
                "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
                " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
            ))
        }
        policies: dict[str, list[Any]] = {}
        for row in conn.execute(text(
            "SELECT tablename, policyname, permissive, cmd, qual, with_check FROM pg_policies WHERE schemaname = 'public'"
        )):
            policies.setdefault(row.tablename, []).append(row)
    problems = []
    for table in tables:
        if flags.get(table) != (True, True):
            problems.append(f"{table}: relrowsecurity/relforcerowsecurity = {flags.get(table)}, expected (True, True)")
        mine = policies.get(table, [])
        if not any(p.cmd == "ALL" and "kesos.tenant_id" in (p.qual or "") and "kesos.tenant_id" in (p.with_check or "") for p in mine):
            problems.append(f"{table}: no policy for ALL commands comparing tenant_id with kesos.tenant_id (USING and WITH CHECK)")
        # Permissive policies are OR-ed: one that ignores the tenant would open the table.
        for p in mine:
            if p.permissive == "PERMISSIVE" and "kesos.tenant_id" not in (p.qual or "") + (p.with_check or ""):
                problems.append(f"{table}: permissive policy {p.policyname} does not look at kesos.tenant_id: {p.qual}")
    assert not problems, "\n".join(problems)


def test_with_no_tenant_set_nothing_is_readable_and_with_one_exactly_its_rows(
    kernel: Any, demo: dict[str, uuid.UUID], superuser: Connection
) -> None:
    tables = tenant_tables()
    truth = {t: {slug: _count(superuser, t, tid) for slug, tid in demo.items()} for t in tables}
    with_data = {t for t, per_tenant in truth.items() if all(per_tenant.values())}
    assert MUST_HAVE_DATA <= with_data, f"the demo left these empty: {sorted(MUST_HAVE_DATA - with_data)}"
    with _as_app(kernel) as conn:
        with conn.begin():
            assert conn.execute(text("SELECT current_setting('kesos.tenant_id', true)")).scalar() in (None, "")
            unset = {t: _count(conn, t) for t in tables}
        seen = {}
        for slug, tid in demo.items():
            with conn.begin():
                _set_tenant(conn, tid)
                seen[slug] = {t: (_count(conn, t), _count(conn, t, demo[B if slug == A else A])) for t in tables}
    leaks = [f"{t}: {n} rows read with no tenant set (rows there: {truth[t]})" for t, n in unset.items() if n]
    for slug, counts in seen.items():
        for t, (visible, of_the_other) in counts.items():
            if visible != truth[t][slug] or of_the_other:
                leaks.append(f"{t} as {slug}: reads {visible} rows (its own: {truth[t][slug]}), {of_the_other} of the other tenant")
    assert not leaks, "\n".join(leaks)


def test_no_table_takes_a_row_for_another_tenant_nor_gives_one_up(
    kernel: Any, demo: dict[str, uuid.UUID], superuser: Connection
) -> None:
    a, b = demo[A], demo[B]
    tables = tenant_tables()
    before = {t: _count(superuser, t) for t in tables}
    problems = []
    with _as_app(kernel) as conn:
        with conn.begin():
            _set_tenant(conn, a)
            for table in tables:
                # RLS's WITH CHECK comes before NOT NULL, CHECK, unique and foreign keys, so a
                # row of nothing but a tenant_id shows what the policy alone decides.
                insert = f'INSERT INTO "{table}" (tenant_id) VALUES (:t)'
                if not _is_rls_violation(exc := _refusal(conn, insert, {"t": b}), table):
                    problems.append(f"{table}: a row for tenant B inserted as tenant A was not refused by RLS: {exc}")
                # ... while its own tenant's row gets past the policy (refused, if at all, for its content).
                if _is_rls_violation(_refusal(conn, insert, {"t": a}), table):
                    problems.append(f"{table}: RLS refuses tenant A's own row too (the policy does not match the tenant set)")
                # Moving A's rows to B: refused by RLS (history tables refuse any UPDATE at all).
                if _count(conn, table):
                    exc = _refusal(conn, f'UPDATE "{table}" SET tenant_id = :b', {"b": b})
                    refused = (
                        _is_rls_violation(exc, table) if table not in APPEND_ONLY_TABLES
                        else exc is not None and "permission denied" in str(exc.orig)
                    )
                    if not refused:
                        problems.append(f"{table}: moving tenant A's rows to tenant B was not refused: {exc}")
                # B's rows are not there to delete.
                savepoint = conn.begin_nested()
                try:
                    deleted = conn.execute(text(f'DELETE FROM "{table}" WHERE tenant_id = :b'), {"b": b}).rowcount
                except DBAPIError as exc:  # history tables refuse any DELETE
                    deleted = 0 if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE else exc
                finally:
                    savepoint.rollback()
                if deleted:
                    problems.append(f"{table}: deleting tenant B's rows as tenant A gave {deleted}")
        with conn.begin():
            _set_tenant(conn, None)  # no tenant: nothing can be written for anyone
            for table in tables:
                exc = _refusal(conn, f'INSERT INTO "{table}" (tenant_id) VALUES (:t)', {"t": a})
                if not _is_rls_violation(exc, table):
                    problems.append(f"{table}: a row inserted with no tenant set was not refused by RLS: {exc}")
    assert not problems, "\n".join(problems)
    superuser.rollback()  # a fresh snapshot: nothing was written anywhere
    assert {t: _count(superuser, t) for t in tables} == before
