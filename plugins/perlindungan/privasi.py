"""Perlindungan's data about one person (UU 27/2022): what the export shows, and the aid
delivered that keeps it from being anonymised."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from core.sdk import RETENTION_CITATION, Case, Person, RuleViolation, export_row

from .models import Kegiatan, Kejadian, Penyaluran, Terdampak


def _cases_of(person: Person) -> Any:
    return select(Case.id).where(Case.person_id == person.id)


def ekspor(session: Any, person: Person) -> dict[str, Any] | None:
    """The events they (or their household) were affected by, the aid delivered under their
    cases and the activities of their advokasi / bantuan hukum cases."""
    subject = [Terdampak.person_id == person.id]
    if person.household_id is not None:
        subject.append(Terdampak.household_id == person.household_id)
    affected = session.execute(
        select(Terdampak, Kejadian).join(Kejadian, Kejadian.id == Terdampak.kejadian_id).where(or_(*subject))
        .order_by(Terdampak.dicatat_pada, Terdampak.id)
    ).all()
    aid = session.scalars(select(Penyaluran).where(Penyaluran.case_id.in_(_cases_of(person))).order_by(Penyaluran.tanggal, Penyaluran.id)).all()
    activities = session.scalars(select(Kegiatan).where(Kegiatan.case_id.in_(_cases_of(person))).order_by(Kegiatan.tanggal, Kegiatan.id)).all()
    if not affected and not aid and not activities:
        return None
    return {
        "terdampak": [export_row(t) | {"kejadian": {"nama": k.nama, "jenis": k.jenis, "tanggal_mulai": k.tanggal_mulai}} for t, k in affected],
        "penyaluran": [export_row(p) for p in aid],
        "kegiatan": [export_row(k) for k in activities],
    }


def simpan_penyaluran(session: Any, person: Person) -> None:
    """Aid delivered to them is a record the state must keep to account for it."""
    given = session.scalar(select(func.count()).select_from(Penyaluran).where(Penyaluran.case_id.in_(_cases_of(person))))
    if given:
        raise RuleViolation(
            "penyaluran_wajib_disimpan",
            f"Tercatat {given} penyaluran bantuan sosial kepada orang ini. Catatan penyaluran bantuan wajib disimpan "
            "untuk pertanggungjawaban, sehingga data orang ini tidak dapat dianonimkan.",
            RETENTION_CITATION,
        )
