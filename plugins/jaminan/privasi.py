"""Jaminan's data about one person (UU 27/2022): what the export shows, and the payments that
keep it from being anonymised."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.sdk import RETENTION_CITATION, Case, Person, RuleViolation, export_row

from .models import Penyaluran, RegisterPenerima


def _cases_of(person: Person) -> Any:
    return select(Case.id).where(Case.person_id == person.id)


def ekspor(session: Any, person: Person) -> dict[str, Any] | None:
    """Their rows in the official register (by NIK) and every payment of their cases."""
    register = session.scalars(select(RegisterPenerima).where(RegisterPenerima.nik_index == person.nik_index)).all()
    payments = session.scalars(
        select(Penyaluran).where(Penyaluran.case_id.in_(_cases_of(person))).order_by(Penyaluran.tanggal, Penyaluran.id)
    ).all()
    if not register and not payments:
        return None
    return {"data_resmi": [export_row(r) for r in register], "penyaluran": [export_row(p) for p in payments]}


def simpan_penyaluran(session: Any, person: Person) -> None:
    """A payment of state money to them is a record the state must keep to account for it.
    (Their row in the official register is the authorised agency's data set, corrected at its
    source and replaced by the next import: it is not touched here.)"""
    paid = session.scalar(select(func.count()).select_from(Penyaluran).where(Penyaluran.case_id.in_(_cases_of(person))))
    if paid:
        raise RuleViolation(
            "penyaluran_wajib_disimpan",
            f"Tercatat {paid} penyaluran jaminan sosial kepada orang ini. Catatan penyaluran dana negara wajib "
            "disimpan untuk pertanggungjawaban, sehingga data orang ini tidak dapat dianonimkan.",
            RETENTION_CITATION,
        )
