"""The registry over HTTP: penerima pelayanan (NIK checks, masking, ETags), households,
organizations, and the wall between two kabupaten."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.audit import AuditEntry
from core.registry.models import Household, Organization, Person
from tests.core.api.helpers import (
    A_SLUG,
    AHMAD,
    B_SLUG,
    NIK_AHMAD,
    NIK_SITI,
    NIL_UUID,
    SITI,
    count_rows,
    error_of,
    pagination,
    two_tenants,
    url,
)

PERSONS = url(A_SLUG, "persons")


@pytest.fixture
def officer(make):
    two_tenants(make)
    return make.user("petugas", {A_SLUG: ["officer"]})


def _create(client, actor, body, slug=A_SLUG):
    return client.post(url(slug, "persons"), json=body, headers=actor.headers)


# --- creating a person ------------------------------------------------------------------------


def test_create_person_returns_the_full_record_and_an_etag(client, officer):
    r = _create(client, officer, {**SITI, "alamat": "Jl. Jend. A. Yani No. 5, Paringin"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["nik"] == NIK_SITI  # the detail shows the full NIK to those who work with it
    assert body["nama"] == "Siti Aminah" and body["tanggal_lahir"] == "1987-09-05" and body["jenis_kelamin"] == "P"
    assert body["alamat"] == "Jl. Jend. A. Yani No. 5, Paringin" and body["kode_wilayah"] == "63.11"
    assert body["warnings"] == [] and body["id"]
    assert r.headers["ETag"] == '"1"'

    shown = client.get(f"{PERSONS}/{body['id']}", headers=officer.headers)
    assert shown.status_code == 200
    assert shown.get_json()["nik"] == NIK_SITI
    assert shown.headers["ETag"] == '"1"'


def test_list_masks_the_nik_and_paginates(client, officer):
    _create(client, officer, SITI)
    _create(client, officer, AHMAD)
    r = client.get(PERSONS, headers=officer.headers)
    assert r.status_code == 200
    rows = r.get_json()
    # Sorted by name; only the kabupaten and the last two digits are shown.
    assert [(p["nama"], p["nik"]) for p in rows] == [("Ahmad Fauzi", "6311**********02"), ("Siti Aminah", "6311**********01")]
    assert NIK_SITI not in r.get_data(as_text=True) and NIK_AHMAD not in r.get_data(as_text=True)
    assert "alamat" not in rows[0] and "nomor_kk" not in rows[0]
    assert pagination(r)["total"] == 2

    r = client.get(PERSONS, query_string={"page_size": 1, "page": 2}, headers=officer.headers)
    assert [p["nama"] for p in r.get_json()] == ["Siti Aminah"]
    assert pagination(r) == {"total": 2, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 2, "previous_page": 1}


def test_filters_by_name_and_by_nik(client, officer):
    _create(client, officer, SITI)
    _create(client, officer, AHMAD)
    by_name = client.get(PERSONS, query_string={"q": "aminah"}, headers=officer.headers).get_json()
    assert [p["nama"] for p in by_name] == ["Siti Aminah"]
    by_nik = client.get(PERSONS, query_string={"nik": NIK_AHMAD}, headers=officer.headers).get_json()
    assert [p["nama"] for p in by_nik] == ["Ahmad Fauzi"]
    none = client.get(PERSONS, query_string={"nik": "6311014509870099"}, headers=officer.headers)
    assert none.get_json() == [] and pagination(none)["total"] == 0


def test_search_by_nik_in_the_body_keeps_it_out_of_the_url(client, make, officer):
    _create(client, officer, SITI)
    _create(client, officer, AHMAD)
    _create(client, make.user("petugas-b", {B_SLUG: ["officer"]}), AHMAD, slug=B_SLUG)
    found = client.post(f"{PERSONS}/cari", json={"nik": NIK_AHMAD}, headers=officer.headers)
    assert found.status_code == 200 and pagination(found)["total"] == 1  # not the other kabupaten's Ahmad
    assert [(p["nama"], p["nik"]) for p in found.get_json()] == [("Ahmad Fauzi", "6311**********02")]
    by_name = client.post(f"{PERSONS}/cari", json={"q": "aminah"}, headers=officer.headers).get_json()
    assert [p["nama"] for p in by_name] == ["Siti Aminah"]
    bad = error_of(client.post(f"{PERSONS}/cari", json={"nik": "6311"}, headers=officer.headers), 422, "data_tidak_valid")
    assert "nik" in bad["errors"]


@pytest.mark.parametrize(("query", "field"), [({"q": "a"}, "q"), ({"nik": "6311"}, "nik"), ({"nik": "63110145098700ab"}, "nik")])
def test_bad_filters_are_field_errors(client, officer, query, field):
    body = error_of(client.get(PERSONS, query_string=query, headers=officer.headers), 422, "data_tidak_valid")
    assert field in body["errors"]


def test_duplicate_nik_in_the_same_tenant_is_a_conflict(client, kernel, officer):
    assert _create(client, officer, SITI).status_code == 201
    body = error_of(_create(client, officer, {**SITI, "nama": "Siti A."}), 409, "nik_sudah_terdaftar")
    assert body["message"] == "NIK ini sudah terdaftar di kabupaten/kota ini."
    assert count_rows(kernel, Person, A_SLUG) == 1
    assert count_rows(kernel, AuditEntry, A_SLUG, action="person.create") == 1


def test_the_same_nik_may_be_registered_in_another_tenant(client, make, kernel, officer):
    tabalong = make.user("petugas-tabalong", {B_SLUG: ["officer"]})
    assert _create(client, officer, SITI).status_code == 201
    r = _create(client, tabalong, SITI, slug=B_SLUG)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["nik"] == NIK_SITI
    assert count_rows(kernel, Person, A_SLUG) == 1 and count_rows(kernel, Person, B_SLUG) == 1


def test_nik_inconsistent_with_the_birth_date(client, kernel, officer):
    body = error_of(_create(client, officer, {**SITI, "tanggal_lahir": "1987-09-06"}), 422, "data_tidak_valid")
    assert body["message"] == "NIK tidak valid atau tidak sesuai dengan data diri."
    assert set(body["errors"]) == {"tanggal_lahir"}
    assert body["errors"]["tanggal_lahir"] == ["Tanggal lahir 06-09-1987 tidak sesuai dengan NIK (NIK menunjukkan 05-09-1987)."]
    assert count_rows(kernel, Person, A_SLUG) == 0


def test_nik_inconsistent_with_the_sex(client, kernel, officer):
    body = error_of(_create(client, officer, {**SITI, "jenis_kelamin": "L"}), 422, "data_tidak_valid")
    assert set(body["errors"]) == {"jenis_kelamin"}
    assert "NIK menunjukkan perempuan" in body["errors"]["jenis_kelamin"][0]
    assert count_rows(kernel, Person, A_SLUG) == 0


@pytest.mark.parametrize("nik", ["631101450987001", "63110145098700011", "6311 01450987001", "631101450987000X", ""])
def test_nik_of_the_wrong_shape_is_a_field_error(client, kernel, officer, nik):
    body = error_of(_create(client, officer, {**SITI, "nik": nik}), 422, "data_tidak_valid")
    assert body["errors"]["nik"] == ["Harus 16 digit angka."]
    assert count_rows(kernel, Person, A_SLUG) == 0


def test_impossible_date_in_the_nik_is_a_nik_error(client, officer):
    # Day 75 is neither a man's (01–31) nor a woman's (41–71) day.
    body = error_of(_create(client, officer, {**SITI, "nik": "6311017509870001"}), 422)
    assert "nik" in body["errors"]


def test_unknown_province_code_is_only_a_warning(client, officer):
    r = _create(client, officer, {**SITI, "nik": "9911014509870001", "kode_wilayah": None})
    assert r.status_code == 201, r.get_json()
    warnings = r.get_json()["warnings"]
    assert len(warnings) == 1 and "99" in warnings[0] and "tetap dapat disimpan" in warnings[0]


def test_nik_from_another_kabupaten_is_only_a_warning(client, officer):
    # Issued in Tabalong (63.09), living in Balangan: people move.
    r = _create(client, officer, {**SITI, "nik": "6309014509870001"})
    assert r.status_code == 201, r.get_json()
    assert any("Tabalong" in w and "Balangan" in w for w in r.get_json()["warnings"])


def test_required_fields_are_named(client, officer):
    body = error_of(_create(client, officer, {}), 422, "data_tidak_valid")
    assert {"nik", "nama", "tanggal_lahir", "jenis_kelamin"} <= set(body["errors"])


def test_invalid_sex_and_region_code_are_field_errors(client, officer):
    body = error_of(_create(client, officer, {**SITI, "jenis_kelamin": "W", "kode_wilayah": "6311"}), 422)
    assert body["errors"]["jenis_kelamin"] == ["Isi L (laki-laki) atau P (perempuan)."]
    assert "kode_wilayah" in body["errors"]


# --- updating a person: optimistic locking -----------------------------------------------------


def test_patch_requires_if_match(client, kernel, officer):
    created = _create(client, officer, SITI)
    pid = created.get_json()["id"]
    body = error_of(client.patch(f"{PERSONS}/{pid}", json={"nama": "Siti Aminah Binti Ali"}, headers=officer.headers), 428, "if_match_diperlukan")
    assert "If-Match" in body["message"]
    assert client.get(f"{PERSONS}/{pid}", headers=officer.headers).get_json()["nama"] == "Siti Aminah"


def test_patch_with_the_current_etag_updates_and_returns_a_new_one(client, kernel, officer):
    created = _create(client, officer, SITI)
    pid, tag = created.get_json()["id"], created.headers["ETag"]
    r = client.patch(f"{PERSONS}/{pid}", json={"nama": "Siti Aminah Binti Ali"}, headers={**officer.headers, "If-Match": tag})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["nama"] == "Siti Aminah Binti Ali" and r.get_json()["nik"] == NIK_SITI
    assert r.headers["ETag"] != tag and r.headers["ETag"] == '"2"'
    shown = client.get(f"{PERSONS}/{pid}", headers=officer.headers)
    assert shown.get_json()["nama"] == "Siti Aminah Binti Ali" and shown.headers["ETag"] == r.headers["ETag"]


def test_patch_with_a_stale_etag_is_refused(client, officer):
    created = _create(client, officer, SITI)
    pid, first = created.get_json()["id"], created.headers["ETag"]
    ok = client.patch(f"{PERSONS}/{pid}", json={"alamat": "Paringin"}, headers={**officer.headers, "If-Match": first})
    assert ok.status_code == 200
    # A colleague still holding the first version tries to save over it.
    body = error_of(
        client.patch(f"{PERSONS}/{pid}", json={"alamat": "Batumandi"}, headers={**officer.headers, "If-Match": first}),
        412,
        "versi_usang",
    )
    assert "Muat ulang" in body["message"]
    assert client.get(f"{PERSONS}/{pid}", headers=officer.headers).get_json()["alamat"] == "Paringin"


@pytest.mark.parametrize("header", ['"99"', "bukan-etag", 'W/"7"'])
def test_patch_with_an_unknown_etag_is_412(client, officer, header):
    pid = _create(client, officer, SITI).get_json()["id"]
    error_of(client.patch(f"{PERSONS}/{pid}", json={"alamat": "Paringin"}, headers={**officer.headers, "If-Match": header}), 412, "versi_usang")


def test_patch_accepts_a_weak_etag_of_the_current_version(client, officer):
    pid = _create(client, officer, SITI).get_json()["id"]
    r = client.patch(f"{PERSONS}/{pid}", json={"alamat": "Paringin"}, headers={**officer.headers, "If-Match": 'W/"1"'})
    assert r.status_code == 200, r.get_json()


def test_patch_is_checked_against_the_nik_too(client, kernel, officer):
    created = _create(client, officer, SITI)
    pid, tag = created.get_json()["id"], created.headers["ETag"]
    body = error_of(
        client.patch(f"{PERSONS}/{pid}", json={"tanggal_lahir": "1988-09-05"}, headers={**officer.headers, "If-Match": tag}), 422
    )
    assert set(body["errors"]) == {"tanggal_lahir"}
    shown = client.get(f"{PERSONS}/{pid}", headers=officer.headers)
    assert shown.get_json()["tanggal_lahir"] == "1987-09-05" and shown.headers["ETag"] == tag


def test_patch_to_a_nik_already_registered_is_a_conflict(client, officer):
    _create(client, officer, SITI)
    created = _create(client, officer, AHMAD)
    pid, tag = created.get_json()["id"], created.headers["ETag"]
    error_of(
        client.patch(
            f"{PERSONS}/{pid}",
            json={"nik": NIK_SITI, "tanggal_lahir": "1987-09-05", "jenis_kelamin": "P"},
            headers={**officer.headers, "If-Match": tag},
        ),
        409,
        "nik_sudah_terdaftar",
    )
    assert client.get(f"{PERSONS}/{pid}", headers=officer.headers).get_json()["nik"] == NIK_AHMAD


def test_patch_of_a_missing_person_is_404(client, officer):
    error_of(client.patch(f"{PERSONS}/{NIL_UUID}", json={"alamat": "x"}, headers={**officer.headers, "If-Match": '"1"'}), 404)


# --- households and organizations ------------------------------------------------------------


def test_households_create_list_get_and_link_a_person(client, kernel, officer):
    r = client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100001", "alamat": "Desa Batu Piring"}, headers=officer.headers)
    assert r.status_code == 201, r.get_json()
    hh = r.get_json()
    assert hh["nomor_kk"] == "6311010101100001" and hh["alamat"] == "Desa Batu Piring" and hh["id"]
    listed = client.get(url(A_SLUG, "households"), headers=officer.headers)
    assert [h["id"] for h in listed.get_json()] == [hh["id"]] and pagination(listed)["total"] == 1
    assert client.get(url(A_SLUG, f"households/{hh['id']}"), headers=officer.headers).get_json() == hh

    r = _create(client, officer, {**SITI, "household_id": hh["id"], "nomor_kk": "6311010101100001"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["household_id"] == hh["id"] and r.get_json()["nomor_kk"] == "6311010101100001"

    error_of(
        client.post(url(A_SLUG, "households"), json={"nomor_kk": "6311010101100001"}, headers=officer.headers), 409, "kk_sudah_terdaftar"
    )
    assert count_rows(kernel, Household, A_SLUG) == 1


def test_household_needs_a_16_digit_kk(client, officer):
    body = error_of(client.post(url(A_SLUG, "households"), json={"nomor_kk": "123"}, headers=officer.headers), 422)
    assert body["errors"]["nomor_kk"] == ["Harus 16 digit angka."]


def test_person_in_an_unknown_household_is_a_field_error(client, kernel, officer):
    body = error_of(_create(client, officer, {**SITI, "household_id": NIL_UUID}), 422, "data_tidak_valid")
    assert body["errors"]["household_id"] == ["Keluarga tidak ditemukan di kabupaten/kota ini."]
    assert count_rows(kernel, Person, A_SLUG) == 0


def test_organizations_create_list_filter_get(client, officer):
    panti = {"nama": "Panti Sosial Tresna Werdha Budi Sejahtera", "jenis": "panti_pemerintah", "kode_wilayah": "63.11"}
    lks = {"nama": "LKS Harapan Bunda", "jenis": "lks", "berbadan_hukum": True, "npwp": "01.234.567.8-901.000"}
    created = []
    for org in (panti, lks):
        r = client.post(url(A_SLUG, "organizations"), json=org, headers=officer.headers)
        assert r.status_code == 201, r.get_json()
        created.append(r.get_json())
    assert created[1]["berbadan_hukum"] is True and created[0]["berbadan_hukum"] is False
    listed = client.get(url(A_SLUG, "organizations"), headers=officer.headers)
    assert [o["nama"] for o in listed.get_json()] == [lks["nama"], panti["nama"]] and pagination(listed)["total"] == 2
    by_type = client.get(url(A_SLUG, "organizations"), query_string={"jenis": "lks"}, headers=officer.headers).get_json()
    assert [o["nama"] for o in by_type] == [lks["nama"]]
    by_name = client.get(url(A_SLUG, "organizations"), query_string={"q": "tresna"}, headers=officer.headers).get_json()
    assert [o["nama"] for o in by_name] == [panti["nama"]]
    assert client.get(url(A_SLUG, f"organizations/{created[0]['id']}"), headers=officer.headers).get_json() == created[0]


def test_organization_fields_are_checked(client, kernel, officer):
    body = error_of(
        client.post(url(A_SLUG, "organizations"), json={"nama": "X", "jenis": "koperasi", "npwp": "abc"}, headers=officer.headers), 422
    )
    assert set(body["errors"]) == {"nama", "jenis", "npwp"}
    assert count_rows(kernel, Organization, A_SLUG) == 0


# --- the wall between tenants -----------------------------------------------------------------


@pytest.fixture
def tabalong_records(client, make):
    """A person, a household and an organization of Tabalong, created by its own officer."""
    other = make.user("petugas-tabalong", {B_SLUG: ["officer"]})
    p = _create(client, other, {**SITI, "nik": "6309014509870001"}, slug=B_SLUG).get_json()["id"]
    h = client.post(url(B_SLUG, "households"), json={"nomor_kk": "6309010101100001"}, headers=other.headers).get_json()["id"]
    o = client.post(url(B_SLUG, "organizations"), json={"nama": "LKS Tabalong", "jenis": "lks"}, headers=other.headers).get_json()["id"]
    return {"persons": p, "households": h, "organizations": o}


@pytest.mark.parametrize("resource", ["persons", "households", "organizations"])
def test_another_tenants_id_is_404_like_a_missing_one(client, officer, tabalong_records, resource):
    foreign = error_of(client.get(url(A_SLUG, f"{resource}/{tabalong_records[resource]}"), headers=officer.headers), 404)
    missing = error_of(client.get(url(A_SLUG, f"{resource}/{NIL_UUID}"), headers=officer.headers), 404)
    # Identical answers: ids of another kabupaten cannot be probed.
    assert foreign == missing


def test_another_tenants_person_cannot_be_patched_through_my_url(client, officer, tabalong_records):
    pid = tabalong_records["persons"]
    error_of(client.patch(url(A_SLUG, f"persons/{pid}"), json={"nama": "Diubah"}, headers={**officer.headers, "If-Match": '"1"'}), 404)


def test_another_tenants_household_cannot_be_linked(client, kernel, officer, tabalong_records):
    body = error_of(_create(client, officer, {**SITI, "household_id": tabalong_records["households"]}), 422)
    assert "household_id" in body["errors"]
    assert count_rows(kernel, Person, A_SLUG) == 0


@pytest.mark.parametrize("resource", ["persons", "households", "organizations"])
def test_another_tenants_url_is_403_without_a_role_there(client, officer, tabalong_records, resource):
    body = error_of(client.get(url(B_SLUG, f"{resource}/{tabalong_records[resource]}"), headers=officer.headers), 403, "tidak_berwenang")
    assert "Kabupaten Tabalong" in body["message"]
    error_of(client.get(url(B_SLUG, resource), headers=officer.headers), 403, "tidak_berwenang")


def test_lists_show_only_my_tenant(client, officer, tabalong_records):
    _create(client, officer, SITI)
    assert [p["nik"] for p in client.get(PERSONS, headers=officer.headers).get_json()] == ["6311**********01"]
    assert client.get(url(A_SLUG, "households"), headers=officer.headers).get_json() == []
    assert client.get(url(A_SLUG, "organizations"), headers=officer.headers).get_json() == []


def test_unknown_tenant_slug_is_404(client, officer):
    body = error_of(client.get(url("tidak-ada", "persons"), headers=officer.headers), 404, "tenant_tidak_ditemukan")
    assert "tidak-ada" in body["message"]


def test_tenant_resources_need_a_token(client, officer):
    error_of(client.get(PERSONS), 401, "belum_masuk")
    error_of(client.post(PERSONS, json=SITI), 401, "belum_masuk")


def test_an_auditor_cannot_create_or_read_persons(client, make, kernel, officer):
    auditor = make.user("auditor", {A_SLUG: ["auditor"]})
    body = error_of(_create(client, auditor, SITI), 403, "tidak_berwenang")
    assert "persons.write" in body["message"]
    error_of(client.get(PERSONS, headers=auditor.headers), 403, "tidak_berwenang")
    assert count_rows(kernel, Person, A_SLUG) == 0


def test_permission_is_checked_before_the_body(client, make, officer):
    auditor = make.user("auditor", {A_SLUG: ["auditor"]})
    # A refused role learns nothing about the form: 403, not a list of field errors.
    body = error_of(_create(client, auditor, {"nik": "x"}), 403, "tidak_berwenang")
    assert "errors" not in body


def test_a_tks_can_create_persons(client, make, officer):
    tks = make.user("tks", {A_SLUG: ["tks"]})
    r = _create(client, tks, SITI)
    assert r.status_code == 201, r.get_json()


def test_lks_operator_neither_creates_nor_lists_organizations(client, make, officer):
    """An operator's own LKS is reached through the lks routes; the registry of every
    organisation (addresses, NPWP) is not theirs to read."""
    operator = make.user("operator-lks", {A_SLUG: ["lks_operator"]})
    error_of(client.post(url(A_SLUG, "organizations"), json={"nama": "LKS Baru", "jenis": "lks"}, headers=operator.headers), 403)
    error_of(client.get(url(A_SLUG, "organizations"), headers=operator.headers), 403)
    assert client.get(url(A_SLUG, "organizations"), headers=officer.headers).status_code == 200


def test_created_at_is_shown_in_utc_on_every_backend(client, officer):
    created = _create(client, officer, SITI).get_json()
    at = datetime.fromisoformat(created["created_at"])
    assert at.utcoffset() == timedelta(0), created["created_at"]
    shown = client.get(f"{PERSONS}/{created['id']}", headers=officer.headers).get_json()
    assert shown["created_at"] == created["created_at"]


@pytest.mark.parametrize("q", ["%%", "__", "a%"])
def test_name_search_treats_wildcards_literally(client, officer, q):
    _create(client, officer, SITI)
    _create(client, officer, AHMAD)
    assert client.get(PERSONS, query_string={"q": q}, headers=officer.headers).get_json() == []


def test_name_search_finds_a_literal_percent_sign_and_is_case_insensitive(client, officer):
    _create(client, officer, {**SITI, "nama": "Siti 100% Aminah"})
    _create(client, officer, AHMAD)
    assert [p["nama"] for p in client.get(PERSONS, query_string={"q": "0%"}, headers=officer.headers).get_json()] == ["Siti 100% Aminah"]
    assert [p["nama"] for p in client.get(PERSONS, query_string={"q": "FAUZI"}, headers=officer.headers).get_json()] == ["Ahmad Fauzi"]


def test_organization_search_treats_wildcards_literally(client, officer):
    client.post(url(A_SLUG, "organizations"), json={"nama": "LKS Harapan", "jenis": "lks"}, headers=officer.headers)
    assert client.get(url(A_SLUG, "organizations"), query_string={"q": "%%"}, headers=officer.headers).get_json() == []


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("2087-09-05", "Tanggal lahir tidak boleh setelah hari ini."),
        ("1887-09-05", "Tanggal lahir tidak boleh sebelum 01-01-1900."),
        ("0087-09-05", "Tanggal lahir tidak boleh sebelum 01-01-1900."),
    ],
)
def test_impossible_birth_dates_are_refused_even_when_the_nik_agrees(client, kernel, officer, born, message):
    # NIK 450987 fits the 5th of September of any year ending in 87.
    body = error_of(_create(client, officer, {**SITI, "tanggal_lahir": born}), 422, "data_tidak_valid")
    assert body["errors"] == {"tanggal_lahir": [message]}
    assert count_rows(kernel, Person, A_SLUG) == 0


def test_a_baby_born_today_can_be_registered(client, officer):
    today = datetime.now(timezone(timedelta(hours=7))).date()  # WIB
    nik = f"631101{today.day:02d}{today.month:02d}{today.year % 100:02d}0001"
    r = _create(client, officer, {**AHMAD, "nik": nik, "tanggal_lahir": today.isoformat()})
    assert r.status_code == 201, r.get_json()
