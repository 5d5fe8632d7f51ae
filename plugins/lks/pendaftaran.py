"""Registration of an LKS (PP 39/2012 Pasal 57–58): the application and its documents, the
referral of an LKS beyond this kabupaten/kota, the declaration that the requirements are
complete (which starts the 14 working days), and the tanda pendaftaran.

The case moves through the kernel's workflow (`advance_case`), so the plugin's endpoints and
the kernel's `/cases/<id>/advance` run the same guards; what a move sets (the due date, the
number) is done in `on_advanced`, the plugin's `kesos_case_advanced` hook.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from core.sdk import (
    Case,
    CaseAssignment,
    Conflict,
    InvalidInput,
    NotFound,
    Organization,
    RuleViolation,
    Tenant,
    add_working_days,
    advance_case,
    assign_staff,
    case_profile,
    create_organization,
    get_kernel,
    get_owned,
    local_today,
    open_case,
    record_audit,
)

from . import dokumen, penomoran, rules, sanksi
from .access import Lingkup, get_lembaga
from .models import Lembaga, Operator, Pendaftaran, Peringatan
from .workflow import STAGE_LABELS

# -- the institution ---------------------------------------------------------------------------


def catat_lembaga(session: Any, values: dict[str, Any], *, asing: bool = False, within: str | None = "lembaga") -> tuple[Organization, Lembaga]:
    """Record an LKS: the kernel's Organization and this service's data on it."""
    rules.check_known_regions(values["wilayah_kerja"], within)
    org = create_organization(session, {
        "nama": values["nama"].strip(), "jenis": "lks_asing" if asing else "lks", "berbadan_hukum": values["berbadan_hukum"],
        "alamat": values.get("alamat"), "kode_wilayah": values.get("kode_wilayah"), "npwp": values.get("npwp"),
    })
    lembaga = Lembaga(
        organization_id=org.id, asing=asing, pengurus=values["pengurus"], kegiatan=values["kegiatan"],
        wilayah_kerja=list(values["wilayah_kerja"]), negara_asal=values.get("negara_asal"),
        hubungan_diplomatik=values.get("hubungan_diplomatik"), periode_laporan_bulan=values.get("periode_laporan_bulan"),
    )
    session.add(lembaga)
    session.flush()
    return org, lembaga


def link_operator(session: Any, tenant: Tenant, organization_id: uuid.UUID, user_id: uuid.UUID) -> Operator:
    """An lks_operator acts for one LKS in a tenant."""
    from core.sdk import roles_in

    if "lks_operator" not in roles_in(session, user_id, tenant.id):
        raise InvalidInput({"user_id": ["Pengguna ini bukan Operator LKS di kabupaten/kota ini."]})
    existing = session.scalar(select(Operator).where(Operator.user_id == user_id))
    if existing is not None:
        if existing.organization_id == organization_id:
            return existing
        raise Conflict("operator_sudah_terikat", "Operator ini sudah terikat pada LKS lain; satu operator hanya untuk satu LKS.")
    op = Operator(user_id=user_id, organization_id=organization_id)
    session.add(op)
    session.flush()
    record_audit(session, "lks.operator.tautkan", "organization", organization_id, {"user_id": user_id})
    return op


# -- the application ---------------------------------------------------------------------------


def ajukan(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any], scope: Lingkup, actor_id: uuid.UUID) -> Case:
    """An application by the LKS's board (Pasal 57 ayat (3)) or entered by an officer. An LKS
    beyond this kabupaten/kota is recorded and at once referred to the authority of Pasal 57
    ayat (2); it never gets a tanda pendaftaran here. No fee is asked anywhere (ayat (4))."""
    if body.get("lembaga"):
        if not scope.semua and scope.organization_id is not None:
            raise Conflict("operator_sudah_terikat", "Anda sudah terikat pada satu LKS; ajukan dengan organization_id lembaga Anda.")
        org, _ = catat_lembaga(session, body["lembaga"])
        if not scope.semua:
            link_operator(session, tenant, org.id, actor_id)
    else:
        org, _ = get_lembaga(session, body["organization_id"], scope, asing=False)
    case = open_case(session, kernel, tenant, {
        "case_type": rules.CASE_TYPE, "subject_type": "organization", "organization_id": org.id, "data": {},
    }, actor_id)
    p = session.get(Pendaftaran, (tenant.id, case.id))
    # Applying is registering (Pasal 57 ayat (1)): an open "tidak terdaftar" breach stops here.
    sanksi.patuhi(session, org.id, "tidak_terdaftar", local_today())
    if not (p.kewenangan == "kabupaten_kota" and p.kode_tujuan == tenant.kode_wilayah):
        advance_case(session, kernel, tenant, case, to_stage="dirujuk", data={}, expected_version=case.version, actor_id=actor_id)
        record_audit(session, "lks.pendaftaran.rujuk", "case", case.id, {"kewenangan": p.kewenangan, "instansi_tujuan": p.instansi_tujuan})
    return case


def on_opened(session: Any, case: Case, profile: Any) -> None:
    """kesos_case_opened: the application's own row — a snapshot of the legal form and working
    area it was judged on, and who has authority over it."""
    if case.case_type != rules.CASE_TYPE:
        return
    tenant = session.get(Tenant, case.tenant_id)
    org = get_owned(session, Organization, case.organization_id)
    lembaga = session.scalar(select(Lembaga).where(Lembaga.organization_id == org.id))
    k = rules.kewenangan(profile, tenant, lembaga.wilayah_kerja)
    session.add(Pendaftaran(
        case_id=case.id, organization_id=org.id, berbadan_hukum=org.berbadan_hukum, wilayah_kerja=list(lembaga.wilayah_kerja),
        kewenangan=k.kode, kode_tujuan=k.kode_tujuan, instansi_tujuan=k.instansi, tanggal_permohonan=local_today(),
    ))
    session.flush()


def on_advanced(session: Any, case: Case, event: Any, profile: Any) -> None:
    """kesos_case_advanced: declaring complete starts the deadline of Pasal 58; entering
    `terdaftar` issues the numbered tanda pendaftaran."""
    if case.case_type != rules.CASE_TYPE or event.to_stage not in ("lengkap", "terdaftar"):
        return
    tenant = session.get(Tenant, case.tenant_id)
    p = session.get(Pendaftaran, (tenant.id, case.id))
    today = local_today()
    if event.to_stage == "lengkap":
        tanggal = date.fromisoformat(event.data["tanggal"]) if event.data.get("tanggal") else today
        rules.not_in_future(tanggal, today, "data.tanggal")
        if tanggal < p.tanggal_permohonan:
            raise InvalidInput({"data.tanggal": [f"Tanggal tidak boleh sebelum permohonan ({p.tanggal_permohonan.isoformat()})."]})
        p.tanggal_lengkap = tanggal
        p.jatuh_tempo = add_working_days(tanggal, profile.value("batas_tanda_pendaftaran_hari_kerja"), tenant, session)
        if event.actor_id and not _petugas_of(session, case.id):
            # The officer who declared it complete answers for the deadline unless one is assigned.
            assign_staff(session, get_kernel(), tenant, case, user_id=event.actor_id, peran=rules.PETUGAS, actor_id=event.actor_id)
        record_audit(session, "lks.pendaftaran.lengkap", "case", case.id, {"tanggal_lengkap": p.tanggal_lengkap, "jatuh_tempo": p.jatuh_tempo})
    else:
        p.nomor = penomoran.ambil_nomor(session, tenant, today)
        p.tanggal_terbit, p.diterbitkan_oleh = today, event.actor_id
        record_audit(session, "lks.pendaftaran.terbit", "case", case.id, {"nomor": p.nomor, "tanggal_terbit": today, "jatuh_tempo": p.jatuh_tempo})
    session.flush()


def _petugas_of(session: Any, case_id: uuid.UUID) -> list[uuid.UUID]:
    return list(session.scalars(
        select(CaseAssignment.user_id).where(CaseAssignment.case_id == case_id, CaseAssignment.peran == rules.PETUGAS)
        .order_by(CaseAssignment.assigned_at)
    ))


def get_pendaftaran(session: Any, case_id: uuid.UUID, scope: Lingkup) -> tuple[Case, Pendaftaran]:
    case = get_owned(session, Case, case_id)
    p = session.get(Pendaftaran, (case.tenant_id, case.id)) if case is not None and case.case_type == rules.CASE_TYPE else None
    if p is None or not scope.boleh(p.organization_id):
        raise NotFound("permohonan_tidak_ditemukan", "Permohonan pendaftaran LKS tidak ditemukan.")
    return case, p


def unggah(session: Any, kernel: Any, tenant: Tenant, case: Case, p: Pendaftaran, jenis: str, berkas: Any, actor_id: uuid.UUID) -> Any:
    """Attach one of the documents of Pasal 57 ayat (3), once each, while the application is
    being assembled."""
    profile = case_profile(session, kernel, tenant, case)
    rules.jenis_dokumen_pendaftaran(profile, jenis)
    if case.stage != "permohonan":
        raise RuleViolation(
            "permohonan_tidak_terbuka",
            f"Dokumen hanya dilampirkan selama tahap {STAGE_LABELS['permohonan']}; permohonan berada di tahap {STAGE_LABELS[case.stage]}.",
            profile.citation("dokumen_pendaftaran"),
        )
    if any(d.jenis == jenis for d in dokumen.of(session, case_id=case.id)):
        label = next(d["label"] for d in profile.value("dokumen_pendaftaran") if d["kode"] == jenis)
        raise InvalidInput({"jenis": [f"Dokumen '{label}' sudah dilampirkan pada permohonan ini."]})
    return dokumen.simpan(session, kernel, tenant, organization_id=p.organization_id, case_id=case.id, jenis=jenis, berkas=berkas, actor_id=actor_id)


# -- reading -------------------------------------------------------------------------------------


def query(scope: Lingkup, stage: str | None = None, terlambat: bool | None = None) -> Select[Any]:
    """Applications with their LKS's name in one query (no N+1 on the list)."""
    stmt = (
        select(Case, Pendaftaran, Organization.nama)
        .join(Pendaftaran, (Pendaftaran.case_id == Case.id) & (Pendaftaran.tenant_id == Case.tenant_id))
        .join(Organization, (Organization.id == Pendaftaran.organization_id) & (Organization.tenant_id == Pendaftaran.tenant_id))
        .where(Case.case_type == rules.CASE_TYPE)
        .order_by(Case.opened_at.desc(), Case.id)
    )
    if not scope.semua:
        stmt = stmt.where(Pendaftaran.organization_id == (scope.organization_id or uuid.UUID(int=0)))
    if stage:
        stmt = stmt.where(Case.stage == stage)
    if terlambat is not None:
        late = (Pendaftaran.jatuh_tempo < local_today()) & Pendaftaran.nomor.is_(None)
        stmt = stmt.where(late if terlambat else ~late | Pendaftaran.jatuh_tempo.is_(None))
    return stmt


def out(case: Case, p: Pendaftaran, nama: str) -> dict[str, Any]:
    keys = ("id", "case_type", "organization_id", "stage", "status", "opened_at", "closed_at", "profile_id", "profile_version", "version")
    today = local_today()
    return {k: getattr(case, k) for k in keys} | {
        "nama_lembaga": nama,
        "kewenangan": p.kewenangan,
        "instansi_tujuan": p.instansi_tujuan,
        "tanggal_permohonan": p.tanggal_permohonan,
        "tanggal_lengkap": p.tanggal_lengkap,
        "jatuh_tempo": p.jatuh_tempo,
        "terlambat": p.jatuh_tempo is not None and (p.tanggal_terbit or today) > p.jatuh_tempo,
        "nomor": p.nomor,
        "tanggal_terbit": p.tanggal_terbit,
        "summary": f"{nama} — {STAGE_LABELS[case.stage]}",
    }


def lembaga_out(org: Organization, lembaga: Lembaga, p: Pendaftaran | None = None, stage: str | None = None) -> dict[str, Any]:
    return {
        "organization_id": org.id, "nama": org.nama, "jenis": org.jenis, "berbadan_hukum": org.berbadan_hukum,
        "alamat": org.alamat, "kode_wilayah": org.kode_wilayah, "npwp": org.npwp, "asing": lembaga.asing,
        "negara_asal": lembaga.negara_asal, "hubungan_diplomatik": lembaga.hubungan_diplomatik,
        "periode_laporan_bulan": lembaga.periode_laporan_bulan, "pengurus": lembaga.pengurus, "kegiatan": lembaga.kegiatan,
        "wilayah_kerja": lembaga.wilayah_kerja,
        "status_pendaftaran": stage, "nomor_tanda_pendaftaran": p.nomor if p else None,
    }


def detail(session: Any, kernel: Any, tenant: Tenant, case: Case, p: Pendaftaran) -> dict[str, Any]:
    profile = case_profile(session, kernel, tenant, case)
    org = get_owned(session, Organization, p.organization_id)
    lembaga = session.scalar(select(Lembaga).where(Lembaga.organization_id == org.id))
    docs = dokumen.of(session, case_id=case.id)
    ada = {d.jenis for d in docs}
    labels = {d["kode"]: d["label"] for d in profile.value("dokumen_pendaftaran")}
    k = rules.kewenangan(profile, tenant, p.wilayah_kerja)
    return out(case, p, org.nama) | {
        "citation_kewenangan": str(k.citation),
        "lembaga": lembaga_out(org, lembaga, p, case.stage),
        "persyaratan": rules.persyaratan(profile, p.berbadan_hukum, ada),
        "belum_lengkap": [d["kode"] for d in rules.belum_lengkap(profile, p.berbadan_hukum, ada)],
        "dokumen": [dokumen_out(d, labels) for d in docs],
        "peringatan": list(session.scalars(select(Peringatan).where(Peringatan.case_id == case.id).order_by(Peringatan.tanggal, Peringatan.id))),
        "biaya": 0,
    }


def dokumen_out(d: Any, labels: dict[str, str]) -> dict[str, Any]:
    cols = ("id", "jenis", "nama_berkas", "media_type", "ukuran", "sha256", "diunggah_oleh", "diunggah_pada")
    return {c: getattr(d, c) for c in cols} | {"label": labels.get(d.jenis)}


def register_publik(q: str | None = None) -> Select[Any]:
    """The public register: issued marks only, names and working areas — nothing personal."""
    stmt = (
        select(Organization.nama, Pendaftaran.nomor, Pendaftaran.tanggal_terbit, Pendaftaran.wilayah_kerja)
        .join(Organization, (Organization.id == Pendaftaran.organization_id) & (Organization.tenant_id == Pendaftaran.tenant_id))
        .where(Pendaftaran.nomor.is_not(None))
        .order_by(Pendaftaran.tanggal_terbit.desc(), Organization.nama, Pendaftaran.case_id)
    )
    if q:
        stmt = stmt.where(Organization.nama.icontains(q, autoescape=True))
    return stmt
