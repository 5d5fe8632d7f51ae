"""Daily work of the LKS service, run by the kernel's tick once per tenant and day:

1. deadline warnings on applications declared complete (PP 39/2012 Pasal 58): the assigned
   officer is warned when the working days left reach the profile's `pengingat_hari_kerja`, and
   an application still without its tanda pendaftaran after the due date is flagged overdue;
2. missed periodic reports of foreign LKS become breaches (Pasal 62, 65 ayat (4));
3. the sanctions ladder climbs (Pasal 66–68).

Everything is a function of dates, dated by the law rather than by the tick: a warning carries
the day it fell due, a sanction the day the ladder reached it. Ticking twice changes nothing;
one tick after missed days gives what daily ticks would have.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select

from core.sdk import Case, CaseAssignment, Organization, record_audit, tenant_calendar, tenant_profile

from . import asing, rules, sanksi
from .models import Pendaftaran, Peringatan


def daily(session: Any, kernel: Any, tenant: Any, day: date) -> None:
    peringatan_jatuh_tempo(session, kernel, tenant, day)
    asing.catat_laporan_terlewat(session, kernel, tenant, day)
    sanksi.eskalasi(session, kernel, tenant, day)


def tanggal_pengingat(calendar: Any, lengkap: date, jatuh_tempo: date, sisa: int) -> date:
    """The first day on which at most `sisa` working days are left before `jatuh_tempo`."""
    day = lengkap
    while day < jatuh_tempo and calendar.working_days_between(day, jatuh_tempo) > sisa:
        day += timedelta(days=1)
    return day


def peringatan_jatuh_tempo(session: Any, kernel: Any, tenant: Any, day: date) -> list[Peringatan]:
    profile = tenant_profile(session, kernel, tenant, "lks")
    cite = str(profile.citation("batas_tanda_pendaftaran_hari_kerja"))
    sisa = profile.value("pengingat_hari_kerja")
    calendar = tenant_calendar(session, tenant)
    rows = session.execute(
        select(Pendaftaran, Organization.nama)
        .join(Organization, (Organization.id == Pendaftaran.organization_id) & (Organization.tenant_id == Pendaftaran.tenant_id))
        .where(Pendaftaran.jatuh_tempo.is_not(None), Pendaftaran.tanggal_lengkap <= day)
        # issued long before `day`: nothing left to warn about
        .where(Pendaftaran.tanggal_terbit.is_(None) | (Pendaftaran.tanggal_terbit >= day - timedelta(days=120)))
    ).all()
    if not rows:
        return []
    ids = [p.case_id for p, _ in rows]
    have = {(w.case_id, w.jenis) for w in session.scalars(select(Peringatan).where(Peringatan.case_id.in_(ids)))}
    officer: dict[uuid.UUID, uuid.UUID] = {}
    for a in session.scalars(
        select(CaseAssignment).where(CaseAssignment.case_id.in_(ids), CaseAssignment.peran == rules.PETUGAS).order_by(CaseAssignment.assigned_at.desc())
    ):
        officer[a.case_id] = a.user_id  # the earliest assigned officer wins
    created = []
    for p, nama in rows:
        due = {
            "mendekati_jatuh_tempo": tanggal_pengingat(calendar, p.tanggal_lengkap, p.jatuh_tempo, sisa),
            "terlambat": p.jatuh_tempo + timedelta(days=1),
        }
        for jenis, on in due.items():
            if (p.case_id, jenis) in have or on > day or (p.tanggal_terbit is not None and p.tanggal_terbit < on):
                continue
            if jenis == "terlambat":
                pesan = f"Tanda pendaftaran {nama} melewati batas {p.jatuh_tempo.isoformat()} ({profile.value('batas_tanda_pendaftaran_hari_kerja')} hari kerja sejak persyaratan lengkap) dan belum diterbitkan."
            else:
                left = calendar.working_days_between(on, p.jatuh_tempo)
                pesan = f"Tanda pendaftaran {nama} jatuh tempo {p.jatuh_tempo.isoformat()}: tinggal {left} hari kerja."
            w = Peringatan(case_id=p.case_id, jenis=jenis, tanggal=on, jatuh_tempo=p.jatuh_tempo, untuk_user_id=officer.get(p.case_id), pesan=pesan, citation=cite)
            session.add(w)
            created.append(w)
    if created:
        session.flush()
        record_audit(session, "lks.peringatan.jatuh_tempo", "tenant", tenant.id, {"tanggal": day, "jumlah": len(created)})
    return created


def peringatan_query(untuk: uuid.UUID | None = None) -> Select[Any]:
    """Warnings of applications still waiting for their mark, newest first."""
    stmt = (
        select(Peringatan)
        .join(Case, (Case.id == Peringatan.case_id) & (Case.tenant_id == Peringatan.tenant_id))
        .where(Case.status == "open")
        .order_by(Peringatan.tanggal.desc(), Peringatan.id)
    )
    if untuk is not None:
        stmt = stmt.where(Peringatan.untuk_user_id == untuk)
    return stmt
