"""The registry: people served (penerima pelayanan), households and organizations."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.crypto import BLIND_INDEX, KK, NIK, EncryptedString, keep_blind_index
from core.db import Base, TenantEntity, Timestamped, UTCDateTime, tenant_fk


class Household(Timestamped, TenantEntity, Base):
    """A family registered under one Kartu Keluarga (its number encrypted at rest)."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor_kk_index"),)

    nomor_kk: Mapped[str] = mapped_column(EncryptedString())
    nomor_kk_index: Mapped[str] = mapped_column(BLIND_INDEX)
    alamat: Mapped[str | None] = mapped_column(String(500))
    kode_wilayah: Mapped[str | None] = mapped_column(String(13))


class Person(Timestamped, TenantEntity, Base):
    """A penerima pelayanan. The NIK is unique within a tenant (a person may be served in two
    kabupaten; each keeps its own record); it and the KK number are encrypted at rest, the NIK
    found through its blind index (UU 27/2022)."""

    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nik_index"),
        tenant_fk(["household_id"], "households"),
        Index("ix_persons_tenant_id_household_id", "tenant_id", "household_id"),
    )

    nik: Mapped[str] = mapped_column(EncryptedString())
    nik_index: Mapped[str] = mapped_column(BLIND_INDEX)
    nama: Mapped[str] = mapped_column(String(200))
    tanggal_lahir: Mapped[date] = mapped_column(Date)
    jenis_kelamin: Mapped[str] = mapped_column(String(1))  # "L" / "P", as on the KTP
    alamat: Mapped[str | None] = mapped_column(String(500))
    kode_wilayah: Mapped[str | None] = mapped_column(String(13))
    nomor_kk: Mapped[str | None] = mapped_column(EncryptedString())
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Set when the person's identity was replaced by anonymous values (core/registry/privacy.py).
    dianonimkan_pada: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic lock, as for cases: a stale If-Match is refused with 412.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


keep_blind_index(Household.nomor_kk, "nomor_kk_index", KK)
keep_blind_index(Person.nik, "nik_index", NIK)


class Organization(Timestamped, TenantEntity, Base):
    """An institution: a government panti sosial, an LKS, or another partner."""

    __tablename__ = "organizations"

    nama: Mapped[str] = mapped_column(String(300))
    jenis: Mapped[str] = mapped_column(String(50))  # panti_pemerintah, lks, lks_asing, lainnya
    berbadan_hukum: Mapped[bool] = mapped_column(Boolean, default=False)
    alamat: Mapped[str | None] = mapped_column(String(500))
    kode_wilayah: Mapped[str | None] = mapped_column(String(13))
    npwp: Mapped[str | None] = mapped_column(String(20))
