"""Demo data of jaminan sosial for `kesos demo`: the kernel's demo people in the official
register, an insurance-aid application, sustained direct aid paid through a carer for last
month, and a tunjangan at verification — all through the plugin's services and the kernel's
workflow. Idempotent: a tenant that already has jaminan cases gets nothing."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.sdk import Case, Person, advance_case, get_kernel, local_today

from . import rules, services
from .models import RegisterPenerima

SITI, AHMAD, RAHMAWATI = "Siti Aminah", "Ahmad Fauzi", "Rahmawati"


def load(session: Any, tenant: Any, staff: dict[str, uuid.UUID]) -> None:
    if session.scalar(select(Case.id).where(Case.case_type == rules.CASE_TYPE).limit(1)) is not None:
        return
    people = {p.nama: p for p in session.scalars(select(Person).where(Person.nama.in_([SITI, AHMAD, RAHMAWATI])))}
    if len(people) < 3:
        return
    kernel, officer = get_kernel(), staff["petugas"]
    for p in people.values():
        session.add(RegisterPenerima(nik=p.nik, nama=p.nama, sumber="DTKS Kemensos (demo)", tahun=local_today().year))
    session.flush()

    def open_(person: Any, data: dict[str, Any], until: str | None = None) -> Case:
        case = services.ajukan(session, kernel, tenant, {"person_id": person.id, "data": data}, officer)
        for stage in ("verifikasi", "penerima"):
            if until is None or case.stage == until:
                break
            advance_case(session, kernel, tenant, case, to_stage=stage, data={}, expected_version=case.version, actor_id=officer)
        return case

    def bukti(jenis: str, keterangan: str) -> dict[str, str]:
        return {"jenis": jenis, "keterangan": keterangan, "tanggal": (local_today() - timedelta(days=60)).isoformat()}

    open_(people[RAHMAWATI], {"program": "asuransi_kesejahteraan_sosial", "kategori": "anak_yatim_piatu_terlantar",
                              "ketidakmampuan": bukti("surat_keterangan_tidak_mampu", "SKTM dari kepala desa (demo)")})
    blb = open_(people[AHMAD], {
        "program": "bantuan_langsung_berkelanjutan", "kategori": "cacat_fisik", "ketergantungan": "disabilitas_berat",
        "ketidakmampuan": bukti("data_terpadu", "DTKS Kemensos (demo)"),
        "penyaluran": "melalui_pengasuh", "pengasuh": {"nama": SITI, "hubungan": "istri"},
    }, until="penerima")
    today = local_today()
    last_month = today.replace(day=1) - timedelta(days=1)
    services.salurkan(session, kernel, tenant, blb, {"periode": last_month.strftime("%Y-%m"), "jenis": None, "jumlah": 300000, "tanggal": last_month}, officer)
    open_(people[SITI], {"program": "tunjangan_berkelanjutan", "kategori": "keluarga_pahlawan_nasional",
                         "jenis_tunjangan": ["hidup", "kesehatan"], "hubungan_pahlawan": "anak_kandung"}, until="verifikasi")
