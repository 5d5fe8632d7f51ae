"""Services of perlindungan sosial: events and their affected people (attached in bulk, all or
nothing), bantuan sosial cases and the ledger of what went to whom, and the activities of
advokasi sosial and bantuan hukum cases. Cases open through the kernel's workflow, whose rules
cite PP 39/2012 Pasal 28–36."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from core.sdk import (
    Case,
    Conflict,
    Household,
    InvalidInput,
    NotFound,
    Person,
    RuleViolation,
    Tenant,
    case_profile,
    get_owned,
    local_today,
    mask_nik,
    open_case,
    record_audit,
    tenant_profile,
)

from . import rules
from .models import Kegiatan, Kejadian, Penyaluran, Terdampak

PLUGIN = "perlindungan"


def _not_future(day: Any, field: str = "tanggal") -> None:
    if day > local_today():
        raise InvalidInput({field: ["Tanggal tidak boleh di masa depan."]})


# ---- kejadian -------------------------------------------------------------------------------


def get_kejadian(session: Any, kejadian_id: uuid.UUID) -> Kejadian:
    kejadian = get_owned(session, Kejadian, kejadian_id)
    if kejadian is None:
        raise NotFound("kejadian_tidak_ditemukan", "Kejadian tidak ditemukan.")
    return kejadian


def ensure_berlangsung(kejadian: Kejadian) -> None:
    if kejadian.status != "berlangsung":
        raise Conflict("kejadian_ditutup", f"Kejadian '{kejadian.nama}' sudah ditutup pada {kejadian.ditutup_tanggal}.")


def catat_kejadian(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], actor_id: uuid.UUID) -> Kejadian:
    """Pasal 28 ayat (2): a sudden unstable situation of a kind the profile lists."""
    profile = tenant_profile(session, kernel, tenant, PLUGIN)
    jenis = {k["kode"]: k["label"] for k in profile.value("jenis_kejadian")}
    if body["jenis"] not in jenis:
        raise RuleViolation("jenis_kejadian_tidak_dikenal", f"Jenis kejadian: {', '.join(jenis)}.", profile.citation("jenis_kejadian"))
    _not_future(body["tanggal_mulai"], "tanggal_mulai")
    kejadian = Kejadian(**body, status="berlangsung", dicatat_oleh=actor_id)
    session.add(kejadian)
    session.flush()
    record_audit(session, "perlindungan.kejadian", "perlindungan_kejadian", kejadian.id, {"jenis": kejadian.jenis, "nama": kejadian.nama})
    return kejadian


def kejadian_query(status: str | None = None) -> Select[Any]:
    stmt = select(Kejadian).order_by(Kejadian.tanggal_mulai.desc(), Kejadian.id)
    return stmt.where(Kejadian.status == status) if status else stmt


def catat_koordinasi(session: Any, kejadian: Kejadian, body: dict[str, Any]) -> Kejadian:
    """Pasal 29 ayat (4): the coordination with BNPB, recorded before temporary aid."""
    ensure_berlangsung(kejadian)
    _not_future(body["tanggal"])
    if body["tanggal"] < kejadian.tanggal_mulai:
        raise InvalidInput({"tanggal": ["Koordinasi tidak mungkin sebelum kejadian dimulai."]})
    kejadian.koordinasi_bnpb_tanggal = body["tanggal"]
    kejadian.koordinasi_bnpb_keterangan = body["keterangan"]
    session.flush()
    record_audit(session, "perlindungan.koordinasi_bnpb", "perlindungan_kejadian", kejadian.id, {"tanggal": str(body["tanggal"])})
    return kejadian


def tutup_kejadian(session: Any, kejadian: Kejadian, body: dict[str, Any]) -> Kejadian:
    ensure_berlangsung(kejadian)
    _not_future(body["tanggal"])
    if body["tanggal"] < kejadian.tanggal_mulai:
        raise InvalidInput({"tanggal": ["Tanggal penutupan tidak boleh sebelum kejadian dimulai."]})
    kejadian.status = "ditutup"
    kejadian.ditutup_tanggal = body["tanggal"]
    kejadian.ditutup_keterangan = body["keterangan"]
    session.flush()
    record_audit(session, "perlindungan.kejadian_tutup", "perlindungan_kejadian", kejadian.id, {"tanggal": str(body["tanggal"])})
    return kejadian


def tambah_terdampak(session: Any, kejadian: Kejadian, body: dict[str, Any]) -> dict[str, int]:
    """Attach many persons and households of the tenant's registry at once. Any id unknown here
    (another tenant's ids are unknown here) refuses the whole request, naming them."""
    ensure_berlangsung(kejadian)
    wanted = {"person_ids": (Person, Terdampak.person_id, "person_id"), "household_ids": (Household, Terdampak.household_id, "household_id")}
    errors: dict[str, list[str]] = {}
    new_rows: list[Terdampak] = []
    sudah = 0
    for key, (model, column, attr) in wanted.items():
        ids = list(dict.fromkeys(body.get(key) or []))
        if not ids:
            continue
        found = set(session.scalars(select(model.id).where(model.id.in_(ids))))  # tenant-scoped
        missing = [str(i) for i in ids if i not in found]
        if missing:
            errors[key] = [f"Tidak ditemukan di kabupaten/kota ini: {', '.join(missing)}."]
            continue
        already = set(session.scalars(select(column).where(Terdampak.kejadian_id == kejadian.id, column.in_(ids))))
        sudah += len(already)
        new_rows += [Terdampak(kejadian_id=kejadian.id, **{attr: i}) for i in ids if i not in already]
    if errors:
        raise InvalidInput(errors, "Sebagian penerima tidak dikenal; tidak ada yang dicatat.")
    session.add_all(new_rows)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # the same people attached at the same moment elsewhere
        raise Conflict("terdampak_sudah_dicatat", "Sebagian penerima baru saja dicatat oleh petugas lain; ulangi permintaan.") from exc
    record_audit(session, "perlindungan.terdampak", "perlindungan_kejadian", kejadian.id, {"ditambahkan": len(new_rows)})
    return {"ditambahkan": len(new_rows), "sudah_ada": sudah}


def terdampak_query(kejadian: Kejadian) -> Select[Any]:
    return select(Terdampak).where(Terdampak.kejadian_id == kejadian.id).order_by(Terdampak.dicatat_pada, Terdampak.id)


# ---- bantuan sosial -------------------------------------------------------------------------


def get_kasus(session: Any, case_id: uuid.UUID, *case_types: str) -> Case:
    case = get_owned(session, Case, case_id)
    if case is None or case.case_type not in case_types:
        raise NotFound("kasus_tidak_ditemukan", "Kasus perlindungan sosial tidak ditemukan.")
    return case


def beri_bantuan(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], actor_id: uuid.UUID) -> Case:
    subject = {"subject_type": "person", "person_id": body["person_id"]} if body.get("person_id") else \
        {"subject_type": "household", "household_id": body["household_id"]}
    return open_case(session, kernel, tenant, {"case_type": rules.BANTUAN_SOSIAL, **subject, "data": body["data"]}, actor_id)


def kasus_query(case_types: tuple[str, ...], stage: str | None = None, kejadian_id: uuid.UUID | None = None) -> Select[Any]:
    stmt = select(Case).where(Case.case_type.in_(case_types)).order_by(Case.opened_at.desc(), Case.id)
    if stage:
        stmt = stmt.where(Case.stage == stage)
    if kejadian_id:
        stmt = stmt.where(Case.data["kejadian_id"].as_string() == str(kejadian_id))
    return stmt


def _penerima(session: Any, case: Case) -> str:
    if case.person_id:
        person = get_owned(session, Person, case.person_id)
        return person.nama if person else str(case.person_id)
    household = get_owned(session, Household, case.household_id)
    # The ledger keeps a label, not the KK number: that is encrypted in the registry.
    return f"KK {mask_nik(household.nomor_kk)}" if household else str(case.household_id)


def salurkan(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Penyaluran:
    """Record one delivery under a running bantuan sosial case of an event still open: a kind the
    case gives, a quantity with its unit or a whole-rupiah value, once per kind and day."""
    profile = case_profile(session, kernel, tenant, case)
    kejadian = get_kejadian(session, uuid.UUID(case.data["kejadian_id"]))
    ensure_berlangsung(kejadian)
    if case.status != "open":
        param = "sementara_sampai_stabil" if case.data["sifat"] == "sementara" else "kebutuhan_dasar_minimal"
        raise RuleViolation("bantuan_sudah_selesai", "Bantuan ini sudah dinyatakan selesai; penyaluran tidak dapat dicatat.",
                            profile.citation(param))
    _not_future(body["tanggal"])
    if body["tanggal"] < kejadian.tanggal_mulai:
        raise InvalidInput({"tanggal": ["Tanggal penyaluran tidak boleh sebelum kejadian dimulai."]})
    if body["jenis"] not in case.data["jenis"]:
        raise InvalidInput({"jenis": [f"Pilih salah satu jenis bantuan kasus ini: {', '.join(case.data['jenis'])}."]})
    rupiah = {k["kode"] for k in profile.value("jenis_bantuan_langsung") if k.get("rupiah")}
    if case.data["bentuk"] == "bantuan_langsung" and body["jenis"] in rupiah and body.get("nilai_rupiah") is None:
        raise InvalidInput({"nilai_rupiah": ["Bantuan ini dicatat dengan nilai rupiah (bilangan bulat)."]})
    duplicate = f"Bantuan {body['jenis']} tanggal {body['tanggal']} sudah dicatat untuk penerima ini."
    if session.scalar(select(Penyaluran.id).where(Penyaluran.case_id == case.id, Penyaluran.jenis == body["jenis"],
                                                  Penyaluran.tanggal == body["tanggal"])):
        raise Conflict("penyaluran_sudah_dicatat", duplicate)
    entry = Penyaluran(
        case_id=case.id, kejadian_id=kejadian.id, sifat=case.data["sifat"], jenis=body["jenis"], jumlah=body.get("jumlah"),
        satuan=body.get("satuan") if body.get("jumlah") is not None else None, nilai_rupiah=body.get("nilai_rupiah"),
        tanggal=body["tanggal"], penerima=_penerima(session, case)[:200], dicatat_oleh=actor_id,
    )
    session.add(entry)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("penyaluran_sudah_dicatat", duplicate) from exc
    record_audit(session, "perlindungan.penyaluran", "case", case.id,
                 {"jenis": entry.jenis, "jumlah": entry.jumlah, "nilai_rupiah": entry.nilai_rupiah, "tanggal": str(entry.tanggal)})
    return entry


def penyaluran_query(case: Case | None = None, kejadian: Kejadian | None = None) -> Select[Any]:
    stmt = select(Penyaluran).order_by(Penyaluran.tanggal, Penyaluran.penerima, Penyaluran.jenis, Penyaluran.id)
    if case is not None:
        stmt = stmt.where(Penyaluran.case_id == case.id)
    if kejadian is not None:
        stmt = stmt.where(Penyaluran.kejadian_id == kejadian.id)
    return stmt


# ---- advokasi sosial and bantuan hukum ------------------------------------------------------


def buka_kasus(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], actor_id: uuid.UUID) -> Case:
    for subject_type, field in (("person", "person_id"), ("household", "household_id"), ("community", "community_name")):
        if body.get(field):
            return open_case(session, kernel, tenant, {"case_type": body["case_type"], "subject_type": subject_type,
                                                       field: body[field], "data": body["data"]}, actor_id)
    raise InvalidInput({"person_id": ["Isi salah satu: person_id, household_id atau community_name."]})


def catat_kegiatan(session: Any, kernel: Any, tenant: Tenant, case: Case, body: dict[str, Any], actor_id: uuid.UUID) -> Kegiatan:
    """An activity of the case from the profile's lists (Pasal 34, Pasal 36); accompanying a
    child facing the law (Pasal 36 huruf f) only for a child, with the child's status."""
    profile = case_profile(session, kernel, tenant, case)
    if case.status != "open":
        raise RuleViolation("kasus_sudah_ditutup", "Kasus sudah selesai; kegiatan baru tidak dapat dicatat.",
                            profile.citation("bentuk_bantuan_hukum" if case.case_type == rules.BANTUAN_HUKUM else "bentuk_advokasi"))
    _not_future(body["tanggal"])
    bentuk, entry = rules.kegiatan_kasus(profile, case, body["kegiatan"])
    if entry.get("anak"):
        rules.pendampingan_anak(session, profile, case, body)
    kegiatan = Kegiatan(case_id=case.id, bentuk=bentuk, kegiatan=body["kegiatan"], tanggal=body["tanggal"], uraian=body["uraian"],
                        status_anak=body.get("status_anak") if entry.get("anak") else None, dicatat_oleh=actor_id)
    session.add(kegiatan)
    session.flush()
    record_audit(session, "perlindungan.kegiatan", "case", case.id, {"kegiatan": kegiatan.kegiatan, "tanggal": str(kegiatan.tanggal)})
    return kegiatan


def kegiatan_query(case: Case) -> Select[Any]:
    return select(Kegiatan).where(Kegiatan.case_id == case.id).order_by(Kegiatan.tanggal, Kegiatan.dicatat_pada, Kegiatan.id)
