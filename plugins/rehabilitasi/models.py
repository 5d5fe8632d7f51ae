"""Rehabilitasi tables: activities per stage, the plan, monitoring, evaluations, warnings."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import UTCDateTime, JSONDoc, Base, TenantEntity, tenant_fk, utcnow


class Kegiatan(TenantEntity, Base):
    """An activity of a stage (Perbup Balangan 61/2017 Pasal 19–25), e.g. identifikasi, temu
    bahas kasus: when, by whom, with notes."""

    __tablename__ = "rehabilitasi_kegiatan"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_rehabilitasi_kegiatan_tenant_id_case_id_tanggal", "tenant_id", "case_id", "tanggal"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tahap: Mapped[str] = mapped_column(String(63))
    kode: Mapped[str] = mapped_column(String(63))
    tanggal: Mapped[date] = mapped_column(Date)
    pelaksana_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    catatan: Mapped[str | None] = mapped_column(Text)
    rincian: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rencana(TenantEntity, Base):
    """The plan of a case (penyusunan rencana pemecahan masalah, Perbup Pasal 21): one per case,
    revised in place (each revision audited)."""

    __tablename__ = "rehabilitasi_rencana"
    __table_args__ = (tenant_fk(["case_id"], "cases"), UniqueConstraint("tenant_id", "case_id"))

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kebutuhan_prioritas: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    bentuk: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    rujukan: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    jadwal: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    sumber_dana: Mapped[str] = mapped_column(String(100))
    pendekatan: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    metode: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    teknik: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    disusun_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Pemantauan(TenantEntity, Base):
    """A monitoring entry (Perbup Pasal 41): one text per monitoring item of the profile."""

    __tablename__ = "rehabilitasi_pemantauan"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_rehabilitasi_pemantauan_tenant_id_case_id_tanggal", "tenant_id", "case_id", "tanggal"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tanggal: Mapped[date] = mapped_column(Date)
    butir: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    pencatat_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evaluasi(TenantEntity, Base):
    """An evaluation of a case (Perbup Pasal 42: at least once a year)."""

    __tablename__ = "rehabilitasi_evaluasi"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        Index("ix_rehabilitasi_evaluasi_tenant_id_case_id_tanggal", "tenant_id", "case_id", "tanggal"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tanggal: Mapped[date] = mapped_column(Date)
    hasil: Mapped[str] = mapped_column(Text)
    rekomendasi: Mapped[str | None] = mapped_column(Text)
    evaluator_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Peringatan(TenantEntity, Base):
    """A warning the daily tick raised (e.g. an overdue yearly evaluation). One per case, kind
    and due date: the tick may run twice without duplicating it."""

    __tablename__ = "rehabilitasi_peringatan"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        UniqueConstraint("tenant_id", "case_id", "jenis", "jatuh_tempo"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    jenis: Mapped[str] = mapped_column(String(40))
    jatuh_tempo: Mapped[date] = mapped_column(Date)
    pesan: Mapped[str] = mapped_column(String(500))
    citation: Mapped[str] = mapped_column(String(200))
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    selesai_pada: Mapped[datetime | None] = mapped_column(UTCDateTime)
