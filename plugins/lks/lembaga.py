"""Reading the LKS of a tenant: the list (one query per page), one institution, and working
areas with their region names."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, and_, select

from core.sdk import Case, Organization, kabupaten_name

from .access import Lingkup, get_lembaga
from .models import Lembaga, Pendaftaran
from .pendaftaran import lembaga_out


def query(scope: Lingkup, q: str | None = None) -> Select[Any]:
    """Each LKS with its latest application's stage and mark, in one query."""
    latest = (
        select(Pendaftaran.organization_id, Pendaftaran.nomor, Case.stage, Case.opened_at)
        .join(Case, (Case.id == Pendaftaran.case_id) & (Case.tenant_id == Pendaftaran.tenant_id))
        .subquery()
    )
    newer = latest.alias("newer")
    stmt = (
        select(Organization, Lembaga, latest.c.stage, latest.c.nomor)
        .join(Lembaga, (Lembaga.organization_id == Organization.id) & (Lembaga.tenant_id == Organization.tenant_id))
        .outerjoin(latest, latest.c.organization_id == Organization.id)
        # keep only the newest application of each LKS
        .outerjoin(newer, and_(newer.c.organization_id == latest.c.organization_id, newer.c.opened_at > latest.c.opened_at))
        .where(newer.c.organization_id.is_(None))
        .order_by(Organization.nama, Organization.id)
    )
    if not scope.semua:
        stmt = stmt.where(Organization.id == (scope.organization_id or uuid.UUID(int=0)))
    if q:
        stmt = stmt.where(Organization.nama.icontains(q, autoescape=True))
    return stmt


def row_out(org: Organization, lembaga: Lembaga, stage: str | None, nomor: str | None) -> dict[str, Any]:
    out = lembaga_out(org, lembaga, None, stage)
    out["nomor_tanda_pendaftaran"] = nomor
    return out


def show(session: Any, organization_id: uuid.UUID, scope: Lingkup) -> dict[str, Any]:
    get_lembaga(session, organization_id, scope)
    row = session.execute(query(scope).where(Organization.id == organization_id)).one()
    return row_out(*row)


def wilayah_out(codes: list[str]) -> list[dict[str, Any]]:
    return [{"kode": c, "nama": kabupaten_name(c)} for c in codes]
