"""Jinja filters of the console: profile values and role names as people read them."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import Flask
from flask_babel import format_date
from flask_babel import gettext as _


def nilai(value: Any) -> str:
    """A regulation profile's value: yes/no, lists joined, mappings as `key: value`."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, date):
        return format_date(value, "long")
    if isinstance(value, Mapping):
        if "label" in value:  # an item of a list the law enumerates: its letter and its words
            return f"{value['huruf']}. {value['label']}" if value.get("huruf") else str(value["label"])
        return "; ".join(f"{k}: {nilai(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return "; ".join(nilai(v) for v in value) or "—"
    return str(value)


# Times are stored in UTC; people read them in Western Indonesia Time, the zone the legal day
# is counted in (core/tenancy/calendar.py).
WIB = timezone(timedelta(hours=7))


def waktu(value: datetime | None) -> str:
    """A stored instant as a WIB wall-clock time."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(WIB).strftime("%d-%m-%Y %H:%M")


def peran(role: str) -> str:
    return {
        "platform_admin": _("Admin platform"),
        "tenant_admin": _("Admin Dinas Sosial"),
        "officer": _("Petugas"),
        "peksos": _("Pekerja Sosial Profesional"),
        "tks": _("Tenaga Kesejahteraan Sosial"),
        "lks_operator": _("Operator LKS"),
        "auditor": _("Auditor"),
    }.get(role, role)


def register_filters(app: Flask) -> None:
    app.add_template_filter(nilai, "nilai")
    app.add_template_filter(peran, "peran")
    app.add_template_filter(waktu, "waktu")
