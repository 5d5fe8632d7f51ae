"""Helpers for the HTTP tests of the kernel's own resources.

Reading the database directly (to check that nothing was written, or to see the audit log a
user could not read) goes through the kernel's own unit of work, as the given tenant, so on
PostgreSQL it runs as the app role under row-level security exactly like a request.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.audit import AuditEntry, PlatformAuditEntry
from core.tenancy.models import Tenant

# Kabupaten Balangan and Kabupaten Tabalong, both in Kalimantan Selatan (63).
A_SLUG, A_KODE = "balangan", "63.11"
B_SLUG, B_KODE = "tabalong", "63.09"

# Siti Aminah, born 5 September 1987 in Balangan: day 05 + 40 = 45 for a woman.
NIK_SITI = "6311014509870001"
SITI = {"nik": NIK_SITI, "nama": "Siti Aminah", "tanggal_lahir": "1987-09-05", "jenis_kelamin": "P", "kode_wilayah": "63.11"}
# Ahmad Fauzi, born 12 March 1990: a man, so the day stays 12.
NIK_AHMAD = "6311021203900002"
AHMAD = {"nik": NIK_AHMAD, "nama": "Ahmad Fauzi", "tanggal_lahir": "1990-03-12", "jenis_kelamin": "L", "kode_wilayah": "63.11"}

NIL_UUID = "00000000-0000-7000-8000-000000000000"


def url(slug: str, path: str = "") -> str:
    """A tenant resource: /api/v1/tenants/<slug>/<path>."""
    return f"/api/v1/tenants/{slug}/{path}".rstrip("/")


def error_of(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert a JSON error with its status and stable code; return the body."""
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    assert response.mimetype == "application/json", response.data[:200]
    assert isinstance(body, dict) and isinstance(body.get("code"), str) and isinstance(body.get("message"), str), body
    assert body["message"].strip(), body
    if code is not None:
        assert body["code"] == code, body
    return body


def two_tenants(make: Any) -> tuple[Tenant, Tenant]:
    return make.tenant(A_SLUG, A_KODE), make.tenant(B_SLUG, B_KODE)


def tenant_id(kernel: Any, slug: str) -> Any:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))


def count_rows(kernel: Any, model: Any, slug: str | None = None, **where: Any) -> int:
    """Rows of `model` (of tenant `slug` for a tenant-owned model) matching `where`."""
    tid = tenant_id(kernel, slug) if slug else None
    with kernel.db.unit_of_work(tid) as s:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return int(s.scalar(stmt) or 0)


def audit_log(kernel: Any, slug: str) -> list[AuditEntry]:
    """The tenant's whole audit log, oldest first, read straight from the database."""
    with kernel.db.unit_of_work(tenant_id(kernel, slug)) as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)))
        s.expunge_all()
        return rows


def platform_audit_count(kernel: Any) -> int:
    with kernel.db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(PlatformAuditEntry)) or 0)


def pagination(response: Any) -> dict[str, Any]:
    import json

    header = response.headers.get("X-Pagination")
    assert header, dict(response.headers)
    return json.loads(header)  # type: ignore[no-any-return]


def iso(d: date) -> str:
    return d.isoformat()
