"""The yearly report of pemberdayaan sosial (`pemberdayaan.tahunan`): for one year, cases open at
any time in it counted per target (Pasal 15), form (Pasal 17/18) and stage (Pasal 25), and the
stimulus given in it per kind and per funding source (count and rupiah). Built as a job; XLSX and
CSV to download. Two queries whatever the number of cases or stimuli."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from core.sdk import Case, Report, ReportContext, TahunParamsSchema, add_table, year_bounds

from .models import Stimulan
from .rules import CASE_TYPE

NAME = "pemberdayaan.tahunan"


def yearly_report() -> Report:
    return Report(name=NAME, plugin="pemberdayaan", title="Laporan tahunan pemberdayaan sosial", build=build,
                  params_schema=TahunParamsSchema, citation="PP 39/2012 Pasal 15–27")


def build(ctx: ReportContext) -> dict[str, Any]:
    tahun = ctx.params["tahun"]
    start, end = year_bounds(tahun)
    cases = ctx.session.execute(
        select(Case.data, Case.stage).where(
            Case.case_type == CASE_TYPE, Case.opened_at < end, or_(Case.closed_at.is_(None), Case.closed_at >= start)
        )
    ).all()
    per = {"sasaran": Counter(), "bentuk": Counter(), "tahap": Counter()}
    for data, stage in cases:
        per["sasaran"][data["sasaran"]] += 1
        per["bentuk"].update(data["bentuk"])  # a case usually receives several forms: counted once in each
        per["tahap"][stage] += 1
    # The stimulus of the year is the one given (its `tanggal`, a local date) in that year, whenever
    # it was typed in. One grouped query; both breakdowns are summed from it.
    given = ctx.session.execute(
        select(Stimulan.jenis, Stimulan.sumber_dana, func.count(), func.sum(Stimulan.nilai))
        .where(Stimulan.tanggal >= date(tahun, 1, 1), Stimulan.tanggal < date(tahun + 1, 1, 1))
        .group_by(Stimulan.jenis, Stimulan.sumber_dana)
    ).all()
    stimulan: dict[str, dict[str, dict[str, int]]] = {"stimulan": {}, "sumber_dana": {}}
    for jenis, sumber, n, total in given:
        for key, code in (("stimulan", jenis), ("sumber_dana", sumber)):
            slot = stimulan[key].setdefault(code, {"kali": 0, "rupiah": 0})
            slot["kali"] += int(n)
            slot["rupiah"] += int(total or 0)
    result = {
        "tahun": tahun, "jumlah_kasus": len(cases),
        **{f"per_{k}": dict(sorted(v.items())) for k, v in per.items()},
        **{k: dict(sorted(v.items())) for k, v in stimulan.items()},
        "jumlah_stimulan": {"kali": sum(v["kali"] for v in stimulan["stimulan"].values()),
                            "rupiah": sum(v["rupiah"] for v in stimulan["stimulan"].values())},
        "citation": str(ctx.profile.citation("sasaran")) if ctx.profile else "PP 39/2012 Pasal 15",
    }
    rows: list[tuple[Any, ...]] = [("dimensi", "kode", "jumlah", "rupiah")]
    for key in ("sasaran", "bentuk", "tahap"):
        rows += [(key, code, n, "") for code, n in result[f"per_{key}"].items()]
    for key in ("stimulan", "sumber_dana"):
        rows += [(key, code, v["kali"], v["rupiah"]) for code, v in result[key].items()]
    add_table(ctx, f"pemberdayaan-{tahun}", rows, sheet=f"Pemberdayaan {tahun}",
              title=f"Laporan tahunan pemberdayaan sosial {tahun} ({result['citation']})")
    return result

