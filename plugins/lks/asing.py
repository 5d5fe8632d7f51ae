"""Foreign LKS (LKS Asing, PP 39/2012 Pasal 59–64): their permits in the order the law sets,
their periodic reports, and the breaches an officer records.

    izin menteri luar negeri (59 (2)–(3)) ─▶ izin operasional Menteri Sosial (59 (4)–(7)),
    or its written refusal (59 (8)) ─▶ izin teknis of this bupati/walikota (Pasal 61)
    ─▶ reports every period (Pasal 62), or the sanctions ladder (sanksi.py)
"""
from __future__ import annotations

import calendar as _calendar
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from core.sdk import (
    InvalidInput,
    Organization,
    RuleViolation,
    Tenant,
    local_today,
    record_audit,
    tenant_calendar,
    tenant_profile,
)

from . import dokumen, sanksi
from .rules import not_in_future
from .models import Izin, Laporan, Lembaga, Pelanggaran, Sanksi

_WIB = timezone(timedelta(hours=7))  # as the kernel's local_today()
IZIN_LABELS = {
    "kemenlu": "izin menteri yang menyelenggarakan urusan pemerintahan di bidang politik dan hubungan luar negeri",
    "operasional": "izin operasional Menteri Sosial",
    "teknis": "izin teknis",
}
SURAT_PENOLAKAN = "surat_penolakan"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# -- registering a foreign LKS --------------------------------------------------------------------


def catat(session: Any, kernel: Any, tenant: Tenant, body: dict[str, Any]) -> Organization:
    """Pasal 59 ayat (1): a legal entity from a country with diplomatic relations with Indonesia."""
    from .pendaftaran import catat_lembaga

    profile = tenant_profile(session, kernel, tenant, "lks")
    syarat = profile.value("syarat_lks_asing")
    cite = profile.citation("syarat_lks_asing")
    if syarat["badan_hukum"] and not body["berbadan_hukum"]:
        raise RuleViolation("lks_asing_bukan_badan_hukum", "LKS Asing yang akan menyelenggarakan kesejahteraan sosial di Indonesia harus berbentuk badan hukum.", cite)
    if syarat["hubungan_diplomatik"] and not body["hubungan_diplomatik"]:
        raise RuleViolation(
            "tanpa_hubungan_diplomatik",
            f"LKS Asing harus berasal, berkedudukan atau terdaftar di negara yang memiliki hubungan diplomatik dengan Indonesia ({body['negara_asal']}: tidak).",
            cite,
        )
    org, _ = catat_lembaga(session, body, asing=True, within=None)
    return org


# -- permits --------------------------------------------------------------------------------------


def _berlaku(izin: Izin, on: date) -> bool:
    mulai = izin.berlaku_mulai or izin.tanggal
    return (
        izin.keputusan == "diberikan" and izin.dicabut_pada is None and mulai <= on
        and (izin.berlaku_sampai is None or on <= izin.berlaku_sampai)
    )


def izin_berlaku(session: Any, organization_id: uuid.UUID, jenis: str, on: date) -> Izin | None:
    rows = session.scalars(
        select(Izin).where(Izin.organization_id == organization_id, Izin.jenis == jenis).order_by(Izin.tanggal.desc(), Izin.dicatat_pada.desc())
    )
    return next((i for i in rows if _berlaku(i, on)), None)


def catat_izin(
    session: Any, kernel: Any, tenant: Tenant, org: Organization, form: dict[str, Any], files: dict[str, Any], actor_id: uuid.UUID
) -> Izin:
    """Record the foreign minister's permission or the Minister's operational permit (or its
    written refusal), each with the documents the law lists for it."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    today = local_today()
    not_in_future(form["tanggal"], today, "tanggal")
    jenis, diberikan = form["jenis"], form["keputusan"] == "diberikan"
    param = "dokumen_izin_kemenlu" if jenis == "kemenlu" else "dokumen_izin_operasional"
    required = {d["kode"]: d for d in profile.value(param)}
    allowed = set(required) if diberikan else {SURAT_PENOLAKAN}
    unknown = dokumen.unknown_files(files, allowed)
    if unknown:
        raise InvalidInput(unknown)
    if diberikan:
        missing = [d for kode, d in required.items() if kode not in files]
        if missing:
            raise RuleViolation(
                "dokumen_izin_belum_lengkap",
                f"Dokumen {IZIN_LABELS[jenis]} belum lengkap; belum dilampirkan: "
                + "; ".join(f"{d['label']} (huruf {d['huruf']})" for d in missing) + ".",
                profile.citation(param), errors={"dokumen": [d["kode"] for d in missing]},
            )
        if jenis == "operasional" and profile.value("izin_kemenlu_sebelum_operasional") and izin_berlaku(session, org.id, "kemenlu", form["tanggal"]) is None:
            raise RuleViolation(
                "izin_kemenlu_belum_ada",
                f"{org.nama} belum memiliki {IZIN_LABELS['kemenlu']} yang berlaku pada {form['tanggal'].isoformat()}; "
                "izin itu wajib diperoleh sebelum permohonan izin operasional.",
                profile.citation("izin_kemenlu_sebelum_operasional"),
            )
    elif profile.value("penolakan_tertulis") and SURAT_PENOLAKAN not in files:
        raise RuleViolation(
            "penolakan_tidak_tertulis", "Penolakan izin operasional disampaikan secara tertulis: lampirkan surat penolakan (berkas 'surat_penolakan').",
            profile.citation("penolakan_tertulis"),
        )
    izin = Izin(
        organization_id=org.id, jenis=jenis, keputusan=form["keputusan"], nomor=form["nomor"], tanggal=form["tanggal"],
        berlaku_mulai=form.get("berlaku_mulai") or (form["tanggal"] if diberikan else None),
        berlaku_sampai=form.get("berlaku_sampai") if diberikan else None,
        penerbit=form.get("penerbit"), alasan=form.get("alasan"), dicatat_oleh=actor_id,
    )
    session.add(izin)
    session.flush()
    dokumen.simpan_semua(session, kernel, tenant, {k: dokumen.Berkas.of(v) for k, v in files.items()}, actor_id, organization_id=org.id, izin_id=izin.id)
    record_audit(session, f"lks.izin.{jenis}", "organization", org.id, {"izin_id": izin.id, "keputusan": izin.keputusan, "nomor": izin.nomor})
    if diberikan and jenis == "operasional":
        _patuhi_bila_berlaku(session, org.id, "tanpa_izin_operasional", izin, today)
    return izin


def terbitkan_izin_teknis(session: Any, kernel: Any, tenant: Tenant, org: Organization, lembaga: Lembaga, body: dict[str, Any], actor_id: uuid.UUID) -> Izin:
    """Pasal 61: the bupati/walikota gives a technical permit for its region only after the
    foreign LKS holds an operational permit from the Minister."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    cite = profile.citation("izin_teknis_setelah_operasional")
    today = local_today()
    not_in_future(body["tanggal"], today, "tanggal")
    operasional = izin_berlaku(session, org.id, "operasional", body["tanggal"])
    if profile.value("izin_teknis_setelah_operasional") and operasional is None:
        raise RuleViolation(
            "izin_operasional_belum_ada",
            f"Izin teknis tidak dapat diberikan: {org.nama} belum memiliki izin operasional Menteri Sosial yang berlaku pada {body['tanggal'].isoformat()}.",
            cite,
        )
    if tenant.kode_wilayah not in lembaga.wilayah_kerja:
        raise RuleViolation(
            "di_luar_daerah", f"Wilayah kerja {org.nama} tidak mencakup {tenant.nama}; izin teknis diberikan untuk daerah sendiri.", cite,
        )
    sampai = body.get("berlaku_sampai") or (operasional.berlaku_sampai if operasional else None)
    if operasional is not None and operasional.berlaku_sampai is not None and (sampai is None or sampai > operasional.berlaku_sampai):
        raise RuleViolation(
            "melampaui_izin_operasional",
            f"Izin teknis tidak dapat berlaku melampaui izin operasional nomor {operasional.nomor} "
            f"(berlaku sampai {operasional.berlaku_sampai.isoformat()}).",
            cite,
        )
    izin = Izin(
        organization_id=org.id, jenis="teknis", keputusan="diberikan", nomor=body["nomor"], tanggal=body["tanggal"],
        berlaku_mulai=body.get("berlaku_mulai") or body["tanggal"], berlaku_sampai=sampai, penerbit=f"Bupati/Walikota — {tenant.nama}",
        alasan=body.get("catatan"), dicatat_oleh=actor_id,
    )
    session.add(izin)
    session.flush()
    record_audit(session, "lks.izin.teknis", "organization", org.id, {"izin_id": izin.id, "nomor": izin.nomor, "izin_operasional": operasional.nomor if operasional else None})
    _patuhi_bila_berlaku(session, org.id, "tanpa_izin_teknis", izin, today)
    return izin


def _patuhi_bila_berlaku(session: Any, organization_id: uuid.UUID, jenis: str, izin: Izin, today: date) -> None:
    """A permit settles the breach of operating without it only while it is in force: an expired
    permit entered for the record settles nothing; one coming into force later settles it from
    its first day (the steps dated before that still follow)."""
    on = max(today, izin.berlaku_mulai or izin.tanggal)
    if izin.berlaku_sampai is not None and izin.berlaku_sampai < on:
        return
    sanksi.patuhi(session, organization_id, jenis, on)


# -- periodic reports (Pasal 62) -----------------------------------------------------------------


def _local_date(moment: datetime) -> date:
    return moment.astimezone(_WIB).date()


def periode_bulan(profile: Any, lembaga: Lembaga) -> int:
    return lembaga.periode_laporan_bulan or profile.value("periode_laporan_bulan")


def periods(profile: Any, lembaga: Lembaga, teknis: Izin | None, until: date) -> list[tuple[int, date, date]]:
    """(number, first day, last day) of each reporting period begun on or before `until`: from
    the technical permit's start, while it is in force. A revoked permit owes no report for the
    period it was revoked in: the LKS no longer operates here."""
    if teknis is None:
        return []
    start = teknis.berlaku_mulai or teknis.tanggal
    end = min(d for d in (until, teknis.berlaku_sampai, teknis.dicabut_pada) if d is not None)
    months = periode_bulan(profile, lembaga)
    out = []
    k = 1
    while (mulai := add_months(start, (k - 1) * months)) <= end:
        selesai = add_months(start, k * months) - timedelta(days=1)
        if teknis.dicabut_pada is not None and selesai > teknis.dicabut_pada:
            break
        out.append((k, mulai, selesai))
        k += 1
    return out


def _mulai(izin: Izin) -> date:
    return izin.berlaku_mulai or izin.tanggal


def semua_izin_teknis(session: Any, organization_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Izin]]:
    """Every technical permit given to each LKS, in the order they came into force."""
    out: dict[uuid.UUID, list[Izin]] = {i: [] for i in organization_ids}
    if not organization_ids:
        return out
    for izin in session.scalars(
        select(Izin).where(Izin.organization_id.in_(organization_ids), Izin.jenis == "teknis", Izin.keputusan == "diberikan")
    ):
        out[izin.organization_id].append(izin)
    for permits in out.values():
        permits.sort(key=lambda i: (_mulai(i), i.dicatat_pada))
    return out


def periode_semua(profile: Any, lembaga: Lembaga, permits: list[Izin], until: date) -> list[tuple[int, date, date, Izin]]:
    """The reporting periods (number, first day, last day, permit) of an LKS begun on or before
    `until`, over all its technical permits: a renewed (or re-issued) permit carries the
    numbering on instead of starting again at 1 — reports are kept per period number, so a
    restart would take the old permit's reports for the new one's periods. Each permit's periods
    run until the next permit comes into force (its last period is cut short the day before)."""
    out: list[tuple[int, date, date, Izin]] = []
    for i, izin in enumerate(permits):
        nxt = _mulai(permits[i + 1]) if i + 1 < len(permits) else None
        cutoff = until if nxt is None else min(until, nxt - timedelta(days=1))
        for _, mulai, selesai in periods(profile, lembaga, izin, cutoff):
            out.append((len(out) + 1, mulai, selesai if nxt is None else min(selesai, nxt - timedelta(days=1)), izin))
    return out


def laporkan(
    session: Any, kernel: Any, tenant: Tenant, org: Organization, lembaga: Lembaga, form: dict[str, Any], berkas: Any, actor_id: uuid.UUID
) -> Laporan:
    """A periodic report with its document; it stops the sanctions of that period's breach."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    today = local_today()
    begun = [(k, mulai, selesai) for k, mulai, selesai, _ in periode_semua(profile, lembaga, semua_izin_teknis(session, [org.id])[org.id], today)]
    if not begun:
        raise RuleViolation(
            "belum_wajib_lapor", f"{org.nama} belum memiliki izin teknis di {tenant.nama}; belum ada periode laporan.",
            profile.citation("periode_laporan_bulan"),
        )
    done = set(session.scalars(select(Laporan.periode_ke).where(Laporan.organization_id == org.id)))
    ke = form.get("periode_ke") or next((k for k, _, _ in begun if k not in done), None)
    by_number = {k: (mulai, selesai) for k, mulai, selesai in begun}
    if ke is None or ke in done:
        raise InvalidInput({"periode_ke": [f"Laporan periode ke-{ke} sudah diterima." if ke else "Semua periode yang sudah berjalan telah dilaporkan."]})
    if ke not in by_number:
        raise InvalidInput({"periode_ke": [f"Periode ke-{ke} belum dimulai (periode berjalan: ke-{max(by_number)})."]})
    mulai, selesai = by_number[ke]
    laporan = Laporan(
        organization_id=org.id, periode_ke=ke, periode_mulai=mulai, periode_selesai=selesai, tanggal_diterima=today,
        ringkasan=form["ringkasan"], dicatat_oleh=actor_id,
    )
    session.add(laporan)
    session.flush()
    dokumen.simpan(session, kernel, tenant, organization_id=org.id, laporan_id=laporan.id, jenis="laporan_kegiatan", berkas=berkas, actor_id=actor_id)
    record_audit(session, "lks.laporan.terima", "organization", org.id, {"laporan_id": laporan.id, "periode_ke": ke, "tepat_waktu": today <= selesai})
    sanksi.patuhi(session, org.id, "tidak_melapor", today, periode_ke=ke)
    return laporan


def catat_laporan_terlewat(session: Any, kernel: Any, tenant: Tenant, day: date) -> list[Pelanggaran]:
    """A breach for each period that ended before `day` without a report received by its last
    day (Pasal 65 ayat (4)). Periods that ended before the technical permit was recorded in Kesos
    are not judged: nobody could have seen them."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    foreign = list(session.scalars(select(Lembaga).where(Lembaga.asing.is_(True))))
    if not foreign:
        return []
    ids = [lembaga.organization_id for lembaga in foreign]
    teknis = semua_izin_teknis(session, ids)
    reports = {(r.organization_id, r.periode_ke): r for r in session.scalars(select(Laporan).where(Laporan.organization_id.in_(ids)))}
    known = {
        (b.organization_id, b.periode_ke)
        for b in session.scalars(select(Pelanggaran).where(Pelanggaran.organization_id.in_(ids), Pelanggaran.jenis == "tidak_melapor"))
    }
    cite = str(profile.citation("sanksi_tidak_melapor"))
    created = []
    for lembaga in foreign:
        for k, mulai, selesai, izin in periode_semua(profile, lembaga, teknis[lembaga.organization_id], day - timedelta(days=1)):
            # judged only from the day its permit was recorded here
            if selesai >= day or selesai < _local_date(izin.dicatat_pada) or (lembaga.organization_id, k) in known:
                continue
            report = reports.get((lembaga.organization_id, k))
            if report is not None and report.tanggal_diterima <= selesai:
                continue
            pl = Pelanggaran(
                organization_id=lembaga.organization_id, jenis="tidak_melapor", periode_ke=k, tanggal_mulai=selesai + timedelta(days=1),
                uraian=f"Laporan kegiatan periode ke-{k} ({mulai.isoformat()} s.d. {selesai.isoformat()}) tidak disampaikan sampai batas waktunya.",
                citation=cite, dipatuhi_pada=report.tanggal_diterima if report is not None else None,
            )
            session.add(pl)
            created.append(pl)
    if created:
        session.flush()
        for pl in created:
            record_audit(session, "lks.pelanggaran.catat", "organization", pl.organization_id, {"pelanggaran_id": pl.id, "jenis": pl.jenis, "periode_ke": pl.periode_ke})
    return created


# -- breaches an officer finds --------------------------------------------------------------------


def catat_pelanggaran(session: Any, kernel: Any, tenant: Tenant, org: Organization, body: dict[str, Any], actor_id: uuid.UUID) -> Pelanggaran:
    """Pasal 65 ayat (2): a foreign LKS found operating without its operational or technical
    permit. The ladder starts on the day it is recorded (warnings are never backdated)."""
    profile = tenant_profile(session, kernel, tenant, "lks")
    cite = profile.citation("sanksi_tanpa_izin")
    today = local_today()
    not_in_future(body["tanggal_temuan"], today, "tanggal_temuan")
    jenis_izin = "operasional" if body["jenis"] == "tanpa_izin_operasional" else "teknis"
    held = izin_berlaku(session, org.id, jenis_izin, body["tanggal_temuan"])
    if held is not None:
        raise RuleViolation(
            "izin_ada", f"{org.nama} memiliki {IZIN_LABELS[jenis_izin]} nomor {held.nomor} yang berlaku pada {body['tanggal_temuan'].isoformat()}.", cite,
        )
    open_one = session.scalar(select(Pelanggaran.id).where(
        Pelanggaran.organization_id == org.id, Pelanggaran.jenis == body["jenis"], Pelanggaran.dipatuhi_pada.is_(None)
    ))
    if open_one is not None:
        from core.sdk import Conflict

        raise Conflict("pelanggaran_sudah_tercatat", "Pelanggaran yang sama masih berjalan untuk lembaga ini.")
    pl = Pelanggaran(
        organization_id=org.id, jenis=body["jenis"], tanggal_mulai=today, citation=str(cite), dicatat_oleh=actor_id,
        uraian=f"{sanksi.PELANGGARAN_LABELS[body['jenis']]} (temuan {body['tanggal_temuan'].isoformat()}): {body['uraian']}",
    )
    session.add(pl)
    session.flush()
    record_audit(session, "lks.pelanggaran.catat", "organization", org.id, {"pelanggaran_id": pl.id, "jenis": pl.jenis})
    sanksi.eskalasi(session, kernel, tenant, today, only=pl.id)
    return pl


# -- reading --------------------------------------------------------------------------------------


def detail(session: Any, kernel: Any, tenant: Tenant, org: Organization, lembaga: Lembaga) -> dict[str, Any]:
    return details(session, kernel, tenant, [(org, lembaga)])[0]


def _by_org(rows: list[Any]) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        out.setdefault(row.organization_id, []).append(row)
    return out


def details(session: Any, kernel: Any, tenant: Tenant, pairs: list[tuple[Organization, Lembaga]]) -> list[dict[str, Any]]:
    """Each foreign LKS with its permits, reporting periods, reports and breaches with their
    sanctions ladder — for a whole page of them in a fixed number of queries."""
    from .pendaftaran import dokumen_out, lembaga_out

    if not pairs:
        return []
    profile = tenant_profile(session, kernel, tenant, "lks")
    cal = tenant_calendar(session, tenant)
    today = local_today()
    ids = [org.id for org, _ in pairs]
    izin_all = list(session.scalars(select(Izin).where(Izin.organization_id.in_(ids)).order_by(Izin.tanggal, Izin.dicatat_pada)))
    laporan_all = list(session.scalars(select(Laporan).where(Laporan.organization_id.in_(ids)).order_by(Laporan.periode_ke)))
    breaches_all = _by_org(list(session.scalars(
        select(Pelanggaran).where(Pelanggaran.organization_id.in_(ids)).order_by(Pelanggaran.tanggal_mulai, Pelanggaran.id)
    )))
    steps_all = _by_org(list(session.scalars(select(Sanksi).where(Sanksi.organization_id.in_(ids)).order_by(Sanksi.tanggal, Sanksi.urutan))))
    docs = dokumen.of(session, izin_ids=[i.id for i in izin_all]) + dokumen.of(session, laporan_ids=[r.id for r in laporan_all])
    labels = dokumen_labels(profile)
    teknis_all = semua_izin_teknis(session, ids)
    izin_by, laporan_by = _by_org(izin_all), _by_org(laporan_all)

    def one(org: Organization, lembaga: Lembaga) -> dict[str, Any]:
        izin, laporan, steps = izin_by.get(org.id, []), laporan_by.get(org.id, []), steps_all.get(org.id, [])
        by_report = {r.periode_ke: r for r in laporan}

        def status(k: int, selesai: date) -> str:
            r = by_report.get(k)
            if r is not None:
                return "dilaporkan" if r.tanggal_diterima <= selesai else "dilaporkan_terlambat"
            return "berjalan" if selesai >= today else "belum_dilaporkan"

        return lembaga_out(org, lembaga) | {
            "izin": [
                {c: getattr(i, c) for c in ("id", "jenis", "keputusan", "nomor", "tanggal", "berlaku_mulai", "berlaku_sampai", "penerbit", "alasan", "dicabut_pada")}
                | {"dokumen": [dokumen_out(d, labels) for d in docs if d.izin_id == i.id]}
                for i in izin
            ],
            "periode_laporan": [
                {"periode_ke": k, "mulai": mulai, "selesai": selesai, "status": status(k, selesai),
                 "laporan_id": by_report[k].id if k in by_report else None, "tanggal_diterima": by_report[k].tanggal_diterima if k in by_report else None}
                for k, mulai, selesai, _ in periode_semua(profile, lembaga, teknis_all.get(org.id, []), today)
            ],
            "laporan": [
                {c: getattr(r, c) for c in ("id", "periode_ke", "periode_mulai", "periode_selesai", "tanggal_diterima", "ringkasan")}
                | {"dokumen": [dokumen_out(d, {}) for d in docs if d.laporan_id == r.id]}
                for r in laporan
            ],
            "pelanggaran": [
                pelanggaran_out(profile, cal, pl, org, [s for s in steps if s.pelanggaran_id == pl.id]) for pl in breaches_all.get(org.id, [])
            ],
        }

    return [one(org, lembaga) for org, lembaga in pairs]


def dokumen_labels(profile: Any) -> dict[str, str]:
    """What each document of a permit decision is called, by its code."""
    labels = {d["kode"]: d["label"] for p in ("dokumen_izin_kemenlu", "dokumen_izin_operasional") for d in profile.value(p)}
    return labels | {SURAT_PENOLAKAN: "surat penolakan izin operasional"}


def pelanggaran_out(profile: Any, cal: Any, pl: Pelanggaran, org: Organization, steps: list[Sanksi]) -> dict[str, Any]:
    nxt = sanksi.langkah_berikutnya(profile, cal, pl, {s.langkah for s in steps})
    return {c: getattr(pl, c) for c in ("id", "jenis", "periode_ke", "tanggal_mulai", "uraian", "citation", "dipatuhi_pada", "berakhir_pada")} | {
        "label": sanksi.PELANGGARAN_LABELS[pl.jenis],
        # a plain dict in the schema (fields.Dict): give the date as ISO text ourselves, as every
        # other date of the API is, not as Flask's HTTP-date rendering of a date object
        "langkah_berikutnya": {"langkah": nxt.kode, "label": nxt.label, "tanggal": nxt.tanggal.isoformat(), "citation": nxt.citation} if nxt else None,
        "sanksi": [sanksi_out(profile, s, pl, org) for s in steps],
    }


def sanksi_out(profile: Any, s: Sanksi, pl: Pelanggaran, org: Organization) -> dict[str, Any]:
    maks = profile.value(sanksi.DENDA_MAKS_PARAM[pl.jenis]) if s.langkah == "denda_administratif" else None
    return {c: getattr(s, c) for c in ("id", "organization_id", "pelanggaran_id", "langkah", "urutan", "tanggal", "citation", "uraian", "jumlah_denda", "dibuat_pada")} | {
        "nama_lembaga": org.nama, "pelanggaran": pl.jenis, "label": sanksi.langkah_label(s.langkah), "denda_maksimum": maks,
        "otomatis": s.ditetapkan_oleh is None,
    }
