from datetime import date


def test_officer_opens_and_advances_a_case(client, make):
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    officer = make.user("petugas", {"balangan": ["officer"]})
    person = make.person("balangan", born=date(1990, 1, 1), sex="L")
    r = client.post(
        "/api/v1/tenants/balangan/cases",
        json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)},
        headers=officer.headers,
    )
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert case["stage"] == "daftar" and case["profile_id"] == "fixture-nasional"
    r = client.post(
        f"/api/v1/tenants/balangan/cases/{case['id']}/advance",
        json={"to_stage": "tangani"},
        headers={**officer.headers, "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["stage"] == "tangani"
