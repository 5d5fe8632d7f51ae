"""The platform resource /api/v1/tenants: only a platform admin lists, registers and edits
kabupaten/kota."""
from __future__ import annotations

import pytest

from core.tenancy.models import Tenant
from tests.core.api.helpers import A_KODE, A_SLUG, B_KODE, B_SLUG, audit_log, count_rows, error_of, pagination, two_tenants, url

TENANTS = "/api/v1/tenants"
TANAH_LAUT = {"slug": "tanah-laut", "kode_wilayah": "63.01", "nama": "Kabupaten Tanah Laut", "provinsi": "Kalimantan Selatan"}


@pytest.fixture
def platform(make):
    return make.user("admin-platform", platform_admin=True)


def test_platform_admin_lists_tenants_sorted_and_paginated(client, make, platform):
    two_tenants(make)
    make.tenant("banjarmasin", "63.71", "Kota Banjarmasin")
    r = client.get(TENANTS, headers=platform.headers)
    assert r.status_code == 200, r.get_json()
    assert [t["slug"] for t in r.get_json()] == ["balangan", "banjarmasin", "tabalong"]
    assert pagination(r) == {"total": 3, "total_pages": 1, "first_page": 1, "last_page": 1, "page": 1}
    first = r.get_json()[0]
    assert first["kode_wilayah"] == A_KODE and first["nama"] == "Kabupaten Balangan" and first["aktif"] is True

    r = client.get(TENANTS, query_string={"page": 2, "page_size": 2}, headers=platform.headers)
    assert [t["slug"] for t in r.get_json()] == ["tabalong"]
    assert pagination(r)["total"] == 3 and pagination(r)["page"] == 2 and pagination(r)["total_pages"] == 2


def test_platform_admin_registers_a_tenant(client, make, kernel, platform):
    r = client.post(TENANTS, json=TANAH_LAUT, headers=platform.headers)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["slug"] == "tanah-laut" and body["kode_wilayah"] == "63.01"
    assert body["aktif"] is True and body["cuti_bersama_libur"] is True and body["id"]
    shown = client.get(f"{TENANTS}/tanah-laut", headers=platform.headers)
    assert shown.status_code == 200 and shown.get_json() == body
    # Registered in the new tenant's own log, with who did it.
    entries = audit_log(kernel, "tanah-laut")
    assert [(e.action, e.target_type, e.target_id, e.actor_id) for e in entries] == [
        ("tenant.create", "tenant", body["id"], platform.user_id)
    ]


def test_a_new_tenant_is_usable_right_away(client, make, platform):
    client.post(TENANTS, json=TANAH_LAUT, headers=platform.headers)
    officer = make.user("petugas-tala", {"tanah-laut": ["officer"]})
    r = client.get(url("tanah-laut", "persons"), headers=officer.headers)
    assert r.status_code == 200 and r.get_json() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [({"slug": A_SLUG}, "slug"), ({"kode_wilayah": A_KODE}, "kode_wilayah")],
)
def test_duplicate_slug_or_region_is_a_conflict(client, make, kernel, platform, change, field):
    make.tenant(A_SLUG, A_KODE)
    body = error_of(client.post(TENANTS, json={**TANAH_LAUT, **change}, headers=platform.headers), 409, "tenant_sudah_ada")
    assert field in body["message"] and change[field] in body["message"]
    assert count_rows(kernel, Tenant) == 1


@pytest.mark.parametrize("kode", ["63", "6311", "63.1", "63.11.01.2001.5", "ab.cd", ""])
def test_invalid_region_code_is_a_field_error(client, kernel, platform, kode):
    body = error_of(client.post(TENANTS, json={**TANAH_LAUT, "kode_wilayah": kode}, headers=platform.headers), 422, "data_tidak_valid")
    assert list(body["errors"]) == ["kode_wilayah"]
    assert count_rows(kernel, Tenant) == 0


def test_missing_and_malformed_fields_are_named(client, platform):
    body = error_of(client.post(TENANTS, json={"slug": "Tanah Laut!"}, headers=platform.headers), 422)
    assert body["errors"]["slug"] == ["Slug hanya huruf kecil, angka dan '-'."]
    assert {"kode_wilayah", "nama", "provinsi"} <= set(body["errors"])


def test_platform_admin_edits_and_deactivates_a_tenant(client, make, kernel, platform):
    make.tenant(A_SLUG, A_KODE)
    officer = make.user("petugas", {A_SLUG: ["officer"]})
    r = client.patch(f"{TENANTS}/{A_SLUG}", json={"nama": "Pemerintah Kabupaten Balangan"}, headers=platform.headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["nama"] == "Pemerintah Kabupaten Balangan"
    assert client.get(f"{TENANTS}/{A_SLUG}", headers=platform.headers).get_json()["nama"] == "Pemerintah Kabupaten Balangan"

    r = client.patch(f"{TENANTS}/{A_SLUG}", json={"aktif": False}, headers=platform.headers)
    assert r.status_code == 200 and r.get_json()["aktif"] is False
    # A deactivated tenant's resources are gone for its staff (its data stays).
    error_of(client.get(url(A_SLUG, "persons"), headers=officer.headers), 404, "tenant_tidak_ditemukan")
    assert client.get("/api/v1/auth/me", headers=officer.headers).get_json()["tenants"] == {}
    updates = [e for e in audit_log(kernel, A_SLUG) if e.action == "tenant.update"]
    assert [e.summary["after"] for e in updates] == [{"nama": "Pemerintah Kabupaten Balangan"}, {"aktif": False}]
    assert updates[1].summary["before"] == {"aktif": True}


def test_slug_and_region_cannot_be_changed(client, make, platform):
    make.tenant(A_SLUG, A_KODE)
    body = error_of(client.patch(f"{TENANTS}/{A_SLUG}", json={"slug": "baru", "kode_wilayah": "63.01"}, headers=platform.headers), 422)
    assert set(body["errors"]) == {"slug", "kode_wilayah"}


def test_unknown_tenant_is_404(client, platform):
    error_of(client.get(f"{TENANTS}/tidak-ada", headers=platform.headers), 404, "tenant_tidak_ditemukan")
    error_of(client.patch(f"{TENANTS}/tidak-ada", json={"nama": "Kabupaten Baru"}, headers=platform.headers), 404, "tenant_tidak_ditemukan")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", TENANTS, None),
        ("post", TENANTS, TANAH_LAUT),
        ("get", f"{TENANTS}/{A_SLUG}", None),
        ("patch", f"{TENANTS}/{A_SLUG}", {"nama": "Kabupaten Lain"}),
    ],
)
def test_a_tenant_admin_is_not_a_platform_admin(client, make, kernel, method, path, body):
    make.tenant(A_SLUG, A_KODE)
    admin = make.user("admin-balangan", {A_SLUG: ["tenant_admin"]})
    err = error_of(getattr(client, method)(path, json=body, headers=admin.headers), 403, "tidak_berwenang")
    assert err["message"] == "Hanya admin platform yang boleh melakukan ini."
    assert count_rows(kernel, Tenant) == 1
    assert client.get(f"{TENANTS}/{A_SLUG}", headers=make.user("root", platform_admin=True).headers).get_json()["nama"] == "Kabupaten Balangan"


@pytest.mark.parametrize(("method", "path"), [("get", TENANTS), ("post", TENANTS), ("patch", f"{TENANTS}/{A_SLUG}")])
def test_no_token_is_401(client, make, method, path):
    make.tenant(A_SLUG, A_KODE)
    error_of(getattr(client, method)(path, json={"nama": "Kabupaten Lain"}), 401, "belum_masuk")


def test_two_tenants_see_only_their_own_region(client, make, platform):
    a, b = two_tenants(make)
    tenants = {t["slug"]: t["kode_wilayah"] for t in client.get(TENANTS, headers=platform.headers).get_json()}
    assert tenants == {A_SLUG: A_KODE, B_SLUG: B_KODE}


def test_authorisation_is_checked_before_the_body(client, make):
    make.tenant(A_SLUG, A_KODE)
    admin = make.user("admin-balangan", {A_SLUG: ["tenant_admin"]})
    # Neither a stranger nor a tenant admin learns what the form expects.
    assert "errors" not in error_of(client.post(TENANTS, json={"slug": "?"}), 401, "belum_masuk")
    assert "errors" not in error_of(client.post(TENANTS, data=b"{", headers={**admin.headers, "Content-Type": "application/json"}), 403)
    assert "errors" not in error_of(client.patch(f"{TENANTS}/{A_SLUG}", json={"aktif": "x"}, headers=admin.headers), 403)
