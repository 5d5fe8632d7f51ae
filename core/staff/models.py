"""Users, their roles per tenant, bearer tokens, and staff credentials."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, Base, TenantEntity, Timestamped, new_id

ROLES = ("tenant_admin", "officer", "peksos", "tks", "lks_operator", "auditor")
ROLE_LABELS = {
    "platform_admin": "Admin platform",
    "tenant_admin": "Admin Dinas Sosial",
    "officer": "Petugas",
    "peksos": "Pekerja Sosial Profesional",
    "tks": "Tenaga Kesejahteraan Sosial",
    "lks_operator": "Operator LKS",
    "auditor": "Auditor",
}


class User(Timestamped, Base):
    """A person who logs in. Platform-owned: one account may hold roles in several tenants."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_oidc_subject", "oidc_subject", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    nama: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    # Signs in through the region's identity provider (OpenID Connect, core/oidc.py): no local
    # password, roles set from the provider's claim at every login.
    eksternal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The provider's `sub`: stable where a username may be renamed or reassigned.
    oidc_subject: Mapped[str | None] = mapped_column(String(255))


class Membership(Timestamped, Base):
    """A user's role in a tenant.

    Access-control data, not welfare data: it is platform-owned (no RLS) because logging in must
    list every tenant a user works in before any tenant is chosen. Services always filter it by
    tenant explicitly.
    """

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_tenant_id_role", "tenant_id", "role"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored, so a database dump yields no usable token."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """Failed logins of one username, counted in the database so a lockout holds across every
    web pod. Keyed by the username as typed — known or not — so that locking out reveals
    nothing about which accounts exist."""

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffCredential(Timestamped, TenantEntity, Base):
    """A staff member's qualifications in one tenant (PP 39/2012 Pasal 8 and 73: a Pekerja Sosial
    Profesional needs a competence certificate and a practice licence; Perbup Balangan 61/2017
    Pasal 27–28: education levels of Peksos and TKS)."""

    __tablename__ = "staff_credentials"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="RESTRICT"))
    jabatan: Mapped[str | None] = mapped_column(String(100))
    # e.g. "SMA", "D3", "D4", "S1", "S2", "S3"
    pendidikan: Mapped[str | None] = mapped_column(String(10))
    bidang_pendidikan: Mapped[str | None] = mapped_column(String(200))
    nomor_sertifikat: Mapped[str | None] = mapped_column(String(100))
    sertifikat_berlaku_sampai: Mapped[date | None] = mapped_column(Date)
    nomor_izin_praktik: Mapped[str | None] = mapped_column(String(100))
    izin_praktik_berlaku_sampai: Mapped[date | None] = mapped_column(Date)
