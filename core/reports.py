"""Reports contributed by plugins, built as jobs and stored per tenant."""
from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, validate
from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import JSONDoc, Base, TenantEntity, UTCDateTime, tenant_fk, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.regulations.profiles import RegulationProfile
    from core.tenancy.models import Tenant


@dataclass
class ReportFileOut:
    name: str
    media_type: str
    content: bytes


@dataclass
class ReportContext:
    session: Session
    tenant: Tenant
    profile: RegulationProfile | None
    params: dict[str, Any]
    files: list[ReportFileOut] = field(default_factory=list)

    def add_file(self, name: str, content: bytes, media_type: str) -> None:
        """Attach a downloadable file (e.g. the XLSX and CSV of a yearly report)."""
        self.files.append(ReportFileOut(name, media_type, content))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
_WIB = timezone(timedelta(hours=7))  # the legal "today" is WIB (core.tenancy.calendar.local_today)


class TahunParamsSchema(Schema):
    """The parameters of a yearly report: the year (PP 39/2012 is of 2012)."""

    tahun = fields.Integer(required=True, strict=True, validate=validate.Range(min=2012, max=2100))


def year_bounds(tahun: int) -> tuple[datetime, datetime]:
    """The year as instants: from 1 January 00:00 WIB up to (not including) the next one."""
    return (datetime(tahun, 1, 1, tzinfo=_WIB).astimezone(timezone.utc),
            datetime(tahun + 1, 1, 1, tzinfo=_WIB).astimezone(timezone.utc))


def add_table(ctx: ReportContext, stem: str, rows: list[tuple[Any, ...]], *, sheet: str, title: str) -> None:
    """One table (header first) as `<stem>.csv` and `<stem>.xlsx`, the workbook's sheet named
    `sheet` and headed by `title` (say the article in it). An empty string is an empty cell in
    the workbook."""
    from openpyxl import Workbook

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    ctx.add_file(f"{stem}.csv", text.getvalue().encode("utf-8"), CSV)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]  # Excel's limit for a sheet name
    ws.append([title])
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    ctx.add_file(f"{stem}.xlsx", out.getvalue(), XLSX)


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


class ReportFile(TenantEntity, Base):
    """A file a report run produced. Kept in the database: tenant-scoped (RLS), written in the
    job's transaction, and backed up with everything else."""

    __tablename__ = "report_files"
    __table_args__ = (
        tenant_fk(["run_id"], "report_runs"),
        UniqueConstraint("tenant_id", "run_id", "name"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
