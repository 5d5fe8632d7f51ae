"""Services of jaminan sosial: opening a case through the kernel's workflow (whose opening rules
cite PP 39/2012 Pasal 10–14), and the ledger of payments per period."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from core.sdk import Case, Conflict, InvalidInput, NotFound, RuleViolation, Tenant, case_profile, get_owned, local_today, open_case, record_audit

from . import rules
from .models import Penyaluran
from .workflow import STAGE_LABELS


def get_kasus(session: Any, case_id: uuid.UUID) -> Case:
    case = get_owned(session, Case, case_id)
    if case is None or case.case_type != rules.CASE_TYPE:
        raise NotFound("kasus_tidak_ditemukan", "Kasus jaminan sosial tidak ditemukan.")
    return case


def ajukan(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], actor_id: uuid.UUID) -> Case:
    return open_case(session, kernel, tenant, {
        "case_type": rules.CASE_TYPE, "subject_type": "person", "person_id": body["person_id"], "data": body["data"],
    }, actor_id)


def kasus_query(program: str | None = None, stage: str | None = None) -> Select[Any]:
    stmt = select(Case).where(Case.case_type == rules.CASE_TYPE).order_by(Case.opened_at.desc(), Case.id)
    if stage:
        stmt = stmt.where(Case.stage == stage)
    if program:
        stmt = stmt.where(Case.data["program"].as_string() == program)
    return stmt


def salurkan(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Penyaluran:
    """Record a payment for one period: only to an active beneficiary, in whole rupiah within the
    profile's amount, for a kind the case receives, and never twice for the same period."""
    profile = case_profile(session, kernel, tenant, case)
    program = case.data["program"]
    if case.stage != "penerima" or case.status != "open":
        raise RuleViolation(
            "bukan_penerima_aktif", f"Penyaluran hanya kepada penerima aktif; kasus berada di tahap {STAGE_LABELS[case.stage]}.",
            profile.citation("kategori_penerima"),
        )
    if body["tanggal"] > local_today():
        raise InvalidInput({"tanggal": ["Tanggal tidak boleh di masa depan."]})
    if program == "tunjangan_berkelanjutan":
        if body.get("jenis") not in case.data.get("jenis_tunjangan", []):
                raise InvalidInput({"jenis": [f"Pilih salah satu tunjangan kasus ini: {', '.join(case.data.get('jenis_tunjangan', []))}."]})
        jenis = body["jenis"]
    else:
        jenis = program
    _periode_sesuai(profile, program, body)
    maks = profile.value("besaran_maks").get(program)
    if maks is not None and body["jumlah"] > maks:
        raise RuleViolation(
            "melebihi_besaran", f"Besaran per periode paling banyak Rp{maks:,}.".replace(",", "."), profile.citation("besaran_maks"),
        )
    if session.scalar(select(Penyaluran.id).where(Penyaluran.case_id == case.id, Penyaluran.periode == body["periode"], Penyaluran.jenis == jenis)):
        raise Conflict("periode_sudah_disalurkan", f"Periode {body['periode']} ({jenis}) sudah disalurkan untuk penerima ini.")
    pengasuh = case.data.get("pengasuh") if case.data.get("penyaluran") == "melalui_pengasuh" else None
    entry = Penyaluran(
        case_id=case.id, periode=body["periode"], jenis=jenis, jumlah=body["jumlah"], tanggal=body["tanggal"],
        penerima=f"melalui pengasuh: {pengasuh['nama']} ({pengasuh['hubungan']})" if pengasuh else "langsung", dicatat_oleh=actor_id,
    )
    session.add(entry)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # the same period recorded at the same moment elsewhere
        raise Conflict("periode_sudah_disalurkan", f"Periode {body['periode']} ({jenis}) sudah disalurkan untuk penerima ini.") from exc
    record_audit(session, "jaminan.penyaluran", "case", case.id, {"periode": entry.periode, "jenis": jenis, "jumlah": entry.jumlah})
    return entry


def _periode_sesuai(profile: Any, program: str, body: dict[str, Any]) -> None:
    """A period is `TTTT-BB`, its first month: with periods of n months (profile `periode_bulan`,
    monthly when the programme is not named) only the months that start one, and not one that has
    not begun by the payment date."""
    months = profile.value("periode_bulan").get(program, 1)
    year, month = (int(part) for part in body["periode"].split("-"))
    if (month - 1) % months:
        starts = ", ".join(f"{year}-{m:02d}" for m in range(1, 13, months))
        raise RuleViolation(
            "periode_tidak_sesuai", f"Bentuk jaminan ini disalurkan per {months} bulan; periode tahun {year}: {starts}.",
            profile.citation("periode_bulan"),
        )
    if (year, month) > (body["tanggal"].year, body["tanggal"].month):
        raise InvalidInput({"periode": [f"Periode {body['periode']} belum dimulai pada tanggal penyaluran {body['tanggal']}."]})


def penyaluran_query(case: Case) -> Select[Any]:
    return select(Penyaluran).where(Penyaluran.case_id == case.id).order_by(Penyaluran.periode, Penyaluran.jenis)
