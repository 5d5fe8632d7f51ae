"""Daily work of rehabilitasi sosial: flag open cases whose evaluation is overdue.

Perbup Balangan 61/2017 Pasal 42 ayat (1): evaluation at least once a year
(`evaluasi_interval_bulan`). Each open case is judged by its pinned profile; a profile without
the parameter (PP 39/2012) sets no such duty.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.sdk import Case, Tenant, case_profile, record_audit

from .models import Evaluasi, Peringatan
from .rules import CASE_TYPE, add_months
from .services import opened_on

JENIS = "evaluasi_terlambat"


def flag_overdue_evaluations(session: Any, kernel: Any, tenant: Tenant, day: date) -> int:
    """Insert one `evaluasi_terlambat` warning per open case whose last evaluation (or opening)
    plus the profile's interval is before `day`. Idempotent: a warning for the same case and due
    date is never inserted twice. A fixed number of queries, whatever the number of cases.
    Returns the number of warnings raised."""
    cases = list(session.scalars(select(Case).where(Case.case_type == CASE_TYPE, Case.status == "open")))
    if not cases:
        return 0
    ids = [c.id for c in cases]
    last_eval = dict(
        session.execute(
            select(Evaluasi.case_id, func.max(Evaluasi.tanggal)).where(Evaluasi.case_id.in_(ids)).group_by(Evaluasi.case_id)
        ).all()
    )
    existing = set(
        session.execute(
            select(Peringatan.case_id, Peringatan.jatuh_tempo).where(Peringatan.jenis == JENIS, Peringatan.case_id.in_(ids))
        ).all()
    )
    profiles: dict[tuple[str, int], Any] = {}
    raised = 0
    for case in cases:
        key = (case.profile_id, case.profile_version)
        if key not in profiles:
            profiles[key] = case_profile(session, kernel, tenant, case)
        profile = profiles[key]
        interval = profile.value("evaluasi_interval_bulan")
        if not interval:
            continue
        base = last_eval.get(case.id) or opened_on(case)
        due = add_months(base, interval)
        if not due < day or (case.id, due) in existing:
            continue
        citation = str(profile.citation("evaluasi_interval_bulan"))
        terakhir = "evaluasi terakhir" if case.id in last_eval else "kasus dibuka"
        session.add(
            Peringatan(
                case_id=case.id,
                jenis=JENIS,
                jatuh_tempo=due,
                pesan=(
                    f"Evaluasi kasus terlambat: {terakhir} {base.isoformat()}, evaluasi paling sedikit sekali "
                    f"dalam {interval} bulan (jatuh tempo {due.isoformat()})."
                ),
                citation=citation,
            )
        )
        existing.add((case.id, due))
        raised += 1
    if raised:
        session.flush()
        record_audit(session, "rehabilitasi.peringatan.evaluasi", "tenant", tenant.id, {"tanggal": day, "jumlah": raised})
    return raised
