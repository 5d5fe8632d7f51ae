"""The working-day calendar over HTTP: a kabupaten's own days off and deadlines in hari kerja.

2026 facts used (checked on a wall calendar, see tests/core/test_calendar.py): Fri 14 Aug,
Sat 15, Sun 16, Mon 17 Aug = Hari Kemerdekaan; Nyepi Thu 19 March, Idul Fitri Sat 21 and Sun 22
March, cuti bersama Wed 18, Fri 20, Mon 23, Tue 24 March.
"""
from __future__ import annotations

import pytest

from core.tenancy.models import TenantDayOff
from tests.core.api.helpers import A_SLUG, B_SLUG, audit_log, count_rows, error_of, two_tenants, url

DAYS_OFF = url(A_SLUG, "calendar/days-off")
DEADLINE = url(A_SLUG, "calendar/deadline")
HARI_JADI = {"tanggal": "2026-08-18", "keterangan": "Hari Jadi Kabupaten Balangan"}


@pytest.fixture
def admin(make):
    two_tenants(make)
    return make.user("admin-balangan", {A_SLUG: ["tenant_admin"]})


@pytest.fixture
def tks(make, admin):
    return make.user("tks", {A_SLUG: ["tks"]})


def _deadline(client, actor, dari, hari_kerja, slug=A_SLUG):
    r = client.get(url(slug, "calendar/deadline"), query_string={"dari": dari, "hari_kerja": hari_kerja}, headers=actor.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_deadline_skips_the_weekend_and_independence_day(client, tks):
    body = _deadline(client, tks, "2026-08-14", 1)
    assert body["dari"] == "2026-08-14" and body["hari_kerja"] == 1
    assert body["jatuh_tempo"] == "2026-08-18"
    assert body["hari_libur_dilewati"] == [
        {"tanggal": "2026-08-15", "keterangan": "Sabtu"},
        {"tanggal": "2026-08-16", "keterangan": "Minggu"},
        {"tanggal": "2026-08-17", "keterangan": "Hari Kemerdekaan Republik Indonesia"},
    ]


def test_zero_working_days_is_the_start_itself(client, tks):
    body = _deadline(client, tks, "2026-08-14", 0)
    assert body["jatuh_tempo"] == "2026-08-14" and body["hari_libur_dilewati"] == []


def test_fourteen_working_days_for_a_tanda_pendaftaran(client, tks):
    # PP 39/2012 Pasal 58: 14 hari kerja. From Mon 3 Aug: 4–7 (4), 10–14 (9), 18–21 (13), 24 (14).
    body = _deadline(client, tks, "2026-08-03", 14)
    assert body["jatuh_tempo"] == "2026-08-24"
    assert [d["tanggal"] for d in body["hari_libur_dilewati"]] == [
        "2026-08-08", "2026-08-09", "2026-08-15", "2026-08-16", "2026-08-17", "2026-08-22", "2026-08-23",
    ]


def test_a_tenant_day_off_shifts_the_deadline(client, admin, tks):
    r = client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers)
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == HARI_JADI
    body = _deadline(client, tks, "2026-08-14", 1)
    assert body["jatuh_tempo"] == "2026-08-19"
    assert body["hari_libur_dilewati"][-1] == {"tanggal": "2026-08-18", "keterangan": "Libur daerah: Hari Jadi Kabupaten Balangan"}


def test_days_off_are_listed_in_date_order(client, admin, tks):
    client.post(DAYS_OFF, json={"tanggal": "2026-12-01", "keterangan": "Libur daerah Desember"}, headers=admin.headers)
    client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers)
    r = client.get(DAYS_OFF, headers=tks.headers)
    assert r.status_code == 200
    assert r.get_json() == [HARI_JADI, {"tanggal": "2026-12-01", "keterangan": "Libur daerah Desember"}]


def test_the_same_day_off_twice_is_a_conflict(client, kernel, admin):
    assert client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers).status_code == 201
    body = error_of(client.post(DAYS_OFF, json={**HARI_JADI, "keterangan": "Lagi"}, headers=admin.headers), 409, "hari_libur_sudah_ada")
    assert body["message"] == "Tanggal ini sudah ditetapkan sebagai hari libur."
    assert client.get(DAYS_OFF, headers=admin.headers).get_json() == [HARI_JADI]
    assert [e.action for e in audit_log(kernel, A_SLUG) if e.target_type == "day_off"] == ["calendar.day_off.add"]


def test_deleting_a_day_off_restores_the_deadline(client, kernel, admin, tks):
    client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers)
    r = client.delete(f"{DAYS_OFF}/2026-08-18", headers=admin.headers)
    assert r.status_code == 204 and r.data == b""
    assert client.get(DAYS_OFF, headers=admin.headers).get_json() == []
    assert _deadline(client, tks, "2026-08-14", 1)["jatuh_tempo"] == "2026-08-18"
    entries = [e for e in audit_log(kernel, A_SLUG) if e.target_type == "day_off"]
    assert [(e.action, e.target_id, e.actor_id) for e in entries] == [
        ("calendar.day_off.add", "2026-08-18", admin.user_id),
        ("calendar.day_off.remove", "2026-08-18", admin.user_id),
    ]
    assert entries[1].summary == {"keterangan": "Hari Jadi Kabupaten Balangan"}


@pytest.mark.parametrize("tanggal", ["2026-08-19", "bukan-tanggal", "2026-02-30"])
def test_deleting_a_day_that_is_not_off_is_404(client, admin, tanggal):
    client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers)
    error_of(client.delete(f"{DAYS_OFF}/{tanggal}", headers=admin.headers), 404, "tidak_ditemukan")
    assert client.get(DAYS_OFF, headers=admin.headers).get_json() == [HARI_JADI]


def test_tks_cannot_add_or_remove_a_day_off(client, kernel, admin, tks):
    body = error_of(client.post(DAYS_OFF, json=HARI_JADI, headers=tks.headers), 403, "tidak_berwenang")
    assert "calendar.manage" in body["message"]
    assert count_rows(kernel, TenantDayOff, A_SLUG) == 0
    client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers)
    error_of(client.delete(f"{DAYS_OFF}/2026-08-18", headers=tks.headers), 403, "tidak_berwenang")
    assert count_rows(kernel, TenantDayOff, A_SLUG) == 1


def test_day_off_fields_are_checked(client, kernel, admin):
    body = error_of(client.post(DAYS_OFF, json={"tanggal": "18-08-2026", "keterangan": "x"}, headers=admin.headers), 422, "data_tidak_valid")
    assert set(body["errors"]) == {"tanggal", "keterangan"}
    body = error_of(client.post(DAYS_OFF, json={}, headers=admin.headers), 422)
    assert set(body["errors"]) == {"tanggal", "keterangan"}
    assert count_rows(kernel, TenantDayOff, A_SLUG) == 0


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({}, {"dari", "hari_kerja"}),
        ({"dari": "2026-08-14", "hari_kerja": -1}, {"hari_kerja"}),
        ({"dari": "2026-08-14", "hari_kerja": 366}, {"hari_kerja"}),
        ({"dari": "14/08/2026", "hari_kerja": 1}, {"dari"}),
        ({"dari": "2026-08-14", "hari_kerja": "satu"}, {"hari_kerja"}),
        ({"dari": "9999-12-30", "hari_kerja": 5}, {"dari"}),
        ({"dari": "0001-01-01", "hari_kerja": 1}, {"dari"}),
    ],
)
def test_deadline_query_is_checked(client, tks, query, fields):
    body = error_of(client.get(DEADLINE, query_string=query, headers=tks.headers), 422, "data_tidak_valid")
    assert set(body["errors"]) == fields


def test_a_start_date_out_of_range_is_explained(client, tks):
    body = error_of(client.get(DEADLINE, query_string={"dari": "9999-12-30", "hari_kerja": 5}, headers=tks.headers), 422)
    assert body["errors"]["dari"] == ["Tanggal harus antara 1950-01-01 dan 2100-12-31."]


def test_another_tenants_day_off_does_not_move_my_deadline(client, make, admin, tks):
    tabalong = make.user("admin-tabalong", {B_SLUG: ["tenant_admin"]})
    r = client.post(url(B_SLUG, "calendar/days-off"), json={"tanggal": "2026-08-18", "keterangan": "Hari Jadi Tabalong"}, headers=tabalong.headers)
    assert r.status_code == 201, r.get_json()
    assert _deadline(client, tks, "2026-08-14", 1)["jatuh_tempo"] == "2026-08-18"
    assert _deadline(client, tabalong, "2026-08-14", 1, slug=B_SLUG)["jatuh_tempo"] == "2026-08-19"
    assert client.get(DAYS_OFF, headers=admin.headers).get_json() == []
    # The same date may be a day off in both kabupaten.
    assert client.post(DAYS_OFF, json=HARI_JADI, headers=admin.headers).status_code == 201
    # Balangan's admin cannot remove Tabalong's day off.
    error_of(client.delete(url(B_SLUG, "calendar/days-off/2026-08-18"), headers=admin.headers), 403)


def test_the_tenants_cuti_bersama_choice_changes_the_deadline(client, make, tks):
    platform = make.user("root", platform_admin=True)
    # With cuti bersama as days off: Wed 18 (cuti), Thu 19 (Nyepi), Fri 20 (cuti), Sat–Sun
    # 21–22 (Idul Fitri), Mon 23 and Tue 24 (cuti) are skipped: due Wed 25 March.
    assert _deadline(client, tks, "2026-03-17", 1)["jatuh_tempo"] == "2026-03-25"
    r = client.patch(f"/api/v1/tenants/{A_SLUG}", json={"cuti_bersama_libur": False}, headers=platform.headers)
    assert r.status_code == 200, r.get_json()
    # Without: Wed 18 March is an ordinary working day.
    assert _deadline(client, tks, "2026-03-17", 1) == {
        "dari": "2026-03-17", "hari_kerja": 1, "jatuh_tempo": "2026-03-18", "hari_libur_dilewati": []
    }


def test_permission_is_checked_before_the_body(client, tks):
    body = error_of(client.post(DAYS_OFF, json={"tanggal": "besok"}, headers=tks.headers), 403, "tidak_berwenang")
    assert "errors" not in body
