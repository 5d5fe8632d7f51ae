"""The `lks_pendaftaran` case type: an LKS's application for registration (PP 39/2012
Pasal 57–58).

    permohonan ──▶ lengkap ──▶ terdaftar        (this kabupaten/kota's own LKS)
        └────────▶ dirujuk                       (working area beyond it: referred)

Entering `lengkap` (requirements declared complete) starts the 14 working days of Pasal 58;
entering `terdaftar` issues the tanda pendaftaran. Both are the Dinas Sosial's acts and both
run the same guards whether they come through the plugin's endpoints or the kernel's
`/cases/<id>/advance`.
"""
from __future__ import annotations

from core.sdk import CaseType, Stage

from . import rules
from .schemas import LengkapSchema, TerbitkanSchema

STAGE_LABELS = {
    "permohonan": "Permohonan",
    "lengkap": "Persyaratan Lengkap",
    "terdaftar": "Terdaftar",
    "dirujuk": "Dirujuk ke Instansi Berwenang",
}

PENDAFTARAN_LKS = CaseType(
    name=rules.CASE_TYPE,
    plugin="lks",
    label="Pendaftaran Lembaga Kesejahteraan Sosial",
    stages=tuple(Stage(code, label) for code, label in STAGE_LABELS.items()),
    order_parameter="kewenangan_pendaftaran",
    subject_types=("organization",),
    transitions={"permohonan": ("lengkap", "dirujuk"), "lengkap": ("terdaftar",), "terdaftar": (), "dirujuk": ()},
    advance_schemas={"lengkap": LengkapSchema, "terdaftar": TerbitkanSchema},
    on_open=(rules.lembaga_tercatat,),
    guards={
        "lengkap": (rules.oleh_petugas, rules.dalam_kewenangan, rules.persyaratan_lengkap),
        "terdaftar": (rules.oleh_petugas, rules.dalam_kewenangan),
        # The referral is recorded when the application arrives, whoever submits it.
        "dirujuk": (rules.di_luar_kewenangan,),
    },
    final_stages=("terdaftar", "dirujuk"),
    assignment_roles=(rules.PETUGAS,),
)
