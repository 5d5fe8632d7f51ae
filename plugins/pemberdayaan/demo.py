"""Demo data of pemberdayaan sosial for `kesos demo`, per demo tenant, all through the plugin's
services and the kernel's workflow (so every rule of the tenant's profile applies and all is
audited):

- a poor family (a household of the registry) at persiapan pemberdayaan, its criteria recorded
  with their evidence (Pasal 20);
- a kelompok nelayan of the kernel's demo people, Ahmad Fauzi as its ketua, at pelaksanaan
  pemberdayaan with two stimuli given this year: modal usaha (APBD) and peralatan usaha (APBN)
  (Pasal 17 huruf d, Pasal 25 ayat (1) huruf b);
- an LKS as potensi dan sumber daya at persiapan, meeting both criteria of Pasal 24 ayat (2).

Idempotent: a tenant that already has pemberdayaan cases gets nothing."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from core.sdk import (
    KK,
    Case,
    Household,
    Organization,
    Person,
    advance_case,
    blind_index,
    create_household,
    create_organization,
    get_kernel,
    local_today,
)

from . import rules, services

SITI, AHMAD = "Siti Aminah", "Ahmad Fauzi"
LKS = "LKS Bina Karya Mandiri"


def _k(**bukti: str) -> list[dict[str, str]]:
    return [{"kode": kode, "bukti": text} for kode, text in bukti.items()]


def _household(session: Any, tenant: Any) -> Household:
    """The demo family's Kartu Keluarga (the kernel's demo has none)."""
    nomor_kk = f"{tenant.kode_wilayah.replace('.', '')}010509260001"
    household = session.scalar(select(Household).where(Household.nomor_kk_index == blind_index(nomor_kk, KK)))
    if household is None:
        household = create_household(session, {
            "nomor_kk": nomor_kk, "alamat": f"Desa Demo RT 03, {tenant.nama}", "kode_wilayah": f"{tenant.kode_wilayah}.01",
        })
    return household


def _lks(session: Any, tenant: Any) -> Organization:
    org = session.scalar(select(Organization).where(Organization.nama == LKS, Organization.jenis == "lks"))
    if org is None:
        org = create_organization(session, {
            "nama": LKS, "jenis": "lks", "berbadan_hukum": True, "kode_wilayah": tenant.kode_wilayah,
            "alamat": f"Jl. Pangeran Antasari No. 7, {tenant.nama.removeprefix('Kabupaten ')}",
        })
    return org


def load(session: Any, tenant: Any, staff: dict[str, uuid.UUID]) -> None:
    if session.scalar(select(Case.id).where(Case.case_type == rules.CASE_TYPE).limit(1)) is not None:
        return
    people = {p.nama: p for p in session.scalars(select(Person).where(Person.nama.in_([SITI, AHMAD])))}
    if len(people) < 2:
        return
    kernel, officer = get_kernel(), staff["petugas"]
    kab = tenant.nama.removeprefix("Kabupaten ").removeprefix("Kota ")

    services.ajukan(session, kernel, tenant, {"household_id": _household(session, tenant).id, "data": {
        "sasaran": "keluarga", "bentuk": ["diagnosis_motivasi", "pelatihan_keterampilan", "pendampingan"],
        "kriteria": _k(miskin="Terdata dalam DTKS; rumah tidak layak huni (kunjungan TKS)",
                       penghasilan_tidak_mencukupi="Surat keterangan penghasilan dari kepala desa"),
        "penghasilan_per_bulan": 1250000, "keterangan": "Keluarga buruh harian lepas dengan tiga anak usia sekolah.",
    }}, officer)

    nelayan = services.ajukan(session, kernel, tenant, {"community_name": f"Kelompok Nelayan Sungai {kab}", "anggota": [people[SITI].id], "data": {
        "sasaran": "kelompok", "jenis_kelompok": "nelayan", "bentuk": ["pelatihan_keterampilan", "stimulan_usaha", "akses_pemasaran"],
        "kriteria": _k(rentan_sosial_ekonomi="Hasil tangkapan turun; asesmen kelompok oleh petugas dinas sosial"),
    }}, officer)
    services.tambah_anggota(session, nelayan, {"person_id": people[AHMAD].id, "peran": "ketua"}, officer)
    advance_case(session, kernel, tenant, nelayan, to_stage="pelaksanaan", data={}, expected_version=nelayan.version, actor_id=officer)
    today = local_today()
    for jenis, nilai, sumber, uraian in (
        ("modal", 10000000, "apbd", "Modal usaha pengolahan ikan asin"),
        ("peralatan_usaha", 7500000, "apbn", "Jaring dan mesin perahu"),
    ):
        services.catat_stimulan(session, kernel, tenant, nelayan,
                                {"jenis": jenis, "nilai": nilai, "sumber_dana": sumber, "tanggal": today, "uraian": uraian}, officer)

    services.ajukan(session, kernel, tenant, {"organization_id": _lks(session, tenant).id, "data": {
        "sasaran": "lembaga", "bentuk": ["penguatan_kelembagaan", "kemitraan_penggalangan_dana"],
        "kriteria": _k(potensi_kemauan_kemampuan="Profil lembaga dan laporan kegiatan tahun lalu",
                       komitmen_mitra_pemerintah="Nota kesepahaman dengan dinas sosial"),
    }}, officer)
