"""LKS tables: the institution's registration data, operators, applications, documents,
foreign-LKS permits and reports, breaches and the sanctions imposed for them, deadline
warnings, and the tenant's numbering of tanda pendaftaran.

The institution itself is the kernel's Organization (`jenis` "lks" or "lks_asing"); what only
this service needs of it lives in `lks_lembaga`, keyed by the organization's id.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import JSONDoc, Base, TenantEntity, TenantScoped, UTCDateTime, tenant_fk, utcnow


class Lembaga(TenantScoped, Base):
    """An LKS as registered with the Dinas Sosial: its board (pengurus) with contacts, its
    activities and its working area — a list of Kemendagri kabupaten/kota codes that decides
    who registers it (PP 39/2012 Pasal 57 ayat (2))."""

    __tablename__ = "lks_lembaga"
    __table_args__ = (tenant_fk(["organization_id"], "organizations"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    asing: Mapped[bool] = mapped_column(Boolean, default=False)
    pengurus: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    kegiatan: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    wilayah_kerja: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    negara_asal: Mapped[str | None] = mapped_column(String(100))
    hubungan_diplomatik: Mapped[bool | None] = mapped_column(Boolean)
    # Per-LKS reporting period (Pasal 62); None: the profile's `periode_laporan_bulan`.
    periode_laporan_bulan: Mapped[int | None] = mapped_column(Integer)
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Operator(TenantScoped, Base):
    """An lks_operator user and the one LKS they act for in this tenant."""

    __tablename__ = "lks_operator"
    __table_args__ = (
        tenant_fk(["organization_id"], "organizations"),
        Index("ix_lks_operator_tenant_id_organization_id", "tenant_id", "organization_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pendaftaran(TenantScoped, Base):
    """What the registration case carries beyond the kernel's case: who has authority over it,
    when the requirements were declared complete, when the mark is due, and the mark issued."""

    __tablename__ = "lks_pendaftaran"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        tenant_fk(["organization_id"], "organizations"),
        UniqueConstraint("tenant_id", "nomor"),
        Index("ix_lks_pendaftaran_tenant_id_organization_id", "tenant_id", "organization_id"),
        Index("ix_lks_pendaftaran_tenant_id_jatuh_tempo", "tenant_id", "jatuh_tempo"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    berbadan_hukum: Mapped[bool] = mapped_column(Boolean)
    wilayah_kerja: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    kewenangan: Mapped[str] = mapped_column(String(20))  # kabupaten_kota / provinsi / kementerian
    kode_tujuan: Mapped[str | None] = mapped_column(String(13))  # region of the authority
    instansi_tujuan: Mapped[str] = mapped_column(String(300))
    tanggal_permohonan: Mapped[date] = mapped_column(Date)
    tanggal_lengkap: Mapped[date | None] = mapped_column(Date)
    jatuh_tempo: Mapped[date | None] = mapped_column(Date)
    nomor: Mapped[str | None] = mapped_column(String(100))
    tanggal_terbit: Mapped[date | None] = mapped_column(Date)
    diterbitkan_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))


class Izin(TenantEntity, Base):
    """A permit of a foreign LKS: the foreign minister's permission, the Minister of Social
    Affairs' operational permit (or its written refusal), and this bupati's technical permit."""

    __tablename__ = "lks_izin"
    __table_args__ = (
        tenant_fk(["organization_id"], "organizations"),
        Index("ix_lks_izin_tenant_id_organization_id", "tenant_id", "organization_id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    jenis: Mapped[str] = mapped_column(String(20))  # kemenlu / operasional / teknis
    keputusan: Mapped[str] = mapped_column(String(20))  # diberikan / ditolak
    nomor: Mapped[str] = mapped_column(String(100))
    tanggal: Mapped[date] = mapped_column(Date)
    berlaku_mulai: Mapped[date | None] = mapped_column(Date)
    berlaku_sampai: Mapped[date | None] = mapped_column(Date)
    penerbit: Mapped[str | None] = mapped_column(String(200))
    alasan: Mapped[str | None] = mapped_column(Text)
    dicabut_pada: Mapped[date | None] = mapped_column(Date)
    dicatat_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Laporan(TenantEntity, Base):
    """A foreign LKS's periodic activity report (PP 39/2012 Pasal 62), one per period."""

    __tablename__ = "lks_laporan"
    __table_args__ = (
        tenant_fk(["organization_id"], "organizations"),
        UniqueConstraint("tenant_id", "organization_id", "periode_ke"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    periode_ke: Mapped[int] = mapped_column(Integer)
    periode_mulai: Mapped[date] = mapped_column(Date)
    periode_selesai: Mapped[date] = mapped_column(Date)
    tanggal_diterima: Mapped[date] = mapped_column(Date)
    ringkasan: Mapped[str] = mapped_column(Text)
    dicatat_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Dokumen(TenantEntity, Base):
    """An uploaded document: of a registration application, a permit or a report. The bytes
    are in the document store under `kunci`; the row keeps their size and SHA-256."""

    __tablename__ = "lks_dokumen"
    __table_args__ = (
        tenant_fk(["organization_id"], "organizations"),
        tenant_fk(["case_id"], "cases"),
        tenant_fk(["izin_id"], "lks_izin"),
        tenant_fk(["laporan_id"], "lks_laporan"),
        Index("ix_lks_dokumen_tenant_id_case_id", "tenant_id", "case_id"),
        Index("ix_lks_dokumen_tenant_id_organization_id", "tenant_id", "organization_id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    izin_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    laporan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    jenis: Mapped[str] = mapped_column(String(63))
    nama_berkas: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    ukuran: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    kunci: Mapped[str] = mapped_column(String(300))
    diunggah_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    diunggah_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pelanggaran(TenantEntity, Base):
    """A breach: an LKS operating unregistered (Pasal 65 ayat (1)), a foreign LKS without its
    operational or technical permit (65 ayat (2)), or a missed periodic report (65 ayat (4)).
    `dipatuhi_pada` is the day the LKS complied; the sanction ladder stops there."""

    __tablename__ = "lks_pelanggaran"
    __table_args__ = (
        tenant_fk(["organization_id"], "organizations"),
        # One breach per missed report period, however often the tick runs.
        UniqueConstraint("tenant_id", "organization_id", "jenis", "periode_ke"),
        Index("ix_lks_pelanggaran_tenant_id_dipatuhi_pada", "tenant_id", "dipatuhi_pada"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    jenis: Mapped[str] = mapped_column(String(40))
    periode_ke: Mapped[int | None] = mapped_column(Integer)
    tanggal_mulai: Mapped[date] = mapped_column(Date)
    uraian: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(String(200))
    dipatuhi_pada: Mapped[date | None] = mapped_column(Date)
    # The ladder also ends, without compliance, when the permit is revoked (Pasal 65 ayat (4) d).
    berakhir_pada: Mapped[date | None] = mapped_column(Date)
    dicatat_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def berhenti_pada(self) -> date | None:
        """The last day the ladder may climb: complied with, or ended by revocation."""
        days = [d for d in (self.dipatuhi_pada, self.berakhir_pada) if d is not None]
        return min(days) if days else None


class Sanksi(TenantEntity, Base):
    """One step of a sanction for a breach (a written warning, a suspension, a fine, a
    revocation), dated by the law's intervals, each with the article imposing it."""

    __tablename__ = "lks_sanksi"
    __table_args__ = (
        tenant_fk(["organization_id"], "organizations"),
        tenant_fk(["pelanggaran_id"], "lks_pelanggaran"),
        UniqueConstraint("tenant_id", "pelanggaran_id", "langkah"),
        Index("ix_lks_sanksi_tenant_id_organization_id_tanggal", "tenant_id", "organization_id", "tanggal"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pelanggaran_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    langkah: Mapped[str] = mapped_column(String(40))
    urutan: Mapped[int] = mapped_column(Integer)
    tanggal: Mapped[date] = mapped_column(Date)
    citation: Mapped[str] = mapped_column(String(200))
    uraian: Mapped[str] = mapped_column(Text)
    jumlah_denda: Mapped[int | None] = mapped_column(BigInteger)
    ditetapkan_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))  # None: the daily tick
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Peringatan(TenantEntity, Base):
    """A deadline warning of the daily tick on an application (tanda pendaftaran due soon, or
    overdue): one per application and kind, addressed to its assigned officer."""

    __tablename__ = "lks_peringatan"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        UniqueConstraint("tenant_id", "case_id", "jenis"),
        Index("ix_lks_peringatan_tenant_id_untuk_user_id", "tenant_id", "untuk_user_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    jenis: Mapped[str] = mapped_column(String(40))  # mendekati_jatuh_tempo / terlambat
    tanggal: Mapped[date] = mapped_column(Date)
    jatuh_tempo: Mapped[date] = mapped_column(Date)
    untuk_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    pesan: Mapped[str] = mapped_column(String(500))
    citation: Mapped[str] = mapped_column(String(200))
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pengaturan(TenantScoped, Base):
    """The tenant's own settings of this service: how its tanda pendaftaran are numbered."""

    __tablename__ = "lks_pengaturan"

    format_nomor: Mapped[str] = mapped_column(String(100))
    diperbarui_oleh: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Penomoran(TenantScoped, Base):
    """The last serial number given per year (0: a format without {tahun} counts on forever);
    the row is locked while a number is taken, so two officers never get the same one."""

    __tablename__ = "lks_penomoran"

    tahun: Mapped[int] = mapped_column(Integer, primary_key=True)
    terakhir: Mapped[int] = mapped_column(Integer, default=0)


MODELS = (Lembaga, Operator, Pendaftaran, Izin, Laporan, Dokumen, Pelanggaran, Sanksi, Peringatan, Pengaturan, Penomoran)
