"""Who may do what in the LKS service, and which institutions a user sees.

Dinas Sosial staff (tenant_admin, officer) process applications and see every LKS of the
tenant; an auditor reads everything. An lks_operator acts for exactly one LKS — the one they
are linked to — and sees nothing of any other: another LKS's ids answer 404, as if they did not
exist.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.sdk import NotFound, Organization, get_owned

from .models import Lembaga, Operator

PERMISSIONS: dict[str, list[str]] = {
    "lks.read": ["tenant_admin", "officer", "auditor", "lks_operator"],
    "lks.ajukan": ["tenant_admin", "officer", "lks_operator"],
    "lks.proses": ["tenant_admin", "officer"],
    "lks.pengaturan": ["tenant_admin"],
}
# Roles that see every LKS of the tenant; anyone else sees only their own.
STAFF_ROLES = frozenset({"tenant_admin", "officer", "auditor"})
PROCESSING_ROLES = frozenset(PERMISSIONS["lks.proses"])
LKS_JENIS = ("lks", "lks_asing")


@dataclass(frozen=True)
class Lingkup:
    """What a user may see: every LKS (`semua`), or only `organization_id` (None: none yet)."""

    semua: bool
    organization_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None

    def boleh(self, organization_id: uuid.UUID | None) -> bool:
        return self.semua or (organization_id is not None and organization_id == self.organization_id)


def lingkup(session: Any, user_id: uuid.UUID, roles: frozenset[str]) -> Lingkup:
    if roles & STAFF_ROLES:
        return Lingkup(True, user_id=user_id)
    org = session.scalar(select(Operator.organization_id).where(Operator.user_id == user_id))
    return Lingkup(False, org, user_id)


def get_lembaga(session: Any, organization_id: uuid.UUID, scope: Lingkup, *, asing: bool | None = None) -> tuple[Organization, Lembaga]:
    """An LKS of this tenant the user may see (of the given kind), or 404."""
    org = get_owned(session, Organization, organization_id) if scope.boleh(organization_id) else None
    lembaga = session.scalar(select(Lembaga).where(Lembaga.organization_id == organization_id)) if org is not None else None
    if org is None or lembaga is None or (asing is not None and lembaga.asing != asing):
        raise NotFound("lks_tidak_ditemukan", "Lembaga Kesejahteraan Sosial tidak ditemukan.")
    return org, lembaga
