"""Pemberdayaan's data about one person (UU 27/2022): what the export shows, and the stimulus
that keeps it from being anonymised."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from core.sdk import RETENTION_CITATION, Case, Person, RuleViolation, export_row

from .models import Anggota, Stimulan


def _cases_of(person: Person) -> Any:
    """Cases of which they are the subject or a member of the group empowered."""
    member_of = select(Anggota.case_id).where(Anggota.person_id == person.id)
    return select(Case.id).where(or_(Case.person_id == person.id, Case.id.in_(member_of)))


def ekspor(session: Any, person: Person) -> dict[str, Any] | None:
    """Their memberships and the stimulus given in those cases."""
    members = session.scalars(select(Anggota).where(Anggota.person_id == person.id).order_by(Anggota.ditambahkan_pada, Anggota.id)).all()
    stimulus = session.scalars(select(Stimulan).where(Stimulan.case_id.in_(_cases_of(person))).order_by(Stimulan.tanggal, Stimulan.id)).all()
    if not members and not stimulus:
        return None
    return {"anggota": [export_row(m) for m in members], "stimulan": [export_row(s) for s in stimulus]}


def simpan_stimulan(session: Any, person: Person) -> None:
    """A stimulus given to them, or to a group they belong to, is a record of state aid that
    must be kept, with who received it."""
    given = session.scalar(select(func.count()).select_from(Stimulan).where(Stimulan.case_id.in_(_cases_of(person))))
    if given:
        raise RuleViolation(
            "stimulan_wajib_disimpan",
            f"Tercatat {given} stimulan pemberdayaan sosial bagi orang ini atau kelompoknya. Catatan bantuan beserta "
            "penerimanya wajib disimpan untuk pertanggungjawaban, sehingga data orang ini tidak dapat dianonimkan.",
            RETENTION_CITATION,
        )
