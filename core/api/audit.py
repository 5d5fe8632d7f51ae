"""The tenant's audit log (tenant_admin, auditor): read-only, filterable, paginated."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api.common import paginate, require, tenant_blueprint
from core.audit import AuditEntry

blp = tenant_blueprint("audit", __name__, "audit", "Log audit (hanya baca)")
BLUEPRINTS = [blp]


class AuditEntrySchema(Schema):
    id = fields.UUID()
    at = fields.DateTime()
    actor_id = fields.UUID(allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String(allow_none=True)
    summary = fields.Dict()


class AuditQuerySchema(Schema):
    action = fields.String(validate=validate.Length(max=80))
    target_type = fields.String(validate=validate.Length(max=63))
    target_id = fields.String(validate=validate.Length(max=100))
    actor_id = fields.UUID()
    since = fields.DateTime()
    until = fields.DateTime()


@blp.get("")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
@blp.paginate()
@require("audit.read")
def list_audit(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Semua perubahan di kabupaten/kota ini, terbaru dahulu."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    for key in ("action", "target_type", "target_id", "actor_id"):
        if key in query:
            stmt = stmt.where(getattr(AuditEntry, key) == query[key])
    if "since" in query:
        stmt = stmt.where(AuditEntry.at >= query["since"])
    if "until" in query:
        stmt = stmt.where(AuditEntry.at < query["until"])
    return paginate(stmt, pagination_parameters)
