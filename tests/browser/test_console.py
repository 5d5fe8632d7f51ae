"""The console as its users see it, in Chromium: logging in (also by keyboard), the Balangan
admin switching a service off and on, the Perbup variant's rules with their articles, the
language switch, and pages without JavaScript. Screenshots of each main page are saved to
tests/browser/artefacts/."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import func, select

from core.cases.models import Case
from core.demo import DEMO_PASSWORD
from core.tenancy.models import Tenant
from tests.browser.conftest import Served, screenshot

ADMIN = "admin.balangan"


def _login(page: Any, username: str = ADMIN, password: str = DEMO_PASSWORD, *, succeeds: bool = True) -> None:
    page.goto("/konsol/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    if succeeds:  # wait for the logged-in page before touching anything
        expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def _menu(page: Any) -> Any:
    return page.locator("nav.menu")  # by class: its accessible name changes with the language


def _cases(served: Served, plugin: str) -> int:
    with served.kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with served.kernel.db.unit_of_work(tenant_id) as s:
        return int(s.scalar(select(func.count()).select_from(Case).where(Case.plugin == plugin)))


def test_the_login_form_works_from_the_keyboard(page: Any) -> None:
    page.goto("/konsol/masuk")
    screenshot(page, "01-masuk")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()  # autofocus: type straight away
    page.keyboard.type(ADMIN)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Kabupaten Balangan", level=1)).to_be_visible()
    assert page.url.endswith("/konsol/balangan/")
    # htmx is loaded from the package (boosted links and forms), with no CSP error.
    assert page.evaluate("typeof window.htmx") == "object"
    screenshot(page, "02-beranda")


def test_a_wrong_password_shows_the_error_next_to_the_field_and_keeps_the_username(page: Any) -> None:
    _login(page, "tks.balangan", "bukan-kata-sandinya", succeeds=False)
    password = page.get_by_label("Kata sandi")
    error = page.locator("#kolom-password-galat")
    expect(error).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", "kolom-password-galat")
    expect(page.get_by_label("Nama pengguna")).to_have_value("tks.balangan")
    expect(password).to_have_value("")
    screenshot(page, "03-masuk-salah")


def test_the_admin_disables_a_service_and_its_menu_goes_then_comes_back_with_its_data(page: Any, served: Served) -> None:
    cases = _cases(served, "jaminan")
    assert cases > 0  # the demo's jaminan cases
    _login(page)
    _menu(page).get_by_role("link", name="Layanan", exact=True).click()
    expect(page.get_by_role("heading", name="Layanan", level=1)).to_be_visible()
    expect(_menu(page)).to_contain_text("Jaminan Sosial")
    screenshot(page, "04-layanan")

    page.get_by_role("button", name="Nonaktifkan Jaminan Sosial").click()
    expect(page.get_by_role("button", name="Aktifkan Jaminan Sosial")).to_be_visible()
    expect(_menu(page)).not_to_contain_text("Jaminan Sosial")
    expect(page.locator("#layanan-jaminan .status")).to_have_text("Tidak aktif")
    screenshot(page, "05-layanan-jaminan-nonaktif")

    page.get_by_role("button", name="Aktifkan Jaminan Sosial").click()
    expect(page.get_by_role("button", name="Nonaktifkan Jaminan Sosial")).to_be_visible()
    expect(_menu(page)).to_contain_text("Jaminan Sosial")
    assert _cases(served, "jaminan") == cases  # nothing was deleted while it was off


def test_the_variant_page_shows_a_balangan_rule_with_its_perbup_article(page: Any) -> None:
    _login(page)
    _menu(page).locator("li", has_text="Rehabilitasi Sosial").get_by_role("link", name="Perbedaan aturan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perbedaan aturan: Rehabilitasi Sosial")
    row = page.get_by_role("table").first.get_by_role("row", name="Sasaran rehabilitasi sosial")
    expect(row).to_contain_text("PP 39/2012 Pasal 6 ayat (1)")
    expect(row).to_contain_text("Perbup Balangan 61/2017 Pasal 5")
    expect(page.get_by_role("heading", name="Semua aturan profil ini")).to_be_visible()
    screenshot(page, "06-perbedaan-aturan-rehabilitasi")


def test_the_language_switch_changes_the_labels_and_back(page: Any) -> None:
    _login(page)
    page.get_by_role("button", name="English").click()
    expect(_menu(page).get_by_role("link", name="Home")).to_be_visible()
    expect(_menu(page).get_by_role("link", name="Services")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    _menu(page).get_by_role("link", name="Services").click()
    expect(page.get_by_role("heading", name="Services", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Disable Jaminan Sosial")).to_be_visible()
    screenshot(page, "07-services-english")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Layanan", level=1)).to_be_visible()
    expect(_menu(page).get_by_role("link", name="Beranda")).to_be_visible()


def test_the_platform_admin_chooses_a_tenant_and_a_refusal_is_a_page(page: Any) -> None:
    _login(page, "platform")
    expect(page.get_by_role("heading", name="Pilih kabupaten/kota", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Kabupaten Tabalong")).to_be_visible()
    screenshot(page, "08-pilih-tenant")
    page.get_by_role("main").get_by_role("link", name="Kabupaten Balangan").click()
    expect(page.get_by_role("heading", name="Akses ditolak")).to_be_visible()  # no role there, as in the API
    expect(page.get_by_role("main")).to_contain_text("Anda tidak memiliki peran di Kabupaten Balangan.")
    screenshot(page, "09-akses-ditolak")


def test_logout_ends_the_session(page: Any) -> None:
    _login(page)
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", name="Masuk ke Kesos")).to_be_visible()
    page.goto("/konsol/balangan/layanan")
    expect(page.get_by_role("heading", name="Masuk ke Kesos")).to_be_visible()


def test_every_page_works_without_javascript(browser: Any, served: Served) -> None:
    context = browser.new_context(base_url=served.url, viewport={"width": 768, "height": 1024}, java_script_enabled=False, locale="id-ID")
    try:
        tab = context.new_page()
        _login(tab)
        expect(tab.get_by_role("heading", name="Kabupaten Balangan", level=1)).to_be_visible()
        tab.goto("/konsol/balangan/layanan")
        tab.get_by_role("button", name="Nonaktifkan Pemberdayaan Sosial").click()
        expect(tab.get_by_role("button", name="Aktifkan Pemberdayaan Sosial")).to_be_visible()
        expect(_menu(tab)).not_to_contain_text("Pemberdayaan Sosial")
        screenshot(tab, "10-layanan-tanpa-javascript-tablet-tegak")
        tab.get_by_role("button", name="Aktifkan Pemberdayaan Sosial").click()
        expect(_menu(tab)).to_contain_text("Pemberdayaan Sosial")
    finally:
        context.close()
