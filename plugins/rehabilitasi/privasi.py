"""Rehabilitasi's data about one person (UU 27/2022), for the export: the activities, plan,
monitoring, evaluations and warnings of their cases."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.sdk import Case, Person, export_row

from .models import Evaluasi, Kegiatan, Pemantauan, Peringatan, Rencana


def ekspor(session: Any, person: Person) -> dict[str, Any] | None:
    cases = select(Case.id).where(Case.person_id == person.id)
    out = {
        "kegiatan": session.scalars(select(Kegiatan).where(Kegiatan.case_id.in_(cases)).order_by(Kegiatan.tanggal, Kegiatan.id)).all(),
        "rencana": session.scalars(select(Rencana).where(Rencana.case_id.in_(cases)).order_by(Rencana.id)).all(),
        "pemantauan": session.scalars(select(Pemantauan).where(Pemantauan.case_id.in_(cases)).order_by(Pemantauan.tanggal, Pemantauan.id)).all(),
        "evaluasi": session.scalars(select(Evaluasi).where(Evaluasi.case_id.in_(cases)).order_by(Evaluasi.tanggal, Evaluasi.id)).all(),
        "peringatan": session.scalars(select(Peringatan).where(Peringatan.case_id.in_(cases)).order_by(Peringatan.jatuh_tempo, Peringatan.id)).all(),
    }
    if not any(out.values()):
        return None
    return {key: [export_row(row) for row in rows] for key, rows in out.items()}
