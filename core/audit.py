"""The append-only audit log: every mutation, who made it, in which tenant, on what.

On PostgreSQL the app role may only INSERT and SELECT these tables (see the core migration),
so not even a bug in the app can rewrite history.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.auth_context import current_actor_id
from core.db import UTCDateTime, JSONDoc, Base, TenantEntity, current_tenant_id, new_id, utcnow


class AuditEntry(TenantEntity, Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_id_at", "tenant_id", "at"),)

    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(63))
    target_id: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class PlatformAuditEntry(Base):
    """Audit of platform-level mutations that belong to no tenant (e.g. creating a user)."""

    __tablename__ = "platform_audit_log"
    __table_args__ = (Index("ix_platform_audit_log_at", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(63))
    target_id: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


def record(
    session: Session,
    action: str,
    target_type: str,
    target_id: object | None,
    summary: dict[str, Any] | None = None,
    *,
    actor_id: uuid.UUID | None = None,
) -> None:
    """Write an audit entry in the caller's transaction: it commits or rolls back with the
    change it describes. With a current tenant it goes to that tenant's log."""
    values = dict(
        actor_id=actor_id or current_actor_id(),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        summary=_jsonable(summary or {}),
    )
    tenant_id = current_tenant_id()
    if tenant_id is not None:
        # Stamped now, not at flush: the entry belongs to the tenant current when it was made.
        session.add(AuditEntry(tenant_id=tenant_id, **values))
    else:
        session.add(PlatformAuditEntry(**values))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


FILTERS = ("action", "target_type", "target_id", "actor_id")


def entries_query(filters: dict[str, Any], since: datetime | None = None, until: datetime | None = None) -> Any:
    """The tenant's entries, newest first, filtered by exact `FILTERS` values and by [since, until)
    (aware datetimes: the entries are stored in UTC, and SQLite compares them as text)."""
    from datetime import timezone

    from sqlalchemy import select

    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    for key in FILTERS:
        if key in filters:
            stmt = stmt.where(getattr(AuditEntry, key) == filters[key])
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since.astimezone(timezone.utc))
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until.astimezone(timezone.utc))
    return stmt
