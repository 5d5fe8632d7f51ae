"""One row per console form submission that changed something (core/console/submissions.py)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class ConsoleSubmission(Base):
    """A submitted form's one-time id, written in the transaction of the action it ran, so a
    second POST of the same form (a double click, the browser's back and resend) finds it and
    goes to the first one's result instead of acting again. Platform-owned: keyed by a random
    id bound to its user, holding only where the result is."""

    __tablename__ = "console_submissions"
    __table_args__ = (Index("ix_console_submissions_created_at", "created_at"),)

    submission_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
