"""Perlindungan tables: an event (bencana, krisis — Pasal 28 ayat (2)) with the affected persons
and households of the tenant's registry, the ledger of aid delivered to whom under a bantuan
sosial case, and the activities of advokasi sosial and bantuan hukum cases."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import Base, TenantEntity, UTCDateTime, tenant_fk, utcnow


class Kejadian(TenantEntity, Base):
    """A sudden unstable situation grouping many beneficiaries; a disaster records its
    coordination with BNPB (Pasal 29 ayat (4)) before temporary aid is given."""

    __tablename__ = "perlindungan_kejadian"
    __table_args__ = (Index("ix_perlindungan_kejadian_tenant_id_status", "tenant_id", "status"),)

    nama: Mapped[str] = mapped_column(String(300))
    jenis: Mapped[str] = mapped_column(String(40))
    tanggal_mulai: Mapped[date] = mapped_column(Date)
    lokasi: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="berlangsung")  # berlangsung / ditutup
    koordinasi_bnpb_tanggal: Mapped[date | None] = mapped_column(Date)
    koordinasi_bnpb_keterangan: Mapped[str | None] = mapped_column(String(500))
    ditutup_tanggal: Mapped[date | None] = mapped_column(Date)
    ditutup_keterangan: Mapped[str | None] = mapped_column(String(500))
    dicatat_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Terdampak(TenantEntity, Base):
    """A person or a household of the tenant's registry affected by an event (once each)."""

    __tablename__ = "perlindungan_terdampak"
    __table_args__ = (
        tenant_fk(["kejadian_id"], "perlindungan_kejadian"),
        tenant_fk(["person_id"], "persons"),
        tenant_fk(["household_id"], "households"),
        UniqueConstraint("tenant_id", "kejadian_id", "person_id"),
        UniqueConstraint("tenant_id", "kejadian_id", "household_id"),
        CheckConstraint("(person_id IS NULL) <> (household_id IS NULL)", name="satu_subjek"),
        Index("ix_perlindungan_terdampak_tenant_id_person_id", "tenant_id", "person_id"),
        Index("ix_perlindungan_terdampak_tenant_id_household_id", "tenant_id", "household_id"),
    )

    kejadian_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Penyaluran(TenantEntity, Base):
    """One delivery of aid under a bantuan sosial case: its kind, a quantity (with its unit) or a
    whole-rupiah value, and the date. One kind to one case per day: recorded once."""

    __tablename__ = "perlindungan_penyaluran"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        tenant_fk(["kejadian_id"], "perlindungan_kejadian"),
        UniqueConstraint("tenant_id", "case_id", "jenis", "tanggal"),
        Index("ix_perlindungan_penyaluran_tenant_id_kejadian_id_tanggal", "tenant_id", "kejadian_id", "tanggal"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kejadian_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sifat: Mapped[str] = mapped_column(String(20))
    jenis: Mapped[str] = mapped_column(String(63))
    jumlah: Mapped[int | None] = mapped_column(Integer)
    satuan: Mapped[str | None] = mapped_column(String(40))
    nilai_rupiah: Mapped[int | None] = mapped_column(BigInteger)
    tanggal: Mapped[date] = mapped_column(Date)
    penerima: Mapped[str] = mapped_column(String(200))
    dicatat_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Kegiatan(TenantEntity, Base):
    """An activity of an advokasi sosial (Pasal 34) or bantuan hukum (Pasal 36) case."""

    __tablename__ = "perlindungan_kegiatan"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_perlindungan_kegiatan_tenant_id_case_id_tanggal", "tenant_id", "case_id", "tanggal"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    bentuk: Mapped[str] = mapped_column(String(63))
    kegiatan: Mapped[str] = mapped_column(String(63))
    tanggal: Mapped[date] = mapped_column(Date)
    uraian: Mapped[str] = mapped_column(String(2000))
    status_anak: Mapped[str | None] = mapped_column(String(40))
    dicatat_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
