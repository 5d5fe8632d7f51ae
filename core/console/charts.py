"""Server-side SVG charts for the console, each with its numbers as a table.

Pure functions returning SVG markup (strings): no JavaScript, no external font or stylesheet, so
they work on a closed network and in a page without scripts. Each chart is

- accessible: `role="img"`, a `<title>` and a `<desc>` referenced by `aria-labelledby`, and every
  bar carries its value as text (never colour alone; the second series is also hatched);
- themeable: colours are presentation attributes, which any CSS rule on the classes
  (`kesos-chart`, `kesos-chart__bar--<n>`, `kesos-chart__label`, …) overrides;
- responsive: a `viewBox` and no fixed size, so it scales to a tablet's width;
- safe: every label is escaped (a label is user data, e.g. a worker's name).

Each chart function has a companion `*_table` returning the same numbers as a `Table`, so a
page shows "the numbers as a table" next to (or instead of) the picture.
"""
from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

# Fixed texts go through the console's catalogue (`_` at call time): an English page gets English
# charts; outside a request they stay Indonesian. The labels and numbers passed in are shown as given.
EMPTY_TEXT = "Belum ada data"  # the msgid of what an empty chart says
WIDTH = 640
FONT = 12
CHAR = FONT * 0.6  # average advance of a sans-serif character, to reserve room for text
ROW = 28
PAD = 8
MAX_LABEL_CHARS = 40  # the longest stage label of the in-tree plugins is 36
# Default colours (overridable by CSS on the classes): dark enough for white text around them.
COLOURS = ("#1f6f8b", "#d9822b", "#5b8c2a", "#8e44ad")


@dataclass(frozen=True)
class Table:
    """A chart's numbers: `caption` (the chart's title), column `headers`, and `rows`."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]


def format_number(value: int) -> str:
    """1234567 → "1.234.567" (Indonesian digit grouping)."""
    return f"{value:,}".replace(",", ".")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _short(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * 0.6


def _chart_id(kind: str, title: str, payload: object) -> str:
    # Deterministic (same data → same markup, testable) and distinct for two charts on a page.
    digest = hashlib.sha1(f"{kind}|{title}|{payload!r}".encode()).hexdigest()[:10]
    return f"kc-{kind}-{digest}"


def _open(kind: str, cid: str, title: str, desc: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" class="kesos-chart kesos-chart--{kind}" '
        f'font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{cid}-title">{_e(title)}</title>',
        f'<desc id="{cid}-desc">{_e(desc)}</desc>',
        f'<defs><pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{COLOURS[1]}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>'
        "</pattern></defs>",
        f'<text x="{PAD}" y="{PAD + FONT + 2}" class="kesos-chart__title" font-size="{FONT + 2}" font-weight="bold">{_e(title)}</text>',
    ]


def _fill(cid: str, series: int) -> str:
    # Series 1 is hatched as well as coloured: two series stay apart in greyscale print too.
    return f"url(#{cid}-hatch)" if series == 1 else COLOURS[series % len(COLOURS)]


def _empty(kind: str, title: str) -> str:
    cid = _chart_id(kind, title, ())
    height = 3 * PAD + 2 * FONT + 24
    empty = _("Belum ada data")
    parts = _open(kind, cid, title, f"{title}: {empty}.", WIDTH, height)
    parts.append(f'<text x="{WIDTH / 2:.0f}" y="{height - PAD - 6}" text-anchor="middle" class="kesos-chart__empty">{_e(empty)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _values(values: Sequence[int]) -> list[int]:
    return [max(int(v), 0) for v in values]  # counts: a negative would draw backwards


def _legend(cid: str, names: Sequence[str], y: float) -> list[str]:
    out, x = [], float(PAD)
    for i, name in enumerate(names):
        out.append(
            f'<g class="kesos-chart__legend"><rect x="{x:.1f}" y="{y - FONT + 2:.1f}" width="{FONT}" height="{FONT}" '
            f'class="kesos-chart__bar--{i}" fill="{_fill(cid, i)}"/>'
            f'<text x="{x + FONT + 4:.1f}" y="{y:.1f}" class="kesos-chart__label">{_e(name)}</text></g>'
        )
        x += FONT + 4 + _text_width(name) + 2 * PAD
    return out


# -- horizontal bars: one value per row (caseloads, overdue per service) -----------------------


def bar_chart(title: str, rows: Sequence[tuple[str, int]], *, desc: str | None = None) -> str:
    """Horizontal bars, one per `(label, value)` row, in the given order, each with its value
    written after it."""
    if not rows:
        return _empty("bar", title)
    labels = [str(label) for label, _v in rows]
    values = _values([v for _k, v in rows])
    texts = [format_number(v) for v in values]
    cid = _chart_id("bar", title, tuple(zip(labels, values)))
    label_w = min(max(_text_width(_short(lbl)) for lbl in labels), MAX_LABEL_CHARS * CHAR) + PAD
    value_w = max(_text_width(t) for t in texts) + PAD
    # The picture widens (and scales down) rather than let a long number leave the viewBox.
    width = max(WIDTH, PAD + label_w + 120 + value_w + PAD)
    plot_w = width - 2 * PAD - label_w - value_w
    top = 2 * PAD + FONT + 8
    height = top + len(rows) * ROW + PAD
    top_value = max(values) or 1
    if desc is None:
        biggest = max(range(len(rows)), key=lambda i: values[i])
        desc = _("Diagram batang, %(n)s baris; terbesar %(label)s: %(nilai)s.", n=len(rows), label=labels[biggest], nilai=texts[biggest])
    parts = _open("bar", cid, title, desc, width, height)
    for i, (label, value, text) in enumerate(zip(labels, values, texts)):
        y = top + i * ROW
        bar_w = plot_w * value / top_value
        x0 = PAD + label_w
        parts.append(
            f'<g class="kesos-chart__row"><title>{_e(label)}: {text}</title>'
            f'<text x="{x0 - PAD:.1f}" y="{y + ROW / 2 + FONT / 3:.1f}" text-anchor="end" class="kesos-chart__label">{_e(_short(label))}</text>'
            f'<rect x="{x0:.1f}" y="{y + 4:.1f}" width="{bar_w:.1f}" height="{ROW - 8}" class="kesos-chart__bar kesos-chart__bar--0" fill="{COLOURS[0]}"/>'
            f'<text x="{x0 + bar_w + 4:.1f}" y="{y + ROW / 2 + FONT / 3:.1f}" class="kesos-chart__value">{text}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_table(title: str, rows: Sequence[tuple[str, int]], *, label_header: str | None = None, value_header: str | None = None) -> Table:
    return Table(title, (label_header or _("Uraian"), value_header or _("Jumlah")), tuple((str(label), max(int(v), 0)) for label, v in rows))


# -- columns: several series over ordered categories (new and closed cases per month) --------


def column_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, desc: str | None = None) -> str:
    """Vertical columns grouped per label (e.g. a month), one column per series (e.g. "Baru",
    "Ditutup"), each column with its value written above it, and a legend."""
    if not labels or not series:
        return _empty("column", title)
    names = [str(n) for n, _v in series]
    data = [_values(vs) for _k, vs in series]
    if any(len(vs) != len(labels) for vs in data):
        raise ValueError("every series needs one value per label")
    cid = _chart_id("column", title, (tuple(labels), tuple(names), tuple(map(tuple, data))))
    texts = [[format_number(v) for v in vs] for vs in data]
    longest = max(len(t) for ts in texts for t in ts)
    label_max = max(_text_width(str(lbl)) for lbl in labels)
    label_slant = len(labels) > 12 or label_max > (WIDTH - 2 * PAD) / len(labels)
    # A slanted label reaches down and to the left of its column: keep room for it on that side.
    left = PAD + (label_max * 0.71 if label_slant else 0)
    group_w = max((WIDTH - PAD - left) / len(labels), 8.0 * len(series) + 4)
    width = max(WIDTH, left + PAD + group_w * len(labels))
    col_w = (group_w - 4) * 0.9 / len(series)
    small = longest * CHAR > col_w  # a number wider than its column is written upwards
    value_room = (longest * 0.6 * (FONT - 2) if small else FONT) + 6
    label_room = (label_max * 0.71 + FONT) if label_slant else FONT + 6
    top = 2 * PAD + FONT + 8 + FONT + 8  # title, then legend
    plot_h = 160.0
    base = top + value_room + plot_h
    height = base + label_room + PAD
    top_value = max((v for vs in data for v in vs), default=0) or 1
    if desc is None:
        totals = ", ".join(f"{n} {format_number(sum(vs))}" for n, vs in zip(names, data))
        desc = _("Diagram kolom, %(n)s kelompok (%(awal)s sampai %(akhir)s); jumlah: %(jumlah)s.", n=len(labels), awal=labels[0], akhir=labels[-1], jumlah=totals)
    parts = _open("column", cid, title, desc, width, height)
    parts += _legend(cid, names, 2 * PAD + FONT + 8 + FONT)
    for g, label in enumerate(labels):
        gx = left + g * group_w + 2
        parts.append(f'<g class="kesos-chart__group"><title>{_e(label)}: ' + _e(", ".join(f"{n} {texts[s][g]}" for s, n in enumerate(names))) + "</title>")
        for s in range(len(series)):
            value = data[s][g]
            h = plot_h * value / top_value
            x = gx + (group_w - 4) * 0.05 + s * col_w
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                f'class="kesos-chart__bar kesos-chart__bar--{s}" fill="{_fill(cid, s)}"/>'
            )
            cx, ty = x + col_w / 2, base - h - 3
            if small:
                parts.append(f'<text x="{cx:.1f}" y="{ty:.1f}" font-size="{FONT - 2}" transform="rotate(-90 {cx:.1f} {ty:.1f})" class="kesos-chart__value" dominant-baseline="middle">{texts[s][g]}</text>')
            else:
                parts.append(f'<text x="{cx:.1f}" y="{ty:.1f}" text-anchor="middle" class="kesos-chart__value">{texts[s][g]}</text>')
        lx, ly = gx + (group_w - 4) / 2, base + FONT + 2
        if label_slant:
            parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" transform="rotate(-45 {lx:.1f} {ly:.1f})" class="kesos-chart__label">{_e(label)}</text>')
        else:
            parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" class="kesos-chart__label">{_e(label)}</text>')
        parts.append("</g>")
    parts.append(f'<line x1="{PAD}" y1="{base:.1f}" x2="{width - PAD:.1f}" y2="{base:.1f}" class="kesos-chart__axis" stroke="#666666"/>')
    parts.append("</svg>")
    return "".join(parts)


def column_table(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, label_header: str | None = None) -> Table:
    data = [_values(vs) for _n, vs in series]
    return Table(title, (label_header or _("Bulan"), *(str(n) for n, _v in series)), tuple((str(lbl), *(vs[i] for vs in data)) for i, lbl in enumerate(labels)))


# -- stacked bars: parts of a whole per row (open and closed cases per stage) -----------------


def stacked_bar(title: str, rows: Sequence[tuple[str, Sequence[int]]], parts: Sequence[str], *, desc: str | None = None) -> str:
    """Horizontal bars, one per `(label, values)` row, each split into `parts` (e.g. "terbuka",
    "ditutup"); after each bar its numbers are written out by name, e.g. "3 terbuka · 1 ditutup"."""
    if not rows or not parts:
        return _empty("stacked", title)
    labels = [str(label) for label, _v in rows]
    data = [_values(vs) for _k, vs in rows]
    if any(len(vs) != len(parts) for vs in data):
        raise ValueError("every row needs one value per part")
    names = [str(p) for p in parts]
    cid = _chart_id("stacked", title, (tuple(labels), tuple(names), tuple(map(tuple, data))))
    texts = [" · ".join(f"{format_number(v)} {n}" for v, n in zip(vs, names)) for vs in data]
    label_w = min(max(_text_width(_short(lbl)) for lbl in labels), MAX_LABEL_CHARS * CHAR) + PAD
    value_w = max(_text_width(t) for t in texts) + PAD
    width = max(WIDTH, PAD + label_w + 120 + value_w + PAD)
    plot_w = width - 2 * PAD - label_w - value_w
    top = 2 * PAD + FONT + 8 + FONT + 8
    height = top + len(rows) * ROW + PAD
    top_value = max(sum(vs) for vs in data) or 1
    if desc is None:
        totals = ", ".join(f"{n} {format_number(sum(vs[i] for vs in data))}" for i, n in enumerate(names))
        desc = _("Diagram batang bertumpuk, %(n)s baris; jumlah: %(jumlah)s.", n=len(rows), jumlah=totals)
    out = _open("stacked", cid, title, desc, width, height)
    out += _legend(cid, names, 2 * PAD + FONT + 8 + FONT)
    for i, (label, vs, text) in enumerate(zip(labels, data, texts)):
        y = top + i * ROW
        x = PAD + label_w
        out.append(f'<g class="kesos-chart__row"><title>{_e(label)}: {_e(text)}</title>')
        out.append(f'<text x="{x - PAD:.1f}" y="{y + ROW / 2 + FONT / 3:.1f}" text-anchor="end" class="kesos-chart__label">{_e(_short(label))}</text>')
        for s, v in enumerate(vs):
            w = plot_w * v / top_value
            out.append(f'<rect x="{x:.1f}" y="{y + 4:.1f}" width="{w:.1f}" height="{ROW - 8}" class="kesos-chart__bar kesos-chart__bar--{s}" fill="{_fill(cid, s)}"/>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + ROW / 2 + FONT / 3:.1f}" class="kesos-chart__value">{_e(text)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def stacked_table(title: str, rows: Sequence[tuple[str, Sequence[int]]], parts: Sequence[str], *, label_header: str | None = None) -> Table:
    data = [_values(vs) for _n, vs in rows]
    return Table(
        title, (label_header or _("Tahap"), *(str(p) for p in parts), _("Jumlah")),
        tuple((str(label), *vs, sum(vs)) for (label, _v), vs in zip(rows, data)),
    )
