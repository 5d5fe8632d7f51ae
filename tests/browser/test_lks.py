"""The LKS desk in Chromium: the Balangan officer registers an LKS through the form, attaches
its documents, declares the requirements complete, issues the tanda pendaftaran and opens the
printable letter with its number. Screenshots in tests/browser/artefacts/."""
from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOKUMEN = {
    "anggaran_dasar_art": "anggaran-dasar.pdf", "akta_pendirian": "akta.pdf",
    "surat_keterangan_domisili": "domisili.pdf", "npwp": "npwp.pdf",
}


def _login(page: Any, username: str) -> None:
    page.goto("/konsol/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def test_the_officer_registers_an_lks_and_issues_its_tanda_pendaftaran(page: Any) -> None:
    _login(page, "petugas.balangan")
    menu = page.locator("nav.menu")
    menu.get_by_role("link", name="Permohonan pendaftaran").click()
    expect(page.get_by_role("heading", name="Permohonan pendaftaran LKS", level=1)).to_be_visible()
    # the demo's application declared complete shows its due date
    expect(page.get_by_role("row", name=re.compile("LKS Cahaya Umat"))).to_contain_text("Persyaratan Lengkap")
    screenshot(page, "20-lks-permohonan")

    menu.get_by_role("link", name="Daftarkan LKS").click()
    page.get_by_label("Nama lembaga").fill("Yayasan Uji Peramban")
    page.get_by_role("button", name="Catat permohonan").click()
    # refused: each error next to its field, what was typed kept
    expect(page.locator("#kolom-alamat-galat")).to_have_text("Wajib diisi.")
    expect(page.get_by_label("Nama lembaga")).to_have_value("Yayasan Uji Peramban")
    page.get_by_label("Berbadan hukum").select_option("true")
    page.get_by_label("Alamat", exact=True).fill("Jl. Jenderal Sudirman No. 3, Paringin")
    page.get_by_label("Nama ketua").fill("Hj. Rusmini")
    page.get_by_label("Jabatan").fill("Ketua")
    page.get_by_label("Kegiatan", exact=True).fill("pengasuhan anak; bimbingan keluarga")
    screenshot(page, "21-lks-daftar")
    page.get_by_role("button", name="Catat permohonan").click()
    expect(page.get_by_role("heading", name="Yayasan Uji Peramban", level=1)).to_be_visible()
    expect(page.locator("#tahap")).to_have_text("Permohonan")

    for jenis, name in DOKUMEN.items():
        page.get_by_label("Jenis dokumen").select_option(jenis)
        page.get_by_label("Berkas (PDF, JPEG atau PNG)").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": PDF})
        page.get_by_role("button", name="Unggah", exact=True).click()
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("table").first).not_to_contain_text("Belum ada")
    screenshot(page, "22-lks-persyaratan")

    page.get_by_role("button", name="Nyatakan lengkap").click()
    expect(page.locator("#tahap")).to_have_text("Persyaratan Lengkap")
    expect(page.locator("#jatuh-tempo")).to_be_visible()
    page.get_by_role("button", name="Terbitkan tanda pendaftaran").click()
    expect(page.locator("#tahap")).to_have_text("Terdaftar")
    nomor = page.locator("#nomor").inner_text()
    assert re.search(r"\d", nomor), nomor
    screenshot(page, "23-lks-terdaftar")

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Cetak tanda pendaftaran").click()
    letter = opened.value
    letter.wait_for_load_state()
    expect(letter.locator("body")).to_contain_text(nomor)
    expect(letter.locator("body")).to_contain_text("Yayasan Uji Peramban")
    screenshot(letter, "24-lks-tanda-pendaftaran")
