"""Rehabilitasi sosial's overdue deadlines for the tenant's dashboard (`kesos_overdue_deadlines`):
the open overdue-evaluation warnings the daily tick raised (Perbup Balangan 61/2017 Pasal 42
ayat (1): evaluation at least once in `evaluasi_interval_bulan` months — calendar months, so the
days overdue are calendar days). An evaluation settles the warning (services.add_evaluasi)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.sdk import Case, OverdueDeadline, OverdueDeadlines

from .jobs import JENIS
from .models import Peringatan


def overdue(session: Any, today: date, limit: int) -> OverdueDeadlines:
    joined = select(Peringatan.case_id, Peringatan.jatuh_tempo, Peringatan.citation).join(
        Case, (Case.id == Peringatan.case_id) & (Case.tenant_id == Peringatan.tenant_id)
    ).where(Peringatan.jenis == JENIS, Peringatan.selesai_pada.is_(None), Peringatan.jatuh_tempo < today, Case.status == "open")
    jumlah = session.scalar(select(func.count()).select_from(joined.subquery()))
    rows = session.execute(joined.order_by(Peringatan.jatuh_tempo, Peringatan.case_id).limit(limit)).all()
    return OverdueDeadlines(
        "rehabilitasi", jumlah, tuple(OverdueDeadline(cid, "Evaluasi kasus terlambat", due, False, cite) for cid, due, cite in rows)
    )


def jatuh_tempo(tenant: Any) -> Any:
    """`kesos_case_due_dates`: the due date of each open overdue-evaluation warning of an open
    case — the same rows `overdue` counts, so the case list's "terlambat" and the dashboard
    agree. The next evaluation of a case not yet late is not stored, so it is not given."""
    return select(Peringatan.case_id, Peringatan.jatuh_tempo).join(
        Case, (Case.id == Peringatan.case_id) & (Case.tenant_id == Peringatan.tenant_id)
    ).where(Peringatan.tenant_id == tenant.id, Peringatan.jenis == JENIS, Peringatan.selesai_pada.is_(None), Case.status == "open")
