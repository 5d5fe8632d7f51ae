"""The tenant's audit log, read-only: the filters of GET /api/v1/tenants/<t>/audit
(core/api/audit.py) with its own schema, newest first, paginated; audit.read (tenant_admin,
auditor). Dates are picked as WIB days, the API's bounds are instants."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

from flask import Response, make_response, render_template, request
from marshmallow import fields
from sqlalchemy import select

from core.api.audit import AuditQuerySchema
from core.api.common import current_tenant, paginate, require, session
from core.audit import AuditEntry, entries_query
from core.console.blueprint import bp
from core.console.forms import Form
from core.console.views._halaman import Pagination
from core.staff.models import User
from core.staff.services import staff_query

WIB = timezone(timedelta(hours=7))


class AuditFilterSchema(AuditQuerySchema):
    """The API's filters, with whole days instead of instants: `dari` from its first moment,
    `sampai` through its last (WIB, the legal day)."""

    class Meta:
        exclude = ("since", "until")

    dari = fields.Date()
    sampai = fields.Date()


def _query(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    since = datetime.combine(data["dari"], time(), WIB) if "dari" in data else None
    until = datetime.combine(data["sampai"] + timedelta(days=1), time(), WIB) if "sampai" in data else None
    return entries_query(data, since, until)


@bp.get("/<tenant>/audit")
@require("audit.read")
def audit() -> Response:
    schema = AuditFilterSchema()
    form = Form(schema, {k: v for k, v in request.args.items() if k in schema.fields})
    pages = Pagination.from_request()
    entries: list[AuditEntry] = []
    if form.validate():
        entries = paginate(_query(form.data), pages)
    staff = [u for u, _ in session().execute(staff_query(current_tenant().id)).all()]
    names = {u.id: u.nama for u in staff}
    missing = {e.actor_id for e in entries if e.actor_id is not None and e.actor_id not in names}
    if missing:  # e.g. the platform admin, or someone who has since left the tenant
        names.update({u.id: u.nama for u in session().scalars(select(User).where(User.id.in_(missing)))})
    return make_response(render_template(
        "konsol/audit/audit.html", tenant=current_tenant(), form=form, entries=entries, pages=pages,
        staff=staff, names=names, wib=WIB,
    ), 422 if form.failed else 200)
