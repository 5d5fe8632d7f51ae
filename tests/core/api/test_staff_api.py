"""Staff of a kabupaten: a tenant admin creates accounts with roles and a Pekerja Sosial's
credentials (PP 39/2012 Pasal 8 and 73: competence certificate and practice licence)."""
from __future__ import annotations

import uuid

import pytest

from core.audit import AuditEntry
from core.staff.models import Membership, StaffCredential, User
from tests.core.api.helpers import (
    A_SLUG,
    B_SLUG,
    NIL_UUID,
    audit_log,
    count_rows,
    error_of,
    pagination,
    tenant_id,
    two_tenants,
    url,
)
from tests.factories import PASSWORD as FACTORY_PASSWORD

STAFF = url(A_SLUG, "staff")
PASSWORD = "Sungai-Balangan-2026"
PEKSOS = {
    "username": "dewi.lestari",
    "nama": "Dewi Lestari, S.Tr.Sos.",
    "password": PASSWORD,
    "roles": ["peksos"],
    "credential": {
        "jabatan": "Pekerja Sosial Ahli Pertama",
        "pendidikan": "D4",
        "bidang_pendidikan": "Pekerjaan Sosial",
        "nomor_sertifikat": "SERT-PEKSOS-2024-00123",
        "sertifikat_berlaku_sampai": "2029-06-30",
        "nomor_izin_praktik": "SIPPS-63.11-2025-007",
        "izin_praktik_berlaku_sampai": "2030-01-31",
    },
}


@pytest.fixture
def admin(make):
    two_tenants(make)
    return make.user("admin-balangan", {A_SLUG: ["tenant_admin"]})


def _add(client, actor, body, slug=A_SLUG):
    return client.post(url(slug, "staff"), json=body, headers=actor.headers)


def test_tenant_admin_creates_a_peksos_with_credentials(client, kernel, admin):
    r = _add(client, admin, PEKSOS)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["username"] == "dewi.lestari" and body["nama"] == "Dewi Lestari, S.Tr.Sos."
    assert body["roles"] == ["peksos"] and body["aktif"] is True and body["id"]
    assert body["credential"] == PEKSOS["credential"]
    assert "password" not in body and "password_hash" not in body

    shown = client.get(f"{STAFF}/{body['id']}", headers=admin.headers)
    assert shown.status_code == 200 and shown.get_json() == body
    # The new account logs in and works in Balangan as a peksos.
    token = client.post("/api/v1/auth/login", json={"username": "dewi.lestari", "password": PASSWORD}).get_json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["tenants"] == {A_SLUG: ["peksos"]}


def test_staff_without_credentials(client, admin):
    r = _add(client, admin, {"username": "budi", "nama": "Budi", "password": PASSWORD, "roles": ["officer", "tks"]})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["roles"] == ["officer", "tks"] and r.get_json()["credential"] is None


def test_list_staff_paginated_with_roles(client, admin):
    _add(client, admin, PEKSOS)
    _add(client, admin, {"username": "budi", "nama": "Budi Santoso", "password": PASSWORD, "roles": ["officer", "tks"]})
    r = client.get(STAFF, headers=admin.headers)
    assert r.status_code == 200
    rows = {s["username"]: s for s in r.get_json()}
    # The admin is staff too.
    assert set(rows) == {"admin-balangan", "dewi.lestari", "budi"}
    assert rows["budi"]["roles"] == ["officer", "tks"] and rows["admin-balangan"]["roles"] == ["tenant_admin"]
    assert rows["dewi.lestari"]["credential"]["nomor_izin_praktik"] == "SIPPS-63.11-2025-007"
    assert pagination(r)["total"] == 3
    page = client.get(STAFF, query_string={"page_size": 2, "page": 2}, headers=admin.headers)
    assert len(page.get_json()) == 1 and pagination(page)["total"] == 3


def test_tenant_admin_changes_roles_and_credentials(client, kernel, admin):
    sid = _add(client, admin, PEKSOS).get_json()["id"]
    r = client.patch(f"{STAFF}/{sid}", json={"roles": ["peksos", "officer"]}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["roles"] == ["officer", "peksos"]
    assert r.get_json()["credential"] == PEKSOS["credential"]

    renewed = {"nomor_izin_praktik": "SIPPS-63.11-2030-001", "izin_praktik_berlaku_sampai": "2035-01-31"}
    r = client.patch(f"{STAFF}/{sid}", json={"credential": renewed}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    cred = r.get_json()["credential"]
    assert cred["nomor_izin_praktik"] == "SIPPS-63.11-2030-001" and cred["izin_praktik_berlaku_sampai"] == "2035-01-31"
    assert cred["nomor_sertifikat"] == "SERT-PEKSOS-2024-00123"  # untouched fields stay
    assert client.get(f"{STAFF}/{sid}", headers=admin.headers).get_json()["roles"] == ["officer", "peksos"]
    assert count_rows(kernel, StaffCredential, A_SLUG) == 1

    actions = [e.action for e in _entries(kernel, sid)]
    assert actions == ["user.create", "staff.roles", "staff.credential", "staff.roles", "staff.credential"]


def _entries(kernel, target_id):
    return [e for e in audit_log(kernel, A_SLUG) if e.target_id == target_id]


def test_roles_cannot_be_emptied(client, admin):
    sid = _add(client, admin, PEKSOS).get_json()["id"]
    body = error_of(client.patch(f"{STAFF}/{sid}", json={"roles": []}, headers=admin.headers), 422)
    assert "roles" in body["errors"]
    assert client.get(f"{STAFF}/{sid}", headers=admin.headers).get_json()["roles"] == ["peksos"]


@pytest.mark.parametrize("role", ["superuser", "platform_admin", "Peksos"])
def test_unknown_role_is_a_field_error(client, kernel, admin, role):
    body = error_of(_add(client, admin, {**PEKSOS, "roles": [role]}), 422, "data_tidak_valid")
    assert "roles" in body["errors"]
    assert count_rows(kernel, User, username="dewi.lestari") == 0


def test_unknown_role_on_patch_is_a_field_error(client, admin):
    sid = _add(client, admin, PEKSOS).get_json()["id"]
    body = error_of(client.patch(f"{STAFF}/{sid}", json={"roles": ["peksos", "kepala_dinas"]}, headers=admin.headers), 422)
    assert "roles" in body["errors"]
    assert client.get(f"{STAFF}/{sid}", headers=admin.headers).get_json()["roles"] == ["peksos"]


def test_credential_fields_are_checked(client, kernel, admin):
    bad = {**PEKSOS, "credential": {"pendidikan": "S9", "sertifikat_berlaku_sampai": "30-06-2029", "nomor_sertifikat": "x" * 101}}
    body = error_of(_add(client, admin, bad), 422)
    assert set(body["errors"]["credential"]) == {"pendidikan", "sertifikat_berlaku_sampai", "nomor_sertifikat"}
    assert count_rows(kernel, User, username="dewi.lestari") == 0


@pytest.mark.parametrize("username", ["ab", "Dewi", "dewi lestari", "dewi@dinsos"])
def test_username_shape_is_checked(client, admin, username):
    body = error_of(_add(client, admin, {**PEKSOS, "username": username}), 422)
    assert body["errors"]["username"] == ["3–80 karakter: huruf kecil, angka, titik, garis."]


def test_duplicate_username_is_a_conflict(client, kernel, admin):
    assert _add(client, admin, PEKSOS).status_code == 201
    body = error_of(_add(client, admin, {**PEKSOS, "nama": "Dewi Lain"}), 409, "pengguna_sudah_ada")
    assert body["message"] == "Nama pengguna 'dewi.lestari' sudah dipakai."
    assert count_rows(kernel, User, username="dewi.lestari") == 1
    assert count_rows(kernel, AuditEntry, A_SLUG, action="user.create") == 1


def test_username_taken_in_another_tenant_is_a_conflict_too(client, make, admin):
    # Usernames are platform-wide (one account may work in several kabupaten).
    make.user("dewi.lestari", {B_SLUG: ["peksos"]})
    error_of(_add(client, admin, PEKSOS), 409, "pengguna_sudah_ada")


@pytest.mark.parametrize("role", ["officer", "peksos", "tks", "lks_operator", "auditor"])
def test_only_a_tenant_admin_creates_staff(client, make, kernel, admin, role):
    someone = make.user("pengguna", {A_SLUG: [role]})
    body = error_of(_add(client, someone, PEKSOS), 403, "tidak_berwenang")
    assert "staff.manage" in body["message"]
    assert count_rows(kernel, User, username="dewi.lestari") == 0


def test_an_officer_cannot_list_or_change_staff(client, make, admin):
    sid = _add(client, admin, PEKSOS).get_json()["id"]
    officer = make.user("petugas", {A_SLUG: ["officer"]})
    error_of(client.get(STAFF, headers=officer.headers), 403, "tidak_berwenang")
    error_of(client.get(f"{STAFF}/{sid}", headers=officer.headers), 403, "tidak_berwenang")
    error_of(client.patch(f"{STAFF}/{sid}", json={"roles": ["tenant_admin"]}, headers=officer.headers), 403, "tidak_berwenang")
    # Promoting oneself is refused just the same.
    error_of(client.patch(f"{STAFF}/{officer.user_id}", json={"roles": ["tenant_admin"]}, headers=officer.headers), 403)
    assert client.get(f"{STAFF}/{sid}", headers=admin.headers).get_json()["roles"] == ["peksos"]


def test_an_auditor_reads_staff_but_cannot_change_them(client, make, admin):
    sid = _add(client, admin, PEKSOS).get_json()["id"]
    auditor = make.user("auditor", {A_SLUG: ["auditor"]})
    assert client.get(STAFF, headers=auditor.headers).status_code == 200
    assert client.get(f"{STAFF}/{sid}", headers=auditor.headers).status_code == 200
    error_of(client.patch(f"{STAFF}/{sid}", json={"roles": ["auditor"]}, headers=auditor.headers), 403)


def test_staff_of_another_tenant_are_invisible(client, make, kernel, admin):
    tabalong_admin = make.user("admin-tabalong", {B_SLUG: ["tenant_admin"]})
    other = _add(client, tabalong_admin, {**PEKSOS, "username": "rahmat"}, slug=B_SLUG).get_json()
    foreign = error_of(client.get(f"{STAFF}/{other['id']}", headers=admin.headers), 404)
    missing = error_of(client.get(f"{STAFF}/{NIL_UUID}", headers=admin.headers), 404)
    assert foreign == missing
    assert "rahmat" not in {s["username"] for s in client.get(STAFF, headers=admin.headers).get_json()}
    # Nor can Balangan's admin give them a role in Balangan, or touch their credentials.
    error_of(client.patch(f"{STAFF}/{other['id']}", json={"roles": ["officer"]}, headers=admin.headers), 404)
    error_of(client.patch(f"{STAFF}/{other['id']}", json={"credential": {"jabatan": "Diubah"}}, headers=admin.headers), 404)
    assert count_rows(kernel, Membership, tenant_id=tenant_id(kernel, A_SLUG), user_id=uuid.UUID(other["id"])) == 0
    shown = client.get(url(B_SLUG, f"staff/{other['id']}"), headers=tabalong_admin.headers).get_json()
    assert shown["credential"] == PEKSOS["credential"] and shown["roles"] == ["peksos"]
    # And Tabalong's staff list is closed to Balangan's admin.
    error_of(client.get(url(B_SLUG, "staff"), headers=admin.headers), 403)


def test_one_account_in_two_tenants_has_separate_roles_and_credentials(client, make, admin):
    make.user("tabalong-admin", {B_SLUG: ["tenant_admin"]})
    both = make.user("rina", {A_SLUG: ["peksos"], B_SLUG: ["officer"]})
    r = client.patch(f"{STAFF}/{both.user_id}", json={"credential": {"nomor_izin_praktik": "SIPPS-A"}}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    tabalong_admin = client.post("/api/v1/auth/login", json={"username": "tabalong-admin", "password": FACTORY_PASSWORD}).get_json()["token"]
    shown = client.get(url(B_SLUG, f"staff/{both.user_id}"), headers={"Authorization": f"Bearer {tabalong_admin}"}).get_json()
    assert shown["roles"] == ["officer"] and shown["credential"] is None


def test_permission_is_checked_before_the_body(client, make, admin):
    officer = make.user("petugas", {A_SLUG: ["officer"]})
    body = error_of(_add(client, officer, {"username": "X", "roles": ["raja"]}), 403, "tidak_berwenang")
    assert "errors" not in body


def test_a_tenant_admin_cannot_create_a_platform_admin(client, kernel, admin):
    body = error_of(_add(client, admin, {**PEKSOS, "is_platform_admin": True}), 422, "data_tidak_valid")
    assert set(body["errors"]) == {"is_platform_admin"}
    assert count_rows(kernel, User, is_platform_admin=True) == 0


# --- taking a staff member off the tenant, resetting a forgotten password (staff.manage) ---


def _open_case(client, actor, person, worker):
    r = client.post(url(A_SLUG, "cases"), json={
        "case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id),
        "assigned": [{"user_id": str(worker.user_id)}],
    }, headers=actor.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _close_in_database(kernel, case_id):
    """The case closed (as close_case leaves it), without walking the fixture's stages."""
    from sqlalchemy import update

    from core.cases.models import Case
    from core.db import tenant_context

    tid = tenant_id(kernel, A_SLUG)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.execute(update(Case).where(Case.id == uuid.UUID(case_id)).values(status="closed"))


def _me(client, actor):
    return client.get("/api/v1/auth/me", headers=actor.headers)


def test_removal_is_refused_while_assigned_to_open_cases_then_takes_only_this_tenants_roles(client, make, kernel, admin):
    from core.cases.models import CaseAssignment

    make.enable(A_SLUG)
    rina = make.user("rina", {A_SLUG: ["peksos", "tks"]})
    assert client.patch(f"{STAFF}/{rina.user_id}", json={"credential": {"nomor_sertifikat": "SERT-9"}}, headers=admin.headers).status_code == 200
    person = make.person(A_SLUG)
    first, second = _open_case(client, admin, person, rina), _open_case(client, admin, person, rina)
    keluarkan = f"{STAFF}/{rina.user_id}/keluarkan"

    body = error_of(client.post(keluarkan, headers=admin.headers), 409, "petugas_masih_ditugaskan")
    assert body["message"] == (
        "Rina masih ditugaskan pada 2 kasus yang masih berjalan di kabupaten/kota ini. "
        "Lepaskan atau ganti petugas tersebut di halaman setiap kasus terlebih dahulu."
    )
    assert client.delete(url(A_SLUG, f"cases/{first}/assignments/{rina.user_id}"), headers=admin.headers).status_code == 204
    body = error_of(client.post(keluarkan, headers=admin.headers), 409, "petugas_masih_ditugaskan")
    assert "pada 1 kasus" in body["message"]
    assert client.get(f"{STAFF}/{rina.user_id}", headers=admin.headers).get_json()["roles"] == ["peksos", "tks"]
    assert _me(client, rina).status_code == 200

    # A closed case's assignment is its history: it does not hold the worker here.
    _close_in_database(kernel, second)
    r = client.post(keluarkan, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"roles": ["peksos", "tks"], "token_dicabut": 1}
    error_of(client.get(f"{STAFF}/{rina.user_id}", headers=admin.headers), 404)
    assert "rina" not in {s["username"] for s in client.get(STAFF, headers=admin.headers).get_json()}
    assert count_rows(kernel, Membership, user_id=rina.user_id) == 0
    # The account stays, its session does not (it works nowhere else); its credential row and
    # the closed case's assignment are kept as history.
    assert count_rows(kernel, User, username="rina") == 1
    error_of(_me(client, rina), 401, "token_tidak_sah")
    assert count_rows(kernel, StaffCredential, A_SLUG, user_id=rina.user_id) == 1
    assert count_rows(kernel, CaseAssignment, A_SLUG, user_id=rina.user_id) == 1
    (entry,) = [e for e in _entries(kernel, str(rina.user_id)) if e.action == "staff.removed"]
    assert entry.actor_id == admin.user_id
    assert entry.summary == {"username": "rina", "roles": ["peksos", "tks"], "token_dicabut": 1}
    # Removed: the member's routes are 404 here, as for anyone who never worked here.
    error_of(client.post(keluarkan, headers=admin.headers), 404)


def test_removal_leaves_the_other_tenants_roles_and_the_session(client, make, kernel, admin):
    both = make.user("rina", {A_SLUG: ["officer"], B_SLUG: ["officer", "auditor"]})
    assert client.get(url(A_SLUG, "cases"), headers=both.headers).status_code == 200
    r = client.post(f"{STAFF}/{both.user_id}/keluarkan", headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"roles": ["officer"], "token_dicabut": 0}
    # The same token still works in Tabalong, and no longer in Balangan.
    assert _me(client, both).get_json()["tenants"] == {B_SLUG: ["auditor", "officer"]}
    error_of(client.get(url(A_SLUG, "cases"), headers=both.headers), 403, "tidak_berwenang")
    assert client.get(url(B_SLUG, "cases"), headers=both.headers).status_code == 200
    assert count_rows(kernel, Membership, tenant_id=tenant_id(kernel, B_SLUG), user_id=both.user_id) == 2


def test_an_admin_cannot_remove_themselves(client, kernel, admin):
    body = error_of(client.post(f"{STAFF}/{admin.user_id}/keluarkan", headers=admin.headers), 409, "tidak_dapat_mengeluarkan_diri")
    assert "minta tenant_admin lain" in body["message"]
    assert client.get(f"{STAFF}/{admin.user_id}", headers=admin.headers).get_json()["roles"] == ["tenant_admin"]
    assert count_rows(kernel, AuditEntry, A_SLUG, action="staff.removed") == 0


NEW_PASSWORD = "Hutan-Tebing-Tinggi-44"


def test_a_reset_password_works_at_login_the_old_one_and_the_tokens_do_not(client, kernel, make, admin):
    rina = make.user("rina", {A_SLUG: ["peksos"]})
    # She forgot it, and locked herself out guessing (5 failures by default).
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "rina", "password": "mungkin-ini-2026"})
    error_of(client.post("/api/v1/auth/login", json={"username": "rina", "password": FACTORY_PASSWORD}), 429)
    r = client.post(f"{STAFF}/{rina.user_id}/atur-ulang-sandi", json={"password": NEW_PASSWORD}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"token_dicabut": 1}
    error_of(_me(client, rina), 401, "token_tidak_sah")
    error_of(client.post("/api/v1/auth/login", json={"username": "rina", "password": FACTORY_PASSWORD}), 401, "login_gagal")
    # The reset lifted the lockout: the new password works at once.
    assert client.post("/api/v1/auth/login", json={"username": "rina", "password": NEW_PASSWORD}).status_code == 200
    entries = [e for e in _entries(kernel, str(rina.user_id)) if e.action in ("user.password_reset", "user.tokens_revoked")]
    assert [e.action for e in entries] == ["user.password_reset", "user.tokens_revoked"]
    assert entries[0].summary == {"username": "rina"} and entries[0].actor_id == admin.user_id
    assert entries[1].summary["alasan"] == "atur_ulang_sandi"
    assert all(NEW_PASSWORD not in str(e.summary) for e in audit_log(kernel, A_SLUG))


def test_a_weak_password_is_refused_with_the_policys_message(client, make, admin):
    rina = make.user("rina", {A_SLUG: ["peksos"]})
    reset = f"{STAFF}/{rina.user_id}/atur-ulang-sandi"
    body = error_of(client.post(reset, json={"password": "rina-2026-baru"}, headers=admin.headers), 422, "data_tidak_valid")
    assert body["errors"] == {"password": ["Kata sandi tidak boleh memuat nama pengguna."]}
    body = error_of(client.post(reset, json={"password": "pendek"}, headers=admin.headers), 422)
    assert body["errors"]["password"] == ["Kata sandi minimal 10 karakter."]
    error_of(client.post(reset, json={}, headers=admin.headers), 422)
    # Nothing changed: the old password and the session still work.
    assert _me(client, rina).status_code == 200
    assert client.post("/api/v1/auth/login", json={"username": "rina", "password": FACTORY_PASSWORD}).status_code == 200


def _external_account(kernel, username):
    from sqlalchemy import select

    from core.db import tenant_context
    from core.staff.services import set_roles, upsert_external_user
    from core.tenancy.models import Tenant

    with kernel.db.unit_of_work() as s:
        user = upsert_external_user(s, subject=f"sub-{username}", username=username, nama=username.title())
        tenant = s.scalar(select(Tenant).where(Tenant.slug == A_SLUG))
        with tenant_context(tenant.id, s):
            set_roles(s, tenant, user, ["peksos"])
        return user.id


def test_a_reset_is_refused_for_an_account_that_is_not_this_tenants_alone(client, kernel, make, admin):
    both = make.user("rina", {A_SLUG: ["peksos"], B_SLUG: ["officer"]})
    platform = make.user("platform.peksos", {A_SLUG: ["peksos"]}, platform_admin=True)
    external = _external_account(kernel, "sso.peksos")
    for user_id, code in ((both.user_id, "bukan_akun_kabupaten_ini"), (platform.user_id, "bukan_akun_kabupaten_ini"),
                          (external, "akun_eksternal")):
        body = error_of(client.post(f"{STAFF}/{user_id}/atur-ulang-sandi", json={"password": NEW_PASSWORD}, headers=admin.headers), 409, code)
        assert "hubungi admin platform" in body["message"].lower()
    # Nor the admin's own, which is changed with the current password.
    error_of(client.post(f"{STAFF}/{admin.user_id}/atur-ulang-sandi", json={"password": NEW_PASSWORD}, headers=admin.headers),
             409, "atur_ulang_sandi_sendiri")
    assert _me(client, both).status_code == 200 and _me(client, platform).status_code == 200
    assert client.post("/api/v1/auth/login", json={"username": "rina", "password": FACTORY_PASSWORD}).status_code == 200
    assert count_rows(kernel, AuditEntry, A_SLUG, action="user.password_reset") == 0


@pytest.mark.parametrize("role", ["auditor", "officer", "peksos"])
def test_only_a_tenant_admin_removes_staff_or_resets_their_password(client, make, kernel, admin, role):
    rina = make.user("rina", {A_SLUG: ["tks"]})
    someone = make.user("pengguna", {A_SLUG: [role]})
    for path, body in (("keluarkan", None), ("atur-ulang-sandi", {"password": NEW_PASSWORD})):
        refused = error_of(client.post(f"{STAFF}/{rina.user_id}/{path}", json=body, headers=someone.headers), 403, "tidak_berwenang")
        assert "staff.manage" in refused["message"]
    assert client.get(f"{STAFF}/{rina.user_id}", headers=admin.headers).get_json()["roles"] == ["tks"]
    assert _me(client, rina).status_code == 200


def test_another_tenants_staff_member_cannot_be_removed_or_reset(client, make, kernel, admin):
    other = make.user("rahmat", {B_SLUG: ["peksos"]})
    for path, body in (("keluarkan", None), ("atur-ulang-sandi", {"password": NEW_PASSWORD})):
        error_of(client.post(f"{STAFF}/{other.user_id}/{path}", json=body, headers=admin.headers), 404)
    assert _me(client, other).get_json()["tenants"] == {B_SLUG: ["peksos"]}
