"""The yearly report of rehabilitasi sosial (`rehabilitasi.tahunan`).

Perbup Balangan 61/2017 Pasal 44 ayat (3): the Dinas Sosial reports the rehabilitation it
carried out to the Bupati every fiscal year (1 January – 31 December). The citation comes from the
tenant's profile (`laporan_tahunan`) when the report is built, so Tabalong's report cites
PP 39/2012 and Balangan's the Perbup.

A case counts in a year when it was open at any time in it: opened on or before 31 December and
not closed before 1 January. Counts per target group (a case may count in several), setting,
stage reached, form of rehabilitation (from the plan), outcome at terminasi, primary worker and
funding source. The build runs a fixed number of queries whatever the number of cases (the
cases, then their plans, terminasi events and primary workers, each selected with the same
subquery).

The JSON result holds the non-zero counts (`per_<dimensi>: {kode: n}`); the XLSX and CSV list
every code the tenant's profile knows, zeros included, so the table sent on is complete.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from core.sdk import CSV, XLSX, Case, CaseAssignment, CaseEvent, Report, ReportContext, User, year_bounds

from .models import Rencana

NAME = "rehabilitasi.tahunan"
CASE_TYPE = "rehabilitasi_sosial"

BELUM_TERMINASI = "belum_terminasi"
TANPA_PETUGAS = "tanpa_petugas_utama"
TIDAK_TERCATAT = "tidak_tercatat"

_TEMPAT_LABEL = {"dalam_lembaga": "di dalam lembaga", "luar_lembaga": "di luar lembaga"}
_HASIL_LABEL = {
    "berhasil": "berhasil",
    "sebagian_berhasil": "sebagian berhasil",
    "tidak_berhasil": "tidak berhasil",
    "dirujuk": "dirujuk",
    "mengundurkan_diri": "mengundurkan diri",
    "meninggal_dunia": "meninggal dunia",
    BELUM_TERMINASI: "belum sampai terminasi",
    TIDAK_TERCATAT: "hasil tidak tercatat",
}

# (result key / sheet suffix, sheet title)
DIMENSIONS = (
    ("kelompok_sasaran", "Kelompok sasaran"),
    ("tempat", "Tempat pelaksanaan"),
    ("tahap", "Tahap"),
    ("bentuk", "Bentuk rehabilitasi"),
    ("hasil", "Hasil terminasi"),
    ("petugas_utama", "Petugas utama"),
    ("sumber_dana", "Sumber dana"),
)


class TahunanParamsSchema(Schema):
    tahun = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


def yearly_report() -> Report:
    return Report(
        name=NAME,
        plugin="rehabilitasi",
        title="Laporan tahunan rehabilitasi sosial",
        build=build,
        params_schema=TahunanParamsSchema,
    )


# -- build ------------------------------------------------------------------------------------


def _profile_items(profile: Any, name: str) -> list[tuple[str, str]]:
    if profile is None:
        return []
    try:
        value = profile.value(name)
    except KeyError:
        return []
    return [(i["kode"], i["label"]) for i in value or [] if isinstance(i, dict)]


def build(ctx: ReportContext) -> dict[str, Any]:
    tahun = int(ctx.params["tahun"])
    start, end = year_bounds(tahun)
    s = ctx.session
    in_year = select(Case.id).where(
        Case.case_type == CASE_TYPE,
        Case.opened_at < end,
        or_(Case.closed_at.is_(None), Case.closed_at >= start),
    )

    # 1. the cases (columns only: no ORM objects needed)
    cases = s.execute(select(Case.id, Case.stage, Case.data).where(Case.id.in_(in_year.scalar_subquery()))).all()
    # 2. their plans
    plans = {
        case_id: (bentuk, sumber)
        for case_id, bentuk, sumber in s.execute(
            select(Rencana.case_id, Rencana.bentuk, Rencana.sumber_dana).where(Rencana.case_id.in_(in_year.scalar_subquery()))
        )
    }
    # 3. the moves into terminasi (the latest wins, should there be more than one)
    hasil: dict[Any, str] = {}
    for case_id, data in s.execute(
        select(CaseEvent.case_id, CaseEvent.data)
        .where(CaseEvent.case_id.in_(in_year.scalar_subquery()), CaseEvent.kind == "advanced", CaseEvent.to_stage == "terminasi")
        .order_by(CaseEvent.at, CaseEvent.id)
    ):
        hasil[case_id] = (data or {}).get("hasil") or TIDAK_TERCATAT
    # 4. the primary workers
    utama: dict[Any, tuple[str, str]] = {
        case_id: (username, nama)
        for case_id, username, nama in s.execute(
            select(CaseAssignment.case_id, User.username, User.nama)
            .join(User, User.id == CaseAssignment.user_id)
            .where(CaseAssignment.case_id.in_(in_year.scalar_subquery()), CaseAssignment.peran == "utama")
        )
    }

    counts: dict[str, Counter[str]] = {dim: Counter() for dim, _ in DIMENSIONS}
    workers: dict[str, str] = {}  # key → username, for the files
    names = Counter(nama for _, nama in set(utama.values()))
    for case_id, stage, data in cases:
        data = data or {}
        for kode in dict.fromkeys(data.get("kelompok_sasaran") or []):
            counts["kelompok_sasaran"][kode] += 1
        if data.get("tempat"):
            counts["tempat"][data["tempat"]] += 1
        counts["tahap"][stage] += 1
        if case_id in plans:
            bentuk, sumber = plans[case_id]
            for kode in dict.fromkeys(bentuk or []):
                counts["bentuk"][kode] += 1
            if sumber:
                counts["sumber_dana"][sumber] += 1
        counts["hasil"][hasil.get(case_id, BELUM_TERMINASI)] += 1
        if case_id in utama:
            username, nama = utama[case_id]
            key = nama if names[nama] == 1 else f"{nama} ({username})"  # two workers of one name
            workers[key] = username
        else:
            key = TANPA_PETUGAS
        counts["petugas_utama"][key] += 1

    profile = ctx.profile
    citation = str(profile.citation("laporan_tahunan")) if profile is not None else None
    result: dict[str, Any] = {
        "tahun": tahun,
        "kabupaten": ctx.tenant.nama,
        "profil": profile.id if profile is not None else None,
        "citation": citation,
        "jumlah_kasus": len(cases),
    }
    for dim, _ in DIMENSIONS:
        result[f"per_{dim}"] = dict(sorted(counts[dim].items()))

    tables = _tables(profile, counts, workers)
    ctx.add_file(f"rehabilitasi-{tahun}.xlsx", _xlsx(result, profile, tables), XLSX)
    ctx.add_file(f"rehabilitasi-{tahun}.csv", _csv(tables), CSV)
    return result


# -- tables: every known code (zeros included), then whatever else was counted ----------------


def _rows(known: list[tuple[str, str]], counted: Counter[str], extra_label: dict[str, str] | None = None) -> list[tuple[str, str, int]]:
    rows = [(kode, label, counted.get(kode, 0)) for kode, label in known]
    seen = {kode for kode, _ in known}
    for kode in sorted(k for k in counted if k not in seen):
        rows.append((kode, (extra_label or {}).get(kode, kode.replace("_", " ")), counted[kode]))
    return rows


def _tables(profile: Any, counts: dict[str, Counter[str]], workers: dict[str, str]) -> dict[str, list[tuple[str, str, int]]]:
    tempat = list(profile.value("tempat_pelaksanaan") or []) if profile is not None else list(_TEMPAT_LABEL)
    sumber = _profile_items(profile, "sumber_dana")
    return {
        "kelompok_sasaran": _rows(_profile_items(profile, "kelompok_sasaran"), counts["kelompok_sasaran"]),
        "tempat": _rows([(t, _TEMPAT_LABEL.get(t, t)) for t in tempat], counts["tempat"], _TEMPAT_LABEL),
        "tahap": _rows(_profile_items(profile, "tahapan"), counts["tahap"]),
        "bentuk": _rows(_profile_items(profile, "bentuk_rehabilitasi"), counts["bentuk"]),
        "hasil": _rows(list(_HASIL_LABEL.items())[:-1], counts["hasil"], _HASIL_LABEL),
        # kode = the worker's username, uraian = the name
        "petugas_utama": [
            (workers.get(key, key), "tanpa petugas utama" if key == TANPA_PETUGAS else key, n)
            for key, n in sorted(counts["petugas_utama"].items())
        ],
        # PP 39/2012 lists no funding sources: the plan's free text is both code and label
        "sumber_dana": _rows(sumber, counts["sumber_dana"], {k: k for k in counts["sumber_dana"]} if not sumber else None),
    }


def _xlsx(result: dict[str, Any], profile: Any, tables: dict[str, list[tuple[str, str, int]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    ws.append(["Laporan tahunan rehabilitasi sosial"])
    ws["A1"].font = bold
    profil = f"{profile.title} ({profile.id} v{profile.version})" if profile is not None else "-"
    for label, value in (
        ("Kabupaten/Kota", result["kabupaten"]),
        ("Tahun anggaran", result["tahun"]),
        ("Profil regulasi", profil),
        ("Dasar hukum", result["citation"] or "-"),
        ("Jumlah kasus", result["jumlah_kasus"]),
    ):
        ws.append([label, value])
        ws.cell(row=ws.max_row, column=1).font = bold
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 60
    for dim, title in DIMENSIONS:
        sheet = wb.create_sheet(title)
        sheet.append(["Kode", "Uraian", "Jumlah"])
        for cell in sheet[1]:
            cell.font = bold
        for row in tables[dim]:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 34
        sheet.column_dimensions["B"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(tables: dict[str, list[tuple[str, str, int]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["dimensi", "kode", "uraian", "jumlah"])
    for dim, _ in DIMENSIONS:
        for kode, uraian, n in tables[dim]:
            writer.writerow([dim, kode, uraian, n])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
