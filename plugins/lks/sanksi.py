"""The sanctions of PP 39/2012 Pasal 65–68.

For a foreign LKS without its permits (Pasal 65 ayat (2)) or not reporting (ayat (4)) the
sanctions climb a ladder fixed by dates:

    peringatan tertulis 1 ─14 hk─▶ 2 ─14 hk─▶ 3 ─14 hk─▶ penghentian sementara ─14 hk─▶ denda
    (Pasal 66: 3 warnings, 14 working days apart; Pasal 67; Pasal 68)

then revocation may follow for a missed report (ayat (4) huruf d). The ladder is a *function of
dates*: every step's date follows from the day the breach began and the tenant's working-day
calendar, so `eskalasi(day)` creates exactly the steps dated up to `day` that are missing —
running it twice changes nothing, and running it once after missed days gives what daily runs
would have. A step dated after the day the LKS complied is never created: the ladder stops.

An LKS that has not registered (ayat (1)) gets a written warning or a temporary suspension,
imposed by an officer — no ladder.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core.sdk import (
    Case,
    Citation,
    Conflict,
    NotFound,
    Organization,
    RuleViolation,
    get_owned,
    local_today,
    record_audit,
    tenant_calendar,
    tenant_profile,
)

from .access import Lingkup
from .models import Izin, Lembaga, Pelanggaran, Sanksi

PELANGGARAN_LABELS = {
    "tidak_terdaftar": "Lembaga Kesejahteraan Sosial tidak melakukan pendaftaran",
    "tanpa_izin_operasional": "LKS Asing tidak mempunyai izin operasional",
    "tanpa_izin_teknis": "LKS Asing tidak mempunyai izin teknis",
    "tidak_melapor": "LKS Asing tidak melaporkan kegiatannya secara berkala",
}
# The profile parameter listing each breach's sanctions (and citing its article).
SANKSI_PARAM = {
    "tidak_terdaftar": "sanksi_tidak_terdaftar",
    "tanpa_izin_operasional": "sanksi_tanpa_izin",
    "tanpa_izin_teknis": "sanksi_tanpa_izin",
    "tidak_melapor": "sanksi_tidak_melapor",
}
DENDA_MAKS_PARAM = {
    "tanpa_izin_operasional": "denda_maks_tanpa_izin",
    "tanpa_izin_teknis": "denda_maks_tanpa_izin",
    "tidak_melapor": "denda_maks_tidak_melapor",
}
LADDER_KINDS = ("tanpa_izin_operasional", "tanpa_izin_teknis", "tidak_melapor")
_KE = {1: "pertama", 2: "kedua", 3: "ketiga", 4: "keempat", 5: "kelima"}


def langkah_label(kode: str) -> str:
    if kode.startswith("peringatan_tertulis_"):
        n = int(kode.rsplit("_", 1)[1])
        return f"Peringatan tertulis {_KE.get(n, f'ke-{n}')}"
    return {
        "peringatan_tertulis": "Peringatan tertulis",
        "penghentian_sementara": "Penghentian sementara dari kegiatan",
        "denda_administratif": "Denda administratif",
        "pencabutan_izin": "Pencabutan izin",
    }[kode]


@dataclass(frozen=True)
class Langkah:
    kode: str
    urutan: int
    tanggal: date
    citation: str

    @property
    def label(self) -> str:
        return langkah_label(self.kode)


def tangga(profile: Any, calendar: Any, pelanggaran: Pelanggaran) -> list[Langkah]:
    """The dated steps of the ladder for a breach, as far as the profile's sanctions for that
    breach go (a variant without fines stops at the suspension)."""
    allowed = set(profile.value(SANKSI_PARAM[pelanggaran.jenis]))
    peringatan = profile.value("peringatan_tertulis")
    day = pelanggaran.tanggal_mulai
    while not calendar.is_working_day(day):  # letters go out on working days
        day += timedelta(days=1)
    steps: list[Langkah] = []
    if "peringatan_tertulis" in allowed:
        cite = str(profile.citation("peringatan_tertulis"))
        for i in range(1, peringatan["jumlah"] + 1):
            if i > 1:
                day = calendar.add_working_days(day, peringatan["selang_hari_kerja"])
            steps.append(Langkah(f"peringatan_tertulis_{i}", i, day, cite))
    for kode in ("penghentian_sementara", "denda_administratif"):
        if kode not in allowed:
            break
        if steps:
            day = calendar.add_working_days(day, profile.value(kode)["setelah_hari_kerja"])
        steps.append(Langkah(kode, len(steps) + 1, day, str(profile.citation(kode))))
    return steps


def _uraian(langkah: Langkah, org: Organization, pl: Pelanggaran, profile: Any) -> str:
    sebab = pl.uraian
    if langkah.kode.startswith("peringatan_tertulis"):
        return f"{langkah.label} kepada {org.nama}: {sebab} Pelanggaran wajib dihentikan dan kewajiban dipenuhi."
    if langkah.kode == "penghentian_sementara":
        jumlah = profile.value("peringatan_tertulis")["jumlah"]
        return f"{org.nama} tidak mematuhi {jumlah} kali peringatan tertulis; kegiatannya dihentikan sementara. {sebab}"
    maks = profile.value(DENDA_MAKS_PARAM[pl.jenis])
    # Only the amount takes Indonesian thousands separators: the breach's own words (an officer's
    # description, with its commas) are quoted as written.
    return (
        f"{org.nama} tidak mematuhi penghentian sementara dari kegiatan; dikenakan denda administratif paling banyak "
        f"Rp{rupiah(maks)} ({profile.citation(DENDA_MAKS_PARAM[pl.jenis])}), besarnya ditetapkan pejabat berwenang. {sebab}"
    )


def rupiah(value: int) -> str:
    """Rupiah with Indonesian thousands separators: 50000000 → 50.000.000."""
    return f"{value:,}".replace(",", ".")


def _issue(session: Any, org: Organization, pl: Pelanggaran, langkah: Langkah, profile: Any, actor_id: uuid.UUID | None) -> Sanksi:
    sanksi = Sanksi(
        organization_id=org.id, pelanggaran_id=pl.id, langkah=langkah.kode, urutan=langkah.urutan,
        tanggal=langkah.tanggal, citation=langkah.citation, uraian=_uraian(langkah, org, pl, profile), ditetapkan_oleh=actor_id,
    )
    session.add(sanksi)
    session.flush()
    record_audit(
        session, "lks.sanksi.terbit", "organization", org.id,
        {"sanksi_id": sanksi.id, "pelanggaran": pl.jenis, "langkah": langkah.kode, "tanggal": langkah.tanggal, "citation": langkah.citation},
    )
    return sanksi


def eskalasi(session: Any, kernel: Any, tenant: Any, day: date, only: uuid.UUID | None = None) -> list[Sanksi]:
    """Create every ladder step dated on or before `day` that is missing, for each breach not
    complied with before that step's date. A fixed number of queries."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    calendar = tenant_calendar(session, tenant)
    stmt = select(Pelanggaran).where(Pelanggaran.jenis.in_(LADDER_KINDS), Pelanggaran.tanggal_mulai <= day)
    if only is not None:
        stmt = stmt.where(Pelanggaran.id == only)
    breaches = list(session.scalars(stmt.order_by(Pelanggaran.tanggal_mulai, Pelanggaran.id)))
    if not breaches:
        return []
    ids = [b.id for b in breaches]
    have = {(s.pelanggaran_id, s.langkah) for s in session.scalars(select(Sanksi).where(Sanksi.pelanggaran_id.in_(ids)))}
    orgs = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_({b.organization_id for b in breaches})))}
    issued = []
    for pl in breaches:
        for langkah in tangga(profile, calendar, pl):
            if langkah.tanggal > day or (pl.berhenti_pada is not None and langkah.tanggal > pl.berhenti_pada):
                break
            if (pl.id, langkah.kode) not in have:
                issued.append(_issue(session, orgs[pl.organization_id], pl, langkah, profile, None))
    return issued


def langkah_berikutnya(profile: Any, calendar: Any, pl: Pelanggaran, have: set[str]) -> Langkah | None:
    """The next step the ladder will take (None: none), as `eskalasi` takes it: not one dated
    after the day the LKS complied (which may still lie ahead, for a permit in force from a later
    day)."""
    if pl.jenis not in LADDER_KINDS:
        return None
    nxt = next((s for s in tangga(profile, calendar, pl) if s.kode not in have), None)
    if nxt is not None and pl.berhenti_pada is not None and nxt.tanggal > pl.berhenti_pada:
        return None
    return nxt


# -- compliance ---------------------------------------------------------------------------------


def patuhi(session: Any, organization_id: uuid.UUID, jenis: str, on: date, periode_ke: int | None = None) -> int:
    """The LKS complied on `on` (a report came in, a permit was obtained, it registered): its open
    breaches of that kind stop climbing."""
    stmt = select(Pelanggaran).where(
        Pelanggaran.organization_id == organization_id, Pelanggaran.jenis == jenis, Pelanggaran.dipatuhi_pada.is_(None)
    )
    if periode_ke is not None:
        stmt = stmt.where(Pelanggaran.periode_ke == periode_ke)
    settled = 0
    for pl in session.scalars(stmt):
        pl.dipatuhi_pada = on
        record_audit(session, "lks.pelanggaran.dipatuhi", "organization", organization_id, {"pelanggaran_id": pl.id, "jenis": jenis, "tanggal": on})
        settled += 1
    session.flush()
    return settled


# -- what an officer imposes ----------------------------------------------------------------------


def sanksi_tidak_terdaftar(session: Any, kernel: Any, tenant: Any, org: Organization, lembaga: Lembaga, body: dict[str, Any], actor_id: uuid.UUID) -> Sanksi:
    """Pasal 65 ayat (1): a written warning or a temporary suspension for an LKS operating
    without registration."""
    from .models import Pendaftaran

    profile = tenant_profile(session, kernel, tenant, "lks")
    cite = profile.citation("sanksi_tidak_terdaftar")
    allowed = {i["kode"]: i["label"] for i in profile.value("sanksi_tidak_terdaftar")}
    if body["jenis"] not in allowed:
        raise RuleViolation(
            "sanksi_tidak_dikenal", f"Sanksi bagi LKS yang tidak mendaftar hanya: {', '.join(allowed.values())}.", cite,
        )
    if lembaga.asing:
        raise RuleViolation("lks_asing", "LKS Asing tidak mendaftar, melainkan memerlukan izin; gunakan pelanggaran izin.", profile.citation("sanksi_tanpa_izin"))
    # Registering is applying (Pasal 57 ayat (1), (3)): an LKS with a tanda pendaftaran, or whose
    # application is under way here or was referred to the authority of its working area
    # (ayat (2)), is not one that "tidak melakukan pendaftaran". A withdrawn application is none.
    applications = session.execute(
        select(Pendaftaran.nomor, Case.status, Case.stage)
        .join(Case, (Case.id == Pendaftaran.case_id) & (Case.tenant_id == Pendaftaran.tenant_id))
        .where(Pendaftaran.organization_id == org.id)
    ).all()
    if any(nomor is not None for nomor, _, _ in applications):
        raise RuleViolation("lks_sudah_terdaftar", f"{org.nama} sudah memiliki tanda pendaftaran; sanksi tidak terdaftar tidak dapat dikenakan.", cite)
    if any(status == "open" or stage == "dirujuk" for _, status, stage in applications):
        raise RuleViolation(
            "lks_sudah_mendaftar",
            f"{org.nama} sudah mengajukan permohonan pendaftaran; sanksi tidak terdaftar tidak dapat dikenakan kepada lembaga yang mendaftar.", cite,
        )
    today = local_today()
    pl = session.scalar(select(Pelanggaran).where(
        Pelanggaran.organization_id == org.id, Pelanggaran.jenis == "tidak_terdaftar", Pelanggaran.dipatuhi_pada.is_(None)
    ))
    if pl is None:
        pl = Pelanggaran(
            organization_id=org.id, jenis="tidak_terdaftar", tanggal_mulai=today, uraian=body["uraian"], citation=str(cite), dicatat_oleh=actor_id,
        )
        session.add(pl)
        session.flush()
    if session.scalar(select(Sanksi.id).where(Sanksi.pelanggaran_id == pl.id, Sanksi.langkah == body["jenis"])) is not None:
        raise Conflict("sanksi_sudah_dikenakan", f"{allowed[body['jenis']].capitalize()} sudah dikenakan atas pelanggaran ini.")
    urutan = 1 + len(list(session.scalars(select(Sanksi.id).where(Sanksi.pelanggaran_id == pl.id))))
    sanksi = Sanksi(
        organization_id=org.id, pelanggaran_id=pl.id, langkah=body["jenis"], urutan=urutan, tanggal=today, citation=str(cite),
        uraian=f"{allowed[body['jenis']].capitalize()} kepada {org.nama} karena menyelenggarakan kesejahteraan sosial tanpa mendaftar. {body['uraian']}",
        ditetapkan_oleh=actor_id,
    )
    session.add(sanksi)
    session.flush()
    record_audit(session, "lks.sanksi.terbit", "organization", org.id, {"sanksi_id": sanksi.id, "pelanggaran": "tidak_terdaftar", "langkah": body["jenis"], "citation": str(cite)})
    return sanksi


def get_sanksi(session: Any, sanksi_id: uuid.UUID, scope: Lingkup) -> tuple[Sanksi, Pelanggaran]:
    s = get_owned(session, Sanksi, sanksi_id)
    if s is None or not scope.boleh(s.organization_id):
        raise NotFound("sanksi_tidak_ditemukan", "Sanksi tidak ditemukan.")
    return s, get_owned(session, Pelanggaran, s.pelanggaran_id)


def get_pelanggaran(session: Any, pelanggaran_id: uuid.UUID, scope: Lingkup) -> Pelanggaran:
    pl = get_owned(session, Pelanggaran, pelanggaran_id)
    if pl is None or not scope.boleh(pl.organization_id):
        raise NotFound("pelanggaran_tidak_ditemukan", "Pelanggaran tidak ditemukan.")
    return pl


def tetapkan_denda(session: Any, kernel: Any, tenant: Any, sanksi: Sanksi, pl: Pelanggaran, jumlah: int, actor_id: uuid.UUID) -> Sanksi:
    """The amount of an administrative fine, within the cap of Pasal 65 ayat (3) (no permit) or
    ayat (5) (no report)."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    if sanksi.langkah != "denda_administratif":
        raise RuleViolation("bukan_denda", f"{langkah_label(sanksi.langkah)} bukan denda administratif.", profile.citation("denda_administratif"))
    param = DENDA_MAKS_PARAM[pl.jenis]
    maks = profile.value(param)
    if jumlah > maks:
        raise RuleViolation(
            "denda_melebihi_batas",
            f"Denda administratif untuk pelanggaran ini paling banyak Rp{rupiah(maks)}; Rp{rupiah(jumlah)} ditolak.",
            profile.citation(param),
        )
    if sanksi.jumlah_denda is not None:
        raise Conflict("denda_sudah_ditetapkan", f"Besaran denda sudah ditetapkan: Rp{rupiah(sanksi.jumlah_denda)}.")
    sanksi.jumlah_denda = jumlah
    session.flush()
    record_audit(session, "lks.sanksi.denda", "organization", sanksi.organization_id, {"sanksi_id": sanksi.id, "jumlah": jumlah, "citation": str(profile.citation(param))})
    return sanksi


def _huruf(citation: Any, huruf: str) -> Citation:
    return Citation(citation.regulation, citation.pasal, citation.ayat, huruf)


def cabut_izin(session: Any, kernel: Any, tenant: Any, pl: Pelanggaran, uraian: str, actor_id: uuid.UUID) -> Sanksi:
    """Pasal 65 ayat (4) huruf d: the technical permit of a foreign LKS that does not report may
    be revoked — once the ladder has reached the fine (Pasal 68) and the LKS still has not
    complied."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    param = SANKSI_PARAM[pl.jenis]
    if "pencabutan_izin" not in profile.value(param):
        raise RuleViolation("pencabutan_tidak_berlaku", f"Pencabutan izin bukan sanksi untuk pelanggaran: {PELANGGARAN_LABELS[pl.jenis]}.", profile.citation(param))
    if pl.dipatuhi_pada is not None:
        raise RuleViolation("sudah_dipatuhi", f"LKS telah memenuhi kewajibannya pada {pl.dipatuhi_pada.isoformat()}; izin tidak dicabut.", profile.citation(param))
    steps = {s.langkah for s in session.scalars(select(Sanksi).where(Sanksi.pelanggaran_id == pl.id))}
    if "pencabutan_izin" in steps:
        raise Conflict("izin_sudah_dicabut", "Izin sudah dicabut atas pelanggaran ini.")
    if "denda_administratif" not in steps:
        raise RuleViolation(
            "belum_tahap_denda",
            "Pencabutan izin baru dapat dikenakan setelah peringatan tertulis, penghentian sementara dan denda administratif tidak dipatuhi.",
            profile.citation(param),
        )
    today = local_today()
    org = get_owned(session, Organization, pl.organization_id)
    izin = session.scalars(select(Izin).where(
        Izin.organization_id == pl.organization_id, Izin.jenis == "teknis", Izin.keputusan == "diberikan", Izin.dicabut_pada.is_(None)
    )).all()
    for i in izin:
        i.dicabut_pada = today
    # Revocation ends every ladder of this LKS still climbing: there is no permit left to
    # suspend or to fine for.
    for other in session.scalars(select(Pelanggaran).where(
        Pelanggaran.organization_id == pl.organization_id, Pelanggaran.jenis.in_(LADDER_KINDS),
        Pelanggaran.dipatuhi_pada.is_(None), Pelanggaran.berakhir_pada.is_(None),
    )):
        other.berakhir_pada = today
    sanksi = Sanksi(
        organization_id=pl.organization_id, pelanggaran_id=pl.id, langkah="pencabutan_izin", urutan=len(steps) + 1, tanggal=today,
        citation=str(_huruf(profile.citation(param), "d")), uraian=f"Izin teknis {org.nama} dicabut. {uraian}", ditetapkan_oleh=actor_id,
    )
    session.add(sanksi)
    session.flush()
    record_audit(session, "lks.sanksi.terbit", "organization", pl.organization_id, {"sanksi_id": sanksi.id, "langkah": "pencabutan_izin", "izin_dicabut": [i.nomor for i in izin]})
    return sanksi
