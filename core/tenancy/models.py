"""Tenants (kabupaten/kota), the plugins each one runs, and its own days off."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, Base, TenantScoped, Timestamped, new_id, utcnow


class Tenant(Timestamped, Base):
    """A kabupaten/kota government running Kesos. Platform-owned: not tenant-scoped itself."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    # Kemendagri region code, e.g. "63.11" for Kabupaten Balangan.
    kode_wilayah: Mapped[str] = mapped_column(String(13), unique=True)
    nama: Mapped[str] = mapped_column(String(200))
    provinsi: Mapped[str] = mapped_column(String(100))
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether cuti bersama count as days off in this tenant's working-day calendar.
    cuti_bersama_libur: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on every plugin toggle; each process compares it with its cache, so a toggle in
    # one web worker is seen by all without rebuilding hook callers per request.
    plugins_version: Mapped[int] = mapped_column(Integer, default=0)


class TenantPlugin(TenantScoped, Base):
    """Whether a tenant runs a plugin, and under which regulation profile. Never deleted:
    disabling keeps the row and all of the plugin's data."""

    __tablename__ = "tenant_plugins"

    plugin: Mapped[str] = mapped_column(String(63), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    profile_id: Mapped[str | None] = mapped_column(String(100))
    # The day it was last switched on: the daily tick never replays days before it (the plugin
    # was off then), while still catching up days missed since.
    enabled_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TenantDayOff(TenantScoped, Base):
    """A day off the tenant declares itself (libur daerah), on top of national holidays."""

    __tablename__ = "tenant_days_off"

    tanggal: Mapped[date] = mapped_column(Date, primary_key=True)
    keterangan: Mapped[str] = mapped_column(String(200))


class DailyTickRun(TenantScoped, Base):
    """One row per (tenant, plugin, day) whose daily work has run: makes the tick idempotent and
    lets it catch up the days it missed."""

    __tablename__ = "daily_tick_runs"

    plugin: Mapped[str] = mapped_column(String(63), primary_key=True)
    tanggal: Mapped[date] = mapped_column(Date, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
