"""The LKS service's overdue deadlines for the tenant's dashboard (`kesos_overdue_deadlines`):
an application declared complete whose tanda pendaftaran is still not issued after its due date,
PP 39/2012 Pasal 58 (14 hari kerja, `batas_tanda_pendaftaran_hari_kerja`). The same rule as the
list's `terlambat=true` filter (pendaftaran.query), so the dashboard and the list agree."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.sdk import Case, OverdueDeadline, OverdueDeadlines, tenant_profile

from . import rules
from .models import Pendaftaran

JENIS = "Tanda pendaftaran belum diterbitkan"


def overdue(session: Any, kernel: Any, tenant: Any, today: date, limit: int) -> OverdueDeadlines:
    late = (
        Case.case_type == rules.CASE_TYPE, Case.status == "open",
        Pendaftaran.jatuh_tempo < today, Pendaftaran.nomor.is_(None),
    )
    joined = select(Pendaftaran.case_id, Pendaftaran.jatuh_tempo).join(
        Case, (Case.id == Pendaftaran.case_id) & (Case.tenant_id == Pendaftaran.tenant_id)
    ).where(*late)
    jumlah = session.scalar(select(func.count()).select_from(joined.subquery()))
    rows = session.execute(joined.order_by(Pendaftaran.jatuh_tempo, Pendaftaran.case_id).limit(limit)).all()
    cite = str(tenant_profile(session, kernel, tenant, "lks").citation("batas_tanda_pendaftaran_hari_kerja"))
    return OverdueDeadlines("lks", jumlah, tuple(OverdueDeadline(cid, JENIS, due, True, cite) for cid, due in rows))


def jatuh_tempo(tenant: Any) -> Any:
    """`kesos_case_due_dates`: the day each open application declared complete must have its
    tanda pendaftaran by — the date computed in hari kerja from the tenant's calendar when it
    was declared complete (pendaftaran.on_advanced) and stored, until the mark is issued."""
    return select(Pendaftaran.case_id, Pendaftaran.jatuh_tempo).join(
        Case, (Case.id == Pendaftaran.case_id) & (Case.tenant_id == Pendaftaran.tenant_id)
    ).where(
        Pendaftaran.tenant_id == tenant.id, Case.case_type == rules.CASE_TYPE, Case.status == "open",
        Pendaftaran.jatuh_tempo.is_not(None), Pendaftaran.nomor.is_(None),
    )
