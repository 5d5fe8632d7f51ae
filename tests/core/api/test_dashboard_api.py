"""GET /api/v1/tenants/<t>/dasbor: the dashboard's numbers as JSON, for the roles that read
cases; named caseloads only for those who distribute and oversee the work."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from core.calendar import WorkingDayCalendar
from core.cases.models import Case
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant
from tests.core.api.helpers import A_KODE, A_SLUG, B_KODE, B_SLUG, error_of, url

DASBOR = url(A_SLUG, "dasbor")


@pytest.fixture
def world(make):
    make.tenant(A_SLUG, A_KODE)
    make.tenant(B_SLUG, B_KODE)
    make.enable(A_SLUG)
    make.enable(B_SLUG)
    return SimpleNamespace(
        admin=make.user("admin.balangan", {A_SLUG: ["tenant_admin"]}),
        officer=make.user("petugas.balangan", {A_SLUG: ["officer"]}),
        peksos=make.user("peksos.balangan", {A_SLUG: ["peksos"]}),
        tks=make.user("tks.balangan", {A_SLUG: ["tks"]}),
        auditor=make.user("auditor.balangan", {A_SLUG: ["auditor"]}),
        operator=make.user("operator.balangan", {A_SLUG: ["lks_operator"]}),
        officer_b=make.user("petugas.tabalong", {B_SLUG: ["officer"]}),
        person=make.person(A_SLUG, nama="Ahmad Fauzi", born=date(1975, 1, 12), sex="L"),
        person_b=make.person(B_SLUG, nama="Siti Aminah", born=date(1987, 9, 5), sex="P"),
    )


def open_case(client, actor, person, slug=A_SLUG, assigned=()):
    r = client.post(url(slug, "cases"), json={
        "case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id),
        "assigned": [{"user_id": str(a.user_id)} for a in assigned],
    }, headers=actor.headers)
    assert r.status_code == 201, r.get_json()
    return r


def get(client, actor, **query):
    r = client.get(DASBOR, query_string=query, headers=actor.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_numbers_are_those_of_the_cases_opened_and_moved_through_the_api(client, world):
    first = open_case(client, world.officer, world.person, assigned=(world.peksos,))
    open_case(client, world.officer, world.person, assigned=(world.peksos, world.tks))
    r = client.post(url(A_SLUG, f"cases/{first.get_json()['id']}/advance"), json={"to_stage": "tangani"},
                    headers={**world.officer.headers, "If-Match": first.headers["ETag"]})
    assert r.status_code == 200, r.get_json()
    open_case(client, world.officer_b, world.person_b, slug=B_SLUG)  # Tabalong's: never in Balangan's figures

    body = get(client, world.admin)
    assert body["tanggal"] == local_today().isoformat()
    (fixture,) = [c for c in body["per_jenis"] if c["case_type"] == "fixture_kasus"]
    assert (fixture["label"], fixture["terbuka"], fixture["ditutup"]) == ("Kasus Uji", 2, 0)
    assert [(s["label"], s["terbuka"], s["ditutup"]) for s in fixture["tahap"]] == [
        ("Pendaftaran", 1, 0), ("Penanganan", 1, 0), ("Selesai", 0, 0),
    ]
    assert body["bulan"] == 12 and len(body["per_bulan"]) == 12
    this_month = body["per_bulan"][-1]
    assert (this_month["bulan"], this_month["baru"], this_month["ditutup"]) == (local_today().strftime("%Y-%m"), 2, 0)
    assert sum(m["baru"] for m in body["per_bulan"]) == 2
    caseloads = body["beban_kerja"]
    assert [(p["nama"], p["peran"], p["kasus_terbuka"]) for p in caseloads["petugas"]] == [
        ("Peksos.Balangan", ["peksos"], 2), ("Tks.Balangan", ["tks"], 1),
    ]
    assert (caseloads["jumlah_petugas"], caseloads["jumlah_penugasan"], caseloads["lengkap"]) == (2, 3, True)
    assert body["terlambat_jumlah"] == 0 and body["terlambat"] == []

    body_b = client.get(url(B_SLUG, "dasbor"), headers=world.officer_b.headers).get_json()
    (fixture_b,) = [c for c in body_b["per_jenis"] if c["case_type"] == "fixture_kasus"]
    assert fixture_b["terbuka"] == 1 and body_b["beban_kerja"]["petugas"] == []


def test_an_overdue_deadline_is_listed_with_its_days_in_hari_kerja_and_its_article(client, kernel, world):
    case_id = open_case(client, world.officer, world.person).get_json()["id"]
    opened = datetime.now(timezone.utc) - timedelta(days=9)
    with kernel.db.unit_of_work(_tenant_id(kernel, A_SLUG)) as s:
        s.execute(update(Case).where(Case.id == uuid.UUID(case_id)).values(opened_at=opened))
    body = get(client, world.officer)
    assert body["terlambat_jumlah"] == 1
    assert body["terlambat_per_layanan"] == [{"plugin": "fixture", "jumlah": 1}]
    (item,) = body["terlambat"]
    due = opened.astimezone(timezone(timedelta(hours=7))).date()
    assert item["case_id"] == case_id and item["jatuh_tempo"] == due.isoformat()
    assert (item["tahap_label"], item["satuan"], item["citation"]) == ("Pendaftaran", "hari kerja", "Peraturan Uji Pasal 2")
    assert item["hari_terlambat"] == WorkingDayCalendar().working_days_between(due, local_today()) > 0
    assert "Ahmad" not in str(item)  # no person's name in the list


def test_a_peksos_sees_their_own_caseload_and_the_totals_not_their_colleagues(client, world):
    open_case(client, world.officer, world.person, assigned=(world.peksos,))
    open_case(client, world.officer, world.person, assigned=(world.tks,))
    caseloads = get(client, world.peksos)["beban_kerja"]
    assert [(p["nama"], p["kasus_terbuka"]) for p in caseloads["petugas"]] == [("Peksos.Balangan", 1)]
    assert (caseloads["jumlah_petugas"], caseloads["jumlah_penugasan"], caseloads["lengkap"]) == (2, 2, False)
    assert [p["nama"] for p in get(client, world.auditor)["beban_kerja"]["petugas"]] == ["Peksos.Balangan", "Tks.Balangan"]


def test_a_role_without_cases_read_is_refused(client, world):
    body = error_of(client.get(DASBOR, headers=world.operator.headers), 403)
    assert "cases.read" in body["message"]
    # A role in another kabupaten counts for nothing here.
    error_of(client.get(DASBOR, headers=world.officer_b.headers), 403)
    assert client.get(DASBOR).status_code == 401


@pytest.mark.parametrize("bulan", ["0", "37", "-1"])
def test_bulan_out_of_range_is_a_field_error(client, world, bulan):
    body = error_of(client.get(DASBOR, query_string={"bulan": bulan}, headers=world.officer.headers), 422, "data_tidak_valid")
    assert body["errors"] == {"bulan": ["Jumlah bulan harus antara 1 dan 36."]}


def test_bulan_chooses_how_many_months_are_shown(client, world):
    assert len(get(client, world.officer, bulan=36)["per_bulan"]) == 36
    months = get(client, world.officer, bulan=1)["per_bulan"]
    assert [m["bulan"] for m in months] == [local_today().strftime("%Y-%m")]


def test_the_response_is_documented_in_openapi(client):
    spec = client.get("/api/openapi.json").get_json()
    op = spec["paths"]["/api/v1/tenants/{tenant}/dasbor"]["get"]
    assert [p["name"] for p in op["parameters"] if p["in"] == "query"] == ["bulan"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = spec["components"]["schemas"][ref]["properties"]
    assert {"per_jenis", "per_bulan", "terlambat", "terlambat_per_layanan", "beban_kerja"} <= set(props)


def _tenant_id(kernel, slug):
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))
