"""The tenant's audit log (tenant_admin, auditor): read-only, filterable, paginated."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, fields, validate

from core.api.common import paginate, require, tenant_blueprint
from core.audit import entries_query
from core.registry.schemas import UtcDateTime

blp = tenant_blueprint("audit", __name__, "audit", "Log audit (hanya baca)")
BLUEPRINTS = [blp]


class AuditEntrySchema(Schema):
    id = fields.UUID()
    at = UtcDateTime()
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
    since = fields.DateTime(metadata={"description": "sejak (ISO 8601; tanpa zona waktu dianggap UTC)"})
    until = fields.DateTime(metadata={"description": "sampai, tidak termasuk (ISO 8601; tanpa zona waktu dianggap UTC)"})


def _utc(value: datetime) -> datetime:
    """Entries are stored in UTC; a bound given in WIB/WITA/WIT must be converted, not compared
    as written (SQLite compares the text)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


@blp.get("")
@require("audit.read")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
@blp.paginate()
def list_audit(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Semua perubahan di kabupaten/kota ini, terbaru dahulu."""
    since, until = query.get("since"), query.get("until")
    stmt = entries_query(query, _utc(since) if since else None, _utc(until) if until else None)
    return paginate(stmt, pagination_parameters)
