"""The dashboard page: the figures of GET /api/v1/tenants/<t>/dasbor drawn as SVG charts, each
followed by its numbers as a table, with the API's permissions."""
from __future__ import annotations

from typing import Any

import pytest

from tests.console.pages import Console
from tests.factories import Factory

DASBOR = "/konsol/balangan/dasbor"
API = "/api/v1/tenants/balangan/dasbor"
CASES = "/api/v1/tenants/balangan/cases"


@pytest.fixture
def busy(make: Factory, client: Any, people: dict[str, Any]) -> dict[str, Any]:
    """Three fixture cases: two at registration (both with the Peksos), one in handling."""
    people["peksos"] = make.user("peksos", {"balangan": ["peksos"]})
    people["peksos2"] = make.user("peksos2", {"balangan": ["peksos"]})
    person = make.person("balangan")
    officer = people["officer"].headers
    ids = []
    for _ in range(3):
        r = client.post(CASES, json={
            "case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id),
            "assigned": [{"user_id": str(people["peksos"].user_id)}],
        }, headers=officer)
        assert r.status_code == 201, r.get_json()
        ids.append((r.get_json()["id"], r.headers["ETag"]))
    case_id, tag = ids[0]
    r = client.post(f"{CASES}/{case_id}/advance", json={"to_stage": "tangani"}, headers={**officer, "If-Match": tag})
    assert r.status_code == 200, r.get_json()
    return people


def test_the_charts_and_their_tables_show_the_apis_numbers(console: Console, client: Any, busy: dict[str, Any]) -> None:
    api = client.get(API, headers=busy["admin"].headers).get_json()
    console.login("admin")
    page = console.get(DASBOR)
    assert page.status == 200
    assert page.html.count("<svg") == 4  # one per figure, inline: no script, no image request
    assert page.rows("tahap-fixture_kasus") == [
        ["Pendaftaran", "2", "0", "2"], ["Penanganan", "1", "0", "1"], ["Selesai", "0", "0", "0"],
    ]
    months = page.rows("per-bulan")
    assert len(months) == 12
    assert months == [[m["label"], str(m["baru"]), str(m["ditutup"])] for m in api["per_bulan"]]
    assert months[-1][1] == "3"
    # Named caseloads for the admin (dasbor.beban_kerja): busiest first, an idle Peksos as 0.
    assert page.rows("beban-kerja") == [["Peksos", "3"], ["Peksos2", "0"]]
    assert [[r["nama"], str(r["kasus_terbuka"])] for r in api["beban_kerja"]["petugas"]] == page.rows("beban-kerja")
    # The fixture plugin reports no overdue deadline: its row says 0, as the API does.
    assert page.rows("terlambat") == [["Layanan Uji", "0"]]
    assert api["terlambat_per_layanan"] == [{"plugin": "fixture", "jumlah": 0}]
    assert "Jumlah tenggat terlambat: 0" in page.text()
    assert "Petugas: 2 · penugasan pada kasus terbuka: 3" in page.text()


def test_fewer_months_on_request(console: Console, busy: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get(f"{DASBOR}?bulan=3")
    assert len(page.rows("per-bulan")) == 3
    assert '<option value="3" selected>' in page.html


def test_a_peksos_sees_only_their_own_caseload_row(console: Console, busy: dict[str, Any]) -> None:
    console.login("peksos2")
    page = console.get(DASBOR)
    assert page.status == 200
    assert page.rows("beban-kerja") == [["Peksos2", "0"]]
    assert "Anda hanya melihat baris Anda sendiri" in page.text()
    assert "Petugas: 2 · penugasan pada kasus terbuka: 3" in page.text()


def test_an_lks_operator_is_refused_as_by_the_api(console: Console, client: Any, people: dict[str, Any]) -> None:
    assert client.get(API, headers=people["operator"].headers).status_code == 403
    console.login("operator")
    page = console.get(DASBOR)
    assert page.status == 403
    assert "<svg" not in page.html


def test_the_home_page_and_menu_lead_to_the_dashboard(console: Console, people: dict[str, Any]) -> None:
    console.login("auditor")
    page = console.get("/konsol/balangan/")
    assert (DASBOR, "Dasbor") in page.main_links
    assert "Dasbor" in page.menu


def test_the_dashboard_in_english(console: Console, busy: dict[str, Any]) -> None:
    console.login("admin")
    page = console.get(DASBOR, headers={"Accept-Language": "en"})
    assert page.rows("tahap-fixture_kasus")[0] == ["Pendaftaran", "2", "0", "2"]  # the workflow's labels stay
    assert "Dashboard" in page.text() and "Numbers as a table" in page.text()
