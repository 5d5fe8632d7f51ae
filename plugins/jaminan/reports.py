"""The yearly report of jaminan sosial (`jaminan.tahunan`): for one year, cases open at any time
in it counted per programme, category and stage, and what the ledger paid per programme or
tunjangan kind (count and rupiah). Built as a job; XLSX and CSV to download. A fixed number of
queries whatever the number of cases."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, or_, select

from core.sdk import Case, Report, ReportContext, TahunParamsSchema, add_table, year_bounds

from .models import Penyaluran
from .rules import CASE_TYPE

NAME = "jaminan.tahunan"


def yearly_report() -> Report:
    return Report(name=NAME, plugin="jaminan", title="Laporan tahunan jaminan sosial", build=build, params_schema=TahunParamsSchema,
                  citation="PP 39/2012 Pasal 10–14")


def build(ctx: ReportContext) -> dict[str, Any]:
    tahun = ctx.params["tahun"]
    start, end = year_bounds(tahun)
    cases = ctx.session.execute(
        select(Case.data, Case.stage).where(
            Case.case_type == CASE_TYPE, Case.opened_at < end, or_(Case.closed_at.is_(None), Case.closed_at >= start)
        )
    ).all()
    per = {"program": Counter(), "kategori": Counter(), "tahap": Counter()}
    for data, stage in cases:
        per["program"][data["program"]] += 1
        per["kategori"][data["kategori"]] += 1
        per["tahap"][stage] += 1
    paid = ctx.session.execute(
        select(Penyaluran.jenis, func.count(), func.sum(Penyaluran.jumlah))
        .where(Penyaluran.periode.like(f"{tahun}-%")).group_by(Penyaluran.jenis).order_by(Penyaluran.jenis)
    ).all()
    result = {
        "tahun": tahun, "jumlah_kasus": len(cases),
        **{f"per_{k}": dict(sorted(v.items())) for k, v in per.items()},
        "penyaluran": {jenis: {"kali": int(n), "rupiah": int(total or 0)} for jenis, n, total in paid},
        "citation": str(ctx.profile.citation("kategori_penerima")) if ctx.profile else "PP 39/2012 Pasal 10",
    }
    rows = [("dimensi", "kode", "jumlah", "rupiah")]
    for key in ("program", "kategori", "tahap"):
        rows += [(key, code, n, "") for code, n in result[f"per_{key}"].items()]
    rows += [("penyaluran", jenis, v["kali"], v["rupiah"]) for jenis, v in result["penyaluran"].items()]
    add_table(ctx, f"jaminan-{tahun}", rows, sheet=f"Jaminan {tahun}", title=f"Laporan tahunan jaminan sosial {tahun} ({result['citation']})")
    return result

