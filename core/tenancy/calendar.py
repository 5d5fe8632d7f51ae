"""The working-day calendar of one tenant: national holidays, its cuti bersama choice, and the
days off it declares itself."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar import WorkingDayCalendar
from core.db import tenant_context
from core.tenancy.models import Tenant, TenantDayOff


# Indonesia's dates are local: an action at 07:00 WITA is "today" there while UTC is still
# yesterday. Kesos uses Western Indonesia Time unless a later issue adds per-tenant zones.
_WIB = timezone(timedelta(hours=7))


def local_today() -> date:
    return datetime.now(_WIB).date()


def tenant_calendar(session: Session, tenant: Tenant) -> WorkingDayCalendar:
    with tenant_context(tenant.id):
        days = session.scalars(select(TenantDayOff.tanggal).where(TenantDayOff.tenant_id == tenant.id))
        return WorkingDayCalendar(list(days), cuti_bersama_libur=tenant.cuti_bersama_libur)


def add_working_days(start: date, n: int, tenant: Tenant, session: Session | None = None) -> date:
    """The date `n` hari kerja after `start` for `tenant` (e.g. PP 39/2012 Pasal 58: the tanda
    pendaftaran is due 14 working days after the requirements are declared complete)."""
    if session is None:
        from core.kernel import get_kernel

        session = get_kernel().db.session()
    return tenant_calendar(session, tenant).add_working_days(start, n)


# -- the tenant's own days off (hari libur daerah): one place for the API and the console --------

DAY_OFF_EXISTS = "Tanggal ini sudah ditetapkan sebagai hari libur."


def add_day_off(session: Session, tenant: Tenant, tanggal: date, keterangan: str) -> TenantDayOff:
    """Declare a day off: working-day deadlines move past it. Audited."""
    from core import audit
    from core.errors import Conflict

    if session.get(TenantDayOff, (tenant.id, tanggal)) is not None:
        raise Conflict("hari_libur_sudah_ada", DAY_OFF_EXISTS)
    day = TenantDayOff(tanggal=tanggal, keterangan=keterangan)
    session.add(day)
    session.flush()
    audit.record(session, "calendar.day_off.add", "day_off", tanggal, {"tanggal": tanggal, "keterangan": keterangan})
    return day


def remove_day_off(session: Session, tenant: Tenant, tanggal: date) -> bool:
    """Withdraw a day off; False when the date was not (or no longer) one. Audited."""
    from core import audit

    day = session.get(TenantDayOff, (tenant.id, tanggal))
    if day is None:
        return False
    audit.record(session, "calendar.day_off.remove", "day_off", tanggal, {"keterangan": day.keterangan})
    session.delete(day)
    return True
