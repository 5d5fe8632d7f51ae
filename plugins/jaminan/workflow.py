"""The `jaminan_sosial` case type: an application, its verification, the active beneficiary
(payments recorded per period), and the end of the benefit."""
from __future__ import annotations

from core.sdk import CaseType, Stage

from . import rules
from .schemas import JaminanDataSchema

STAGE_LABELS = {
    "permohonan": "Permohonan",
    "verifikasi": "Verifikasi",
    "penerima": "Penerima Aktif",
    "berhenti": "Berhenti",
}

JAMINAN_SOSIAL = CaseType(
    name=rules.CASE_TYPE,
    plugin="jaminan",
    label="Jaminan Sosial",
    stages=tuple(Stage(code, label) for code, label in STAGE_LABELS.items()),
    order_parameter="kategori_penerima",
    subject_types=("person",),
    data_schema=JaminanDataSchema,
    on_open=rules.ON_OPEN,
    # a benefit may end at any point: an application withdrawn, a beneficiary no longer eligible
    transitions={"permohonan": ("verifikasi", "berhenti"), "verifikasi": ("penerima", "berhenti"), "penerima": ("berhenti",), "berhenti": ()},
    final_stages=("berhenti",),
)
