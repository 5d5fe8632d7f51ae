"""The rules of PP 39/2012 BAB VIII as the LKS service enforces them. Each reads its
parameters from the tenant's regulation profile and refuses with `RuleViolation`, citing the
article the profile names for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.sdk import (
    CaseContext,
    Forbidden,
    InvalidInput,
    RuleViolation,
    has_kabupaten_list,
    is_kota,
    kabupaten_name,
    province_name,
    province_of,
    roles_in,
)

CASE_TYPE = "lks_pendaftaran"
PETUGAS = "petugas"


# -- jurisdiction (Pasal 57 ayat (2)) ------------------------------------------------------------


@dataclass(frozen=True)
class Kewenangan:
    """Who registers an LKS: `kode` is kabupaten_kota, provinsi or kementerian; `kode_tujuan`
    the region of that authority; `milik_sendiri` whether it is this tenant."""

    kode: str
    kode_tujuan: str | None
    instansi: str
    citation: Any
    milik_sendiri: bool


def check_known_regions(codes: list[str], within: str | None = None) -> None:
    """Every code must be a kabupaten/kota the kernel's region data can place: its province
    known and, where the province's list is held, the kabupaten/kota too."""
    errors: dict[str, list[str]] = {}
    for i, code in enumerate(codes):
        province = province_of(code)
        if province_name(province) is None:
            errors[str(i)] = [f"Kode {code}: provinsi {province} tidak dikenal."]
        elif has_kabupaten_list(province) and kabupaten_name(code) is None:
            errors[str(i)] = [f"Kode {code}: kabupaten/kota tidak dikenal di provinsi {province_name(province)}."]
    if errors:
        # Keyed like the schema's own errors: {"lembaga": {"wilayah_kerja": {...}}}.
        raise InvalidInput({within: {"wilayah_kerja": errors}} if within else {"wilayah_kerja": errors})


def _nama_daerah(code: str) -> str:
    name = kabupaten_name(code)
    kind = "Kota" if is_kota(code) else "Kabupaten"
    return f"{kind} {name}" if name else f"kabupaten/kota {code}"


def kewenangan(profile: Any, tenant: Any, wilayah_kerja: list[str]) -> Kewenangan:
    """Pasal 57 ayat (2): one kabupaten/kota → its social agency (huruf c); several kabupaten/kota
    of one province → the province's (huruf b); several provinces → the ministry (huruf a)."""
    levels = {i["kode"]: i for i in profile.value("kewenangan_pendaftaran")}
    base = profile.citation("kewenangan_pendaftaran")

    def cite(kode: str) -> Any:
        return type(base)(base.regulation, base.pasal, base.ayat, levels[kode].get("huruf"))

    codes = sorted(set(wilayah_kerja))
    provinces = sorted({province_of(c) for c in codes})
    if len(codes) == 1:
        (code,) = codes
        mine = code == tenant.kode_wilayah
        instansi = f"Dinas Sosial {tenant.nama}" if mine else f"Dinas Sosial {_nama_daerah(code)}"
        return Kewenangan("kabupaten_kota", code, instansi, cite("kabupaten_kota"), mine)
    if len(provinces) == 1:
        name = province_name(provinces[0]) or provinces[0]
        return Kewenangan("provinsi", provinces[0], f"Dinas Sosial Provinsi {name}", cite("provinsi"), False)
    return Kewenangan("kementerian", None, "Kementerian Sosial Republik Indonesia", cite("kementerian"), False)


def dalam_kewenangan(ctx: CaseContext) -> None:
    """A kabupaten/kota declares complete and issues a tanda pendaftaran only for an LKS whose
    working area is this kabupaten/kota alone (Pasal 57 ayat (2) huruf c, Pasal 58)."""
    from .models import Pendaftaran

    p = ctx.session.get(Pendaftaran, (ctx.tenant.id, ctx.case.id))
    if p is None or p.kewenangan != "kabupaten_kota" or p.kode_tujuan != ctx.tenant.kode_wilayah:
        raise RuleViolation(
            "di_luar_kewenangan",
            f"Pendaftaran lembaga ini bukan kewenangan {ctx.tenant.nama}: wilayah kerjanya menjadi kewenangan "
            f"{p.instansi_tujuan if p else 'instansi lain'}. Permohonan hanya dapat dirujuk.",
            ctx.profile.citation("kewenangan_pendaftaran"),
        )


def di_luar_kewenangan(ctx: CaseContext) -> None:
    """Only an application outside this tenant's authority is referred (Pasal 57 ayat (2))."""
    from .models import Pendaftaran

    p = ctx.session.get(Pendaftaran, (ctx.tenant.id, ctx.case.id))
    if p is not None and p.kewenangan == "kabupaten_kota" and p.kode_tujuan == ctx.tenant.kode_wilayah:
        raise RuleViolation(
            "dalam_kewenangan",
            f"Wilayah kerja lembaga ini hanya {ctx.tenant.nama}: pendaftarannya kewenangan {ctx.tenant.nama} sendiri dan tidak dirujuk.",
            ctx.profile.citation("kewenangan_pendaftaran"),
        )


def oleh_petugas(ctx: CaseContext) -> None:
    """Declaring requirements complete and issuing the mark is the Dinas Sosial's act (Pasal
    58: the bupati/walikota by authority), not the applicant's."""
    from .access import PROCESSING_ROLES

    if ctx.actor_id is None or not (roles_in(ctx.session, ctx.actor_id, ctx.tenant.id) & PROCESSING_ROLES):
        raise Forbidden(message="Hanya petugas Dinas Sosial yang menyatakan persyaratan lengkap dan menerbitkan tanda pendaftaran.")


def lembaga_tercatat(ctx: CaseContext) -> None:
    """An application is for an LKS recorded with its board and working area, which has no
    application in progress and no tanda pendaftaran yet (Pasal 57 ayat (1): registered once)."""
    from sqlalchemy import select

    from core.sdk import Case, Conflict

    from .models import Lembaga, Pendaftaran

    org_id = ctx.case.organization_id
    lembaga = ctx.session.scalar(select(Lembaga).where(Lembaga.organization_id == org_id))
    if lembaga is None or lembaga.asing:
        raise InvalidInput({"organization_id": ["Bukan LKS yang tercatat (LKS asing tidak mendaftar di sini, melainkan memperoleh izin)."]})
    earlier = ctx.session.execute(
        select(Case.stage, Case.status, Pendaftaran.nomor)
        .join(Pendaftaran, (Pendaftaran.case_id == Case.id) & (Pendaftaran.tenant_id == Case.tenant_id))
        .where(Pendaftaran.organization_id == org_id)
    ).all()
    if any(row.nomor for row in earlier):
        raise Conflict("lks_sudah_terdaftar", "Lembaga ini sudah memiliki tanda pendaftaran.")
    if any(row.status == "open" for row in earlier):
        raise Conflict("permohonan_sedang_diproses", "Lembaga ini masih memiliki permohonan pendaftaran yang sedang diproses.")


# -- requirements (Pasal 57 ayat (3)) ------------------------------------------------------------


def persyaratan(profile: Any, berbadan_hukum: bool, ada: set[str]) -> list[dict[str, Any]]:
    """The checklist of attachments for this applicant: each with whether it is required (the
    deed only for a legal entity) and whether it has been uploaded."""
    return [
        {
            "kode": d["kode"], "label": d["label"], "huruf": d.get("huruf"),
            "wajib": d.get("wajib", "semua") == "semua" or berbadan_hukum,
            "ada": d["kode"] in ada,
        }
        for d in profile.value("dokumen_pendaftaran")
    ]


def belum_lengkap(profile: Any, berbadan_hukum: bool, ada: set[str]) -> list[dict[str, Any]]:
    return [d for d in persyaratan(profile, berbadan_hukum, ada) if d["wajib"] and not d["ada"]]


def persyaratan_lengkap(ctx: CaseContext) -> None:
    """Pasal 57 ayat (3): refused, naming exactly what is missing, while a required attachment
    is absent."""
    from . import dokumen
    from .models import Pendaftaran

    p = ctx.session.get(Pendaftaran, (ctx.tenant.id, ctx.case.id))
    ada = {d.jenis for d in dokumen.of(ctx.session, case_id=ctx.case.id)}
    missing = belum_lengkap(ctx.profile, p.berbadan_hukum, ada)
    if missing:
        raise RuleViolation(
            "persyaratan_belum_lengkap",
            "Persyaratan pendaftaran belum lengkap; belum dilampirkan: " + "; ".join(f"{d['label']} (huruf {d['huruf']})" for d in missing) + ".",
            ctx.profile.citation("dokumen_pendaftaran"),
            errors={"dokumen": [d["kode"] for d in missing]},
        )


def jenis_dokumen_pendaftaran(profile: Any, jenis: str) -> None:
    codes = [d["kode"] for d in profile.value("dokumen_pendaftaran")]
    if jenis not in codes:
        raise InvalidInput({"jenis": [f"Jenis dokumen '{jenis}' bukan lampiran pendaftaran; pilih salah satu: {', '.join(codes)}."]})


# -- dates ---------------------------------------------------------------------------------------


def not_in_future(value: date, today: date, field: str) -> None:
    if value > today:
        raise InvalidInput({field: ["Tanggal tidak boleh di masa depan."]})
