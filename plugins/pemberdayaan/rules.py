"""The rules of PP 39/2012 Pasal 15–25 as the pemberdayaan service enforces them: each reads its
parameters from the case's pinned profile and refuses citing the article the profile names."""
from __future__ import annotations

from typing import Any

from core.sdk import CaseContext, Organization, RuleViolation, get_owned

CASE_TYPE = "pemberdayaan_sosial"
COMMUNITY_TARGETS = ("kelompok", "komunitas_adat_terpencil")


def sasaran_of(profile: Any, kode: str) -> dict[str, Any]:
    """The target (Pasal 15) the profile knows by this code, or a refusal naming the known ones."""
    known = {s["kode"]: s for s in profile.value("sasaran")}
    if kode not in known:
        raise RuleViolation(
            "sasaran_tidak_dikenal",
            f"Sasaran '{kode}' tidak dikenal dalam pemberdayaan sosial; yang dikenal: {', '.join(known)}.",
            profile.citation("sasaran"),
        )
    return known[kode]


def sasaran_sesuai_subjek(ctx: CaseContext) -> None:
    """Pasal 15: persons and families are registry subjects, groups and communities are named
    communities with members, institutions are organizations."""
    sasaran = sasaran_of(ctx.profile, ctx.data["sasaran"])
    if ctx.case.subject_type != sasaran["subjek"]:
        raise RuleViolation(
            "subjek_tidak_sesuai_sasaran",
            f"Sasaran {sasaran['label']} dicatat sebagai subjek '{sasaran['subjek']}', bukan '{ctx.case.subject_type}'.",
            ctx.profile.citation("sasaran"),
        )


def kriteria_terpenuhi(ctx: CaseContext) -> None:
    """Pasal 19–24: the criteria of the target, recorded with their evidence. Each group of
    criteria says whether one suffices ("dan/atau") or all are needed ("dan")."""
    sasaran = sasaran_of(ctx.profile, ctx.data["sasaran"])
    given = {k["kode"] for k in ctx.data["kriteria"]}
    known = {c["kode"] for param in sasaran["syarat"] for c in ctx.profile.value(param)["pilihan"]}
    unknown = sorted(given - known)
    if unknown:
        last = sasaran["syarat"][-1] if sasaran["syarat"] else "sasaran"
        raise RuleViolation(
            "kriteria_tidak_dikenal",
            f"Kriteria {', '.join(unknown)} bukan kriteria bagi {sasaran['label']}.",
            ctx.profile.citation(last),
        )
    for param in sasaran["syarat"]:
        group = ctx.profile.value(param)
        options = {p["kode"]: p["label"] for p in group["pilihan"]}
        met = given & set(options)
        if group["sifat"] == "semua" and met != set(options):
            missing = [label for kode, label in options.items() if kode not in met]
            raise RuleViolation(
                "kriteria_tidak_terpenuhi",
                f"Pemberdayaan sosial terhadap {sasaran['label']} mensyaratkan semua kriteria berikut; belum terpenuhi: "
                + "; ".join(missing) + ".",
                ctx.profile.citation(param),
            )
        if group["sifat"] == "salah_satu" and not met:
            raise RuleViolation(
                "kriteria_tidak_terpenuhi",
                f"Pemberdayaan sosial terhadap {sasaran['label']} mensyaratkan paling sedikit satu dari: "
                + "; ".join(options.values()) + ". Catat kriteria yang terpenuhi beserta buktinya.",
                ctx.profile.citation(param),
            )


def penghasilan_di_bawah_kebutuhan_dasar(ctx: CaseContext) -> None:
    """Pasal 21: the Minister sets when an income does not meet the minimum basic need; once a
    profile carries that figure, an applicant claiming the criterion records the income."""
    batas = ctx.profile.value("batas_kebutuhan_dasar_minimal")
    if batas is None or "penghasilan_tidak_mencukupi" not in {k["kode"] for k in ctx.data["kriteria"]}:
        return
    penghasilan = ctx.data.get("penghasilan_per_bulan")
    if penghasilan is None or penghasilan >= batas:
        raise RuleViolation(
            "penghasilan_mencukupi",
            f"Penghasilan tidak mencukupi kebutuhan dasar minimal berarti kurang dari Rp{batas:,} per bulan".replace(",", ".")
            + "; catat penghasilan_per_bulan.",
            ctx.profile.citation("batas_kebutuhan_dasar_minimal"),
        )


def jenis_kelompok_dikenal(ctx: CaseContext) -> None:
    """Pasal 22 ayat (2), penjelasan: kelompok nelayan, petani, pedagang pasar, pedagang kaki lima
    and the like."""
    if ctx.data["sasaran"] != "kelompok":
        return
    known = {k["kode"]: k["label"] for k in ctx.profile.value("jenis_kelompok")}
    if ctx.data.get("jenis_kelompok") not in known:
        raise RuleViolation(
            "jenis_kelompok_tidak_dikenal", f"Jenis kelompok yang dikenal: {'; '.join(known.values())}.",
            ctx.profile.citation("jenis_kelompok"),
        )


def lembaga_adalah_lks(ctx: CaseContext) -> None:
    """Pasal 24 ayat (1): empowerment of an institution is for a Lembaga Kesejahteraan Sosial."""
    if ctx.data["sasaran"] != "lembaga":
        return
    org = get_owned(ctx.session, Organization, ctx.case.organization_id)
    allowed = ctx.profile.value("jenis_lembaga")
    if org is None or org.jenis not in allowed:
        raise RuleViolation(
            "bukan_lks",
            f"Pemberdayaan sosial terhadap lembaga ditujukan kepada Lembaga Kesejahteraan Sosial; {org.nama if org else 'lembaga ini'} "
            f"berjenis '{org.jenis if org else '-'}'.",
            ctx.profile.citation("jenis_lembaga"),
        )


def bentuk_sesuai_sasaran(ctx: CaseContext) -> None:
    """Pasal 17 (persons, families, groups, communities) and Pasal 18 (institutions as resources):
    the forms of empowerment each may receive."""
    sasaran = sasaran_of(ctx.profile, ctx.data["sasaran"])
    param = f"bentuk_huruf_{sasaran['huruf']}"
    allowed = {b["kode"]: b["label"] for b in ctx.profile.value(param)}
    extra = [b for b in ctx.data["bentuk"] if b not in allowed]
    if extra:
        raise RuleViolation(
            "bentuk_tidak_sesuai_sasaran",
            f"Bentuk {', '.join(extra)} tidak diberikan kepada {sasaran['label']}; yang dapat: {'; '.join(allowed.values())}.",
            ctx.profile.citation(param),
        )


def bentuk_stimulan(profile: Any, sasaran_kode: str) -> tuple[str, set[str]]:
    """The profile parameter of the target's forms and the codes among them that are stimulus."""
    param = f"bentuk_huruf_{sasaran_of(profile, sasaran_kode)['huruf']}"
    return param, {b["kode"] for b in profile.value(param) if b.get("stimulan")}


ON_OPEN = (sasaran_sesuai_subjek, kriteria_terpenuhi, penghasilan_di_bawah_kebutuhan_dasar, jenis_kelompok_dikenal,
           lembaga_adalah_lks, bentuk_sesuai_sasaran)
