"""The `rehabilitasi_sosial` case type: the seven stages of PP 39/2012 Pasal 7 ayat (2) /
Perbup Balangan 61/2017 Pasal 18 ayat (1), with the rules that guard opening, moving and
assigning workers."""
from __future__ import annotations

from core.sdk import CaseType, Stage

from . import rules
from .schemas import CatatanTahapSchema, KasusDataSchema, TerminasiSchema

STAGE_LABELS = (
    ("pendekatan_awal", "Pendekatan Awal"),
    ("pengungkapan_pemahaman_masalah", "Pengungkapan dan Pemahaman Masalah"),
    ("penyusunan_rencana", "Penyusunan Rencana Pemecahan Masalah"),
    ("pemecahan_masalah", "Pemecahan Masalah"),
    ("resosialisasi", "Resosialisasi"),
    ("terminasi", "Terminasi"),
    ("bimbingan_lanjut", "Bimbingan Lanjut"),
)
STAGES = tuple(Stage(code, label) for code, label in STAGE_LABELS)
PLAN_STAGES = ("penyusunan_rencana", "pemecahan_masalah")


def _guards() -> dict[str, tuple]:
    guards: dict[str, tuple] = {code: (rules.petugas_utama_ditugaskan,) for code, _ in STAGE_LABELS[1:]}
    guards["pemecahan_masalah"] += (rules.rencana_tersusun,)
    guards["terminasi"] += (rules.syarat_terminasi_terpenuhi,)
    return guards


REHABILITASI_SOSIAL = CaseType(
    name=rules.CASE_TYPE,
    plugin="rehabilitasi",
    label="Rehabilitasi Sosial",
    stages=STAGES,
    order_parameter="tahapan",
    subject_types=("person",),
    data_schema=KasusDataSchema,
    advance_schemas={"terminasi": TerminasiSchema, "*": CatatanTahapSchema},
    on_open=rules.ON_OPEN,
    guards=_guards(),
    assign_guards=rules.ASSIGN_GUARDS,
    closable_stages=("bimbingan_lanjut",),
    assignment_roles=(rules.UTAMA, rules.PENDUKUNG),
)
