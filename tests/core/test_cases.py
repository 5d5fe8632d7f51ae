"""Opening cases through the API: the case type must be enabled, the subject must be the
tenant's own, assignees must work here, the plugin's data schema applies, and the tenant's
regulation profile is pinned on the case and judges it (two tenants, two profiles, one
deployment)."""
from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

import pytest

CASES = "/api/v1/tenants/{slug}/cases"
PERBUP_USIA = "Perbup Balangan 61/2017 Pasal 5 ayat (1)"


def _years_ago(years: int) -> date:
    today = date.today()
    return date(today.year - years, 1, 1) if (today.month, today.day) != (1, 1) else date(today.year - years - 1, 12, 31)


@pytest.fixture
def world(make):
    """Balangan runs the fixture plugin under its Perbup variant, Tabalong under the national
    baseline; each has an officer, and Balangan also a peksos and an auditor."""
    make.tenant("balangan", "63.11")
    make.tenant("tabalong", "63.09")
    make.enable("balangan", profile_id="fixture-perbup")
    make.enable("tabalong")
    return SimpleNamespace(
        officer=make.user("petugas.balangan", {"balangan": ["officer"]}),
        peksos=make.user("peksos.balangan", {"balangan": ["peksos"]}),
        auditor=make.user("auditor.balangan", {"balangan": ["auditor"]}),
        officer_t=make.user("petugas.tabalong", {"tabalong": ["officer"]}),
        adult=make.person("balangan", nama="Ahmad Fauzi", born=date(1975, 1, 12), sex="L"),
        child=make.person("balangan", nama="Rahmawati", born=_years_ago(10), sex="P"),
        adult_t=make.person("tabalong", nama="Siti Aminah", born=date(1987, 9, 5), sex="P"),
        child_t=make.person("tabalong", nama="Rizky", born=_years_ago(10), sex="L"),
    )


def _open(client, actor, slug="balangan", **body):
    payload = {"case_type": "fixture_kasus", "subject_type": "person", **body}
    for key in ("person_id",):
        if key in payload and payload[key] is not None:
            payload[key] = str(payload[key])
    return client.post(CASES.format(slug=slug), json=payload, headers=actor.headers)


def _list(client, actor, slug="balangan", **query):
    return client.get(CASES.format(slug=slug), query_string=query, headers=actor.headers)


# -- opening --------------------------------------------------------------------------------


def test_open_pins_the_tenants_chosen_profile_and_starts_in_the_first_stage(client, world):
    r = _open(client, world.officer, person_id=world.adult.id, data={"keterangan": "rujukan desa"})
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert case["stage"] == "daftar"
    assert case["status"] == "open"
    assert case["closed_at"] is None
    assert (case["profile_id"], case["profile_version"]) == ("fixture-perbup", 1)
    assert case["person_id"] == str(world.adult.id)
    assert case["data"] == {"keterangan": "rujukan desa"}
    assert case["summary"] == "Kasus uji di tahap daftar"
    assert r.headers["ETag"] == f'"{case["version"]}"'

    shown = client.get(f"{CASES.format(slug='balangan')}/{case['id']}", headers=world.officer.headers)
    assert shown.status_code == 200
    assert shown.headers["ETag"] == r.headers["ETag"]
    assert shown.get_json()["profile_id"] == "fixture-perbup"

    # The other tenant, on the same deployment, pins its own (national) profile.
    r = _open(client, world.officer_t, slug="tabalong", person_id=world.adult_t.id)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["profile_id"], r.get_json()["profile_version"]) == ("fixture-nasional", 1)


def test_opening_is_recorded_as_the_first_event_and_audited(client, world, make):
    admin = make.user("admin.balangan", {"balangan": ["tenant_admin"]})
    case = _open(client, world.officer, person_id=world.adult.id).get_json()
    events = client.get(f"{CASES.format(slug='balangan')}/{case['id']}/events", headers=world.officer.headers).get_json()
    assert [(e["kind"], e["from_stage"], e["to_stage"], e["actor_id"]) for e in events] == [
        ("opened", None, "daftar", str(world.officer.user_id))
    ]
    assert events[0]["data"] == {"profile": "fixture-perbup v1"}
    audit = client.get("/api/v1/tenants/balangan/audit", headers=admin.headers).get_json()
    opened = [a for a in audit if a["action"] == "case.open"]
    assert len(opened) == 1 and opened[0]["target_id"] == case["id"]


@pytest.mark.parametrize("case_type", ["kasus_tidak_ada", ""])
def test_unknown_case_type_is_a_field_error(client, world, case_type):
    r = _open(client, world.officer, case_type=case_type, person_id=world.adult.id)
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "data_tidak_valid"
    assert "case_type" in body["errors"]


def test_case_type_of_a_plugin_disabled_in_this_tenant_is_refused(client, world, make):
    make.enable("balangan", enabled=False)
    r = _open(client, world.officer, person_id=world.adult.id)
    assert r.status_code == 422
    assert r.get_json()["errors"]["case_type"] == ["Jenis kasus 'fixture_kasus' tidak tersedia di kabupaten/kota ini."]
    # ...and one that never enabled it at all
    make.tenant("tapin", "63.05")
    officer = make.user("petugas.tapin", {"tapin": ["officer"]})
    person = make.person("tapin")
    r = _open(client, officer, slug="tapin", person_id=person.id)
    assert r.status_code == 422
    assert "case_type" in r.get_json()["errors"]


def test_subject_of_another_tenant_is_not_found_here(client, world):
    r = _open(client, world.officer, person_id=world.adult_t.id)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"person_id": ["Tidak ditemukan di kabupaten/kota ini."]}
    assert _list(client, world.officer).get_json() == []


def test_missing_subject_is_refused(client, world):
    r = _open(client, world.officer, person_id=uuid.uuid4())
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"person_id": ["Tidak ditemukan di kabupaten/kota ini."]}
    r = _open(client, world.officer)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"person_id": ["Wajib diisi untuk subjek ini."]}


def test_subject_type_not_handled_by_the_case_type_is_refused(client, world):
    r = _open(client, world.officer, subject_type="community", community_name="Dusun Hulu")
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"subject_type": ["Jenis kasus ini hanya untuk subjek: person."]}


def test_assignees_must_hold_a_role_in_the_tenant(client, world):
    r = _open(
        client, world.officer, person_id=world.adult.id,
        assigned=[{"user_id": str(world.peksos.user_id), "peran": "pendamping"}],
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["assigned"] == [{"user_id": str(world.peksos.user_id), "peran": "pendamping"}]

    # A worker of another kabupaten, and an id that is nobody's.
    for stranger in (world.officer_t.user_id, uuid.uuid4()):
        r = _open(client, world.officer, person_id=world.adult.id, assigned=[{"user_id": str(stranger)}])
        assert r.status_code == 422
        errors = r.get_json()["errors"]["assigned"]
        assert errors == [f"Petugas tidak terdaftar di kabupaten/kota ini: {stranger}."]
    assert len(_list(client, world.officer).get_json()) == 1


def test_case_data_is_validated_by_the_plugin_schema(client, world):
    r = _open(client, world.officer, person_id=world.adult.id, data={"keterangan": "ok", "warna": "merah"})
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "data_tidak_valid"
    assert body["errors"] == {"data": {"warna": ["Kolom tidak dikenal."]}}

    r = _open(client, world.officer, person_id=world.adult.id, data={"keterangan": "x" * 201})
    assert r.status_code == 422
    assert "keterangan" in r.get_json()["errors"]["data"]
    assert _list(client, world.officer).get_json() == []


def test_a_child_is_refused_under_the_perbup_with_its_article(client, world):
    r = _open(client, world.officer, person_id=world.child.id)
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "usia_di_bawah_minimum"
    assert body["citation"] == PERBUP_USIA
    assert body["message"] == "Usia penerima 10 tahun; minimal 18 tahun."
    assert body["citation_detail"]["pasal"] == 5
    # Refused means nothing was written.
    assert _list(client, world.officer).get_json() == []


def test_the_same_child_is_accepted_under_the_national_profile_of_another_tenant(client, world):
    r = _open(client, world.officer_t, slug="tabalong", person_id=world.child_t.id)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["profile_id"] == "fixture-nasional"
    # ...while Balangan still refuses its own child on the same deployment
    assert _open(client, world.officer, person_id=world.child.id).status_code == 422


def test_an_auditor_may_read_cases_but_not_open_them(client, world):
    r = _open(client, world.auditor, person_id=world.adult.id)
    assert r.status_code == 403
    assert r.get_json()["code"] == "tidak_berwenang"
    assert _list(client, world.auditor).status_code == 200


def test_a_person_without_a_role_in_the_tenant_is_refused(client, world):
    r = _list(client, world.officer_t)  # Tabalong's officer on Balangan's cases
    assert r.status_code == 403
    assert r.get_json()["code"] == "tidak_berwenang"


def test_cases_of_a_disabled_plugin_are_hidden_and_come_back_on_re_enabling(client, world, make):
    case = _open(client, world.officer, person_id=world.adult.id).get_json()
    url = f"{CASES.format(slug='balangan')}/{case['id']}"
    make.enable("balangan", enabled=False)
    assert client.get(url, headers=world.officer.headers).status_code == 404
    assert _list(client, world.officer).get_json() == []
    make.enable("balangan", enabled=True)
    r = client.get(url, headers=world.officer.headers)
    assert r.status_code == 200
    assert r.get_json()["profile_id"] == "fixture-perbup"
    assert [c["id"] for c in _list(client, world.officer).get_json()] == [case["id"]]


def test_the_same_assignee_twice_is_a_field_error_not_a_crash(client, world):
    peksos = str(world.peksos.user_id)
    r = _open(client, world.officer, person_id=world.adult.id, assigned=[{"user_id": peksos}, {"user_id": peksos, "peran": "pendamping"}])
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["errors"] == {"assigned": [f"Petugas yang sama ditugaskan lebih dari sekali: {peksos}."]}
    assert _list(client, world.officer).get_json() == []
