"""The activities of a case's current stage as a checklist, for the console's case page
(`kesos_case_checklist`): the regulation's list for the stage (Perbup Balangan 61/2017 Pasal
19–25, `kegiatan_tahapan` of the pinned profile), each ticked once an activity with its code is
recorded in that stage. A profile that lists none for the stage (PP 39/2012) gives None."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from . import rules
from .models import Kegiatan


def checklist(session: Any, case: Any, profile: Any) -> list[dict[str, Any]] | None:
    if case.case_type != rules.CASE_TYPE:
        return None
    listed = (profile.value("kegiatan_tahapan") or {}).get(case.stage) or []
    if not listed:
        return None
    done = set(session.scalars(select(Kegiatan.kode).where(Kegiatan.case_id == case.id, Kegiatan.tahap == case.stage)))
    return [{"label": item.get("label") or item["kode"], "selesai": item["kode"] in done} for item in listed]
