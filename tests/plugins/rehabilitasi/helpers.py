"""Helpers of the rehabilitasi tests: the two kabupaten side by side, their staff with
credentials, and short API calls."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from core.cases.models import Case, CaseAssignment, CaseEvent
from core.db import tenant_context
from core.registry.services import create_organization
from core.staff.models import User
from core.staff.services import save_credential
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant
from plugins.rehabilitasi.models import (
    Evaluasi,
    Kegiatan,
    Pemantauan,
    Peringatan,
    Rencana,
)
from tests.refusals import refused  # noqa: F401  (re-exported for the tests)

T = "/api/v1/tenants"
PP = "PP 39/2012"
PERBUP = "Perbup Balangan 61/2017"
TENANTS = {"balangan": ("63.11", "perbup-balangan-61-2017"), "tabalong": ("63.09", "pp-39-2012")}
OTHER = {"balangan": "tabalong", "tabalong": "balangan"}

# The same rule, cited by each kabupaten's profile.
CITE = {
    "balangan": {
        "kelompok_sasaran": f"{PERBUP} Pasal 5",
        "tahapan": f"{PERBUP} Pasal 18 ayat (1)",
        "pelaksana_peksos": f"{PP} Pasal 8",
        "durasi": f"{PERBUP} Pasal 6 ayat (1)",
        "syarat_terminasi": f"{PERBUP} Pasal 24 ayat (2)",
        "bentuk_rehabilitasi": f"{PERBUP} Pasal 7",
        "kegiatan_tahapan": f"{PERBUP} Pasal 19",
        "sumber_dana": f"{PERBUP} Pasal 43 ayat (1)",
        "tempat_pelaksanaan": f"{PERBUP} Pasal 4 ayat (1)",
    },
    "tabalong": {
        "kelompok_sasaran": f"{PP} Pasal 6 ayat (1)",
        "tahapan": f"{PP} Pasal 7 ayat (2)",
        "pelaksana_peksos": f"{PP} Pasal 8",
        "bentuk_rehabilitasi": f"{PP} Pasal 7 ayat (1)",
        "tempat_pelaksanaan": PP,
    },
}

STAGES = (
    "pendekatan_awal", "pengungkapan_pemahaman_masalah", "penyusunan_rencana", "pemecahan_masalah",
    "resosialisasi", "terminasi", "bimbingan_lanjut",
)
BUTIR = {
    "kegiatan_dilaksanakan": "Bimbingan sosial dua kali seminggu.",
    "permasalahan": "Klien sempat menolak hadir.",
    "metode_teknik": "Wawancara dan konseling individu.",
    "perubahan_perilaku": "Klien mulai terbuka.",
    "peningkatan_kualitas_hidup": "Klien kembali bersekolah.",
}
TERMINASI = {
    "hasil": "berhasil",
    "identifikasi_keberhasilan": {"biopsikososial": "Fungsi sosial pulih.", "spiritual": "Rutin beribadah."},
    "kunjungan_keluarga": {"tanggal": local_today().isoformat(), "pihak": "Orang tua dan ketua RT", "catatan": "Keluarga siap menerima."},
}
RENCANA = {
    "kebutuhan_prioritas": ["pemulihan trauma", "kembali bersekolah"],
    "bentuk": ["bimbingan_sosial_konseling", "rujukan"],
    "rujukan": [{"tujuan": "Puskesmas Paringin"}],
    "jadwal": [{"kegiatan": "konseling", "mulai": "2026-01-05", "selesai": "2026-03-05"}],
    "sumber_dana": "apbd_kabupaten",
}

VALID = local_today() + timedelta(days=365)
EXPIRED = local_today() - timedelta(days=1)
PEKSOS_CRED = {
    "pendidikan": "S1", "bidang_pendidikan": "Pekerjaan Sosial",
    "nomor_sertifikat": "SERT-001", "sertifikat_berlaku_sampai": VALID,
    "nomor_izin_praktik": "IZIN-001", "izin_praktik_berlaku_sampai": VALID,
}
TKS_CRED = {"pendidikan": "SMA", "bidang_pendidikan": "Kesejahteraan Sosial"}


def tenant_id(kernel: Any, slug: str) -> Any:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))


def credential(kernel: Any, slug: str, actor: Any, **values: Any) -> None:
    """Write a staff credential through the kernel's staff service (audited)."""
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        save_credential(s, s.get(User, actor.user_id), values)


def organization(kernel: Any, slug: str, nama: str, jenis: str) -> Any:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return create_organization(s, {"nama": nama, "jenis": jenis}).id


def staff(make: Any, kernel: Any, slug: str, name: str, roles: list[str], **cred: Any) -> Any:
    actor = make.user(f"{name}.{slug}", {slug: roles})
    if cred:
        credential(kernel, slug, actor, **cred)
    return actor


def build_world(make: Any, kernel: Any, profiles: dict[str, str] | None = None) -> dict[str, SimpleNamespace]:
    world = {}
    for slug, (kode, profile) in TENANTS.items():
        make.tenant(slug, kode)
        make.enable(slug, "rehabilitasi", (profiles or {}).get(slug, profile))
    for slug in TENANTS:
        world[slug] = SimpleNamespace(
            slug=slug,
            admin=staff(make, kernel, slug, "admin", ["tenant_admin"]),
            officer=staff(make, kernel, slug, "petugas", ["officer"]),
            peksos=staff(make, kernel, slug, "peksos", ["peksos"], **PEKSOS_CRED),
            peksos2=staff(make, kernel, slug, "peksos2", ["peksos"], **PEKSOS_CRED),
            tks=staff(make, kernel, slug, "tks", ["tks"], **TKS_CRED),
            auditor=staff(make, kernel, slug, "auditor", ["auditor"]),
            person=make.person(slug, nama="Rahmat Hidayat", born=date(2008, 4, 2), sex="L"),
            lks=organization(kernel, slug, f"LKS Harapan {slug.title()}", "lks"),
            lainnya=organization(kernel, slug, f"Koperasi {slug.title()}", "lainnya"),
            cite=CITE[slug],
        )
    return world


def kasus_data(w: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    data = {
        "kelompok_sasaran": ["korban_kekerasan"], "tempat": "dalam_lembaga", "lembaga_id": str(w.lks), "lingkup": None,
        "rencana_mulai": "2026-01-05", "rencana_selesai": "2026-07-05",
    }
    data.update(overrides)
    return data


def open_kasus(client: Any, w: SimpleNamespace, actor: Any = None, utama: Any = None, **overrides: Any) -> Any:
    body: dict[str, Any] = {"person_id": str(w.person.id), "data": kasus_data(w, **overrides)}
    if utama is not None:
        body["petugas_utama_id"] = str(utama.user_id)
    return client.post(f"{T}/{w.slug}/rehabilitasi/kasus", json=body, headers=(actor or w.officer).headers)


def new_case(client: Any, w: SimpleNamespace, with_worker: bool = True, **overrides: Any) -> str:
    r = open_kasus(client, w, utama=w.peksos if with_worker else None, **overrides)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def advance(client: Any, w: SimpleNamespace, case_id: str, to_stage: str, data: dict[str, Any] | None = None, actor: Any = None) -> Any:
    actor = actor or w.officer
    etag = client.get(f"{T}/{w.slug}/cases/{case_id}", headers=actor.headers).headers["ETag"]
    return client.post(
        f"{T}/{w.slug}/cases/{case_id}/advance", json={"to_stage": to_stage, "data": data or {}},
        headers={**actor.headers, "If-Match": etag},
    )


def close(client: Any, w: SimpleNamespace, case_id: str) -> Any:
    etag = client.get(f"{T}/{w.slug}/cases/{case_id}", headers=w.officer.headers).headers["ETag"]
    return client.post(f"{T}/{w.slug}/cases/{case_id}/close", json={"catatan": "selesai"}, headers={**w.officer.headers, "If-Match": etag})


def assign(client: Any, w: SimpleNamespace, case_id: str, user: Any, peran: str, actor: Any = None) -> Any:
    return client.post(
        f"{T}/{w.slug}/cases/{case_id}/assignments", json={"user_id": str(user.user_id), "peran": peran},
        headers=(actor or w.officer).headers,
    )


def kegiatan(client: Any, w: SimpleNamespace, case_id: str, kode: str, actor: Any = None, **extra: Any) -> Any:
    body = {"kode": kode, "tanggal": local_today().isoformat(), "catatan": f"catatan {kode}", **extra}
    return client.post(f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/kegiatan", json=body, headers=(actor or w.officer).headers)


def rencana(client: Any, w: SimpleNamespace, case_id: str, **overrides: Any) -> Any:
    body = {**RENCANA, **overrides}
    return client.put(f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/rencana", json=body, headers=w.officer.headers)


def pemantauan(client: Any, w: SimpleNamespace, case_id: str, butir: dict[str, str]) -> Any:
    return client.post(
        f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/pemantauan",
        json={"tanggal": local_today().isoformat(), "butir": butir}, headers=w.officer.headers,
    )


def detail(client: Any, w: SimpleNamespace, case_id: str, actor: Any = None) -> Any:
    return client.get(f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}", headers=(actor or w.officer).headers)


def walk_to(client: Any, w: SimpleNamespace, case_id: str, stage: str) -> None:
    """Move a case (with its primary worker) up to `stage`, writing the plan on the way."""
    current = STAGES.index(detail(client, w, case_id).get_json()["stage"])
    for target in STAGES[current + 1 : STAGES.index(stage) + 1]:
        if target == "pemecahan_masalah":
            r = rencana(client, w, case_id, sumber_dana="apbd_kabupaten")
            assert r.status_code == 200, r.get_json()
        r = advance(client, w, case_id, target, TERMINASI if target == "terminasi" else {})
        assert r.status_code == 200, r.get_json()


def counts(kernel: Any, slug: str) -> dict[str, int]:
    """Rows of each rehabilitasi table (and cases, assignments, events) in a tenant."""
    tid = tenant_id(kernel, slug)
    out = {}
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        for model in (Case, CaseAssignment, CaseEvent, Kegiatan, Rencana, Pemantauan, Evaluasi, Peringatan):
            out[model.__tablename__] = s.scalar(select(func.count()).select_from(model).where(model.tenant_id == tid))
    return out

