"""The rules of PP 39/2012 Pasal 28–36 as the perlindungan service enforces them: each reads its
parameters from the case's pinned profile and refuses citing the article the profile names."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.sdk import (
    Case,
    CaseContext,
    Conflict,
    InvalidInput,
    Person,
    RegulationProfile,
    RuleViolation,
    get_owned,
)

BANTUAN_SOSIAL = "bantuan_sosial"
ADVOKASI_SOSIAL = "advokasi_sosial"
BANTUAN_HUKUM = "bantuan_hukum"

# Pasal 29 ayat (2): each form of bantuan sosial and the list of its kinds (Pasal 30–32)
JENIS_PARAM = {"bantuan_langsung": "jenis_bantuan_langsung", "penyediaan_aksesibilitas": "kegiatan_aksesibilitas",
               "penguatan_kelembagaan": "kegiatan_penguatan_kelembagaan"}
# Pasal 33 ayat (2): each form of advokasi sosial and its activities (Pasal 34 ayat (1)–(3))
KEGIATAN_ADVOKASI_PARAM = {"penyadaran_hak": "kegiatan_penyadaran_hak", "pembelaan": "kegiatan_pembelaan",
                           "pemenuhan_hak": "kegiatan_pemenuhan_hak"}


def _labels(profile: RegulationProfile, param: str) -> dict[str, str]:
    return {k["kode"]: k["label"] for k in profile.value(param)}


# ---- bantuan sosial (Pasal 29–32) -----------------------------------------------------------


def kejadian_of(ctx: CaseContext) -> Any:
    from .models import Kejadian

    kejadian = get_owned(ctx.session, Kejadian, ctx.data["kejadian_id"])
    if kejadian is None:
        raise InvalidInput({"data": {"kejadian_id": ["Kejadian tidak ditemukan di kabupaten/kota ini."]}})
    return kejadian


def kejadian_berlangsung(ctx: CaseContext) -> None:
    """An aid is given for an event still being handled; a closed event takes no new aid."""
    if kejadian_of(ctx).status != "berlangsung":
        raise Conflict("kejadian_ditutup", "Kejadian sudah ditutup; bantuan baru tidak dapat diberikan.")


def subjek_terdampak(ctx: CaseContext) -> None:
    """Pasal 28 ayat (2): perlindungan sosial is for those in the unstable situation the event
    caused — the person or household must be recorded as affected by it (a person also when
    their household is)."""
    from .models import Terdampak

    kejadian = kejadian_of(ctx)
    case = ctx.case
    households = [case.household_id] if case.household_id else []
    if case.person_id:
        person = get_owned(ctx.session, Person, case.person_id)
        if person is not None and person.household_id:
            households.append(person.household_id)
    stmt = select(Terdampak.id).where(Terdampak.kejadian_id == kejadian.id)
    found = ctx.session.scalar(stmt.where(Terdampak.person_id == case.person_id).limit(1)) if case.person_id else None
    if found is None and households:
        found = ctx.session.scalar(stmt.where(Terdampak.household_id.in_(households)).limit(1))
    if found is None:
        raise RuleViolation(
            "bukan_terdampak",
            f"Penerima tidak tercatat sebagai terdampak kejadian '{kejadian.nama}'; catat dulu lewat /kejadian/<id>/terdampak.",
            ctx.profile.citation("jenis_kejadian"),
        )


def sifat_bentuk_jenis(ctx: CaseContext) -> None:
    """Pasal 29 ayat (2) and Pasal 30–32: temporary or sustained, in one of the three forms, of
    kinds the profile lists for that form."""
    if ctx.data["sifat"] not in ctx.profile.value("sifat_bantuan_sosial"):
        raise RuleViolation("sifat_tidak_dikenal", f"Sifat bantuan sosial: {', '.join(ctx.profile.value('sifat_bantuan_sosial'))}.",
                            ctx.profile.citation("sifat_bantuan_sosial"))
    bentuk = _labels(ctx.profile, "bentuk_bantuan_sosial")
    if ctx.data["bentuk"] not in bentuk:
        raise RuleViolation("bentuk_tidak_dikenal", f"Bentuk bantuan sosial: {'; '.join(bentuk.values())}.",
                            ctx.profile.citation("bentuk_bantuan_sosial"))
    param = JENIS_PARAM[ctx.data["bentuk"]]
    allowed = _labels(ctx.profile, param)
    unknown = [j for j in ctx.data["jenis"] if j not in allowed]
    if unknown:
        raise RuleViolation(
            "jenis_bantuan_tidak_dikenal",
            f"{', '.join(unknown)} bukan jenis {bentuk[ctx.data['bentuk']]}; yang dikenal: {', '.join(allowed)}.",
            ctx.profile.citation(param),
        )


def koordinasi_bnpb(ctx: CaseContext) -> None:
    """Pasal 29 ayat (4): after a disaster, temporary aid is given after coordinating with the
    Badan Nasional Penanggulangan Bencana — the coordination must be recorded on the event."""
    kejadian = kejadian_of(ctx)
    if ctx.data["sifat"] != "sementara" or kejadian.jenis not in ctx.profile.value("koordinasi_bnpb"):
        return
    if kejadian.koordinasi_bnpb_tanggal is None:
        raise RuleViolation(
            "belum_koordinasi_bnpb",
            f"Bantuan sosial sementara akibat {kejadian.jenis.replace('_', ' ')} diberikan setelah berkoordinasi dengan "
            "Badan Nasional Penanggulangan Bencana; catat koordinasinya lewat /kejadian/<id>/koordinasi-bnpb.",
            ctx.profile.citation("koordinasi_bnpb"),
        )


def aid_cases(session: Any, case: Case, kejadian_id: Any, sifat: str) -> list[Case]:
    """The bantuan sosial cases of the same subject, event and nature."""
    stmt = select(Case).where(
        Case.case_type == BANTUAN_SOSIAL, Case.data["kejadian_id"].as_string() == str(kejadian_id),
        Case.data["sifat"].as_string() == sifat,
    )
    if case.person_id:
        stmt = stmt.where(Case.person_id == case.person_id)
    else:
        stmt = stmt.where(Case.household_id == case.household_id)
    return list(session.scalars(stmt))


def satu_bantuan_berjalan(ctx: CaseContext) -> None:
    """One running aid of each nature per subject and event: deliveries go to that one."""
    if any(c.status == "open" for c in aid_cases(ctx.session, ctx.case, ctx.data["kejadian_id"], ctx.data["sifat"])):
        raise Conflict("bantuan_sudah_berjalan", f"Bantuan {ctx.data['sifat']} untuk penerima dan kejadian ini sudah berjalan.")


def berkelanjutan_setelah_sementara(ctx: CaseContext) -> None:
    """Pasal 29 ayat (5): sustained aid only after the temporary aid of the same subject and event
    is declared finished (its case at stage `selesai`, none still running)."""
    if ctx.data["sifat"] != "berkelanjutan" or not ctx.profile.value("berkelanjutan_setelah_sementara"):
        return
    sementara = aid_cases(ctx.session, ctx.case, ctx.data["kejadian_id"], "sementara")
    if not sementara or any(c.status == "open" for c in sementara) or not any(c.stage == "selesai" for c in sementara):
        state = "masih berjalan" if any(c.status == "open" for c in sementara) else "belum ada"
        raise RuleViolation(
            "bantuan_sementara_belum_selesai",
            f"Bantuan sosial berkelanjutan diberikan setelah bantuan sementara dinyatakan selesai; bantuan sementara "
            f"penerima ini untuk kejadian yang sama {state}.",
            ctx.profile.citation("berkelanjutan_setelah_sementara"),
        )


def selesai_bantuan(ctx: CaseContext) -> None:
    """Declaring aid finished: temporary aid when the situation is stable (Pasal 29 ayat (3)),
    sustained aid when the minimum basic needs are met (Pasal 29 ayat (6))."""
    if ctx.case.data["sifat"] == "sementara":
        if ctx.profile.value("sementara_sampai_stabil") and not ctx.data["keadaan_stabil"]:
            raise RuleViolation(
                "keadaan_belum_stabil", "Bantuan sementara diberikan sampai keadaan stabil; nyatakan keadaan_stabil: true.",
                ctx.profile.citation("sementara_sampai_stabil"),
            )
        return
    if not ctx.data["kebutuhan_dasar_terpenuhi"]:
        standar = ctx.profile.value("kebutuhan_dasar_minimal")
        detail = f" (ukuran yang ditetapkan Menteri: {standar})" if standar else ""
        raise RuleViolation(
            "kebutuhan_dasar_belum_terpenuhi",
            f"Bantuan berkelanjutan diberikan sampai terpenuhinya kebutuhan dasar minimal secara wajar{detail}; "
            "nyatakan kebutuhan_dasar_terpenuhi: true.",
            ctx.profile.citation("kebutuhan_dasar_minimal"),
        )


BANTUAN_ON_OPEN = (kejadian_berlangsung, sifat_bentuk_jenis, subjek_terdampak, koordinasi_bnpb, berkelanjutan_setelah_sementara,
                   satu_bantuan_berjalan)


# ---- advokasi sosial (Pasal 33–34) and bantuan hukum (Pasal 35–36) --------------------------


def _bentuk_dikenal(param: str) -> Any:
    def check(ctx: CaseContext) -> None:
        allowed = _labels(ctx.profile, param)
        unknown = [b for b in ctx.data["bentuk"] if b not in allowed]
        if unknown:
            raise RuleViolation("bentuk_tidak_dikenal", f"{', '.join(unknown)} tidak dikenal; bentuknya: {'; '.join(allowed.values())}.",
                                ctx.profile.citation(param))

    check.__doc__ = f"The forms of the case come from the profile's `{param}`."
    return check


ADVOKASI_ON_OPEN = (_bentuk_dikenal("bentuk_advokasi"),)
HUKUM_ON_OPEN = (_bentuk_dikenal("bentuk_bantuan_hukum"),)


def kegiatan_kasus(profile: RegulationProfile, case: Case, kegiatan: str) -> tuple[str, dict[str, Any]]:
    """The form and the profile entry of an activity of an advokasi (Pasal 34) or bantuan hukum
    (Pasal 36) case; refused, citing the list, when the case's forms do not include it."""
    if case.case_type == BANTUAN_HUKUM:
        entries = {k["kode"]: k for k in profile.value("kegiatan_bantuan_hukum")}
        if kegiatan not in entries:
            raise RuleViolation("kegiatan_tidak_dikenal",
                                f"Kegiatan bantuan hukum: {'; '.join(e['label'] for e in entries.values())}.",
                                profile.citation("kegiatan_bantuan_hukum"))
        return ",".join(case.data["bentuk"]), entries[kegiatan]
    for bentuk, param in KEGIATAN_ADVOKASI_PARAM.items():
        entries = {k["kode"]: k for k in profile.value(param)}
        if kegiatan in entries:
            if bentuk not in case.data["bentuk"]:
                raise RuleViolation("kegiatan_di_luar_bentuk",
                                    f"Kegiatan {entries[kegiatan]['label']} termasuk bentuk {bentuk.replace('_', ' ')}, yang tidak dipilih kasus ini.",
                                    profile.citation(param))
            return bentuk, entries[kegiatan]
    known = [k["kode"] for p in KEGIATAN_ADVOKASI_PARAM.values() for k in profile.value(p)]
    raise RuleViolation("kegiatan_tidak_dikenal", f"Kegiatan advokasi sosial yang dikenal: {', '.join(known)}.",
                        profile.citation("bentuk_advokasi"))


def pendampingan_anak(session: Any, profile: RegulationProfile, case: Case, body: dict[str, Any]) -> None:
    """Pasal 36 huruf f: accompaniment is for a child facing the law — a person under the age the
    profile sets (UU 11/2012 Pasal 1), in one of the statuses it lists."""
    person = get_owned(session, Person, case.person_id) if case.person_id else None
    batas = profile.value("usia_anak_maks")
    if person is None or _age(person.tanggal_lahir, body["tanggal"]) >= batas:
        raise RuleViolation(
            "bukan_anak", f"Pendampingan bagi anak yang berhadapan dengan hukum hanya untuk anak yang belum berumur {batas} tahun.",
            profile.citation("usia_anak_maks"),
        )
    statuses = profile.value("status_anak_berhadapan_hukum")
    if body.get("status_anak") not in statuses:
        raise RuleViolation(
            "status_anak_tidak_dikenal", f"Sebutkan status_anak: {', '.join(statuses)}.", profile.citation("status_anak_berhadapan_hukum"),
        )


def _age(born: Any, on: Any) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
