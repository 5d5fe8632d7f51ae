"""Snapshots of the profiles cases were opened under (a case is judged by its pinned version
until it ends, even after the YAML file has changed)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, JSONDoc, Base, utcnow


class ProfileSnapshot(Base):
    """Platform-owned: profiles are law, not tenant data (a tenant-local variant's snapshot
    records its tenant slug inside `content`)."""

    __tablename__ = "profile_snapshots"

    profile_key: Mapped[str] = mapped_column(String(240), primary_key=True)  # "<tenant|*>:<plugin>:<id>"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
