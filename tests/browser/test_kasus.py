"""A Peksos at work in Chromium: the Balangan peksos of the demo takes a rehabilitation case on
through its stages, sees the Perbup's refusal with its article, and registers a person with the
NIK checked as they type. Screenshots go to tests/browser/artefacts/."""
from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import func, select

from core.cases.models import CaseEvent
from core.demo import DEMO_PASSWORD
from core.tenancy.models import Tenant
from tests.browser.conftest import Served, screenshot
from tests.factories import nik_for

PEKSOS = "peksos.balangan"


def _login(page: Any, username: str = PEKSOS) -> None:
    page.goto("/konsol/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def _events(served: Served) -> int:
    with served.kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with served.kernel.db.unit_of_work(tenant_id) as s:
        return int(s.scalar(select(func.count()).select_from(CaseEvent)))


def test_a_peksos_takes_a_balangan_case_through_its_stages_and_sees_a_refusal_with_its_article(page: Any, served: Served) -> None:
    _login(page)
    page.locator("nav.menu").get_by_role("link", name="Kasus", exact=True).click()
    expect(page.get_by_role("heading", name="Kasus", level=1)).to_be_visible()
    # "My cases" at the stage of problem disclosure: the demo's first case.
    page.get_by_label("Tahap").select_option(label="Pengungkapan dan Pemahaman Masalah")
    page.get_by_label("Kasus saya saja").check()
    page.get_by_role("button", name="Saring").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    screenshot(page, "20-kasus-saya")
    rows.first.get_by_role("link").click()

    progress = page.locator("ol.tahapan")
    expect(progress.locator('[aria-current="step"]')).to_contain_text("Pengungkapan dan Pemahaman Masalah")
    expect(progress.locator("li")).to_have_count(7)
    screenshot(page, "21-kasus-tahap-pengungkapan")

    # One stage on, with a note.
    page.get_by_label("Tahap tujuan").select_option(label="Penyusunan Rencana Pemecahan Masalah")
    page.get_by_label("Catatan tahap (boleh kosong)").fill("Masalah klien sudah dipahami bersama keluarga.")
    page.get_by_role("button", name="Pindahkan tahap").click()
    expect(progress.locator('[aria-current="step"]')).to_contain_text("Penyusunan Rencana Pemecahan Masalah")
    expect(page.locator("table").last).to_contain_text("Pindah dari Pengungkapan dan Pemahaman Masalah ke Penyusunan Rencana Pemecahan Masalah")

    # Problem solving without a plan: the Perbup refuses, citing its article; nothing is written.
    before = _events(served)
    page.get_by_label("Tahap tujuan").select_option(label="Pemecahan Masalah")
    page.get_by_role("button", name="Pindahkan tahap").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Rencana pemecahan masalah belum disusun")
    expect(refusal.locator(".kutipan")).to_contain_text("Perbup Balangan 61/2017")
    expect(progress.locator('[aria-current="step"]')).to_contain_text("Penyusunan Rencana Pemecahan Masalah")
    assert _events(served) == before
    screenshot(page, "22-kasus-penolakan-perbup")


def test_a_peksos_registers_a_person_with_the_nik_checked_while_typing(page: Any) -> None:
    _login(page)
    page.locator("nav.menu").get_by_role("link", name="Daftarkan penerima layanan").click()
    nik = nik_for("63.11", date(1995, 3, 9), "P", serial=9001)
    page.get_by_label("Tanggal lahir").fill("1995-03-09")
    page.get_by_label("Jenis kelamin").select_option("L")
    page.get_by_label("NIK (16 digit)").press_sequentially(nik[:10])
    feedback = page.locator("#periksa-nik")
    expect(feedback).to_have_text("NIK harus terdiri dari 16 digit angka.")
    page.get_by_label("NIK (16 digit)").press_sequentially(nik[10:])
    expect(feedback).to_contain_text("Jenis kelamin tidak sesuai dengan NIK: NIK menunjukkan perempuan")
    screenshot(page, "23-orang-baru-periksa-nik")
    page.get_by_label("Jenis kelamin").select_option("P")
    expect(feedback).to_have_text("NIK dapat diterima.")
    page.get_by_label("Nama lengkap").fill("Fitri Handayani")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Fitri Handayani", level=1)).to_be_visible()
    expect(page.locator("dl.rincian")).to_contain_text(f"{nik[:4]}**********{nik[-2:]}")
    screenshot(page, "24-orang-tersimpan")
