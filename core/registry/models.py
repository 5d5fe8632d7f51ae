"""The registry: people served (penerima pelayanan), households and organizations."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantEntity, Timestamped, tenant_fk


class Household(Timestamped, TenantEntity, Base):
    """A family registered under one Kartu Keluarga."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor_kk"),)

    nomor_kk: Mapped[str] = mapped_column(String(16))
    alamat: Mapped[str | None] = mapped_column(String(500))
    kode_wilayah: Mapped[str | None] = mapped_column(String(13))


class Person(Timestamped, TenantEntity, Base):
    """A penerima pelayanan. The NIK is unique within a tenant (a person may be served in two
    kabupaten; each keeps its own record)."""

    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nik"),
        tenant_fk(["household_id"], "households"),
        Index("ix_persons_tenant_id_household_id", "tenant_id", "household_id"),
    )

    nik: Mapped[str] = mapped_column(String(16))
    nama: Mapped[str] = mapped_column(String(200))
    tanggal_lahir: Mapped[date] = mapped_column(Date)
    jenis_kelamin: Mapped[str] = mapped_column(String(1))  # "L" / "P", as on the KTP
    alamat: Mapped[str | None] = mapped_column(String(500))
    kode_wilayah: Mapped[str | None] = mapped_column(String(13))
    nomor_kk: Mapped[str | None] = mapped_column(String(16))
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Optimistic lock, as for cases: a stale If-Match is refused with 412.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class Organization(Timestamped, TenantEntity, Base):
    """An institution: a government panti sosial, an LKS, or another partner."""

    __tablename__ = "organizations"

    nama: Mapped[str] = mapped_column(String(300))
    jenis: Mapped[str] = mapped_column(String(50))  # panti_pemerintah, lks, lks_asing, lainnya
    berbadan_hukum: Mapped[bool] = mapped_column(Boolean, default=False)
    alamat: Mapped[str | None] = mapped_column(String(500))
    kode_wilayah: Mapped[str | None] = mapped_column(String(13))
    npwp: Mapped[str | None] = mapped_column(String(20))
