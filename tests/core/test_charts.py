"""The console's SVG charts (core/console/charts.py): well-formed, accessible, escaped, readable
without colour, scaled inside their viewBox, and with the same numbers as a table."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from core.console.charts import (
    EMPTY_TEXT,
    bar_chart,
    bar_table,
    column_chart,
    column_table,
    format_number,
    stacked_bar,
    stacked_table,
)

NS = "{http://www.w3.org/2000/svg}"
NASTY = "<script>\"Tom\" & 'Jerry'"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on markup that is not well-formed
    assert root.tag == f"{NS}svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if "kesos-chart__bar" in r.get("class", "").split()]


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text") if cls is None or cls in t.get("class", "")]


def viewbox(root: ET.Element) -> tuple[float, float]:
    x, y, w, h = map(float, root.get("viewBox").split())
    assert (x, y) == (0, 0)
    return w, h


def assert_accessible(root: ET.Element, title: str) -> None:
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert [by_id[i].tag for i in ids] == [f"{NS}title", f"{NS}desc"]
    assert by_id[ids[0]].text == title
    assert by_id[ids[1]].text  # a description a screen reader reads out
    # No fixed size: the viewBox lets it scale to the tablet's width.
    assert root.get("width") is None and root.get("height") is None


def assert_self_contained(svg: str, root: ET.Element) -> None:
    assert not any(el.tag.endswith("script") or el.tag.endswith("foreignObject") for el in root.iter())
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.startswith("on"), f"inline script {name}"
            assert "http" not in value or value == "http://www.w3.org/2000/svg", f"external reference {name}={value}"
    assert "@import" not in svg and "<style" not in svg


def assert_inside(root: ET.Element) -> None:
    width, height = viewbox(root)
    for r in root.iter(f"{NS}rect"):
        if r.get("class") is None or "kesos-chart__bar" not in r.get("class"):
            continue
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        assert 0 <= x and x + w <= width + 0.1 and 0 <= y and y + h <= height + 0.1
    for t in root.iter(f"{NS}text"):
        if t.get("transform"):
            continue  # rotated labels are checked through their reserved room (see column tests)
        x = float(t.get("x"))
        w = len(t.text or "") * float(t.get("font-size") or root.get("font-size")) * 0.6
        anchor = t.get("text-anchor", "start")
        left, right = {"start": (x, x + w), "middle": (x - w / 2, x + w / 2), "end": (x - w, x)}[anchor]
        assert left >= -0.1 and right <= width + 0.1, f"text {t.text!r} leaves the viewBox ({left:.0f}..{right:.0f} of {width:.0f})"


# -- bar chart ---------------------------------------------------------------------------------


def test_bar_chart_draws_one_bar_per_row_with_its_value_as_text() -> None:
    rows = [("Siti Aminah", 12), ("Ahmad Fauzi", 3), ("Rahmawati", 0)]
    svg = bar_chart("Beban kerja Peksos", rows)
    root = parse(svg)
    assert_accessible(root, "Beban kerja Peksos")
    assert_self_contained(svg, root)
    assert len(bars(root)) == 3
    assert texts(root, "kesos-chart__value") == ["12", "3", "0"]
    assert texts(root, "kesos-chart__label") == ["Siti Aminah", "Ahmad Fauzi", "Rahmawati"]
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths[0] > widths[1] > widths[2] == 0  # longest bar for the biggest value
    assert "Siti Aminah: 12" in root.find(f"{NS}desc").text
    assert_inside(root)


def test_bar_chart_escapes_every_label() -> None:
    svg = bar_chart(f"Judul {NASTY}", [(NASTY, 1)])
    root = parse(svg)
    assert "<script" not in svg
    assert_self_contained(svg, root)
    assert root.find(f"{NS}title").text == f"Judul {NASTY}"
    assert texts(root, "kesos-chart__label") == [NASTY]


def test_a_long_label_is_shortened_on_the_picture_but_kept_whole_in_its_tooltip() -> None:
    label = "Tenaga Kesejahteraan Sosial Kecamatan Paringin Selatan (Balangan)"
    root = parse(bar_chart("Beban kerja", [(label, 4)]))
    shown = texts(root, "kesos-chart__label")[0]
    assert shown.endswith("…") and label.startswith(shown[:-1])
    assert root.find(f"{NS}g/{NS}title").text == f"{label}: 4"


@pytest.mark.parametrize("chart", [
    lambda: bar_chart("Kosong", []),
    lambda: column_chart("Kosong", [], [("Baru", [])]),
    lambda: stacked_bar("Kosong", [], ["terbuka", "ditutup"]),
])
def test_no_data_says_so(chart) -> None:
    svg = chart()
    root = parse(svg)
    assert_accessible(root, "Kosong")
    assert bars(root) == []
    assert EMPTY_TEXT in texts(root)
    assert EMPTY_TEXT in root.find(f"{NS}desc").text


def test_one_huge_value_stays_inside_the_viewbox_and_the_small_ones_still_show_their_number() -> None:
    huge = 10**21
    root = parse(bar_chart("Besar", [("Kecil", 1), ("Raksasa", huge), ("Nol", 0)]))
    assert texts(root, "kesos-chart__value") == ["1", format_number(huge), "0"]
    assert format_number(huge) == "1.000.000.000.000.000.000.000"
    assert_inside(root)
    width, _ = viewbox(root)
    assert float(bars(root)[1].get("width")) > 0.5 * (width - 400)  # the huge one fills the plot


def test_bar_table_has_the_same_numbers() -> None:
    table = bar_table("Beban kerja", [("Siti", 12), ("Ahmad", 3)], label_header="Petugas", value_header="Kasus terbuka")
    assert table.caption == "Beban kerja"
    assert table.headers == ("Petugas", "Kasus terbuka")
    assert table.rows == (("Siti", 12), ("Ahmad", 3))


# -- column chart ------------------------------------------------------------------------------


MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026"]


def test_column_chart_draws_a_column_per_month_and_series_with_values_and_a_legend() -> None:
    svg = column_chart("Kasus per bulan", MONTHS, [("Baru", [4, 0, 7]), ("Ditutup", [1, 2, 0])])
    root = parse(svg)
    assert_accessible(root, "Kasus per bulan")
    assert_self_contained(svg, root)
    assert len(bars(root)) == 6
    assert sorted(texts(root, "kesos-chart__value")) == sorted(["4", "0", "7", "1", "2", "0"])
    labels = texts(root, "kesos-chart__label")
    assert labels[:2] == ["Baru", "Ditutup"]  # the legend, in words
    assert labels[2:] == MONTHS
    # Not colour alone: the second series is hatched too.
    fills = {r.get("class").split()[-1]: r.get("fill") for r in bars(root)}
    assert fills["kesos-chart__bar--1"].startswith("url(#") and not fills["kesos-chart__bar--0"].startswith("url(")
    assert "Baru 11" in root.find(f"{NS}desc").text and "Ditutup 3" in root.find(f"{NS}desc").text
    assert_inside(root)


def test_column_chart_over_36_months_and_big_numbers_stays_inside() -> None:
    labels = [f"{m} {y}" for y in (2024, 2025, 2026) for m in ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")]
    values = [i * 1000 for i in range(36)]
    values[5] = 10**9
    root = parse(column_chart("Tiga tahun", labels, [("Baru", values), ("Ditutup", list(reversed(values)))]))
    assert len(bars(root)) == 72
    assert format_number(10**9) in texts(root, "kesos-chart__value")
    assert_inside(root)
    width, height = viewbox(root)
    # The slanted month labels: each has room to its left and below (about 0.71 of its length).
    for t in root.iter(f"{NS}text"):
        if t.get("transform", "").startswith("rotate(-45"):
            extent = len(t.text) * 12 * 0.6 * 0.71
            assert float(t.get("x")) - extent >= -0.1 and float(t.get("y")) + extent <= height + 0.1
    # The upright numbers of narrow columns start above the plot's top, inside the picture.
    for t in root.iter(f"{NS}text"):
        if t.get("transform", "").startswith("rotate(-90"):
            assert float(t.get("y")) - len(t.text) * 10 * 0.6 >= 0


def test_column_chart_refuses_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="one value per label"):
        column_chart("Salah", MONTHS, [("Baru", [1, 2])])


def test_column_table_has_one_row_per_month() -> None:
    table = column_table("Kasus per bulan", MONTHS, [("Baru", [4, 0, 7]), ("Ditutup", [1, 2, 0])])
    assert table.headers == ("Bulan", "Baru", "Ditutup")
    assert table.rows == (("Jan 2026", 4, 1), ("Feb 2026", 0, 2), ("Mar 2026", 7, 0))


# -- stacked bars ------------------------------------------------------------------------------


def test_stacked_bar_writes_each_part_by_name() -> None:
    rows = [("Pendekatan awal", [3, 1]), ("Pengungkapan & pemahaman masalah", [2, 0]), ("Terminasi", [0, 5])]
    svg = stacked_bar("Rehabilitasi Sosial", rows, ["terbuka", "ditutup"])
    root = parse(svg)
    assert_accessible(root, "Rehabilitasi Sosial")
    assert_self_contained(svg, root)
    assert len(bars(root)) == 6
    assert texts(root, "kesos-chart__value") == ["3 terbuka · 1 ditutup", "2 terbuka · 0 ditutup", "0 terbuka · 5 ditutup"]
    assert "Pengungkapan & pemahaman masalah" in texts(root, "kesos-chart__label")
    assert_inside(root)


def test_stacked_table_adds_the_row_total() -> None:
    table = stacked_table("Rehabilitasi Sosial", [("Pendekatan awal", [3, 1])], ["Terbuka", "Ditutup"])
    assert table.headers == ("Tahap", "Terbuka", "Ditutup", "Jumlah")
    assert table.rows == (("Pendekatan awal", 3, 1, 4),)


def test_two_charts_on_one_page_do_not_share_ids_and_the_same_chart_renders_the_same() -> None:
    a = bar_chart("Satu", [("x", 1)])
    b = bar_chart("Dua", [("x", 1)])
    ids = lambda svg: {el.get("id") for el in parse(svg).iter() if el.get("id")}  # noqa: E731
    assert ids(a).isdisjoint(ids(b))
    assert a == bar_chart("Satu", [("x", 1)])
