"""The rules of PP 39/2012 Pasal 10–14 as the jaminan service enforces them: each reads its
parameters from the case's pinned profile and refuses citing the article the profile names."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.sdk import CaseContext, InvalidInput, Person, RuleViolation, get_owned, local_today

CASE_TYPE = "jaminan_sosial"
TUNJANGAN_PARAM = {"pejuang": "tunjangan_pejuang_perintis", "perintis_kemerdekaan": "tunjangan_pejuang_perintis",
                   "keluarga_pahlawan_nasional": "tunjangan_keluarga_pahlawan"}


def _kategori(ctx: CaseContext) -> dict[str, Any]:
    known = {k["kode"]: k for k in ctx.profile.value("kategori_penerima")}
    kategori = known.get(ctx.data["kategori"])
    if kategori is None:
        raise RuleViolation(
            "kategori_tidak_dikenal",
            f"Kategori '{ctx.data['kategori']}' bukan penerima jaminan sosial; yang dikenal: {', '.join(known)}.",
            ctx.profile.citation("kategori_penerima"),
        )
    return kategori


def program_sesuai_kategori(ctx: CaseContext) -> None:
    """Pasal 10 ayat (2)–(3): asuransi and bantuan langsung berkelanjutan for group (a),
    tunjangan berkelanjutan for group (b)."""
    kategori = _kategori(ctx)
    param = f"program_kelompok_{kategori['kelompok']}"
    allowed = {p["kode"]: p["label"] for p in ctx.profile.value(param)}
    if ctx.data["program"] not in allowed:
        raise RuleViolation(
            "program_tidak_sesuai_kategori",
            f"{kategori['label'].capitalize()} (kelompok huruf {kategori['kelompok']}) menerima: {'; '.join(allowed.values())}.",
            ctx.profile.citation(param),
        )


def tidak_mampu_sosial_ekonomi(ctx: CaseContext) -> None:
    """Pasal 10 ayat (1) huruf a: group (a) is covered when it "mengalami masalah ketidakmampuan
    sosial ekonomi" — the application records the evidence of it, of a kind the profile accepts."""
    kategori = {k["kode"]: k for k in ctx.profile.value("kategori_penerima")}.get(ctx.data["kategori"])
    if kategori is None or kategori["kelompok"] != "a":
        return
    kinds = {k["kode"]: k["label"] for k in ctx.profile.value("bukti_ketidakmampuan")}
    bukti = ctx.data.get("ketidakmampuan") or {}
    if bukti.get("jenis") not in kinds:
        raise RuleViolation(
            "ketidakmampuan_tidak_dibuktikan",
            f"{kategori['label'].capitalize()} dijamin bila mengalami ketidakmampuan sosial ekonomi: catat buktinya "
            f"(ketidakmampuan: jenis, keterangan, tanggal). Jenis bukti: {'; '.join(kinds.values())}.",
            ctx.profile.citation("bukti_ketidakmampuan"),
        )
    if date.fromisoformat(str(bukti["tanggal"])) > local_today():
        raise InvalidInput({"data": {"ketidakmampuan": {"tanggal": ["Tanggal bukti tidak boleh di masa depan."]}}})


def ketergantungan_penuh(ctx: CaseContext) -> None:
    """Pasal 12 ayat (1) and its elucidation: sustained direct aid for people whose life depends
    fully on others (severe or multiple disability, non-potential elderly or ex-chronic patients)."""
    if ctx.data["program"] != "bantuan_langsung_berkelanjutan":
        return
    kinds = {k["kode"]: k["label"] for k in ctx.profile.value("ketergantungan_penuh")}
    if ctx.data.get("ketergantungan") not in kinds:
        raise RuleViolation(
            "tidak_bergantung_sepenuhnya",
            "Bantuan langsung berkelanjutan hanya bagi yang kebutuhan hidupnya bergantung sepenuhnya kepada orang lain: "
            + "; ".join(kinds.values()) + ".",
            ctx.profile.citation("ketergantungan_penuh"),
        )
    if ctx.data.get("penyaluran") not in ctx.profile.value("penyaluran_tunai"):
        raise RuleViolation(
            "penyaluran_tidak_dikenal", "Uang tunai diberikan langsung kepada yang berhak atau melalui pengasuhnya.",
            ctx.profile.citation("penyaluran_tunai"),
        )


def terdaftar_di_data_resmi(ctx: CaseContext) -> None:
    """Pasal 13: sustained direct aid uses the data set by the authorised agency — the person's
    NIK must be in the register the tenant imported."""
    from .models import RegisterPenerima

    if ctx.data["program"] != "bantuan_langsung_berkelanjutan" or not ctx.profile.value("data_terpadu_wajib"):
        return
    person = get_owned(ctx.session, Person, ctx.case.person_id)
    # Both blind indexes are of the NIK in this tenant: equal exactly when the NIKs are.
    found = ctx.session.scalar(select(RegisterPenerima.id).where(RegisterPenerima.nik_index == person.nik_index)) if person else None
    if found is None:
        raise RuleViolation(
            "tidak_ada_di_data_resmi",
            f"{person.nama if person else 'Orang ini'} tidak terdapat dalam data yang ditetapkan instansi berwenang "
            "(impor data itu lewat /imports/jaminan.register); bantuan langsung berkelanjutan tidak dapat diberikan.",
            ctx.profile.citation("data_terpadu_wajib"),
        )


def tunjangan_sesuai(ctx: CaseContext) -> None:
    """Pasal 14 ayat (2)–(3): which tunjangan each group (b) category may receive; a keluarga
    pahlawan nasional is a lawful spouse, or a biological or lawfully adopted child (penjelasan)."""
    if ctx.data["program"] != "tunjangan_berkelanjutan":
        return
    param = TUNJANGAN_PARAM.get(ctx.data["kategori"])
    if param is None:
        return  # program_sesuai_kategori has refused it already
    allowed = ctx.profile.value(param)
    extra = [j for j in ctx.data["jenis_tunjangan"] if j not in allowed]
    if extra:
        raise RuleViolation(
            "tunjangan_tidak_sesuai",
            f"Tunjangan {', '.join(extra)} tidak diberikan kepada kategori ini; yang dapat: {', '.join(allowed)}.",
            ctx.profile.citation(param),
        )
    if ctx.data["kategori"] == "keluarga_pahlawan_nasional":
        relations = ctx.profile.value("hubungan_keluarga_pahlawan")
        if ctx.data.get("hubungan_pahlawan") not in relations:
            raise RuleViolation(
                "hubungan_tidak_sah",
                f"Keluarga pahlawan nasional adalah: {', '.join(relations)}; catat hubungannya (hubungan_pahlawan).",
                ctx.profile.citation("hubungan_keluarga_pahlawan"),
            )


ON_OPEN = (program_sesuai_kategori, tidak_mampu_sosial_ekonomi, ketergantungan_penuh, terdaftar_di_data_resmi, tunjangan_sesuai)
