"""Reports contributed by plugins, built as jobs and stored per tenant."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from marshmallow import Schema
from sqlalchemy import DateTime, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, JSONDoc, Base, TenantEntity, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.regulations.profiles import RegulationProfile
    from core.tenancy.models import Tenant


@dataclass
class ReportContext:
    session: Session
    tenant: Tenant
    profile: RegulationProfile | None
    params: dict[str, Any]


@dataclass(frozen=True)
class Report:
    """A report a plugin offers. `name` is unique across plugins, e.g. "rehabilitasi.tahunan";
    `build` returns JSON-able data; `citation` names the article that requires it, if any."""

    name: str
    plugin: str
    title: str
    build: Callable[[ReportContext], dict[str, Any]]
    params_schema: type[Schema] | None = None
    citation: str | None = None


class ReportRun(TenantEntity, Base):
    __tablename__ = "report_runs"
    __table_args__ = (Index("ix_report_runs_tenant_id_requested_at", "tenant_id", "requested_at"),)

    report: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued/running/done/failed
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    error: Mapped[str | None] = mapped_column(Text)
