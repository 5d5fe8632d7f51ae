"""`kesos keys rotate`: every encrypted NIK and KK number re-encrypted with the current data key.

Tenant by tenant (each batch is a transaction with the tenant set, so row-level security holds
on PostgreSQL), table by table, in batches: only values sealed with another key are touched,
so a second run — or one resumed after an interruption — finds nothing left to do. Until it has
run, the old keys must stay in KESOS_DATA_KEYS: they still open what they sealed. The blind
indexes do not change (their key is another).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import Column, String, Table, and_, or_, select, type_coerce, update

from core import audit
from core.crypto import FORMAT, EncryptedString, keyring
from core.db import Base, TenantScoped
from core.kernel import Kernel
from core.tenancy.models import Tenant

BATCH = 500


@dataclass
class Rotated:
    """What one tenant's rotation re-encrypted: rows per table."""

    slug: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def encrypted_tables() -> dict[Table, list[Column[str]]]:
    """Every tenant-owned table with encrypted columns (the kernel's and the loaded plugins')."""
    found: dict[Table, list[Column[str]]] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if not issubclass(mapper.class_, TenantScoped) or not isinstance(table, Table):
            continue
        columns = [c for c in table.columns if isinstance(c.type, EncryptedString)]
        if columns:
            found[table] = columns
    return dict(sorted(found.items(), key=lambda item: item[0].name))


def _rotate_table(kernel: Kernel, tenant_id: uuid.UUID, table: Table, columns: list[Column[str]], batch: int) -> int:
    current = f"{FORMAT}:{keyring().current}:"
    # The stored text, not the decrypted value: which key sealed it.
    stale = or_(*(and_(c.is_not(None), ~type_coerce(c, String()).startswith(current, autoescape=True)) for c in columns))
    key = list(table.primary_key.columns)
    done = 0
    while True:
        with kernel.db.unit_of_work(tenant_id) as session:
            rows = session.execute(select(*key, *columns).where(table.c.tenant_id == tenant_id, stale).limit(batch)).all()
            for row in rows:
                # Read through the column type (opened with whichever key sealed it), written back
                # through it (sealed with the current key). The optimistic-lock version is left
                # alone: what the value says has not changed.
                session.execute(
                    update(table)
                    .where(*(k == row._mapping[k.name] for k in key))
                    .values({c.name: row._mapping[c.name] for c in columns})
                )
        if not rows:
            return done
        done += len(rows)


def rotate_keys(kernel: Kernel, batch: int = BATCH) -> list[Rotated]:
    """Re-encrypt every tenant's encrypted values with the current key; idempotent. Each tenant
    that had anything re-encrypted gets an audit entry `data_pribadi.kunci_dirotasi`."""
    with kernel.db.unit_of_work() as session:
        tenants = [(t.id, t.slug) for t in session.scalars(select(Tenant).order_by(Tenant.slug))]
    tables = encrypted_tables()
    results = []
    for tenant_id, slug in tenants:
        result = Rotated(slug, {table.name: _rotate_table(kernel, tenant_id, table, columns, batch) for table, columns in tables.items()})
        if result.total:
            with kernel.db.unit_of_work(tenant_id) as session:
                audit.record(session, "data_pribadi.kunci_dirotasi", "tenant", tenant_id, {"kunci": keyring().current, "baris": result.rows})
        results.append(result)
    return results
