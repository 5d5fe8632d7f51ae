"""Numbers of tanda pendaftaran: unique per tenant, in a format the tenant chooses.

The format is a Python format string over a fixed set of fields, e.g. the default
`{urut:04d}/LKS/{kode_wilayah}/{tahun}` → `0007/LKS/63.11/2026`. A format with `{tahun}` counts
from 1 each year; one without counts on. The counter row is locked while a number is taken.
"""
from __future__ import annotations

import string
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from core.sdk import InvalidInput, record_audit

from .models import Pendaftaran, Penomoran, Pengaturan

DEFAULT_FORMAT = "{urut:04d}/LKS/{kode_wilayah}/{tahun}"
FIELDS = ("urut", "tahun", "bulan", "kode_wilayah", "slug")


def _render(fmt: str, tenant: Any, urut: int, on: date) -> str:
    return fmt.format(urut=urut, tahun=on.year, bulan=f"{on.month:02d}", kode_wilayah=tenant.kode_wilayah, slug=tenant.slug)


def check_format(fmt: str, tenant: Any) -> None:
    """Only the known fields, `{urut}` among them, and a result that fits the column."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None]
    except ValueError as exc:
        raise InvalidInput({"format_nomor": [f"Format tidak sah: {exc}."]}) from exc
    unknown = sorted({n for n in names if n not in FIELDS})
    if unknown:
        raise InvalidInput({"format_nomor": [f"Tanda tidak dikenal: {', '.join(unknown)}; yang tersedia: {', '.join(FIELDS)}."]})
    if "urut" not in names:
        raise InvalidInput({"format_nomor": ["Format wajib memuat {urut} agar setiap nomor berbeda."]})
    try:
        sample = _render(fmt, tenant, 99999, date(2099, 12, 31))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise InvalidInput({"format_nomor": [f"Format tidak dapat dipakai: {exc}."]}) from exc
    if len(sample) > 100:
        raise InvalidInput({"format_nomor": ["Nomor yang dihasilkan lebih dari 100 karakter."]})


def format_nomor(session: Any) -> str:
    row = session.scalar(select(Pengaturan))
    return row.format_nomor if row is not None else DEFAULT_FORMAT


def set_format(session: Any, tenant: Any, fmt: str, actor_id: uuid.UUID) -> Pengaturan:
    fmt = fmt.strip()
    check_format(fmt, tenant)
    row = session.scalar(select(Pengaturan))
    before = row.format_nomor if row is not None else DEFAULT_FORMAT
    if row is None:
        row = Pengaturan(format_nomor=fmt, diperbarui_oleh=actor_id)
        session.add(row)
    else:
        row.format_nomor, row.diperbarui_oleh = fmt, actor_id
    session.flush()
    if before != fmt:
        record_audit(session, "lks.pengaturan.format_nomor", "tenant", tenant.id, {"sebelum": before, "sesudah": fmt})
    return row


def ambil_nomor(session: Any, tenant: Any, on: date) -> str:
    """The next number, taken under a row lock (FOR UPDATE on PostgreSQL; SQLite serialises
    writers anyway)."""
    fmt = format_nomor(session)
    tahun = on.year if "{tahun" in fmt else 0
    counter = session.scalar(select(Penomoran).where(Penomoran.tahun == tahun).with_for_update())
    if counter is None:
        counter = Penomoran(tahun=tahun, terakhir=0)
        session.add(counter)
    while True:
        # A changed format may meet numbers given under the old one: skip those, never reuse.
        counter.terakhir += 1
        nomor = _render(fmt, tenant, counter.terakhir, on)
        if session.scalar(select(Pendaftaran.case_id).where(Pendaftaran.nomor == nomor)) is None:
            break
    session.flush()
    return nomor
