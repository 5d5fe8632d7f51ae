"""Registering a person from the console: the API's PersonCreateSchema and `create_person`, errors
next to their fields (what was typed kept, nothing written), one person for a form sent twice,
and the NIK's feedback fragment as the user types (core/registry/nik.py's checks)."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.console.pages import Console, Page
from tests.factories import nik_for

BARU = "/konsol/balangan/orang/baru"
PERIKSA = "/konsol/balangan/orang/periksa-nik"
API = "/api/v1/tenants/balangan/persons"
NIK = nik_for("63.11", date(1990, 5, 17), "P", serial=42)  # Balangan, a woman born 17-05-1990


@pytest.fixture
def staff(make: Any) -> dict[str, Any]:
    make.tenant("balangan")
    return {
        "peksos": make.user("peksos", {"balangan": ["peksos"]}),
        "auditor": make.user("auditor", {"balangan": ["auditor"]}),
        "admin": make.user("admin", {"balangan": ["tenant_admin"]}),
    }


def _persons(client: Any, admin: Any) -> list[dict[str, Any]]:
    return client.get(API, headers=admin.headers).get_json()


def _send(console: Console, **values: str) -> Any:
    form = console.get(BARU).form(BARU)
    return console.client.post(BARU, data={**form.fields, **values})


GOOD = {"nik": NIK, "nama": "Nur Aisyah", "tanggal_lahir": "1990-05-17", "jenis_kelamin": "P", "kode_wilayah": "63.11"}


def test_registering_a_person_once_even_when_sent_twice(console: Console, client: Any, staff: dict[str, Any]) -> None:
    console.login("peksos")
    assert "Daftarkan penerima layanan" in console.get("/konsol/balangan/").menu
    form = console.get(BARU).form(BARU)
    first = client.post(BARU, data={**form.fields, **GOOD})
    assert first.status_code == 303
    second = client.post(BARU, data={**form.fields, **GOOD})  # a double click
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    people = _persons(client, staff["admin"])
    assert [p["nama"] for p in people] == ["Nur Aisyah"]
    page = console.get(first.headers["Location"])
    assert page.status == 200 and "Nur Aisyah" in page.text()
    assert NIK not in page.html and f"{NIK[:4]}**********{NIK[-2:]}" in page.text()  # masked


def test_errors_are_next_to_their_fields_what_was_typed_is_kept_and_nothing_is_written(console: Console, client: Any, staff: dict[str, Any]) -> None:
    console.login("peksos")
    # The schema's checks (the API's): 16 digits, a required name.
    page = Page(_send(console, **{**GOOD, "nik": "63110157", "nama": ""}))
    assert page.status == 422
    assert page.field_error("nik") == "Harus 16 digit angka."
    assert page.field_error("nama") == "Wajib diisi."
    assert page.input_value("nik") == "63110157"
    assert page.input_value("tanggal_lahir") == "1990-05-17"
    # The NIK's own checks (create_person): birth date and sex that the NIK contradicts.
    page = Page(_send(console, **{**GOOD, "tanggal_lahir": "1990-05-18", "jenis_kelamin": "L"}))
    assert page.status == 422
    assert page.field_error("tanggal_lahir") == "Tanggal lahir 18-05-1990 tidak sesuai dengan NIK (NIK menunjukkan 17-05-1990)."
    assert (page.field_error("jenis_kelamin") or "").startswith("Jenis kelamin tidak sesuai dengan NIK: NIK menunjukkan perempuan")
    assert 'value="L" selected' in page.html
    assert _persons(client, staff["admin"]) == []
    # A NIK already registered: said above the form, nothing written.
    assert _send(console, **GOOD).status_code == 303
    page = Page(_send(console, **{**GOOD, "nama": "Orang Lain"}))
    assert page.status == 409
    assert "NIK ini sudah terdaftar di kabupaten/kota ini." in page.text()
    assert [p["nama"] for p in _persons(client, staff["admin"])] == ["Nur Aisyah"]


def test_the_nik_feedback_fragment_as_the_user_types(console: Console, staff: dict[str, Any]) -> None:
    console.login("peksos")
    page = console.get(BARU)
    assert f'hx-post="{PERIKSA}"' in page.html

    def check(**values: str) -> Page:
        r = console.client.post(PERIKSA, data={"csrf_token": page.csrf, **values}, headers={"HX-Request": "true"})
        assert r.status_code == 200
        fragment = Page(r)
        assert "<html" not in fragment.html  # a fragment for the field, not a page
        return fragment

    assert check(nik="6311").text() == "NIK harus terdiri dari 16 digit angka."
    assert check(nik=NIK, tanggal_lahir="1990-05-17", jenis_kelamin="P", kode_wilayah="63.11").text() == "NIK dapat diterima."
    sex = check(nik=NIK, tanggal_lahir="1990-05-17", jenis_kelamin="L").text()
    assert sex.startswith("Jenis kelamin tidak sesuai dengan NIK: NIK menunjukkan perempuan")
    born = check(nik=NIK, tanggal_lahir="1991-05-17").text()
    assert born == "Tanggal lahir 17-05-1991 tidak sesuai dengan NIK (NIK menunjukkan 17-05-1990)."
    # Another kabupaten's NIK is only a warning: accepted, with a second look asked for.
    moved = check(nik=nik_for("63.09", date(1990, 5, 17), "P", serial=7), tanggal_lahir="1990-05-17", jenis_kelamin="P", kode_wilayah="63.11").text()
    assert moved.startswith("NIK dapat diterima.")
    assert "NIK diterbitkan di Kabupaten Tabalong (63.09), sedangkan alamat berada di Kabupaten Balangan (63.11)." in moved
    assert check(nik="").text() == ""


def test_a_role_the_api_refuses_is_refused_here(console: Console, client: Any, staff: dict[str, Any]) -> None:
    assert client.post(API, json=GOOD, headers=staff["auditor"].headers).status_code == 403
    console.login("auditor")
    assert console.get(BARU).status == 403
    token_page = console.get("/konsol/balangan/")
    assert "Daftarkan penerima layanan" not in token_page.menu
    r = client.post(BARU, data={"csrf_token": token_page.csrf, "submission_id": "0b6f1f7e-0000-4000-8000-000000000002", **GOOD})
    assert r.status_code == 403
    assert client.post(PERIKSA, data={"csrf_token": token_page.csrf, "nik": NIK}).status_code == 403
    assert _persons(client, staff["admin"]) == []
