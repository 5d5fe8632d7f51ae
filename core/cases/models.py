"""Cases, their assigned staff, and their append-only history."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, JSONDoc, Base, TenantEntity, TenantScoped, tenant_fk, utcnow

SUBJECT_TYPES = ("person", "household", "organization", "community")


class Case(TenantEntity, Base):
    """A case of a plugin's case type, judged by the regulation profile pinned when it opened."""

    __tablename__ = "cases"
    __table_args__ = (
        tenant_fk(["person_id"], "persons"),
        tenant_fk(["household_id"], "households"),
        tenant_fk(["organization_id"], "organizations"),
        CheckConstraint(
            "(subject_type = 'person' AND person_id IS NOT NULL)"
            " OR (subject_type = 'household' AND household_id IS NOT NULL)"
            " OR (subject_type = 'organization' AND organization_id IS NOT NULL)"
            " OR (subject_type = 'community' AND community_name IS NOT NULL)",
            name="subject_present",
        ),
        Index("ix_cases_tenant_id_case_type_stage", "tenant_id", "case_type", "stage"),
        Index("ix_cases_tenant_id_status_opened_at", "tenant_id", "status", "opened_at"),
        Index("ix_cases_tenant_id_person_id", "tenant_id", "person_id"),
        Index("ix_cases_tenant_id_household_id", "tenant_id", "household_id"),
        Index("ix_cases_tenant_id_organization_id", "tenant_id", "organization_id"),
    )

    case_type: Mapped[str] = mapped_column(String(63))
    plugin: Mapped[str] = mapped_column(String(63))
    subject_type: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    community_name: Mapped[str | None] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(63))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open / closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    profile_id: Mapped[str] = mapped_column(String(100))
    profile_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # Optimistic lock: every change bumps it; a stale If-Match is refused with 412.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class CaseAssignment(TenantScoped, Base):
    """A staff member assigned to a case (e.g. the Peksos and the TKS accompanying a client)."""

    __tablename__ = "case_assignments"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_case_assignments_tenant_id_user_id", "tenant_id", "user_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), primary_key=True)
    peran: Mapped[str] = mapped_column(String(30))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseEvent(TenantEntity, Base):
    """Append-only history of a case: who did what, when, from which stage to which."""

    __tablename__ = "case_events"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_case_events_tenant_id_case_id_at", "tenant_id", "case_id", "at"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))  # opened / advanced / updated / assigned
    from_stage: Mapped[str | None] = mapped_column(String(63))
    to_stage: Mapped[str | None] = mapped_column(String(63))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class CaseReferral(TenantEntity, Base):
    """A case referred to another service of the same tenant (e.g. a rehabilitation client to
    jaminan sosial). Kept whatever the receiving plugin does with it; `hasil` is what it
    answered (e.g. the id of the case it opened)."""

    __tablename__ = "case_referrals"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_case_referrals_tenant_id_case_id", "tenant_id", "case_id"),
        Index("ix_case_referrals_tenant_id_ke_plugin_dibuat_pada", "tenant_id", "ke_plugin", "dibuat_pada"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    dari_plugin: Mapped[str] = mapped_column(String(63))
    ke_plugin: Mapped[str] = mapped_column(String(63))
    alasan: Mapped[str] = mapped_column(String(2000))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    hasil: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    dibuat_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
