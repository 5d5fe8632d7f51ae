"""The fixture's rules: every parameter from the case's pinned profile, every refusal cited."""
from __future__ import annotations

from datetime import date

from core.sdk import CaseContext, Person, RuleViolation, get_owned


def usia_minimum(ctx: CaseContext) -> None:
    """Opening needs the person to be at least `usia_minimum` years old."""
    person = get_owned(ctx.session, Person, ctx.case.person_id)
    minimum = ctx.profile.value("usia_minimum")
    today = date.today()
    age = today.year - person.tanggal_lahir.year - ((today.month, today.day) < (person.tanggal_lahir.month, person.tanggal_lahir.day))
    if age < minimum:
        raise RuleViolation(
            "usia_di_bawah_minimum",
            f"Usia penerima {age} tahun; minimal {minimum} tahun.",
            ctx.profile.citation("usia_minimum"),
        )


def catatan_penutup(ctx: CaseContext) -> None:
    """Closing needs a closing note when the profile requires one."""
    if ctx.profile.value("wajib_catatan_penutup") and not ctx.data.get("catatan"):
        raise RuleViolation(
            "catatan_penutup_wajib",
            "Kasus tidak dapat diselesaikan tanpa catatan penutup.",
            ctx.profile.citation("wajib_catatan_penutup"),
        )
