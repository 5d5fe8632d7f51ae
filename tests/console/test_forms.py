"""Console forms: CSRF, one action per submission, the API's schema, errors next to fields,
and a refusal of the law with its article (through the fixture plugin's console page, the way
every plugin's page uses the helpers)."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from marshmallow import ValidationError, validate
from sqlalchemy import func, select

from core.console.forms import say_in_page_language
from core.console.models import ConsoleSubmission
from core.tenancy.models import Tenant
from tests.console.pages import Console, Page
from tests.fixture_plugin.models import FixtureNote

CATATAN = "/konsol/balangan/fixture/catatan"
FIXTURE = "/konsol/balangan/layanan/fixture"


def _notes(kernel: Any) -> list[str]:
    with kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tenant_id) as s:
        return [n.isi for n in s.scalars(select(FixtureNote).order_by(FixtureNote.isi))]


def _enabled(client: Any, who: Any) -> bool:
    states = client.get("/api/v1/tenants/balangan/plugins", headers=who.headers).get_json()
    return next(p["enabled"] for p in states if p["plugin"] == "fixture")


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    form = console.get("/konsol/balangan/layanan").form(FIXTURE, "Nonaktifkan Layanan Uji")
    for fields in ({k: v for k, v in form.fields.items() if k != "csrf_token"}, {**form.fields, "csrf_token": "palsu"}):
        page = Page(console.client.post(FIXTURE, data=fields))
        assert page.status == 400
        assert "Formulir kedaluwarsa, muat ulang halaman." in page.text()
        assert _enabled(client, people["admin"]) is True
    english = Page(console.client.post(FIXTURE, data={"enabled": "false"}, headers={"Accept-Language": "en"}))
    assert "The form has expired, reload the page." in english.text()


def test_htmx_sends_the_token_in_a_header(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get("/konsol/balangan/layanan")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{page.csrf}"}}\'' in page.html
    fields = {k: v for k, v in page.form(FIXTURE, "Nonaktifkan Layanan Uji").fields.items() if k != "csrf_token"}
    r = console.client.post(FIXTURE, data=fields, headers={"X-CSRF-Token": page.csrf, "HX-Request": "true"})
    assert r.status_code == 303 and _enabled(client, people["admin"]) is False


def test_the_login_form_needs_the_token_too(console: Console, people: dict[str, Any]) -> None:
    page = Page(console.client.post("/konsol/masuk", data={"username": "admin", "password": "uji-kata-sandi-2026"}))
    assert page.status == 400 and console.token() is None


def test_the_token_changes_when_logging_in(console: Console, people: dict[str, Any]) -> None:
    before = console.get("/konsol/masuk").csrf
    console.login("admin")
    assert console.get("/konsol/balangan/").csrf != before


def test_a_form_sent_twice_acts_once(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    console.login("petugas")
    form = console.get(CATATAN).form(CATATAN)
    data = {**form.fields, "tanggal": "2026-03-02", "isi": "sekali saja"}
    first = console.client.post(CATATAN, data=data)
    second = console.client.post(CATATAN, data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"] == CATATAN
    assert _notes(kernel) == ["sekali saja"]
    # A fresh form (a new id) is a new note.
    console.submit(CATATAN, CATATAN, tanggal="2026-03-03", isi="kedua")
    assert _notes(kernel) == ["kedua", "sekali saja"]


def test_a_resent_toggle_does_not_undo_a_later_one(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    # Back button and resend of "disable" after the plugin was enabled again: nothing happens.
    console.login("admin")
    disable = console.get("/konsol/balangan/layanan").form(FIXTURE, "Nonaktifkan Layanan Uji")
    console.client.post(FIXTURE, data=disable.fields)
    console.submit("/konsol/balangan/layanan", FIXTURE, "Aktifkan Layanan Uji")
    r = console.client.post(FIXTURE, data=disable.fields)
    assert r.status_code == 303 and _enabled(client, people["admin"]) is True


def test_a_submission_id_is_bound_to_its_user(console: Console, app: Any, kernel: Any, people: dict[str, Any]) -> None:
    console.login("petugas")
    form = console.get(CATATAN).form(CATATAN)
    console.client.post(CATATAN, data={**form.fields, "tanggal": "2026-03-02", "isi": "milik petugas"})
    other = Console(app.test_client())
    other.login("admin")
    csrf = other.get(CATATAN).csrf
    r = other.client.post(CATATAN, data={"csrf_token": csrf, "submission_id": form.fields["submission_id"], "tanggal": "2026-03-02", "isi": "x"})
    assert r.status_code in (400, 403)
    with kernel.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleSubmission)) == 1


def test_field_errors_show_next_to_the_field_keep_the_input_and_write_nothing(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    console.login("petugas")
    page = Page(console.submit(CATATAN, CATATAN, tanggal="2 Maret", isi="catatan yang diketik"))
    assert page.status == 422
    assert page.field_error("tanggal") == "Tanggal tidak sah (contoh: 2026-12-31)."
    assert page.field_error("isi") is None
    assert page.input_value("isi") == "catatan yang diketik" and page.input_value("tanggal") == "2 Maret"
    assert _notes(kernel) == []
    with kernel.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleSubmission)) == 0
    english = Page(console.submit(CATATAN, CATATAN, headers={"Accept-Language": "en"}, tanggal="", isi="x" * 301))
    assert english.field_error("tanggal") == "Required."
    assert english.field_error("isi") == "Length must be between 1 and 300."


def test_a_refusal_shows_its_message_and_its_article_and_writes_nothing(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    console.login("petugas")
    page = Page(console.submit(CATATAN, CATATAN, tanggal="2026-03-02", isi="ditolak"))
    assert page.status == 422
    alert = page.html.split('class="pelanggaran"', 1)[1].split("</div>", 1)[0]
    assert "Catatan ini ditolak." in alert and "Perbup Balangan 61/2017 Pasal 6 ayat (1)" in alert
    assert page.input_value("isi") == "ditolak"
    assert _notes(kernel) == []
    # The same form, corrected, is then accepted (its id was not spent by the refusal).
    form = page.form(CATATAN)
    r = console.client.post(CATATAN, data={**form.fields, "tanggal": "2026-03-02", "isi": "diterima"})
    assert r.status_code == 303 and _notes(kernel) == ["diterima"]


def test_a_forged_submission_id_is_an_expired_form(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    console.login("petugas")
    page = Page(console.submit(CATATAN, CATATAN, submission_id="bukan-uuid", tanggal="2026-03-02", isi="x"))
    assert page.status == 400 and "Formulir kedaluwarsa" in page.text()
    assert _notes(kernel) == []
    assert uuid.UUID(console.get(CATATAN).form(CATATAN).fields["submission_id"])


def test_submissions_older_than_a_login_are_forgotten(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from core.db import utcnow

    console.login("petugas")
    console.submit(CATATAN, CATATAN, tanggal="2026-03-02", isi="lama")
    with kernel.db.unit_of_work() as s:
        s.execute(update(ConsoleSubmission).values(created_at=utcnow() - timedelta(hours=kernel.settings.token_ttl_hours, minutes=1)))
    console.submit(CATATAN, CATATAN, tanggal="2026-03-03", isi="baru")
    with kernel.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleSubmission)) == 1
    assert _notes(kernel) == ["baru", "lama"]


@pytest.mark.parametrize(
    ("validator", "value", "indonesian", "english"),
    [
        (validate.Range(min=1), 0, "Paling sedikit 1.", "Must be at least 1."),
        (validate.Range(max=60), 61, "Paling banyak 60.", "Must be at most 60."),
        (validate.Range(min=1, max=60), 0, "Harus antara 1 dan 60.", "Must be between 1 and 60."),
        (validate.Range(min=0, min_inclusive=False), 0, "Harus lebih dari 0.", "Must be greater than 0."),
        (validate.Range(min=0, max=5, max_inclusive=False), 5, "Paling sedikit 0. Harus kurang dari 5.", "Must be at least 0. Must be less than 5."),
        (validate.Length(equal=16), "123", "Panjang harus tepat 16.", "Length must be exactly 16."),
    ],
)
def test_the_kernels_range_and_length_messages_are_said_in_the_page_language(
    app: Any, validator: Any, value: Any, indonesian: str, english: str
) -> None:
    # The messages come from the real validators (worded by core/messages.py), not typed here.
    with pytest.raises(ValidationError) as raised:
        validator(value)
    message = raised.value.messages[0]
    for language, expected in (("id", indonesian), ("en", english)):
        with app.test_request_context("/konsol/", headers={"Accept-Language": language}):
            assert say_in_page_language(message) == expected


def test_a_schemas_own_fixed_text_is_said_in_english_when_the_catalogue_has_it(app: Any) -> None:
    from core.registry.schemas import PersonCreateSchema
    from core.staff.passwords import password_problems

    with pytest.raises(ValidationError) as raised:
        PersonCreateSchema().load({"jenis_kelamin": "X"}, partial=True)
    sex = raised.value.messages["jenis_kelamin"][0]
    weak = password_problems("budi.santoso-2026", "budi.santoso")
    with app.test_request_context("/konsol/", headers={"Accept-Language": "en"}):
        assert say_in_page_language(sex) == "Enter L (male) or P (female)."
        assert "The password must not contain the user name." in [say_in_page_language(p) for p in weak]
        assert say_in_page_language("Teks yang tidak ada di katalog 100%.") == "Teks yang tidak ada di katalog 100%."
    with app.test_request_context("/konsol/", headers={"Accept-Language": "id"}):
        assert say_in_page_language(sex) == "Isi L (laki-laki) atau P (perempuan)."
