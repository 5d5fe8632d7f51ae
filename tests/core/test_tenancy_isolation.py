"""Tenancy fails closed, in three layers (DESIGN.md principle 4)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from core.db import CrossTenantWrite, TenantNotSet, all_tenants, get_owned, tenant_context, tenant_owned_tables
from core.registry.models import Household, Person
from tests.factories import nik_for


@pytest.fixture
def two_tenants(make):
    a = make.tenant("balangan", "63.11")
    b = make.tenant("tabalong", "63.09")
    pa = make.person("balangan", "Siti Aminah")
    pb = make.person("tabalong", "Ahmad Fauzi", date(1975, 1, 12), "L")
    return a, b, pa, pb


def test_query_of_tenant_owned_model_without_tenant_raises(kernel, two_tenants):
    with kernel.db.unit_of_work() as s:
        with pytest.raises(TenantNotSet):
            s.scalars(select(Person)).all()


def test_orm_scopes_every_query_to_the_current_tenant(kernel, two_tenants):
    a, b, pa, pb = two_tenants
    with kernel.db.unit_of_work(a.id) as s:
        assert [p.nama for p in s.scalars(select(Person))] == ["Siti Aminah"]
        # Even asking by tenant B's full primary key finds nothing while A is current.
        assert s.get(Person, (b.id, pb.id)) is None
        assert get_owned(s, Person, pb.id) is None
        assert s.scalar(select(func.count()).select_from(Person).where(Person.id == pb.id)) == 0


def test_insert_is_stamped_and_cannot_target_another_tenant(kernel, two_tenants):
    a, b, _, _ = two_tenants
    with kernel.db.unit_of_work(a.id) as s:
        h = Household(nomor_kk="6311010101010001")
        s.add(h)
        s.flush()
        assert h.tenant_id == a.id
    with pytest.raises(CrossTenantWrite):
        with kernel.db.unit_of_work(a.id) as s:
            s.add(Household(tenant_id=b.id, nomor_kk="6309010101010002"))
            s.flush()
    with kernel.db.unit_of_work(b.id) as s:
        assert s.scalars(select(Household)).all() == []


def test_composite_foreign_key_forbids_pointing_at_another_tenants_row(kernel, two_tenants):
    a, b, _, _ = two_tenants
    with kernel.db.unit_of_work(b.id) as s:
        hb = Household(nomor_kk="6309010101010003")
        s.add(hb)
    # Forge a row in A that references B's household, bypassing the ORM filter on purpose:
    # the (tenant_id, household_id) foreign key still refuses it.
    with pytest.raises(IntegrityError):
        with kernel.db.unit_of_work(a.id) as s:
            s.add(Person(nik=nik_for("63.11", date(1990, 1, 1), "L"), nama="X", tanggal_lahir=date(1990, 1, 1),
                         jenis_kelamin="L", household_id=hb.id))
            s.flush()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_rls_hides_other_tenants_rows_even_with_the_orm_filter_bypassed(kernel, two_tenants):
    a, b, pa, pb = two_tenants
    with kernel.db.unit_of_work(a.id) as s, all_tenants():
        # The ORM filter is off (all_tenants); only PostgreSQL's row-level security remains.
        names = [p.nama for p in s.scalars(select(Person))]
        raw = s.execute(text("SELECT nama FROM persons")).scalars().all()
    assert names == ["Siti Aminah"]
    assert raw == ["Siti Aminah"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_with_no_tenant_set_every_tenant_table_reads_zero_rows(kernel, two_tenants):
    tables = tenant_owned_tables()
    assert {"persons", "cases", "audit_log", "fixture_notes"} <= set(tables)
    with kernel.db.unit_of_work() as s:
        assert s.execute(text("SELECT current_setting('kesos.tenant_id', true)")).scalar() in (None, "")
        counts = {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}
    assert counts == {t: 0 for t in tables}
    # ... while the data is there: each tenant sees its own person and audit entries.
    for tenant in two_tenants[:2]:
        with kernel.db.unit_of_work(tenant.id) as s:
            assert s.execute(text("SELECT count(*) FROM persons")).scalar() == 1
            assert s.execute(text("SELECT count(*) FROM audit_log")).scalar() >= 1


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_rls_refuses_a_row_written_for_another_tenant_bypassing_the_orm(kernel, two_tenants):
    a, b, _, _ = two_tenants
    with pytest.raises(Exception) as excinfo:
        with kernel.db.unit_of_work(a.id) as s:
            s.execute(
                text("INSERT INTO tenant_days_off (tenant_id, tanggal, keterangan) VALUES (:t, :d, 'x')"),
                {"t": b.id, "d": date(2026, 12, 1)},
            )
    assert "row-level security" in str(excinfo.value)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_tenant_setting_does_not_leak_to_the_next_transaction(kernel, two_tenants):
    a, *_ = two_tenants
    with kernel.db.unit_of_work(a.id) as s:
        assert s.execute(text("SELECT count(*) FROM persons")).scalar() == 1
    # Same pool, next transaction, no tenant: set_config(..., true) ended with the transaction.
    with kernel.db.unit_of_work() as s:
        assert s.execute(text("SELECT count(*) FROM persons")).scalar() == 0


def test_tenant_context_restores_the_previous_tenant(kernel, two_tenants):
    a, b, _, _ = two_tenants
    with kernel.db.unit_of_work(a.id) as s:
        with tenant_context(b.id, s):
            assert [p.nama for p in s.scalars(select(Person))] == ["Ahmad Fauzi"]
        assert [p.nama for p in s.scalars(select(Person))] == ["Siti Aminah"]


def test_counts_subqueries_and_joins_are_scoped_too(kernel, two_tenants):
    a, b, pa, pb = two_tenants
    with kernel.db.unit_of_work(a.id) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 1
        assert s.scalar(select(func.count()).select_from(select(Person).subquery())) == 1
        assert s.scalars(select(Person.nama).order_by(Person.nama)).all() == ["Siti Aminah"]
    with kernel.db.unit_of_work() as s:
        with pytest.raises(TenantNotSet):
            s.scalar(select(func.count()).select_from(Person))
