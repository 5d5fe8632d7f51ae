"""The tenant's working-day calendar: its own days off, and deadline computation."""
from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api.common import current_tenant, require, session, tenant_blueprint
from core.errors import NotFound
from core.calendar import TENANT_DAY_OFF_REASON
from core.tenancy import calendar as days_off
from core.tenancy.calendar import tenant_calendar
from core.tenancy.models import TenantDayOff

blp = tenant_blueprint("calendar", __name__, "calendar", "Kalender hari kerja dan hari libur daerah")
BLUEPRINTS = [blp]


class DayOffSchema(Schema):
    tanggal = fields.Date(required=True)
    keterangan = fields.String(required=True, validate=validate.Length(min=2, max=200))


# Holiday data exists for these years only; far outside them a "deadline" means nothing (and
# year 9999 would overflow).
EARLIEST, LATEST = date(1950, 1, 1), date(2100, 12, 31)


class DeadlineQuerySchema(Schema):
    dari = fields.Date(
        required=True,
        validate=validate.Range(min=EARLIEST, max=LATEST, error=f"Tanggal harus antara {EARLIEST.isoformat()} dan {LATEST.isoformat()}."),
        metadata={"description": "tanggal mulai (tidak dihitung)"},
    )
    hari_kerja = fields.Integer(required=True, validate=validate.Range(min=0, max=365))


class DeadlineSchema(Schema):
    dari = fields.Date()
    hari_kerja = fields.Integer()
    jatuh_tempo = fields.Date()
    hari_libur_dilewati = fields.List(fields.Dict())


@blp.get("/days-off")
@require("calendar.read")
@blp.response(200, DayOffSchema(many=True))
def list_days_off() -> Any:
    return list(session().scalars(select(TenantDayOff).order_by(TenantDayOff.tanggal)))


@blp.post("/days-off")
@require("calendar.manage")
@blp.arguments(DayOffSchema)
@blp.response(201, DayOffSchema)
def add_day_off(body: dict[str, Any]) -> Any:
    """Tetapkan hari libur daerah: tenggat hari kerja bergeser karenanya."""
    return days_off.add_day_off(session(), current_tenant(), body["tanggal"], body["keterangan"])


@blp.delete("/days-off/<string:tanggal>")
@require("calendar.manage")
@blp.response(204)
def remove_day_off(tanggal: str) -> None:
    try:
        day_value = date.fromisoformat(tanggal)
    except ValueError as exc:
        raise NotFound() from exc
    if not days_off.remove_day_off(session(), current_tenant(), day_value):
        raise NotFound()


@blp.get("/deadline")
@require("calendar.read")
@blp.arguments(DeadlineQuerySchema, location="query")
@blp.response(200, DeadlineSchema)
def deadline(query: dict[str, Any]) -> Any:
    """Hitung tenggat dalam hari kerja (akhir pekan, libur nasional, cuti bersama bila
    berlaku, dan libur daerah tidak dihitung)."""
    s = session()
    cal = tenant_calendar(s, current_tenant())
    due = cal.add_working_days(query["dari"], query["hari_kerja"])
    # The tenant's own days off are shown with the reason it gave ("Libur daerah: Hari Jadi …").
    own: dict[date, str] = {
        tanggal: keterangan
        for tanggal, keterangan in s.execute(
            select(TenantDayOff.tanggal, TenantDayOff.keterangan).where(
                TenantDayOff.tanggal > query["dari"], TenantDayOff.tanggal <= due
            )
        )
    }
    skipped = []
    d = query["dari"]
    while d < due:
        d = date.fromordinal(d.toordinal() + 1)
        reason = cal.reason_off(d)
        if reason == TENANT_DAY_OFF_REASON and d in own:
            reason = f"{TENANT_DAY_OFF_REASON}: {own[d]}"
        if reason:
            skipped.append({"tanggal": d.isoformat(), "keterangan": reason})
    return {"dari": query["dari"], "hari_kerja": query["hari_kerja"], "jatuh_tempo": due, "hari_libur_dilewati": skipped}
