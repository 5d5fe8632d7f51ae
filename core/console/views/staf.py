"""The tenant's staff: accounts, roles and credentials, with a warning for a Peksos certificate
or practice licence that has expired or expires soon. Same permission and the same query as
GET /api/v1/tenants/<t>/staff (core/api/staff.py): staff.read (tenant_admin, auditor)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask import Response, make_response, render_template
from sqlalchemy import select

from core.api.common import current_tenant, paginate, require, session
from core.console.blueprint import bp
from core.console.views._halaman import Pagination
from core.staff.models import Membership, StaffCredential, User
from core.staff.services import staff_query
from core.tenancy.calendar import local_today

# How far ahead an expiry is announced: time enough to renew a certificate before a Peksos may
# no longer be assigned (plugins/rehabilitasi/rules.py refuses an expired one).
WARN_DAYS = 60


@dataclass(frozen=True)
class Expiry:
    """Where one document's validity stands today: "habis" (expired), "segera" (within
    WARN_DAYS) or "berlaku"; `days` left (negative: days since it expired)."""

    until: date
    state: str
    days: int


def expiry(until: date | None, today: date) -> Expiry | None:
    # The staff service keeps the dates but has no expiry function; the rehabilitasi rule reads
    # a document valid through its last day (`berlaku_sampai < today` is expired), as here.
    if until is None:
        return None
    days = (until - today).days
    state = "habis" if days < 0 else "segera" if days <= WARN_DAYS else "berlaku"
    return Expiry(until, state, days)


@dataclass(frozen=True)
class StaffRow:
    user: User
    roles: tuple[str, ...]
    credential: StaffCredential | None
    sertifikat: Expiry | None
    izin: Expiry | None

    @property
    def warnings(self) -> bool:
        return any(e is not None and e.state != "berlaku" for e in (self.sertifikat, self.izin))


@bp.get("/<tenant>/petugas")
@require("staff.read")
def staf() -> Response:
    tenant = current_tenant()
    pages = Pagination.from_request()
    found = paginate(staff_query(tenant.id), pages, rows=True)
    ids = [u.id for u, _ in found]
    roles: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    if ids:  # the roles of the whole page in one query, as the API does
        for m in session().scalars(select(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id.in_(ids))):
            roles[m.user_id].append(m.role)
    today = local_today()
    rows = [
        StaffRow(u, tuple(sorted(roles[u.id])), c,
                 expiry(c.sertifikat_berlaku_sampai if c else None, today), expiry(c.izin_praktik_berlaku_sampai if c else None, today))
        for u, c in found
    ]
    return make_response(render_template(
        "konsol/staf/staf.html", tenant=tenant, rows=rows, pages=pages, today=today, warn_days=WARN_DAYS,
        warned=[r for r in rows if r.warnings],
    ))
