"""Pemberdayaan tables: the members of a group or community being empowered (persons of the
tenant's registry) and the stimulus given (Pasal 17 huruf d, Pasal 18 huruf d), with its value
and funding source."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import Base, TenantEntity, UTCDateTime, tenant_fk, utcnow


class Anggota(TenantEntity, Base):
    """A person of the tenant's registry who belongs to the kelompok or komunitas adat terpencil
    a case empowers; one row per person and case."""

    __tablename__ = "pemberdayaan_anggota"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        tenant_fk(["person_id"], "persons"),
        UniqueConstraint("tenant_id", "case_id", "person_id"),
        Index("ix_pemberdayaan_anggota_tenant_person", "tenant_id", "person_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    peran: Mapped[str] = mapped_column(String(20), default="anggota")
    ditambahkan_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    ditambahkan_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stimulan(TenantEntity, Base):
    """One stimulus (capital, business equipment, business premises) given in a case, in whole
    rupiah, with its funding source."""

    __tablename__ = "pemberdayaan_stimulan"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_pemberdayaan_stimulan_tenant_case", "tenant_id", "case_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    jenis: Mapped[str] = mapped_column(String(40))
    nilai: Mapped[int] = mapped_column(BigInteger)
    sumber_dana: Mapped[str] = mapped_column(String(40))
    tanggal: Mapped[date] = mapped_column(Date)
    uraian: Mapped[str | None] = mapped_column(String(500))
    dicatat_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
