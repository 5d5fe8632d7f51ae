"""The fixture plugin's one table, prefixed with its name like every plugin table."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import Base, TenantEntity, utcnow  # noqa: F401


class FixtureNote(TenantEntity, Base):
    __tablename__ = "fixture_notes"
    __table_args__ = (Index("ix_fixture_notes_tenant_id_tanggal", "tenant_id", "tanggal"),)

    tanggal: Mapped[date] = mapped_column(Date)
    isi: Mapped[str] = mapped_column(String(300))
