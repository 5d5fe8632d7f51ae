"""Services of rehabilitasi sosial: opening a case, recording activities, the plan, monitoring and
evaluations, reading a case (with its notes only for those allowed), warnings.

Every mutation runs in the request's transaction (the kernel commits) and is audited; every
refusal raises before anything is written, so nothing of a refused request is kept.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta, timezone
from typing import Any

from sqlalchemy import Select, select, update

from core.sdk import (
    Case,
    CaseAssignment,
    InvalidInput,
    Membership,
    NotFound,
    Organization,
    RuleViolation,
    Tenant,
    case_profile,
    get_owned,
    local_today,
    open_case,
    record_audit,
    utcnow,
)

from . import rules
from .models import Evaluasi, Kegiatan, Pemantauan, Peringatan, Rencana
from .workflow import PLAN_STAGES, REHABILITASI_SOSIAL

# Dates are Indonesian local dates (the kernel's local_today() is Western Indonesia Time).
_LOCAL = timezone(timedelta(hours=7))
STAGE_LABEL = {s.code: s.label for s in REHABILITASI_SOSIAL.stages}


# -- lookups ------------------------------------------------------------------------------------


def get_kasus(session: Any, case_id: uuid.UUID) -> Case:
    """A rehabilitasi case of the current tenant, or 404."""
    case = get_owned(session, Case, case_id)
    if case is None or case.case_type != rules.CASE_TYPE:
        raise NotFound("kasus_tidak_ditemukan", "Kasus rehabilitasi sosial tidak ditemukan.")
    return case


def opened_on(case: Case) -> date:
    return case.opened_at.astimezone(_LOCAL).date()


def _is_member(session: Any, tenant: Tenant, user_id: uuid.UUID) -> bool:
    return session.scalar(
        select(Membership.user_id).where(Membership.tenant_id == tenant.id, Membership.user_id == user_id).limit(1)
    ) is not None


def _check_tanggal(case: Case, tanggal: date, field: str = "tanggal") -> None:
    """Records are dated: not in the future, not before the case was opened."""
    if tanggal > local_today():
        raise InvalidInput({field: ["Tanggal tidak boleh di masa depan."]})
    if tanggal < opened_on(case):
        raise InvalidInput({field: [f"Tanggal tidak boleh sebelum kasus dibuka ({opened_on(case).isoformat()})."]})


def _open_only(session: Any, kernel: Any, tenant: Tenant, case: Case, what: str) -> Any:
    profile = case_profile(session, kernel, tenant, case)
    if case.status != "open":
        raise RuleViolation("kasus_sudah_ditutup", f"Kasus sudah ditutup; {what} tidak dapat dicatat.", profile.citation("tahapan"))
    return profile


def assignments_of(session: Any, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Assignments of several cases in one query."""
    out: dict[uuid.UUID, list[dict[str, Any]]] = {cid: [] for cid in case_ids}
    if case_ids:
        for a in session.scalars(
            select(CaseAssignment).where(CaseAssignment.case_id.in_(list(case_ids))).order_by(CaseAssignment.assigned_at)
        ):
            out[a.case_id].append({"user_id": a.user_id, "peran": a.peran})
    return out


def kasus_out(case: Case, assigned: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("id", "case_type", "person_id", "stage", "status", "opened_at", "closed_at", "profile_id", "profile_version", "version", "data")
    return {k: getattr(case, k) for k in keys} | {"assigned": assigned}


# -- cases --------------------------------------------------------------------------------------


def open_kasus(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], actor_id: uuid.UUID) -> Case:
    """Open a rehabilitasi_sosial case through the kernel (its subject check, the data schema and
    the opening rules), optionally with its primary worker (through the assignment rules)."""
    assigned = []
    utama = body.get("petugas_utama_id")
    if utama is not None:
        if not _is_member(session, tenant, utama):
            raise InvalidInput({"petugas_utama_id": ["Petugas tidak terdaftar di kabupaten/kota ini."]})
        assigned = [{"user_id": utama, "peran": rules.UTAMA}]
    values = {
        "case_type": rules.CASE_TYPE,
        "subject_type": "person",
        "person_id": body["person_id"],
        "data": body["data"],
        "assigned": assigned,
    }
    return open_case(session, kernel, tenant, values, actor_id)


def kasus_query(status: str | None = None, stage: str | None = None) -> Select[Any]:
    stmt = select(Case).where(Case.case_type == rules.CASE_TYPE).order_by(Case.opened_at.desc(), Case.id)
    if status:
        stmt = stmt.where(Case.status == status)
    if stage:
        stmt = stmt.where(Case.stage == stage)
    return stmt


def _kegiatan_out(k: Kegiatan, notes: bool) -> dict[str, Any]:
    out = {c: getattr(k, c) for c in ("id", "case_id", "tahap", "kode", "tanggal", "pelaksana_id", "catatan", "rincian", "dicatat_pada")}
    if not notes:
        out["catatan"], out["rincian"] = None, None
    return out


def _pemantauan_out(p: Pemantauan, notes: bool) -> dict[str, Any]:
    out = {c: getattr(p, c) for c in ("id", "case_id", "tanggal", "butir", "pencatat_id", "dicatat_pada")}
    if not notes:
        out["butir"] = None
    return out


def _evaluasi_out(e: Evaluasi, notes: bool) -> dict[str, Any]:
    out = {c: getattr(e, c) for c in ("id", "case_id", "tanggal", "hasil", "rekomendasi", "evaluator_id", "dicatat_pada")}
    if not notes:
        out["hasil"], out["rekomendasi"] = None, None
    return out


def _rencana_out(r: Rencana | None, notes: bool) -> Rencana | dict[str, Any] | None:
    if r is None or notes:
        return r
    cols = ("id", "case_id", "kebutuhan_prioritas", "bentuk", "rujukan", "jadwal", "sumber_dana", "pendekatan", "metode", "teknik", "disusun_oleh", "diperbarui_pada")
    out = {c: getattr(r, c) for c in cols}
    out["rujukan"] = [{**x, "catatan": None} for x in r.rujukan]  # referral notes are notes too
    return out


def kasus_detail(session: Any, case: Case, notes: bool) -> dict[str, Any]:
    """The case with everything recorded on it: one query per table, whatever the counts.
    Without `notes` (Perbup Balangan 61/2017 Pasal 29 huruf b) the texts are left out."""
    cid = case.id
    kegiatan = session.scalars(select(Kegiatan).where(Kegiatan.case_id == cid).order_by(Kegiatan.tanggal, Kegiatan.dicatat_pada, Kegiatan.id))
    pemantauan = session.scalars(select(Pemantauan).where(Pemantauan.case_id == cid).order_by(Pemantauan.tanggal, Pemantauan.id))
    evaluasi = session.scalars(select(Evaluasi).where(Evaluasi.case_id == cid).order_by(Evaluasi.tanggal, Evaluasi.id))
    peringatan = session.scalars(select(Peringatan).where(Peringatan.case_id == cid).order_by(Peringatan.jatuh_tempo, Peringatan.id))
    rencana = session.scalar(select(Rencana).where(Rencana.case_id == cid))
    return kasus_out(case, assignments_of(session, [cid])[cid]) | {
        "catatan_disembunyikan": not notes,
        "kegiatan": [_kegiatan_out(k, notes) for k in kegiatan],
        "rencana": _rencana_out(rencana, notes),
        "pemantauan": [_pemantauan_out(p, notes) for p in pemantauan],
        "evaluasi": [_evaluasi_out(e, notes) for e in evaluasi],
        "peringatan": list(peringatan),
    }


# -- activities ---------------------------------------------------------------------------------


def add_kegiatan(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Kegiatan:
    """Record an activity of the case's current stage (Perbup Balangan 61/2017 Pasal 19–25)."""
    profile = _open_only(session, kernel, tenant, case, "kegiatan")
    _check_tanggal(case, body["tanggal"])
    pelaksana = body.get("pelaksana_id") or actor_id
    if not _is_member(session, tenant, pelaksana):
        raise InvalidInput({"pelaksana_id": ["Petugas tidak terdaftar di kabupaten/kota ini."]})
    rules.kegiatan_sesuai_tahap(profile, case.stage, body["kode"])
    kegiatan = Kegiatan(
        case_id=case.id, tahap=case.stage, kode=body["kode"], tanggal=body["tanggal"], pelaksana_id=pelaksana,
        catatan=body.get("catatan"), rincian=body.get("rincian") or {},
    )
    session.add(kegiatan)
    session.flush()
    record_audit(session, "rehabilitasi.kegiatan.create", "case", case.id, {"kegiatan_id": kegiatan.id, "tahap": case.stage, "kode": kegiatan.kode})
    return kegiatan


def kegiatan_query(case: Case) -> Select[Any]:
    return select(Kegiatan).where(Kegiatan.case_id == case.id).order_by(Kegiatan.tanggal, Kegiatan.dicatat_pada, Kegiatan.id)


def kegiatan_page(items: list[Kegiatan], notes: bool) -> list[dict[str, Any]]:
    return [_kegiatan_out(k, notes) for k in items]


# -- plan ---------------------------------------------------------------------------------------


def save_rencana(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> tuple[Rencana, bool]:
    """The plan (Perbup Balangan 61/2017 Pasal 21): drawn up at penyusunan rencana and revised
    while it is carried out; its forms, funding source and practice codes come from the profile."""
    profile = _open_only(session, kernel, tenant, case, "rencana")
    if case.stage not in PLAN_STAGES:
        raise RuleViolation(
            "rencana_di_luar_tahap",
            f"Rencana hanya disusun pada tahap {STAGE_LABEL['penyusunan_rencana']} atau {STAGE_LABEL['pemecahan_masalah']}; "
            f"kasus berada di tahap {STAGE_LABEL[case.stage]}.",
            profile.citation("tahapan"),
        )
    rules.bentuk_dikenal(profile, body["bentuk"])
    rules.sumber_dana_dikenal(profile, body["sumber_dana"])
    for name in ("pendekatan", "metode", "teknik"):
        rules.praktik_dikenal(profile, name, body.get(name) or [])
    org_ids = {r["organization_id"] for r in body.get("rujukan", []) if r.get("organization_id")}
    if org_ids:
        found = set(session.scalars(select(Organization.id).where(Organization.id.in_(org_ids))))  # tenant-scoped
        errors = {
            f"rujukan.{i}.organization_id": ["Lembaga tidak ditemukan di kabupaten/kota ini."]
            for i, r in enumerate(body["rujukan"])
            if r.get("organization_id") and r["organization_id"] not in found
        }
        if errors:
            raise InvalidInput(errors)
    values = {
        "kebutuhan_prioritas": body["kebutuhan_prioritas"],
        "bentuk": body["bentuk"],
        "rujukan": [
            {"tujuan": r["tujuan"], "organization_id": str(r["organization_id"]) if r.get("organization_id") else None, "catatan": r.get("catatan")}
            for r in body.get("rujukan", [])
        ],
        "jadwal": [
            {"kegiatan": j["kegiatan"], "mulai": j["mulai"].isoformat(), "selesai": j["selesai"].isoformat()} for j in body.get("jadwal", [])
        ],
        "sumber_dana": body["sumber_dana"],
        "pendekatan": body.get("pendekatan") or [],
        "metode": body.get("metode") or [],
        "teknik": body.get("teknik") or [],
        "disusun_oleh": actor_id,
    }
    rencana = session.scalar(select(Rencana).where(Rencana.case_id == case.id))
    created = rencana is None
    if created:
        rencana = Rencana(case_id=case.id, **values)
        session.add(rencana)
    else:
        for key, value in values.items():
            setattr(rencana, key, value)
        rencana.diperbarui_pada = utcnow()
    session.flush()
    record_audit(
        session, "rehabilitasi.rencana.create" if created else "rehabilitasi.rencana.update", "case", case.id,
        {"rencana_id": rencana.id, "bentuk": values["bentuk"], "sumber_dana": values["sumber_dana"]},
    )
    return rencana, created


# -- monitoring and evaluation ------------------------------------------------------------------


def add_pemantauan(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Pemantauan:
    """A monitoring entry (Perbup Balangan 61/2017 Pasal 40–41)."""
    profile = _open_only(session, kernel, tenant, case, "pemantauan")
    _check_tanggal(case, body["tanggal"])
    butir = {k: v.strip() for k, v in body["butir"].items()}
    rules.butir_pemantauan_lengkap(profile, butir)
    entry = Pemantauan(case_id=case.id, tanggal=body["tanggal"], butir={k: v for k, v in butir.items() if v}, pencatat_id=actor_id)
    session.add(entry)
    session.flush()
    record_audit(session, "rehabilitasi.pemantauan.create", "case", case.id, {"pemantauan_id": entry.id, "tanggal": entry.tanggal})
    return entry


def add_evaluasi(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Evaluasi:
    """An evaluation (Perbup Balangan 61/2017 Pasal 42): it also settles the case's open
    overdue-evaluation warnings."""
    _open_only(session, kernel, tenant, case, "evaluasi")
    _check_tanggal(case, body["tanggal"])
    entry = Evaluasi(case_id=case.id, tanggal=body["tanggal"], hasil=body["hasil"], rekomendasi=body.get("rekomendasi"), evaluator_id=actor_id)
    session.add(entry)
    session.flush()
    settled = session.execute(
        update(Peringatan)
        .where(
            Peringatan.tenant_id == tenant.id, Peringatan.case_id == case.id,
            Peringatan.jenis == "evaluasi_terlambat", Peringatan.selesai_pada.is_(None),
        )
        .values(selesai_pada=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    record_audit(session, "rehabilitasi.evaluasi.create", "case", case.id, {"evaluasi_id": entry.id, "tanggal": entry.tanggal, "peringatan_selesai": settled})
    return entry


# -- warnings -----------------------------------------------------------------------------------


def peringatan_query(semua: bool = False) -> Select[Any]:
    stmt = select(Peringatan).order_by(Peringatan.jatuh_tempo, Peringatan.id)
    if not semua:
        stmt = stmt.where(Peringatan.selesai_pada.is_(None))
    return stmt

