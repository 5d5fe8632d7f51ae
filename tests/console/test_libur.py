"""The days-off page: list, add and remove as /api/v1/tenants/<t>/calendar/days-off does (the
same schema, audit entries and permissions); a form sent twice acts once; errors next to fields."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.audit import AuditEntry
from core.tenancy.models import Tenant
from tests.console.pages import Console, Page

LIBUR = "/konsol/balangan/hari-libur"
API = "/api/v1/tenants/balangan/calendar/days-off"


def _api_days(client: Any, who: Any) -> list[dict[str, str]]:
    return client.get(API, headers=who.headers).get_json()


def _audits(kernel: Any, action: str) -> int:
    with kernel.db.unit_of_work() as s:
        tid = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tid) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_adding_a_day_off_twice_with_the_same_form_adds_it_once(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    form = console.get(LIBUR).form(LIBUR, "Tambah")
    data = {**form.fields, "tanggal": "2026-06-24", "keterangan": "Hari Jadi Kabupaten Balangan"}
    first = client.post(LIBUR, data=data)
    assert first.status_code == 303 and first.headers["Location"] == f"{LIBUR}#libur-2026-06-24"
    again = client.post(LIBUR, data=data)  # a double click: the first one's result, nothing more
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert _api_days(client, people["admin"]) == [{"tanggal": "2026-06-24", "keterangan": "Hari Jadi Kabupaten Balangan"}]
    assert _audits(kernel, "calendar.day_off.add") == 1
    assert console.get(LIBUR).rows("daftar-libur") == [["2026-06-24", "Hari Jadi Kabupaten Balangan", "Hapus 2026-06-24"]]


def test_errors_next_to_the_fields_what_was_typed_kept_nothing_written(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    page = Page(console.submit(LIBUR, LIBUR, "Tambah", tanggal="24-06-2026", keterangan="x"))
    assert page.status == 422
    assert page.field_error("tanggal") == "Tanggal tidak sah (contoh: 2026-12-31)."
    assert page.field_error("keterangan") == "Panjang harus antara 2 dan 200."
    assert page.input_value("tanggal") == "24-06-2026" and page.input_value("keterangan") == "x"
    page = Page(console.submit(LIBUR, LIBUR, "Tambah", tanggal="", keterangan=""))
    assert page.field_error("tanggal") == "Wajib diisi." and page.field_error("keterangan") == "Wajib diisi."
    assert _api_days(client, people["admin"]) == [] and _audits(kernel, "calendar.day_off.add") == 0


def test_a_date_already_set_is_refused_next_to_the_date(console: Console, client: Any, people: dict[str, Any]) -> None:
    client.post(API, json={"tanggal": "2026-06-24", "keterangan": "Hari Jadi"}, headers=people["admin"].headers)
    console.login("admin")
    page = Page(console.submit(LIBUR, LIBUR, "Tambah", tanggal="2026-06-24", keterangan="Lagi"))
    assert page.status == 422
    assert page.field_error("tanggal") == "Tanggal ini sudah ditetapkan sebagai hari libur."
    assert _api_days(client, people["admin"]) == [{"tanggal": "2026-06-24", "keterangan": "Hari Jadi"}]


def test_removing_a_day_off_once(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    client.post(API, json={"tanggal": "2026-06-24", "keterangan": "Hari Jadi"}, headers=people["admin"].headers)
    console.login("admin")
    action = f"{LIBUR}/2026-06-24/hapus"
    form = console.get(LIBUR).form(action, "Hapus 2026-06-24")
    assert client.post(action, data=form.fields).status_code == 303
    assert client.post(action, data=form.fields).headers["Location"] == LIBUR  # sent twice: no error page
    assert _api_days(client, people["admin"]) == []
    assert _audits(kernel, "calendar.day_off.remove") == 1
    assert "Belum ada hari libur daerah." in console.get(LIBUR).text()


def test_other_roles_read_and_may_not_change_as_by_the_api(console: Console, client: Any, people: dict[str, Any]) -> None:
    officer = people["officer"]
    assert client.post(API, json={"tanggal": "2026-06-24", "keterangan": "Hari Jadi"}, headers=officer.headers).status_code == 403
    client.post(API, json={"tanggal": "2026-06-24", "keterangan": "Hari Jadi"}, headers=people["admin"].headers)
    console.login("petugas")
    page = console.get(LIBUR)
    assert page.status == 200 and page.rows("daftar-libur") == [["2026-06-24", "Hari Jadi"]]
    assert not page.forms[-1].action.startswith(LIBUR)  # no add or remove form, only the header's
    refused = client.post(LIBUR, data={"csrf_token": page.csrf, "submission_id": "0f3c2a4e-1b2c-4d5e-8f90-123456789abc", "tanggal": "2026-06-25", "keterangan": "Coba"})
    assert refused.status_code == 403
    assert len(_api_days(client, people["admin"])) == 1
