"""Jaminan tables: the official register rows a tenant imports (Pasal 13) and the ledger of
what was paid to whom, per period (nothing is paid twice for one period)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import BLIND_INDEX, NIK, Base, EncryptedString, TenantEntity, UTCDateTime, keep_blind_index, tenant_fk, utcnow


class RegisterPenerima(TenantEntity, Base):
    """A person in the data set by the authorised agency (e.g. DTKS), as imported by the tenant:
    bantuan langsung berkelanjutan is given only to people found here (Pasal 13). The NIK is
    encrypted at rest and found through its blind index, like the registry's (UU 27/2022)."""

    __tablename__ = "jaminan_register"
    __table_args__ = (UniqueConstraint("tenant_id", "nik_index"),)

    nik: Mapped[str] = mapped_column(EncryptedString())
    nik_index: Mapped[str] = mapped_column(BLIND_INDEX)
    nama: Mapped[str] = mapped_column(String(200))
    sumber: Mapped[str] = mapped_column(String(100))  # e.g. "DTKS Kemensos"
    tahun: Mapped[int] = mapped_column(Integer)
    diimpor_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


keep_blind_index(RegisterPenerima.nik, "nik_index", NIK)


class Penyaluran(TenantEntity, Base):
    """One payment of a case for one period and kind: the unique key refuses paying twice."""

    __tablename__ = "jaminan_penyaluran"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        UniqueConstraint("tenant_id", "case_id", "periode", "jenis"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    periode: Mapped[str] = mapped_column(String(7))  # TTTT-BB
    jenis: Mapped[str] = mapped_column(String(40))  # the programme, or the tunjangan's kind
    jumlah: Mapped[int] = mapped_column(BigInteger)
    tanggal: Mapped[date] = mapped_column(Date)
    penerima: Mapped[str] = mapped_column(String(200))
    dicatat_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
