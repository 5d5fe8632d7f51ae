"""Demo data of rehabilitasi sosial for `kesos demo` / `make run`.

Per demo tenant: a government panti sosial and three cases of the kernel's demo people at
different stages, all through the plugin's services and the kernel's workflow (so every rule of
the tenant's profile applies and everything is audited):

- Siti Aminah — korban tindak kekerasan, in the panti for 6 months, at pemecahan masalah (with
  activities of each stage and a plan);
- Ahmad Fauzi — penyandang cacat fisik, in the panti for 12 months, through terminasi (outcome
  `berhasil`) to bimbingan lanjut;
- Rahmawati — anak terlantar, with her family (outside an institution), at pengungkapan dan
  pemahaman masalah.

The demo Peksos is the primary worker of every case, the demo TKS supports the first two. The
target groups, forms, funding source and activity codes are valid under both PP 39/2012 and
Perbup Balangan 61/2017. Idempotent: a tenant that already has rehabilitasi cases gets nothing.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from core.sdk import (
    Case,
    Organization,
    Person,
    advance_case,
    assign_staff,
    get_kernel,
    local_today,
    record_audit,
)

from . import rules
from .schemas import KegiatanCreateSchema, RencanaBodySchema
from .services import add_kegiatan, open_kasus, save_rencana

# the kernel's demo people (core/demo.py), by name
SITI, AHMAD, RAHMAWATI = "Siti Aminah", "Ahmad Fauzi", "Rahmawati"

# Kegiatan per stage (Perbup Balangan 61/2017 Pasal 19–24; PP 39/2012 leaves the codes free)
_KEGIATAN = {
    "pendekatan_awal": ("identifikasi", "Identifikasi awal bersama keluarga dan aparat desa."),
    "pengungkapan_pemahaman_masalah": ("pengumpulan_data", "Asesmen biopsikososial dan wawancara keluarga."),
    "penyusunan_rencana": ("skala_prioritas_kebutuhan", "Kebutuhan prioritas disepakati dengan klien."),
    "pemecahan_masalah": ("pelaksanaan_rencana", "Rencana pemecahan masalah dilaksanakan sesuai jadwal."),
    "resosialisasi": ("pengembalian_keluarga_masyarakat", "Persiapan kembali ke keluarga dan masyarakat."),
    "bimbingan_lanjut": ("pemantapan_kemandirian", "Kunjungan rumah: usaha jahit berjalan."),
}


def _panti(session: Any, tenant: Any) -> Organization:
    nama = f"UPTD Panti Sosial {tenant.nama.removeprefix('Kabupaten ').removeprefix('Kota ')}"
    org = session.scalar(select(Organization).where(Organization.nama == nama, Organization.jenis == "panti_pemerintah"))
    if org is None:
        org = Organization(nama=nama, jenis="panti_pemerintah", berbadan_hukum=True, kode_wilayah=tenant.kode_wilayah)
        session.add(org)
        session.flush()
        record_audit(session, "organization.create", "organization", org.id, {"nama": org.nama, "jenis": org.jenis})
    return org


def _add_months(day: date, months: int) -> date:
    return rules.add_months(day, months)


class _Demo:
    def __init__(self, session: Any, kernel: Any, tenant: Any, actor: uuid.UUID) -> None:
        self.session, self.kernel, self.tenant, self.actor = session, kernel, tenant, actor
        self.today = local_today()

    def kegiatan(self, case: Case) -> None:
        kode, catatan = _KEGIATAN[case.stage]
        body = KegiatanCreateSchema().load({"kode": kode, "tanggal": self.today.isoformat(), "catatan": catatan})
        add_kegiatan(self.session, self.kernel, self.tenant, case, body, self.actor)

    def advance(self, case: Case, to_stage: str, data: dict[str, Any] | None = None) -> None:
        advance_case(
            self.session, self.kernel, self.tenant, case,
            to_stage=to_stage, data=data or {}, expected_version=case.version, actor_id=self.actor,
        )

    def walk(self, case: Case, until: str, plan: dict[str, Any], terminasi: dict[str, Any] | None = None) -> None:
        """Move the case stage by stage up to `until`, recording an activity in each stage and
        the plan at penyusunan rencana."""
        codes = [s.code for s in self.kernel.plugins.case_type(rules.CASE_TYPE).stages]
        while case.stage != until:
            if case.stage in _KEGIATAN:
                self.kegiatan(case)
            if case.stage == "penyusunan_rencana":
                save_rencana(self.session, self.kernel, self.tenant, case, RencanaBodySchema().load(plan), self.actor)
            target = codes[codes.index(case.stage) + 1]
            self.advance(case, target, terminasi if target == "terminasi" else {"catatan": f"Lanjut ke tahap {target}."})
        if case.stage in _KEGIATAN:
            self.kegiatan(case)


def load(session: Any, tenant: Any, staff: dict[str, uuid.UUID]) -> None:
    if session.scalar(select(Case.id).where(Case.case_type == rules.CASE_TYPE).limit(1)) is not None:
        return  # already loaded (or real cases exist): add nothing
    people = {p.nama: p for p in session.scalars(select(Person).where(Person.nama.in_([SITI, AHMAD, RAHMAWATI])))}
    if len(people) < 3:
        return
    kernel = get_kernel()
    peksos, tks = staff["peksos"], staff["tks"]
    demo = _Demo(session, kernel, tenant, peksos)
    panti = _panti(session, tenant)
    first = demo.today.replace(day=1)

    def open_(person: Any, data: dict[str, Any], pendukung: bool) -> Case:
        case = open_kasus(session, kernel, tenant, {"person_id": person.id, "data": data, "petugas_utama_id": peksos}, peksos)
        if pendukung:
            assign_staff(session, kernel, tenant, case, user_id=tks, peran=rules.PENDUKUNG, actor_id=peksos)
        return case

    plan_common = {
        "rujukan": [],
        "pendekatan": ["klinis"],
        "metode": ["individu_keluarga"],
        "teknik": ["wawancara", "pemantauan_evaluasi"],
    }

    # 1. in the panti, 6 months, at pemecahan masalah
    siti = open_(people[SITI], {
        "kelompok_sasaran": ["korban_kekerasan"], "tempat": "dalam_lembaga", "lembaga_id": str(panti.id),
        "rencana_mulai": first.isoformat(), "rencana_selesai": _add_months(first, 6).isoformat(),
    }, pendukung=True)
    demo.walk(siti, "pemecahan_masalah", plan_common | {
        "kebutuhan_prioritas": ["pemulihan trauma", "pendampingan hukum"],
        "bentuk": ["motivasi_diagnosis_psikososial", "bimbingan_sosial_konseling"],
        "jadwal": [{"kegiatan": "konseling psikososial mingguan", "mulai": first.isoformat(), "selesai": _add_months(first, 6).isoformat()}],
        "sumber_dana": "apbd_kabupaten",
    })

    # 2. in the panti, 12 months, through terminasi to bimbingan lanjut
    ahmad = open_(people[AHMAD], {
        "kelompok_sasaran": ["cacat_fisik"], "tempat": "dalam_lembaga", "lembaga_id": str(panti.id),
        "rencana_mulai": first.isoformat(), "rencana_selesai": _add_months(first, 12).isoformat(),
    }, pendukung=True)
    demo.walk(ahmad, "bimbingan_lanjut", plan_common | {
        "kebutuhan_prioritas": ["alat bantu gerak", "keterampilan kerja"],
        "bentuk": ["pelayanan_aksesibilitas", "pelatihan_vokasional_kewirausahaan"],
        "jadwal": [{"kegiatan": "pelatihan menjahit", "mulai": first.isoformat(), "selesai": _add_months(first, 3).isoformat()}],
        "sumber_dana": "apbn",
    }, terminasi={
        "hasil": "berhasil",
        "identifikasi_keberhasilan": {
            "biopsikososial": "Mandiri beraktivitas dengan kursi roda; sudah bekerja sebagai penjahit.",
            "spiritual": "Rutin mengikuti pengajian di kampung.",
        },
        "kunjungan_keluarga": {"tanggal": demo.today.isoformat(), "pihak": "istri dan kepala desa", "catatan": "Keluarga siap menerima kembali."},
    })

    # 3. with her family (outside an institution), at pengungkapan dan pemahaman masalah
    rahma = open_(people[RAHMAWATI], {
        "kelompok_sasaran": ["anak_terlantar"], "tempat": "luar_lembaga", "lingkup": "keluarga",
        "rencana_mulai": first.isoformat(), "rencana_selesai": _add_months(first, 6).isoformat(),
    }, pendukung=False)
    demo.walk(rahma, "pengungkapan_pemahaman_masalah", plan_common)
