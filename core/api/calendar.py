"""The tenant's working-day calendar: its own days off, and deadline computation."""
from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core import audit
from core.api.common import current_tenant, require, session, tenant_blueprint
from core.errors import Conflict, NotFound
from core.tenancy.calendar import tenant_calendar
from core.tenancy.models import TenantDayOff

blp = tenant_blueprint("calendar", __name__, "calendar", "Kalender hari kerja dan hari libur daerah")
BLUEPRINTS = [blp]


class DayOffSchema(Schema):
    tanggal = fields.Date(required=True)
    keterangan = fields.String(required=True, validate=validate.Length(min=2, max=200))


class DeadlineQuerySchema(Schema):
    dari = fields.Date(required=True, metadata={"description": "tanggal mulai (tidak dihitung)"})
    hari_kerja = fields.Integer(required=True, validate=validate.Range(min=0, max=365))


class DeadlineSchema(Schema):
    dari = fields.Date()
    hari_kerja = fields.Integer()
    jatuh_tempo = fields.Date()
    hari_libur_dilewati = fields.List(fields.Dict())


@blp.get("/days-off")
@blp.response(200, DayOffSchema(many=True))
@require("calendar.read")
def list_days_off() -> Any:
    return list(session().scalars(select(TenantDayOff).order_by(TenantDayOff.tanggal)))


@blp.post("/days-off")
@blp.arguments(DayOffSchema)
@blp.response(201, DayOffSchema)
@require("calendar.manage")
def add_day_off(body: dict[str, Any]) -> Any:
    """Tetapkan hari libur daerah: tenggat hari kerja bergeser karenanya."""
    s = session()
    if s.get(TenantDayOff, (current_tenant().id, body["tanggal"])) is not None:
        raise Conflict("hari_libur_sudah_ada", "Tanggal ini sudah ditetapkan sebagai hari libur.")
    day = TenantDayOff(**body)
    s.add(day)
    s.flush()
    audit.record(s, "calendar.day_off.add", "day_off", body["tanggal"], body)
    return day


@blp.delete("/days-off/<string:tanggal>")
@blp.response(204)
@require("calendar.manage")
def remove_day_off(tanggal: str) -> None:
    s = session()
    try:
        day_value = date.fromisoformat(tanggal)
    except ValueError as exc:
        raise NotFound() from exc
    day = s.get(TenantDayOff, (current_tenant().id, day_value))
    if day is None:
        raise NotFound()
    audit.record(s, "calendar.day_off.remove", "day_off", day_value, {"keterangan": day.keterangan})
    s.delete(day)


@blp.get("/deadline")
@blp.arguments(DeadlineQuerySchema, location="query")
@blp.response(200, DeadlineSchema)
@require("calendar.read")
def deadline(query: dict[str, Any]) -> Any:
    """Hitung tenggat dalam hari kerja (akhir pekan, libur nasional, cuti bersama bila
    berlaku, dan libur daerah tidak dihitung)."""
    cal = tenant_calendar(session(), current_tenant())
    due = cal.add_working_days(query["dari"], query["hari_kerja"])
    skipped = []
    d = query["dari"]
    while d < due:
        d = date.fromordinal(d.toordinal() + 1)
        reason = cal.reason_off(d)
        if reason:
            skipped.append({"tanggal": d.isoformat(), "keterangan": reason})
    return {"dari": query["dari"], "hari_kerja": query["hari_kerja"], "jatuh_tempo": due, "hari_libur_dilewati": skipped}
