"""The yearly report of perlindungan sosial (`perlindungan.tahunan`): for one year (WIB), the
cases open at any time in it per case type and stage, bantuan sosial per sifat and bentuk; the
events begun in it per kind with the people and households they affected; the aid ledger of the
year per kind (deliveries, quantity per unit, rupiah); the activities of advokasi sosial and
bantuan hukum per activity, and the accompaniments of children facing the law per status.
Built as a job; XLSX and CSV to download. Four queries whatever the number of cases."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from core.sdk import Case, Report, ReportContext, TahunParamsSchema, add_table, year_bounds

from . import rules
from .models import Kegiatan, Kejadian, Penyaluran, Terdampak

NAME = "perlindungan.tahunan"
CASE_TYPES = (rules.BANTUAN_SOSIAL, rules.ADVOKASI_SOSIAL, rules.BANTUAN_HUKUM)


def yearly_report() -> Report:
    return Report(name=NAME, plugin="perlindungan", title="Laporan tahunan perlindungan sosial", build=build,
                  params_schema=TahunParamsSchema, citation="PP 39/2012 Pasal 28–36")


def build(ctx: ReportContext) -> dict[str, Any]:
    tahun = ctx.params["tahun"]
    start, end = year_bounds(tahun)
    first, last = date(tahun, 1, 1), date(tahun, 12, 31)

    # Counted in SQL from a subquery: PostgreSQL would not match `data ->> $1` in the select list
    # to `data ->> $2` in GROUP BY, but it groups the subquery's named columns.
    open_cases = select(
        Case.case_type.label("jenis"), Case.stage.label("tahap"),
        Case.data["sifat"].as_string().label("sifat"), Case.data["bentuk"].as_string().label("bentuk"),
    ).where(Case.case_type.in_(CASE_TYPES), Case.opened_at < end, or_(Case.closed_at.is_(None), Case.closed_at >= start)).subquery()
    cols = (open_cases.c.jenis, open_cases.c.tahap, open_cases.c.sifat, open_cases.c.bentuk)
    per_jenis: Counter[str] = Counter()
    per_tahap: dict[str, Counter[str]] = defaultdict(Counter)
    per_sifat: Counter[str] = Counter()
    per_bentuk: Counter[str] = Counter()
    for jenis, tahap, sifat, bentuk, n in ctx.session.execute(select(*cols, func.count()).group_by(*cols)):
        per_jenis[jenis] += n
        per_tahap[jenis][tahap] += n
        if jenis == rules.BANTUAN_SOSIAL:
            per_sifat[sifat] += n
            per_bentuk[bentuk] += n

    # events begun in the year, with everyone recorded as affected by them
    kejadian = {
        jenis: {"kejadian": int(n), "orang": int(orang), "keluarga": int(keluarga)}
        for jenis, n, orang, keluarga in ctx.session.execute(
            select(Kejadian.jenis, func.count(func.distinct(Kejadian.id)), func.count(Terdampak.person_id), func.count(Terdampak.household_id))
            .outerjoin(Terdampak, Terdampak.kejadian_id == Kejadian.id)
            .where(Kejadian.tanggal_mulai.between(first, last)).group_by(Kejadian.jenis).order_by(Kejadian.jenis)
        )
    }

    # the ledger: quantities are summed per unit (2 paket and 5 kg do not add up)
    penyaluran: dict[str, dict[str, Any]] = {}
    for jenis, satuan, n, jumlah, rupiah in ctx.session.execute(
        select(Penyaluran.jenis, Penyaluran.satuan, func.count(), func.sum(Penyaluran.jumlah), func.sum(Penyaluran.nilai_rupiah))
        .where(Penyaluran.tanggal.between(first, last)).group_by(Penyaluran.jenis, Penyaluran.satuan)
    ):
        row = penyaluran.setdefault(jenis, {"kali": 0, "jumlah": {}, "rupiah": 0})
        row["kali"] += int(n)
        row["rupiah"] += int(rupiah or 0)
        if satuan is not None:
            row["jumlah"][satuan] = int(jumlah or 0)

    per_kegiatan: dict[str, Counter[str]] = defaultdict(Counter)
    pendampingan_anak: Counter[str] = Counter()
    for jenis, kode, status_anak, n in ctx.session.execute(
        select(Case.case_type, Kegiatan.kegiatan, Kegiatan.status_anak, func.count())
        .join(Case, Case.id == Kegiatan.case_id).where(Kegiatan.tanggal.between(first, last))
        .group_by(Case.case_type, Kegiatan.kegiatan, Kegiatan.status_anak)
    ):
        per_kegiatan[jenis][kode] += n
        if status_anak is not None:  # set only on an accompaniment of a child (Pasal 36 huruf f)
            pendampingan_anak[status_anak] += n

    result = {
        "tahun": tahun, "jumlah_kasus": sum(per_jenis.values()),
        "per_jenis_kasus": dict(sorted(per_jenis.items())),
        "per_tahap": {jenis: dict(sorted(c.items())) for jenis, c in sorted(per_tahap.items())},
        "per_sifat": dict(sorted(per_sifat.items())), "per_bentuk": dict(sorted(per_bentuk.items())),
        "kejadian": kejadian,
        "penyaluran": {jenis: penyaluran[jenis] | {"jumlah": dict(sorted(penyaluran[jenis]["jumlah"].items()))} for jenis in sorted(penyaluran)},
        "per_kegiatan": {jenis: dict(sorted(c.items())) for jenis, c in sorted(per_kegiatan.items())},
        "pendampingan_anak": dict(sorted(pendampingan_anak.items())),
        "citation": str(ctx.profile.citation("jenis_kejadian")) if ctx.profile else "PP 39/2012 Pasal 28",
    }
    add_table(ctx, f"perlindungan-{tahun}", _rows(result), sheet=f"Perlindungan {tahun}",
              title=f"Laporan tahunan perlindungan sosial {tahun} ({result['citation']})")
    return result


def _rows(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    """One table for both files: what is counted, its code, the figure, its unit, rupiah."""
    rows: list[tuple[Any, ...]] = [("dimensi", "kode", "jumlah", "satuan", "rupiah")]
    rows += [("jenis_kasus", jenis, n, "kasus", "") for jenis, n in result["per_jenis_kasus"].items()]
    rows += [("tahap", f"{jenis}.{tahap}", n, "kasus", "") for jenis, c in result["per_tahap"].items() for tahap, n in c.items()]
    rows += [("sifat", sifat, n, "kasus", "") for sifat, n in result["per_sifat"].items()]
    rows += [("bentuk", bentuk, n, "kasus", "") for bentuk, n in result["per_bentuk"].items()]
    for jenis, v in result["kejadian"].items():
        rows += [("kejadian", jenis, v["kejadian"], "kejadian", ""), ("terdampak", jenis, v["orang"], "orang", ""),
                 ("terdampak", jenis, v["keluarga"], "keluarga", "")]
    for jenis, v in result["penyaluran"].items():
        rows.append(("penyaluran", jenis, v["kali"], "kali", v["rupiah"]))
        rows += [("penyaluran", jenis, jumlah, satuan, "") for satuan, jumlah in v["jumlah"].items()]
    rows += [("kegiatan", f"{jenis}.{kode}", n, "kali", "") for jenis, c in result["per_kegiatan"].items() for kode, n in c.items()]
    rows += [("pendampingan_anak", status, n, "kali", "") for status, n in result["pendampingan_anak"].items()]
    return rows

