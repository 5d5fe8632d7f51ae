"""An import in Chromium: the Balangan admin uploads a small CSV from the imports page (a boosted
multipart form), lands on the run's page and sees the finished summary and the rejected rows'
download."""
from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot
from tests.factories import nik_for


def test_the_admin_uploads_a_csv_and_sees_the_result(page: Any) -> None:
    page.goto("/konsol/masuk")
    page.get_by_label("Nama pengguna").fill("admin.balangan")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()

    page.locator("nav.menu").get_by_role("link", name="Impor data").click()
    expect(page.get_by_role("heading", name="Impor data", level=1)).to_be_visible()
    nik = nik_for("63.11", date(1993, 5, 17), "P", 9871)
    rows = f"nik,nama,tanggal_lahir,jenis_kelamin\n{nik},Rina Impor,1993-05-17,P\n123,Terlalu Pendek,1990-01-01,L\n"
    card = page.locator("#impor-persons")
    card.get_by_label("Berkas (CSV atau XLSX)").set_input_files({"name": "penerima.csv", "mimeType": "text/csv", "buffer": rows.encode()})
    screenshot(page, "40-impor")
    card.get_by_role("button", name="Mulai impor").click()

    # The demo runs jobs inline: the run's page shows the finished import straight away.
    expect(page.locator("#status-impor .status")).to_have_text("Status: Selesai")
    expect(page.locator("#status-impor")).to_contain_text("1 dari 2 baris diterima, 1 ditolak.")
    expect(page.get_by_role("link", name="Unduh baris yang ditolak (CSV)")).to_be_visible()
    screenshot(page, "41-impor-selesai")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh baris yang ditolak (CSV)").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "Terlalu Pendek" in content and "alasan_ditolak" in content and "Rina Impor" not in content
