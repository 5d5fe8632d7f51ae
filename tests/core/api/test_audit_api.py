"""The tenant's audit log over HTTP: every mutation with who, what and on what; filterable;
readable by the tenant admin and the auditor only; never another tenant's; nothing for a
refused request (DESIGN.md, principle 8)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.audit import AuditEntry
from core.registry.models import Person
from core.staff.models import User
from core.tenancy.models import TenantDayOff
from tests.core.api.helpers import A_SLUG, B_SLUG, SITI, count_rows, error_of, pagination, two_tenants, url

AUDIT = url(A_SLUG, "audit")


@pytest.fixture
def actors(make):
    two_tenants(make)
    return {
        "admin": make.user("admin-balangan", {A_SLUG: ["tenant_admin"]}),
        "officer": make.user("petugas", {A_SLUG: ["officer"]}),
        "auditor": make.user("auditor", {A_SLUG: ["auditor"]}),
        "tabalong": make.user("admin-tabalong", {B_SLUG: ["tenant_admin", "officer"]}),
    }


def _log(client, actor, slug=A_SLUG, **query):
    r = client.get(url(slug, "audit"), query_string=query, headers=actor.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _only_mine(entries, since_ids):
    return [e for e in entries if e["id"] not in since_ids]


def test_mutations_appear_with_actor_action_and_target(client, actors):
    admin, officer, auditor = actors["admin"], actors["officer"], actors["auditor"]
    before = {e["id"] for e in _log(client, auditor)}  # the factories' own set-up entries

    person = client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers)
    pid = person.get_json()["id"]
    client.patch(url(A_SLUG, f"persons/{pid}"), json={"alamat": "Paringin"}, headers={**officer.headers, "If-Match": person.headers["ETag"]})
    hh = client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100001"}, headers=officer.headers).get_json()["id"]
    org = client.post(url(A_SLUG, "organizations"), json={"nama": "LKS Harapan", "jenis": "lks"}, headers=officer.headers).get_json()["id"]
    staff = client.post(
        url(A_SLUG, "staff"), json={"username": "budi", "nama": "Budi", "password": "Sungai-Balangan-2026", "roles": ["tks"]}, headers=admin.headers
    ).get_json()["id"]
    client.post(url(A_SLUG, "calendar/days-off"), json={"tanggal": "2026-11-18", "keterangan": "Hari Jadi Balangan"}, headers=admin.headers)

    entries = _only_mine(_log(client, auditor), before)
    # Newest first.
    got = [(e["action"], e["target_type"], e["target_id"], e["actor_id"]) for e in entries]
    assert got == [
        ("calendar.day_off.add", "day_off", "2026-11-18", str(admin.user_id)),
        ("staff.roles", "user", staff, str(admin.user_id)),
        ("user.create", "user", staff, str(admin.user_id)),
        ("organization.create", "organization", org, str(officer.user_id)),
        ("household.create", "household", hh, str(officer.user_id)),
        ("person.update", "person", pid, str(officer.user_id)),
        ("person.create", "person", pid, str(officer.user_id)),
    ]
    assert all(e["at"] for e in entries)
    by_action = {e["action"]: e for e in entries}
    assert by_action["person.update"]["summary"] == {"fields": ["alamat"]}
    assert by_action["staff.roles"]["summary"] == {"before": [], "after": ["tks"]}


def test_the_audit_never_holds_a_nik_or_a_password(client, actors):
    officer, admin, auditor = actors["officer"], actors["admin"], actors["auditor"]
    r = client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers)
    client.patch(
        url(A_SLUG, f"persons/{r.get_json()['id']}"),
        json={"nik": "6311014509870002"},
        headers={**officer.headers, "If-Match": r.headers["ETag"]},
    )
    client.post(url(A_SLUG, "staff"), json={"username": "budi", "nama": "Budi", "password": "Sungai-Balangan-2026", "roles": ["tks"]}, headers=admin.headers)
    text = client.get(AUDIT, query_string={"page_size": 100}, headers=auditor.headers).get_data(as_text=True)
    for secret in (SITI["nik"], "6311014509870002", "Sungai-Balangan-2026"):
        assert secret not in text


def test_filters_by_action_and_target_type(client, actors):
    officer, auditor = actors["officer"], actors["auditor"]
    client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers)
    client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100001"}, headers=officer.headers)
    client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100002"}, headers=officer.headers)

    households = client.get(AUDIT, query_string={"target_type": "household"}, headers=auditor.headers)
    assert [e["action"] for e in households.get_json()] == ["household.create", "household.create"]
    assert pagination(households)["total"] == 2
    persons = _log(client, auditor, action="person.create")
    assert len(persons) == 1 and persons[0]["target_type"] == "person"
    assert _log(client, auditor, action="person.create", target_type="household") == []
    by_actor = _log(client, auditor, actor_id=str(officer.user_id))
    assert {e["action"] for e in by_actor} == {"person.create", "household.create"}
    target = households.get_json()[0]["target_id"]
    assert [e["target_id"] for e in _log(client, auditor, target_id=target)] == [target]


def test_audit_is_paginated(client, actors):
    officer, auditor = actors["officer"], actors["auditor"]
    for i in range(3):
        client.post(url(A_SLUG, "households"), json={"nomor_kk": f"631101010110000{i + 1}"}, headers=officer.headers)
    r = client.get(AUDIT, query_string={"target_type": "household", "page_size": 2}, headers=auditor.headers)
    assert len(r.get_json()) == 2
    assert pagination(r)["total"] == 3 and pagination(r)["total_pages"] == 2


@pytest.mark.parametrize("query", [{"actor_id": "bukan-uuid"}, {"since": "kemarin"}, {"action": "x" * 81}])
def test_bad_filters_are_field_errors(client, actors, query):
    body = error_of(client.get(AUDIT, query_string=query, headers=actors["auditor"].headers), 422, "data_tidak_valid")
    assert set(body["errors"]) == set(query)


def test_auditor_and_admin_read_the_log_officer_cannot(client, actors):
    assert client.get(AUDIT, headers=actors["auditor"].headers).status_code == 200
    assert client.get(AUDIT, headers=actors["admin"].headers).status_code == 200
    body = error_of(client.get(AUDIT, headers=actors["officer"].headers), 403, "tidak_berwenang")
    assert "audit.read" in body["message"]


def test_the_log_is_read_only(client, actors):
    for method in ("post", "put", "patch", "delete"):
        error_of(getattr(client, method)(AUDIT, json={}, headers=actors["admin"].headers), 405, "metode_tidak_diizinkan")


def test_another_tenants_entries_never_appear(client, actors):
    tabalong, auditor = actors["tabalong"], actors["auditor"]
    client.post(url(B_SLUG, "persons"), json={**SITI, "nik": "6309014509870001"}, headers=tabalong.headers)
    client.post(url(B_SLUG, "organizations"), json={"nama": "LKS Tabalong", "jenis": "lks"}, headers=tabalong.headers)
    entries = _log(client, auditor, page_size=100)
    assert all(e["actor_id"] != str(tabalong.user_id) for e in entries)
    assert _log(client, auditor, action="person.create") == []
    assert _log(client, auditor, target_type="organization") == []
    # Tabalong sees its own.
    own = _log(client, tabalong, slug=B_SLUG, action="person.create")
    assert len(own) == 1 and own[0]["actor_id"] == str(tabalong.user_id)
    # And Balangan's auditor cannot open Tabalong's log.
    error_of(client.get(url(B_SLUG, "audit"), headers=auditor.headers), 403, "tidak_berwenang")


def test_a_refused_request_writes_nothing(client, kernel, actors):
    officer, admin = actors["officer"], actors["admin"]
    assert client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers).status_code == 201
    client.post(url(A_SLUG, "calendar/days-off"), json={"tanggal": "2026-11-18", "keterangan": "Hari Jadi"}, headers=admin.headers)
    client.post(url(A_SLUG, "staff"), json={"username": "budi", "nama": "Budi", "password": "Sungai-Balangan-2026", "roles": ["tks"]}, headers=admin.headers)
    audit_before = count_rows(kernel, AuditEntry, A_SLUG)
    users_before = count_rows(kernel, User)

    error_of(client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers), 409)
    error_of(client.post(url(A_SLUG, "calendar/days-off"), json={"tanggal": "2026-11-18", "keterangan": "Lagi"}, headers=admin.headers), 409)
    error_of(
        client.post(url(A_SLUG, "staff"), json={"username": "budi", "nama": "Budi Lain", "password": "Sungai-Balangan-2026", "roles": ["tks"]}, headers=admin.headers),
        409,
    )
    error_of(client.post(url(A_SLUG, "persons"), json={**SITI, "nik": "6311014509870002", "jenis_kelamin": "L"}, headers=officer.headers), 422)
    error_of(client.post(url(A_SLUG, "persons"), json=SITI, headers=actors["auditor"].headers), 403)

    assert count_rows(kernel, AuditEntry, A_SLUG) == audit_before
    assert count_rows(kernel, Person, A_SLUG) == 1
    assert count_rows(kernel, TenantDayOff, A_SLUG) == 1
    assert count_rows(kernel, User) == users_before


def test_a_password_refused_by_policy_leaves_no_account_and_no_entry(client, kernel, actors):
    admin = actors["admin"]
    audit_before = count_rows(kernel, AuditEntry, A_SLUG)
    users_before = count_rows(kernel, User)
    # Trivial password: refused by the service (not the schema), after the username check.
    error_of(
        client.post(url(A_SLUG, "staff"), json={"username": "budi", "nama": "Budi", "password": "aaaaaaaaaaaa", "roles": ["tks"]}, headers=admin.headers),
        422,
    )
    assert count_rows(kernel, User) == users_before
    assert count_rows(kernel, AuditEntry, A_SLUG) == audit_before


WITA = timezone(timedelta(hours=8))  # Kalimantan Selatan


def test_entries_carry_a_utc_timestamp_on_every_backend(client, actors):
    client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100001"}, headers=actors["officer"].headers)
    entry = _log(client, actors["auditor"], target_type="household")[0]
    at = datetime.fromisoformat(entry["at"])
    assert at.utcoffset() == timedelta(0), entry["at"]
    assert abs(datetime.now(timezone.utc) - at) < timedelta(minutes=5)


@pytest.mark.parametrize("zone", [timezone.utc, WITA], ids=["utc", "wita"])
def test_since_and_until_respect_the_time_zone_given(client, actors, zone):
    client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100001"}, headers=actors["officer"].headers)
    auditor = actors["auditor"]
    hour_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).astimezone(zone).isoformat()
    in_an_hour = (datetime.now(timezone.utc) + timedelta(hours=1)).astimezone(zone).isoformat()
    assert len(_log(client, auditor, target_type="household", since=hour_ago)) == 1
    assert _log(client, auditor, target_type="household", since=in_an_hour) == []
    assert _log(client, auditor, target_type="household", until=hour_ago) == []
    assert len(_log(client, auditor, target_type="household", until=in_an_hour)) == 1
