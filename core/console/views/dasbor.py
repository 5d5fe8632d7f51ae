"""The tenant's dashboard: the figures of GET /api/v1/tenants/<t>/dasbor (core/dashboard.py),
each drawn as a server-side SVG chart (core/console/charts.py) followed by its numbers as a
table. Same permissions as the API: cases.read opens it; named caseloads need
dasbor.beban_kerja (others see their own row and the totals)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Response, make_response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from core.api.common import current_tenant, current_user, has_permission, kernel, require, session
from core.console import charts
from core.console.blueprint import bp
from core.console.layout import plugin_title
from core.dashboard import MAX_MONTHS, Dashboard, dashboard


@dataclass(frozen=True)
class Figure:
    """One chart of the page and its numbers: `anchor` ties the table to its heading."""

    anchor: str
    svg: Markup
    table: charts.Table


def _months() -> int:
    # The API refuses a bad ?bulan= with 422; a page link with one simply shows the default.
    value = request.args.get("bulan", type=int)
    return value if value is not None and 1 <= value <= MAX_MONTHS else 12


def figures(d: Dashboard) -> list[Figure]:
    out: list[Figure] = []
    opened, closed = _("terbuka"), _("ditutup")
    for ct in d.per_jenis:
        title = _("Kasus per tahap: %(jenis)s (%(layanan)s)", jenis=ct.label, layanan=plugin_title(ct.plugin))
        rows = [(s.label, (s.terbuka, s.ditutup)) for s in ct.tahap]
        out.append(Figure(
            f"tahap-{ct.case_type}",
            Markup(charts.stacked_bar(title, rows, (opened, closed))),
            charts.stacked_table(title, rows, (opened, closed), label_header=_("Tahap")),
        ))
    title = _("Kasus baru dan ditutup per bulan")
    labels = [m.label for m in d.per_bulan]
    series = [(_("Baru"), [m.baru for m in d.per_bulan]), (_("Ditutup"), [m.ditutup for m in d.per_bulan])]
    out.append(Figure("per-bulan", Markup(charts.column_chart(title, labels, series)), charts.column_table(title, labels, series, label_header=_("Bulan"))))
    title = _("Tenggat terlambat per layanan")
    rows2 = [(plugin_title(o.plugin), o.jumlah) for o in d.terlambat_per_layanan]
    out.append(Figure("terlambat", Markup(charts.bar_chart(title, rows2)), charts.bar_table(title, rows2, label_header=_("Layanan"), value_header=_("Terlambat"))))
    title = _("Beban kerja Peksos dan TKS (kasus terbuka)")
    rows3 = [(c.nama, c.kasus_terbuka) for c in d.beban_kerja.rows]
    out.append(Figure("beban-kerja", Markup(charts.bar_chart(title, rows3)), charts.bar_table(title, rows3, label_header=_("Petugas"), value_header=_("Kasus terbuka"))))
    return out


@bp.get("/<tenant>/dasbor")
@require("cases.read")
def dasbor() -> Response:
    own = None if has_permission("dasbor.beban_kerja") else current_user().id
    d = dashboard(session(), kernel(), current_tenant(), months=_months(), caseload_of=own)
    return make_response(render_template(
        "konsol/dasbor/dasbor.html", tenant=current_tenant(), d=d, figures=figures(d), month_choices=(3, 6, 12, 24, 36),
    ))
