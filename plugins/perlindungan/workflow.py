"""The case types of perlindungan sosial (Pasal 28 ayat (3)): bantuan sosial — given, then
declared finished —, advokasi sosial and bantuan hukum — carried out with their activities, then
finished."""
from __future__ import annotations

from core.sdk import CaseType, Stage

from . import rules
from .schemas import (
    AdvokasiDataSchema,
    BantuanHukumDataSchema,
    BantuanSosialDataSchema,
    SelesaiBantuanSchema,
    SelesaiKasusSchema,
)

BANTUAN_STAGES = {"penyaluran": "Penyaluran Bantuan", "selesai": "Dinyatakan Selesai"}
KASUS_STAGES = {"pelaksanaan": "Pelaksanaan", "selesai": "Selesai"}
STAGE_LABELS = BANTUAN_STAGES | KASUS_STAGES

BANTUAN_SOSIAL = CaseType(
    name=rules.BANTUAN_SOSIAL,
    plugin="perlindungan",
    label="Bantuan Sosial",
    stages=tuple(Stage(c, lbl) for c, lbl in BANTUAN_STAGES.items()),
    order_parameter="sifat_bantuan_sosial",
    subject_types=("person", "household"),
    data_schema=BantuanSosialDataSchema,
    advance_schemas={"selesai": SelesaiBantuanSchema},
    on_open=rules.BANTUAN_ON_OPEN,
    guards={"selesai": (rules.selesai_bantuan,)},
    final_stages=("selesai",),
)

ADVOKASI_SOSIAL = CaseType(
    name=rules.ADVOKASI_SOSIAL,
    plugin="perlindungan",
    label="Advokasi Sosial",
    stages=tuple(Stage(c, lbl) for c, lbl in KASUS_STAGES.items()),
    order_parameter="bentuk_advokasi",
    subject_types=("person", "household", "community"),  # seseorang, keluarga, kelompok, masyarakat (Pasal 33 ayat (1))
    data_schema=AdvokasiDataSchema,
    advance_schemas={"selesai": SelesaiKasusSchema},
    on_open=rules.ADVOKASI_ON_OPEN,
    final_stages=("selesai",),
)

BANTUAN_HUKUM = CaseType(
    name=rules.BANTUAN_HUKUM,
    plugin="perlindungan",
    label="Bantuan Hukum",
    stages=tuple(Stage(c, lbl) for c, lbl in KASUS_STAGES.items()),
    order_parameter="bentuk_bantuan_hukum",
    subject_types=("person",),  # warga negara yang menghadapi masalah hukum (Pasal 35 ayat (1))
    data_schema=BantuanHukumDataSchema,
    advance_schemas={"selesai": SelesaiKasusSchema},
    on_open=rules.HUKUM_ON_OPEN,
    final_stages=("selesai",),
)

CASE_TYPES = [BANTUAN_SOSIAL, ADVOKASI_SOSIAL, BANTUAN_HUKUM]
