"""The rules of rehabilitasi sosial.

Each rule is a small function that reads its parameter from the case's pinned regulation profile
(`ctx.profile`) and refuses with `RuleViolation(code, message, profile.citation(parameter))`, so
the same rule cites PP 39/2012 in Tabalong and the Perbup in Balangan. A parameter that is null or
empty means the regulation sets no such rule: the rule does not apply.
"""
from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.sdk import (
    AssignContext,
    Case,
    CaseAssignment,
    CaseContext,
    InvalidInput,
    Membership,
    Organization,
    RegulationProfile,
    RuleViolation,
    StaffCredential,
    get_owned,
)

from .schemas import EDUCATION_ORDER

CASE_TYPE = "rehabilitasi_sosial"
UTAMA = "utama"
PENDUKUNG = "pendukung"
JENIS_LEMBAGA = ("panti_pemerintah", "lks")
SARJANA = ("D4", "S1", "S2", "S3")


# -- helpers ------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _codes(profile: RegulationProfile, name: str) -> list[str]:
    return [item["kode"] for item in profile.value(name) or []]


def _labels(profile: RegulationProfile, name: str) -> dict[str, str]:
    return {item["kode"]: item["label"] for item in profile.value(name) or []}


def _roles(session: Any, tenant_id: uuid.UUID, user_id: uuid.UUID) -> set[str]:
    # Memberships are platform-owned (no RLS): always filtered by tenant explicitly.
    return set(session.scalars(select(Membership.role).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)))


def _credential(session: Any, user_id: uuid.UUID) -> StaffCredential | None:
    return session.scalar(select(StaffCredential).where(StaffCredential.user_id == user_id))  # tenant-scoped


def _match_bidang(bidang: str | None, allowed: Iterable[str]) -> bool:
    have = " ".join((bidang or "").lower().split())
    return bool(have) and any(" ".join(a.lower().split()) in have for a in allowed)


# -- opening a case -----------------------------------------------------------------------------


def kelompok_sasaran_dikenal(ctx: CaseContext) -> None:
    """PP 39/2012 Pasal 6 ayat (1); Perbup Balangan 61/2017 Pasal 5: the client's target groups
    must be listed by the profile (`kelompok_sasaran`)."""
    allowed = _codes(ctx.profile, "kelompok_sasaran")
    unknown = [k for k in ctx.data.get("kelompok_sasaran", []) if k not in allowed]
    if unknown:
        citation = ctx.profile.citation("kelompok_sasaran")
        raise RuleViolation(
            "kelompok_sasaran_tidak_dikenal",
            f"Kelompok sasaran {', '.join(unknown)} tidak termasuk sasaran rehabilitasi sosial menurut {citation}.",
            citation,
            errors={"data.kelompok_sasaran": [f"Tidak dikenal: {', '.join(unknown)}."]},
        )


def tempat_pelaksanaan_dikenal(ctx: CaseContext) -> None:
    """Perbup Balangan 61/2017 Pasal 4 ayat (1): rehabilitation happens in the settings the
    profile lists (`tempat_pelaksanaan`)."""
    allowed = ctx.profile.value("tempat_pelaksanaan") or []
    tempat = ctx.data.get("tempat")
    if allowed and tempat not in allowed:
        raise RuleViolation(
            "tempat_tidak_dikenal",
            f"Rehabilitasi sosial hanya dapat dilaksanakan: {', '.join(allowed)}.",
            ctx.profile.citation("tempat_pelaksanaan"),
            errors={"data.tempat": [f"Tidak dikenal: {tempat}."]},
        )


def lembaga_sah(ctx: CaseContext) -> None:
    """Perbup Balangan 61/2017 Pasal 4 ayat (1) huruf a: in-institution rehabilitation takes place
    in a government panti sosial or an LKS — an Organization of this tenant."""
    lembaga_id = ctx.data.get("lembaga_id")
    if ctx.data.get("tempat") != "dalam_lembaga" or lembaga_id is None:
        return
    org = get_owned(ctx.session, Organization, lembaga_id)
    if org is None:
        raise InvalidInput({"data.lembaga_id": ["Lembaga tidak ditemukan di kabupaten/kota ini."]})
    if org.jenis not in JENIS_LEMBAGA:
        raise RuleViolation(
            "lembaga_tidak_sesuai",
            f"Rehabilitasi di dalam lembaga hanya di panti sosial pemerintah atau LKS; {org.nama} berjenis {org.jenis}.",
            ctx.profile.citation("tempat_pelaksanaan"),
            errors={"data.lembaga_id": ["Harus panti sosial pemerintah atau LKS."]},
        )


def durasi_sesuai(ctx: CaseContext) -> None:
    """Perbup Balangan 61/2017 Pasal 6 ayat (1): in-institution rehabilitation lasts at least 3
    and at most 36 months (`durasi_dalam_lembaga_bulan`; `durasi_luar_lembaga_bulan` likewise
    for the family/community setting). Null bounds: no limit."""
    tempat = ctx.data.get("tempat")
    param = "durasi_dalam_lembaga_bulan" if tempat == "dalam_lembaga" else "durasi_luar_lembaga_bulan"
    bounds = ctx.profile.value(param)
    mulai, selesai = ctx.data.get("rencana_mulai"), ctx.data.get("rencana_selesai")
    if not bounds or mulai is None or selesai is None:
        return
    low, high = add_months(mulai, bounds["min"]), add_months(mulai, bounds["max"])
    if low <= selesai <= high:
        return
    setting = "di dalam lembaga" if tempat == "dalam_lembaga" else "di luar lembaga"
    citation = ctx.profile.citation(param)
    raise RuleViolation(
        "durasi_tidak_sesuai",
        f"Jangka waktu rehabilitasi sosial {setting} paling singkat {bounds['min']} bulan dan paling lama "
        f"{bounds['max']} bulan ({citation}); rencana {mulai.isoformat()} s.d. {selesai.isoformat()}.",
        citation,
        errors={"data.rencana_selesai": [f"Harus antara {low.isoformat()} dan {high.isoformat()}."]},
    )


ON_OPEN = (kelompok_sasaran_dikenal, tempat_pelaksanaan_dikenal, lembaga_sah, durasi_sesuai)


# -- moving between stages ----------------------------------------------------------------------


def _primary(session: Any, case: Case) -> CaseAssignment | None:
    return session.scalar(
        select(CaseAssignment).where(CaseAssignment.case_id == case.id, CaseAssignment.peran == UTAMA)
    )


def petugas_utama_ditugaskan(ctx: CaseContext) -> None:
    """PP 39/2012 Pasal 8: rehabilitation is carried out by a Pekerja Sosial Profesional — no move
    past pendekatan awal without a primary worker (`peran: utama`)."""
    if not (ctx.profile.value("pelaksana_peksos") or {}).get("wajib"):
        return
    if _primary(ctx.session, ctx.case) is None:
        raise RuleViolation(
            "petugas_utama_belum_ditugaskan",
            "Kasus belum memiliki Pekerja Sosial Profesional sebagai petugas utama; tahap tidak dapat dilanjutkan.",
            ctx.profile.citation("pelaksana_peksos"),
        )


def rencana_tersusun(ctx: CaseContext) -> None:
    """PP 39/2012 Pasal 7 ayat (2); Perbup Balangan 61/2017 Pasal 18 ayat (1) huruf c–d: problems
    are solved by carrying out the plan — no pemecahan masalah without a plan."""
    from .models import Rencana

    if ctx.session.scalar(select(Rencana.id).where(Rencana.case_id == ctx.case.id)) is None:
        raise RuleViolation(
            "rencana_belum_disusun",
            "Rencana pemecahan masalah belum disusun; tahap pemecahan masalah belum dapat dimulai.",
            ctx.profile.citation("tahapan"),
        )


SYARAT_LABEL = {
    "identifikasi_keberhasilan": "identifikasi keberhasilan aspek biopsikososial dan spiritual",
    "kunjungan_keluarga": "kunjungan kepada keluarga dan pihak terkait",
}


def syarat_terminasi_terpenuhi(ctx: CaseContext) -> None:
    """Perbup Balangan 61/2017 Pasal 24 ayat (2): terminasi comprises identifying the success
    achieved and visiting the family — each item of `syarat_terminasi` must be in the move's data
    or in an activity of the case recorded earlier with the same code."""
    from .models import Kegiatan

    required = ctx.profile.value("syarat_terminasi") or []
    missing = [s for s in required if not ctx.data.get(s)]
    if missing:
        recorded = set(
            ctx.session.scalars(select(Kegiatan.kode).where(Kegiatan.case_id == ctx.case.id, Kegiatan.kode.in_(missing)))
        )
        missing = [s for s in missing if s not in recorded]
    if missing:
        raise RuleViolation(
            "syarat_terminasi_belum_dipenuhi",
            f"Terminasi memerlukan {' dan '.join(SYARAT_LABEL.get(m, m) for m in missing)}.",
            ctx.profile.citation("syarat_terminasi"),
            errors={f"data.{m}": ["Wajib diisi untuk terminasi."] for m in missing},
        )


# -- assigning workers --------------------------------------------------------------------------


def satu_petugas_utama(ctx: AssignContext) -> None:
    """PP 39/2012 Pasal 8: one Pekerja Sosial Profesional answers for the case (one primary)."""
    if ctx.peran == UTAMA and _primary(ctx.session, ctx.case) is not None:
        raise RuleViolation(
            "petugas_utama_sudah_ada",
            "Kasus ini sudah memiliki petugas utama; tugaskan petugas lain sebagai pendukung.",
            ctx.profile.citation("pelaksana_peksos"),
            errors={"peran": ["Petugas utama sudah ada."]},
        )


def petugas_utama_peksos_berizin(ctx: AssignContext) -> None:
    """PP 39/2012 Pasal 8 (and 73): the primary worker is a Pekerja Sosial Profesional holding a
    competence certificate and a practice licence valid on the assignment date."""
    rule = ctx.profile.value("pelaksana_peksos") or {}
    if ctx.peran != UTAMA or not rule.get("wajib"):
        return
    citation = ctx.profile.citation("pelaksana_peksos")
    if "peksos" not in _roles(ctx.session, ctx.tenant.id, ctx.user_id):
        raise RuleViolation(
            "petugas_utama_bukan_peksos",
            "Petugas utama rehabilitasi sosial harus Pekerja Sosial Profesional (peran peksos).",
            citation,
            errors={"user_id": ["Bukan Pekerja Sosial Profesional di kabupaten/kota ini."]},
        )
    cred = _credential(ctx.session, ctx.user_id)
    on = ctx.on.isoformat()
    if rule.get("sertifikat_wajib") and (
        cred is None or not cred.nomor_sertifikat or cred.sertifikat_berlaku_sampai is None or cred.sertifikat_berlaku_sampai < ctx.on
    ):
        raise RuleViolation(
            "sertifikat_tidak_berlaku",
            f"Pekerja Sosial Profesional tidak memiliki sertifikat kompetensi yang berlaku pada {on}.",
            citation,
            errors={"user_id": ["Sertifikat kompetensi tidak ada atau sudah kedaluwarsa."]},
        )
    if rule.get("izin_praktik_wajib") and (
        cred is None or not cred.nomor_izin_praktik or cred.izin_praktik_berlaku_sampai is None or cred.izin_praktik_berlaku_sampai < ctx.on
    ):
        raise RuleViolation(
            "izin_praktik_tidak_berlaku",
            f"Pekerja Sosial Profesional tidak memiliki izin praktik yang berlaku pada {on}.",
            citation,
            errors={"user_id": ["Izin praktik tidak ada atau sudah kedaluwarsa."]},
        )


def kualifikasi_peksos(ctx: AssignContext) -> None:
    """Perbup Balangan 61/2017 Pasal 27 ayat (1): the Peksos holds at least an S1 or D-IV in social
    work (`kualifikasi_peksos`: allowed levels and fields)."""
    rule = ctx.profile.value("kualifikasi_peksos")
    if ctx.peran != UTAMA or not rule:
        return
    cred = _credential(ctx.session, ctx.user_id)
    pendidikan = cred.pendidikan if cred else None
    bidang = cred.bidang_pendidikan if cred else None
    if pendidikan not in rule["pendidikan"] or not _match_bidang(bidang, rule["bidang"]):
        citation = ctx.profile.citation("kualifikasi_peksos")
        raise RuleViolation(
            "kualifikasi_peksos_tidak_memenuhi",
            f"Pekerja Sosial Profesional paling rendah berpendidikan {'/'.join(rule['pendidikan'])} bidang "
            f"{' atau '.join(rule['bidang'])}; tercatat: {pendidikan or 'tidak ada'} {bidang or ''}".rstrip() + ".",
            citation,
            errors={"user_id": ["Kualifikasi pendidikan tidak memenuhi."]},
        )


def beban_kasus_peksos(ctx: AssignContext) -> None:
    """Perbup Balangan 61/2017 Pasal 26 ayat (3): Peksos staffing respects a ratio per client —
    at most `maks_kasus_per_peksos` open cases as primary worker (the number is the Dinas's)."""
    maks = ctx.profile.value("maks_kasus_per_peksos")
    if ctx.peran != UTAMA or not maks:
        return
    open_cases = ctx.session.scalar(
        select(func.count())
        .select_from(CaseAssignment)
        .join(Case, (Case.tenant_id == CaseAssignment.tenant_id) & (Case.id == CaseAssignment.case_id))
        .where(
            CaseAssignment.user_id == ctx.user_id,
            CaseAssignment.peran == UTAMA,
            Case.status == "open",
            Case.case_type == CASE_TYPE,
            Case.id != ctx.case.id,
        )
    )
    if open_cases >= maks:
        raise RuleViolation(
            "beban_kasus_penuh",
            f"Pekerja Sosial Profesional ini sudah menangani {open_cases} kasus aktif sebagai petugas utama; "
            f"batasnya {maks} kasus.",
            ctx.profile.citation("maks_kasus_per_peksos"),
            errors={"user_id": ["Beban kasus sudah penuh."]},
        )


def pendukung_tks_atau_peksos(ctx: AssignContext) -> None:
    """Perbup Balangan 61/2017 Pasal 26 ayat (1): the human resources of rehabilitation are
    Pekerja Sosial Profesional and Tenaga Kesejahteraan Sosial — a supporting worker holds role
    tks or peksos. Cited with the profile's `pelaksana_peksos` (PP 39/2012 Pasal 8)."""
    if ctx.peran != PENDUKUNG:
        return
    if not _roles(ctx.session, ctx.tenant.id, ctx.user_id) & {"tks", "peksos"}:
        raise RuleViolation(
            "pendukung_bukan_tks_peksos",
            "Petugas pendukung harus Tenaga Kesejahteraan Sosial atau Pekerja Sosial Profesional.",
            ctx.profile.citation("pelaksana_peksos"),
            errors={"user_id": ["Bukan TKS atau Pekerja Sosial Profesional di kabupaten/kota ini."]},
        )


def kualifikasi_tks(ctx: AssignContext) -> None:
    """Perbup Balangan 61/2017 Pasal 28: a TKS holds at least a senior high school diploma in social
    work/welfare, or a bachelor's degree (`kualifikasi_tks`). Applies to a supporting worker who is
    a TKS (a Peksos is judged by Pasal 27)."""
    rule = ctx.profile.value("kualifikasi_tks")
    if ctx.peran != PENDUKUNG or not rule:
        return
    roles = _roles(ctx.session, ctx.tenant.id, ctx.user_id)
    if "tks" not in roles or "peksos" in roles:
        return
    cred = _credential(ctx.session, ctx.user_id)
    pendidikan = cred.pendidikan if cred else None
    bidang = cred.bidang_pendidikan if cred else None
    minimum = rule["pendidikan_minimum"]
    ok = pendidikan in EDUCATION_ORDER and EDUCATION_ORDER.index(pendidikan) >= EDUCATION_ORDER.index(minimum)
    if ok and pendidikan not in SARJANA and rule["bidang_jika_di_bawah_sarjana"]:
        ok = _match_bidang(bidang, rule["bidang_jika_di_bawah_sarjana"])
    if not ok:
        raise RuleViolation(
            "kualifikasi_tks_tidak_memenuhi",
            f"Tenaga Kesejahteraan Sosial paling rendah berpendidikan {minimum} "
            f"{'/'.join(rule['bidang_jika_di_bawah_sarjana'])} atau sarjana; tercatat: {pendidikan or 'tidak ada'} {bidang or ''}".rstrip() + ".",
            ctx.profile.citation("kualifikasi_tks"),
            errors={"user_id": ["Kualifikasi pendidikan tidak memenuhi."]},
        )


ASSIGN_GUARDS = (
    satu_petugas_utama,
    petugas_utama_peksos_berizin,
    kualifikasi_peksos,
    beban_kasus_peksos,
    pendukung_tks_atau_peksos,
    kualifikasi_tks,
)


# -- activities, plan, monitoring ---------------------------------------------------------------


def kegiatan_sesuai_tahap(profile: RegulationProfile, tahap: str, kode: str) -> None:
    """Perbup Balangan 61/2017 Pasal 19–25: the activities of each stage (`kegiatan_tahapan`);
    a stage the profile lists none for takes free activity codes (PP 39/2012 lists none)."""
    allowed = (profile.value("kegiatan_tahapan") or {}).get(tahap) or []
    codes = [item["kode"] for item in allowed]
    if codes and kode not in codes:
        raise RuleViolation(
            "kegiatan_tidak_sesuai_tahap",
            f"Kegiatan '{kode}' bukan kegiatan tahap {tahap}; yang sah: {', '.join(codes)}.",
            profile.citation("kegiatan_tahapan"),
            errors={"kode": [f"Tidak dikenal untuk tahap {tahap}."]},
        )


def bentuk_dikenal(profile: RegulationProfile, bentuk: list[str]) -> None:
    """PP 39/2012 Pasal 7 ayat (1); Perbup Balangan 61/2017 Pasal 7: the plan's forms of
    rehabilitation must be listed (`bentuk_rehabilitasi`)."""
    allowed = _codes(profile, "bentuk_rehabilitasi")
    unknown = [b for b in bentuk if b not in allowed]
    if allowed and unknown:
        raise RuleViolation(
            "bentuk_tidak_dikenal",
            f"Bentuk rehabilitasi sosial {', '.join(unknown)} tidak dikenal.",
            profile.citation("bentuk_rehabilitasi"),
            errors={"bentuk": [f"Tidak dikenal: {', '.join(unknown)}."]},
        )


def sumber_dana_dikenal(profile: RegulationProfile, sumber_dana: str) -> None:
    """Perbup Balangan 61/2017 Pasal 43 ayat (1): funding comes from the listed sources
    (`sumber_dana`); an empty list leaves the source free text."""
    allowed = _codes(profile, "sumber_dana")
    if allowed and sumber_dana not in allowed:
        raise RuleViolation(
            "sumber_dana_tidak_dikenal",
            f"Sumber dana '{sumber_dana}' tidak dikenal; yang sah: {', '.join(allowed)}.",
            profile.citation("sumber_dana"),
            errors={"sumber_dana": ["Tidak dikenal."]},
        )


PRAKTIK = {"pendekatan": "Pendekatan", "metode": "Metode", "teknik": "Teknik"}


def praktik_dikenal(profile: RegulationProfile, name: str, chosen: list[str]) -> None:
    """Perbup Balangan 61/2017 Pasal 30, 33, 35: the approaches, methods and techniques chosen in
    the plan must be listed (`pendekatan`, `metode`, `teknik`) when the profile lists any."""
    allowed = _codes(profile, name)
    unknown = [c for c in chosen if c not in allowed]
    if allowed and unknown:
        raise RuleViolation(
            f"{name}_tidak_dikenal",
            f"{PRAKTIK[name]} pekerjaan sosial {', '.join(unknown)} tidak dikenal.",
            profile.citation(name),
            errors={name: [f"Tidak dikenal: {', '.join(unknown)}."]},
        )


def butir_pemantauan_lengkap(profile: RegulationProfile, butir: dict[str, str]) -> None:
    """Perbup Balangan 61/2017 Pasal 41: monitoring records the activities carried out, problems,
    methods and techniques, change in behaviour and quality of life — every item of
    `butir_pemantauan` must be filled. With no list, at least one free item is needed."""
    labels = _labels(profile, "butir_pemantauan")
    if not labels:
        if not any((v or "").strip() for v in butir.values()):
            raise InvalidInput({"butir": ["Isi paling sedikit satu butir pemantauan."]})
        return
    unknown = sorted(k for k in butir if k not in labels)
    if unknown:
        raise InvalidInput({f"butir.{k}": ["Butir pemantauan tidak dikenal."] for k in unknown})
    missing = [k for k in labels if not (butir.get(k) or "").strip()]
    if missing:
        raise RuleViolation(
            "butir_pemantauan_belum_lengkap",
            f"Pemantauan belum lengkap: {'; '.join(labels[k] for k in missing)}.",
            profile.citation("butir_pemantauan"),
            errors={f"butir.{k}": ["Wajib diisi."] for k in missing},
        )
