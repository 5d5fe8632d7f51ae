"""A case of another service referred to jaminan sosial (e.g. a rehabilitation client who will
need sustained aid): the referral carries the application's data (program, kategori, …) and opens
a jaminan case at permohonan for the same person, through the same opening rules as an
application made here — a refusal (e.g. someone not in the official register, Pasal 13) refuses
the referral, and nothing is kept."""
from __future__ import annotations

from typing import Any

from core.sdk import Case, RuleViolation, Tenant, get_kernel, tenant_profile

from . import services


def terima(session: Any, tenant: Tenant, referral: Any, case: Case) -> dict[str, Any]:
    kernel = get_kernel()
    if case.subject_type != "person" or case.person_id is None:
        profile = tenant_profile(session, kernel, tenant, "jaminan")
        raise RuleViolation(
            "rujukan_bukan_perseorangan", "Jaminan sosial diberikan kepada perseorangan; rujuk kasus seseorang.",
            profile.citation("kategori_penerima"),
        )
    baru = services.ajukan(session, kernel, tenant, {"person_id": case.person_id, "data": referral.data}, referral.dibuat_oleh)
    return {"case_id": str(baru.id), "case_type": baru.case_type, "stage": baru.stage}
