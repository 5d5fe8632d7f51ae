"""The audit log page: the API's filters (core/api/audit.py), whole WIB days, newest first,
paginated; a bad filter said next to its field; the API's permission."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from core.audit import AuditEntry
from core.db import tenant_context
from core.tenancy.models import Tenant
from tests.console.pages import Console

AUDIT = "/konsol/balangan/audit"
API = "/api/v1/tenants/balangan/audit"
DAYS_OFF = "/api/v1/tenants/balangan/calendar/days-off"


def _day_off(client: Any, admin: Any, tanggal: str) -> None:
    r = client.post(DAYS_OFF, json={"tanggal": tanggal, "keterangan": "Hari Jadi"}, headers=admin.headers)
    assert r.status_code == 201


def _entry(kernel: Any, target_id: str, at: datetime) -> None:
    """An entry made at `at` (the log is append-only for the app's role: written, never back-dated)."""
    with kernel.db.unit_of_work() as s:
        tid = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.add(AuditEntry(tenant_id=tid, action="calendar.day_off.add", target_type="day_off", target_id=target_id, summary={}, at=at))


def test_filters_by_action_and_actor_as_the_api_does(console: Console, client: Any, people: dict[str, Any]) -> None:
    admin = people["admin"]
    _day_off(client, admin, "2026-06-01")
    _day_off(client, admin, "2026-06-02")
    client.put("/api/v1/tenants/balangan/plugins/fixture", json={"enabled": True}, headers=admin.headers)
    console.login("auditor")
    page = console.get(f"{AUDIT}?action=calendar.day_off.add&actor_id={admin.user_id}")
    assert page.status == 200
    rows = page.rows("catatan-audit")
    api = client.get(f"{API}?action=calendar.day_off.add&actor_id={admin.user_id}", headers=admin.headers).get_json()
    assert [r[3] for r in rows] == [f"day_off {e['target_id']}" for e in api] == ["day_off 2026-06-02", "day_off 2026-06-01"]
    assert {r[1] for r in rows} == {"Admin"} and {r[2] for r in rows} == {"calendar.day_off.add"}
    assert page.input_value("action") == "calendar.day_off.add"  # the filter stays filled in
    assert f'value="{admin.user_id}" selected' in page.html


def test_days_are_wib_days(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    # 23:30 WIB on 9 March is 16:30 UTC: it belongs to 9 March, not to the UTC day.
    _entry(kernel, "2026-06-01", datetime(2026, 3, 9, 16, 30, tzinfo=timezone.utc))
    _entry(kernel, "2026-06-02", datetime(2026, 3, 9, 17, 30, tzinfo=timezone.utc))  # 00:30 WIB on 10 March
    console.login("admin")
    page = console.get(f"{AUDIT}?dari=2026-03-09&sampai=2026-03-09&target_type=day_off")
    assert [(r[0], r[3]) for r in page.rows("catatan-audit")] == [("2026-03-09 23:30", "day_off 2026-06-01")]
    page = console.get(f"{AUDIT}?dari=2026-03-10&sampai=2026-03-10&target_type=day_off")
    assert [(r[0], r[3]) for r in page.rows("catatan-audit")] == [("2026-03-10 00:30", "day_off 2026-06-02")]


def test_a_bad_filter_is_said_next_to_its_field_and_kept(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get(f"{AUDIT}?dari=kemarin&action={'x' * 81}")
    assert page.status == 422
    assert page.field_error("dari") == "Tanggal tidak sah (contoh: 2026-12-31)."
    assert page.field_error("action") == "Maksimal 80 karakter/butir."
    assert page.input_value("dari") == "kemarin"
    assert "catatan-audit" in page.html and "<tbody>" not in page.html.split('id="catatan-audit"')[1]


def test_paginated_newest_first(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    base = datetime(2026, 1, 1, 3, tzinfo=timezone.utc)
    for i in range(55):
        tanggal = f"2027-01-{(i % 28) + 1:02d}" if i < 28 else f"2027-02-{(i - 28) + 1:02d}"
        _entry(kernel, tanggal, base + timedelta(minutes=i))
    console.login("admin")
    first = console.get(f"{AUDIT}?target_type=day_off")
    rows = first.rows("catatan-audit")
    assert len(rows) == 50 and rows[0][3] == "day_off 2027-02-27" and "Halaman 1 dari 2" in first.text()
    second = console.get(f"{AUDIT}?target_type=day_off&halaman=2")
    assert [r[3] for r in second.rows("catatan-audit")][-1] == "day_off 2027-01-01"
    assert len(second.rows("catatan-audit")) == 5
    assert ("/konsol/balangan/audit?target_type=day_off&halaman=1", "Sebelumnya") in second.links


def test_a_role_the_api_refuses_is_refused(console: Console, client: Any, people: dict[str, Any]) -> None:
    assert client.get(API, headers=people["officer"].headers).status_code == 403
    console.login("petugas")
    page = console.get(AUDIT)
    assert page.status == 403
    assert "Log audit" not in page.menu
