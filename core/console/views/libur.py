"""The tenant's own days off (hari libur daerah): list (calendar.read), add and remove
(calendar.manage, tenant_admin), as /api/v1/tenants/<t>/calendar/days-off does — the same
schema, the same refusal of a date already set, the same audit entries. Each form acts once."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, make_response, render_template, url_for
from marshmallow import Schema
from sqlalchemy import select

from core.api.calendar import DayOffSchema
from core.api.common import current_tenant, has_permission, require, session
from core.console.blueprint import bp
from core.console.forms import Form, submit
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy.calendar import DAY_OFF_EXISTS, add_day_off, remove_day_off
from core.tenancy.models import TenantDayOff


def _page(form: Form | None = None) -> str:
    days = list(session().scalars(select(TenantDayOff).order_by(TenantDayOff.tanggal)))
    return render_template(
        "konsol/libur/libur.html", tenant=current_tenant(), days=days, form=form or Form(DayOffSchema()),
        remove_forms={d.tanggal: Form(Schema()) for d in days}, can_manage=has_permission("calendar.manage"),
    )


@bp.get("/<tenant>/hari-libur")
@require("calendar.read")
def libur() -> Response:
    return make_response(_page())


@bp.post("/<tenant>/hari-libur")
@require("calendar.manage")
def tambah_libur() -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        try:
            add_day_off(session(), tenant, data["tanggal"], data["keterangan"])
        except Conflict as exc:  # the API's refusal, said next to the date the user typed
            raise InvalidInput({"tanggal": [DAY_OFF_EXISTS]}) from exc
        return url_for("konsol.libur", tenant=tenant.slug) + f"#libur-{data['tanggal'].isoformat()}"

    return submit(Form.from_request(DayOffSchema()), action, _page)


@bp.post("/<tenant>/hari-libur/<tanggal>/hapus")
@require("calendar.manage")
def hapus_libur(tanggal: str) -> Response:
    tenant = current_tenant()
    try:
        day_value = date.fromisoformat(tanggal)
    except ValueError as exc:
        raise NotFound() from exc

    def action(_data: dict[str, Any]) -> str:
        if not remove_day_off(session(), tenant, day_value):
            raise Conflict("hari_libur_tidak_ada", "Tanggal ini tidak (lagi) ditetapkan sebagai hari libur.")
        return url_for("konsol.libur", tenant=tenant.slug)

    return submit(Form.from_request(Schema()), action, lambda form: _page())
