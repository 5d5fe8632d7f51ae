"""Services of pemberdayaan sosial: opening a case through the kernel's workflow (whose opening
rules cite PP 39/2012 Pasal 15–24), the members of a group or community, and the stimulus given."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from core.sdk import (
    Case,
    Conflict,
    InvalidInput,
    NotFound,
    Person,
    RuleViolation,
    Tenant,
    case_profile,
    get_owned,
    local_today,
    open_case,
    record_audit,
    tenant_profile,
)

from . import rules
from .models import Anggota, Stimulan
from .workflow import STAGE_LABELS

SUBJECT_FIELD = {"person": "person_id", "household": "household_id", "organization": "organization_id", "community": "community_name"}


def get_kasus(session: Any, case_id: uuid.UUID) -> Case:
    case = get_owned(session, Case, case_id)
    if case is None or case.case_type != rules.CASE_TYPE:
        raise NotFound("kasus_tidak_ditemukan", "Kasus pemberdayaan sosial tidak ditemukan.")
    return case


def _members(session: Any, ids: list[uuid.UUID], field: str) -> list[Person]:
    twice = sorted({str(i) for i in ids if ids.count(i) > 1})
    if twice:
        raise InvalidInput({field: [f"Orang yang sama disebut lebih dari sekali: {', '.join(twice)}."]})
    people = []
    for pid in ids:
        person = get_owned(session, Person, pid)
        if person is None:
            raise InvalidInput({field: [f"Orang {pid} tidak ditemukan di kabupaten/kota ini."]})
        people.append(person)
    return people


def ajukan(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], actor_id: uuid.UUID) -> Case:
    """Open a case for a target (Pasal 15): its subject follows the target, a group or community
    comes with its members; the opening rules judge the criteria and the forms."""
    data = body["data"] if isinstance(body.get("data"), dict) else {}
    profile = tenant_profile(session, kernel, tenant, "pemberdayaan")
    if not isinstance(data.get("sasaran"), str):
        raise InvalidInput({"data": {"sasaran": ["Wajib diisi."]}})
    sasaran = rules.sasaran_of(profile, data["sasaran"])
    subject_type = sasaran["subjek"]
    field = SUBJECT_FIELD[subject_type]
    others = [f for f in SUBJECT_FIELD.values() if f != field and body.get(f)]
    if others:
        raise InvalidInput({f: [f"Sasaran {sasaran['label']} dicatat dengan {field}, bukan {f}."] for f in others})
    anggota = body.get("anggota") or []
    if subject_type == "community":
        if not anggota:
            raise InvalidInput({"anggota": ["Kelompok atau komunitas dicatat dengan paling sedikit satu anggota."]})
    elif anggota:
        raise InvalidInput({"anggota": ["Anggota hanya dicatat untuk kelompok atau komunitas adat terpencil."]})
    people = _members(session, anggota, "anggota")
    minimum = profile.value("anggota_minimum_komunitas")
    if sasaran["kode"] == "komunitas_adat_terpencil" and minimum is not None and len(people) < minimum:
        raise RuleViolation(
            "anggota_kurang", f"Komunitas adat terpencil terdiri dari paling sedikit {minimum} orang; tercatat {len(people)}.",
            profile.citation("anggota_minimum_komunitas"),
        )
    case = open_case(session, kernel, tenant, {
        "case_type": rules.CASE_TYPE, "subject_type": subject_type, field: body.get(field), "data": data,
    }, actor_id)
    for person in people:
        session.add(Anggota(case_id=case.id, person_id=person.id, peran="anggota", ditambahkan_oleh=actor_id))
    session.flush()
    return case


def kasus_query(sasaran: str | None = None, stage: str | None = None) -> Select[Any]:
    stmt = select(Case).where(Case.case_type == rules.CASE_TYPE).order_by(Case.opened_at.desc(), Case.id)
    if stage:
        stmt = stmt.where(Case.stage == stage)
    if sasaran:
        stmt = stmt.where(Case.data["sasaran"].as_string() == sasaran)
    return stmt


def _community(case: Case) -> None:
    if case.subject_type != "community":
        raise Conflict("bukan_kelompok", "Anggota hanya dicatat untuk kelompok atau komunitas adat terpencil.")


def tambah_anggota(session: Any, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Anggota:
    _community(case)
    if case.status != "open":
        raise Conflict("kasus_sudah_ditutup", "Kasus sudah ditutup; anggotanya tidak dapat diubah.")
    (person,) = _members(session, [body["person_id"]], "person_id")
    if session.scalar(select(Anggota.id).where(Anggota.case_id == case.id, Anggota.person_id == person.id)):
        raise Conflict("sudah_anggota", f"{person.nama} sudah menjadi anggota.")
    entry = Anggota(case_id=case.id, person_id=person.id, peran=body["peran"], ditambahkan_oleh=actor_id)
    session.add(entry)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("sudah_anggota", f"{person.nama} sudah menjadi anggota.") from exc
    record_audit(session, "pemberdayaan.anggota", "case", case.id, {"person_id": person.id, "peran": entry.peran})
    return entry


def anggota_rows(session: Any, case: Case) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Anggota, Person.nama).join(Person, (Person.tenant_id == Anggota.tenant_id) & (Person.id == Anggota.person_id))
        .where(Anggota.case_id == case.id).order_by(Person.nama, Anggota.id)
    ).all()
    return [{"id": a.id, "case_id": a.case_id, "person_id": a.person_id, "nama": nama, "peran": a.peran,
             "ditambahkan_pada": a.ditambahkan_pada} for a, nama in rows]


def catat_stimulan(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Stimulan:
    """Record one stimulus (Pasal 17 huruf d, Pasal 18 huruf d): only for a case whose forms
    include it, while the empowerment is being carried out, of a known kind and funding source."""
    profile = case_profile(session, kernel, tenant, case)
    tahap = profile.value("tahap_stimulan")
    if case.status != "open" or case.stage not in tahap:
        raise RuleViolation(
            "bukan_tahap_stimulan",
            f"Stimulan diberikan pada tahap {', '.join(STAGE_LABELS.get(t, t) for t in tahap)}; kasus berada di tahap "
            f"{STAGE_LABELS.get(case.stage, case.stage)}{' (ditutup)' if case.status != 'open' else ''}.",
            profile.citation("tahap_stimulan"),
        )
    param, stimulus_forms = rules.bentuk_stimulan(profile, case.data["sasaran"])
    if not stimulus_forms & set(case.data["bentuk"]):
        raise RuleViolation(
            "stimulan_bukan_bentuk_kasus", "Pemberian stimulan bukan bentuk pemberdayaan yang ditetapkan untuk kasus ini.",
            profile.citation(param),
        )
    jenis = {j["kode"]: j["label"] for j in profile.value("jenis_stimulan")}
    if body["jenis"] not in jenis:
        raise RuleViolation(
            "jenis_stimulan_tidak_dikenal", f"Stimulan berupa: {', '.join(jenis.values())}.", profile.citation("jenis_stimulan"),
        )
    sumber = {s["kode"]: s["label"] for s in profile.value("sumber_dana")}
    if body["sumber_dana"] not in sumber:
        raise RuleViolation(
            "sumber_dana_tidak_dikenal", f"Sumber dana yang sah: {', '.join(sumber)}.", profile.citation("sumber_dana"),
        )
    if body["tanggal"] > local_today():
        raise InvalidInput({"tanggal": ["Tanggal tidak boleh di masa depan."]})
    entry = Stimulan(case_id=case.id, jenis=body["jenis"], nilai=body["nilai"], sumber_dana=body["sumber_dana"],
                     tanggal=body["tanggal"], uraian=body.get("uraian"), dicatat_oleh=actor_id)
    session.add(entry)
    session.flush()
    record_audit(session, "pemberdayaan.stimulan", "case", case.id, {"jenis": entry.jenis, "nilai": entry.nilai, "sumber_dana": entry.sumber_dana})
    return entry


def stimulan_query(case: Case) -> Select[Any]:
    return select(Stimulan).where(Stimulan.case_id == case.id).order_by(Stimulan.tanggal, Stimulan.dicatat_pada, Stimulan.id)
