"""The dashboard in Chromium: the Balangan admin opens it from the menu and sees the four
charts drawn (inline SVG, no script) each with its numbers as a table. Screenshot saved to
tests/browser/artefacts/."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot


def test_the_dashboard_shows_its_charts_and_their_tables(page: Any) -> None:
    page.goto("/konsol/masuk")
    page.get_by_label("Nama pengguna").fill("admin.balangan")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.locator("nav.menu").get_by_role("link", name="Dasbor", exact=True).click()
    expect(page.get_by_role("heading", name="Dasbor", level=1)).to_be_visible()
    assert page.url.endswith("/konsol/balangan/dasbor")
    charts = page.locator("figure svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4  # one per case type, per month, overdue, caseloads
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 40  # drawn, not collapsed
    months = page.get_by_role("table", name="Kasus baru dan ditutup per bulan")
    expect(months).to_be_visible()
    expect(months.locator("tbody tr")).to_have_count(12)
    expect(page.get_by_role("table", name="Beban kerja Peksos dan TKS (kasus terbuka)").locator("tbody tr").first).to_be_visible()
    screenshot(page, "dasbor")
