"""The `pemberdayaan_sosial` case type: persiapan pemberdayaan, pelaksanaan pemberdayaan and
pendayagunaan berkelanjutan (PP 39/2012 Pasal 25 ayat (1)), in that order; the case may be closed
once it has reached pendayagunaan berkelanjutan."""
from __future__ import annotations

from core.sdk import CaseType, Stage

from . import rules
from .schemas import PemberdayaanDataSchema

STAGE_LABELS = {
    "persiapan": "Persiapan Pemberdayaan",
    "pelaksanaan": "Pelaksanaan Pemberdayaan",
    "pendayagunaan_berkelanjutan": "Pendayagunaan Berkelanjutan",
}

PEMBERDAYAAN_SOSIAL = CaseType(
    name=rules.CASE_TYPE,
    plugin="pemberdayaan",
    label="Pemberdayaan Sosial",
    stages=tuple(Stage(code, label) for code, label in STAGE_LABELS.items()),
    order_parameter="tahapan",
    subject_types=("person", "household", "community", "organization"),
    data_schema=PemberdayaanDataSchema,
    on_open=rules.ON_OPEN,
    closable_stages=("pendayagunaan_berkelanjutan",),
)
