"""Demo data of perlindungan sosial for `kesos demo`: a flood (bencana) coordinated with BNPB
with the kernel's demo people affected, temporary aid to two of them with its ledger, one
temporary aid declared finished and followed by sustained aid, an advokasi sosial case with an
activity and a bantuan hukum case accompanying a child witness — all through the plugin's
services and the kernel's workflow, dated in the ten days up to today. Idempotent: a tenant
that already has perlindungan cases or events gets nothing."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.sdk import Case, Person, advance_case, get_kernel, local_today, tenant_profile

from . import rules, services
from .models import Kejadian
from .reports import CASE_TYPES

SITI, AHMAD, RAHMAWATI = "Siti Aminah", "Ahmad Fauzi", "Rahmawati"


def load(session: Any, tenant: Any, staff: dict[str, uuid.UUID]) -> None:
    if session.scalar(select(Case.id).where(Case.case_type.in_(CASE_TYPES)).limit(1)) is not None:
        return
    if session.scalar(select(Kejadian.id).limit(1)) is not None:
        return
    people = {p.nama: p for p in session.scalars(select(Person).where(Person.nama.in_([SITI, AHMAD, RAHMAWATI])))}
    if len(people) < 3:
        return
    kernel, officer, peksos = get_kernel(), staff["petugas"], staff["peksos"]
    today = local_today()
    mulai = today - timedelta(days=10)

    # the flood, its BNPB coordination (Pasal 29 ayat (4)) and everyone it affected
    banjir = services.catat_kejadian(session, kernel, tenant, {
        "nama": f"Banjir {tenant.nama} {mulai.year}", "jenis": "bencana", "tanggal_mulai": mulai,
        "lokasi": "Desa-desa di bantaran sungai",
    }, officer)
    services.catat_koordinasi(session, banjir, {"tanggal": mulai + timedelta(days=1),
                                                "keterangan": "Rapat koordinasi dengan BNPB/BPBD di posko utama (demo)"})
    services.tambah_terdampak(session, banjir, {"person_ids": [p.id for p in people.values()], "household_ids": []})

    def bantuan(person: Any, sifat: str, jenis: list[str]) -> Case:
        return services.beri_bantuan(session, kernel, tenant, {"person_id": person.id, "data": {
            "kejadian_id": str(banjir.id), "sifat": sifat, "bentuk": "bantuan_langsung", "jenis": jenis}}, officer)

    def salur(case: Case, jenis: str, tanggal: Any, **amount: Any) -> None:
        services.salurkan(session, kernel, tenant, case, {"jenis": jenis, "tanggal": tanggal, **amount}, officer)

    siti = bantuan(people[SITI], "sementara", ["sandang_pangan_papan", "uang_tunai"])
    salur(siti, "sandang_pangan_papan", mulai + timedelta(days=1), jumlah=2, satuan="paket")
    salur(siti, "uang_tunai", mulai + timedelta(days=2), nilai_rupiah=500000)
    ahmad = bantuan(people[AHMAD], "sementara", ["sandang_pangan_papan"])
    for day in (1, 4):
        salur(ahmad, "sandang_pangan_papan", mulai + timedelta(days=day), jumlah=1, satuan="paket")
    # Siti's situation is stable: her temporary aid is declared finished (Pasal 29 ayat (3)),
    # which opens the way to sustained aid (Pasal 29 ayat (5))
    advance_case(session, kernel, tenant, siti, to_stage="selesai", expected_version=siti.version, actor_id=officer,
                 data={"keterangan": "Air surut, rumah dapat dihuni kembali (demo)", "keadaan_stabil": True})
    lanjut = bantuan(people[SITI], "berkelanjutan", ["uang_tunai"])
    salur(lanjut, "uang_tunai", today, nilai_rupiah=300000)

    advokasi = services.buka_kasus(session, kernel, tenant, {"case_type": rules.ADVOKASI_SOSIAL, "person_id": people[AHMAD].id, "data": {
        "bentuk": ["penyadaran_hak", "pemenuhan_hak"], "hak_dilanggar": "Dokumen kependudukan hilang terbawa banjir (demo)"}}, peksos)
    services.catat_kegiatan(session, kernel, tenant, advokasi, {"kegiatan": "penyuluhan", "tanggal": today,
                                                                "uraian": "Penyuluhan hak atas penggantian dokumen kependudukan"}, peksos)

    hukum = services.buka_kasus(session, kernel, tenant, {"case_type": rules.BANTUAN_HUKUM, "person_id": people[RAHMAWATI].id, "data": {
        "bentuk": ["pembelaan"], "masalah_hukum": "Saksi perkara pencurian di posko pengungsian (demo)", "forum": "dalam_pengadilan"}}, peksos)
    # Pasal 36 huruf f is only for a child: once the demo person has grown up, legal advice instead
    if rules._age(people[RAHMAWATI].tanggal_lahir, today) < tenant_profile(session, kernel, tenant, services.PLUGIN).value("usia_anak_maks"):
        kegiatan = {"kegiatan": "pendampingan_anak", "status_anak": "saksi", "uraian": "Mendampingi anak saksi pada pemeriksaan"}
    else:
        kegiatan = {"kegiatan": "informasi_nasihat_hukum", "uraian": "Memberikan nasihat hukum sebelum bersaksi"}
    services.catat_kegiatan(session, kernel, tenant, hukum, {"tanggal": today, **kegiatan}, peksos)
