"""Bad input and odd requests: every answer is JSON `{"code", "message", "errors"?}` in Bahasa
Indonesia, field errors name the field, and a failing request writes nothing. Also: the OpenAPI
document and the interactive docs, served without any CDN."""
from __future__ import annotations

import json
import re

import pytest

from core.audit import AuditEntry
from core.registry.models import Organization, Person
from core.tenancy.models import Tenant
from tests.core.api.helpers import A_SLUG, SITI, count_rows, error_of, two_tenants, url

PERSONS = url(A_SLUG, "persons")
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def officer(make):
    two_tenants(make)
    return make.user("petugas", {A_SLUG: ["officer", "tenant_admin"]})


def _nothing_written(kernel) -> None:
    assert count_rows(kernel, Person, A_SLUG) == 0
    assert count_rows(kernel, Organization, A_SLUG) == 0
    assert count_rows(kernel, AuditEntry, A_SLUG, target_type="person") == 0


# --- malformed bodies -----------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{bad", b'{"nik": "6311014509870001",}', b"\xff\xfe{", b"{'nik': 1}"])
def test_malformed_json_is_422_json_tidak_sah(client, kernel, officer, raw):
    body = error_of(client.post(PERSONS, data=raw, headers={**officer.headers, **JSON}), 422, "json_tidak_sah")
    assert body["message"] == "Badan permintaan bukan JSON yang sah."
    _nothing_written(kernel)


def test_malformed_json_on_login_is_422_too(client):
    error_of(client.post("/api/v1/auth/login", data=b"{username:", headers=JSON), 422, "json_tidak_sah")


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"Siti"', b"42", b"null"])
def test_json_that_is_not_an_object_is_refused(client, kernel, officer, raw):
    error_of(client.post(PERSONS, data=raw, headers={**officer.headers, **JSON}), 422)
    _nothing_written(kernel)


def test_wrong_types_are_field_errors(client, kernel, officer):
    r = client.post(PERSONS, json={"nik": 6311014509870001, "nama": ["Siti"], "tanggal_lahir": True, "jenis_kelamin": None}, headers=officer.headers)
    body = error_of(r, 422, "data_tidak_valid")
    assert body["message"] == "Data yang dikirim tidak valid."
    assert set(body["errors"]) == {"nik", "nama", "tanggal_lahir", "jenis_kelamin"}
    assert all(isinstance(v, list) and v for v in body["errors"].values())
    _nothing_written(kernel)


def test_wrong_types_in_other_resources(client, kernel, officer):
    body = error_of(
        client.post(url(A_SLUG, "organizations"), json={"nama": "LKS Harapan", "jenis": "lks", "berbadan_hukum": "mungkin"}, headers=officer.headers),
        422,
    )
    assert set(body["errors"]) == {"berbadan_hukum"}
    body = error_of(client.post(url(A_SLUG, "staff"), json={"username": "budi", "nama": "Budi", "password": "x" * 12, "roles": "officer"}, headers=officer.headers), 422)
    assert set(body["errors"]) == {"roles"}
    _nothing_written(kernel)


def test_unknown_fields_are_refused_by_name(client, kernel, officer):
    body = error_of(client.post(PERSONS, json={**SITI, "agama": "Islam", "is_admin": True}, headers=officer.headers), 422, "data_tidak_valid")
    assert set(body["errors"]) == {"agama", "is_admin"}
    _nothing_written(kernel)


def test_unknown_fields_are_refused_on_update(client, officer):
    created = client.post(PERSONS, json=SITI, headers=officer.headers)
    pid = created.get_json()["id"]
    body = error_of(
        client.patch(f"{PERSONS}/{pid}", json={"version": 7, "tenant_id": "x"}, headers={**officer.headers, "If-Match": created.headers["ETag"]}),
        422,
    )
    assert set(body["errors"]) == {"version", "tenant_id"}
    assert client.get(f"{PERSONS}/{pid}", headers=officer.headers).headers["ETag"] == created.headers["ETag"]


def test_read_only_fields_cannot_be_sent(client, kernel, officer):
    body = error_of(client.post(url(A_SLUG, "households"), json={"id": "0" * 32, "nomor_kk": "6311010101100001"}, headers=officer.headers), 422)
    assert set(body["errors"]) == {"id"}


@pytest.mark.parametrize(
    ("field", "length"),
    [("nama", 201), ("alamat", 501)],
)
def test_over_long_strings_are_field_errors(client, kernel, officer, field, length):
    body = error_of(client.post(PERSONS, json={**SITI, field: "a" * length}, headers=officer.headers), 422, "data_tidak_valid")
    assert set(body["errors"]) == {field}
    _nothing_written(kernel)


def test_over_long_strings_in_a_tenant_are_field_errors(client, kernel, make):
    platform = make.user("root", platform_admin=True)
    body = error_of(
        client.post(
            "/api/v1/tenants",
            json={"slug": "x" * 64, "kode_wilayah": "63.01", "nama": "K" * 201, "provinsi": "Kalimantan Selatan"},
            headers=platform.headers,
        ),
        422,
    )
    assert set(body["errors"]) == {"slug", "nama"}
    assert count_rows(kernel, Tenant) == 0


def test_body_over_the_size_limit_is_413_json(client, kernel, app, officer):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = json.dumps({**SITI, "alamat": "a" * (limit + 1)})
    body = error_of(client.post(PERSONS, data=big, headers={**officer.headers, **JSON}), 413, "terlalu_besar")
    assert body["message"] == "Badan permintaan melebihi batas ukuran."
    _nothing_written(kernel)


def test_body_over_the_size_limit_on_login_is_413_json(client, app):
    big = b'{"username": "' + b"a" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    error_of(client.post("/api/v1/auth/login", data=big, headers=JSON), 413, "terlalu_besar")


# --- wrong method, unknown address, bad path and query parameters ---------------------------


@pytest.mark.parametrize(("method", "path"), [("put", PERSONS), ("delete", PERSONS), ("delete", "/api/v1/tenants"), ("get", "/api/v1/auth/login")])
def test_wrong_method_is_405_json(client, kernel, officer, method, path):
    body = error_of(getattr(client, method)(path, json={}, headers=officer.headers), 405, "metode_tidak_diizinkan")
    assert body["message"] == "Metode HTTP ini tidak diizinkan untuk alamat ini."
    _nothing_written(kernel)


def test_405_names_the_allowed_methods(client, officer):
    r = client.delete(PERSONS, headers=officer.headers)
    assert r.status_code == 405
    assert {m.strip() for m in r.headers.get("Allow", "").split(",")} >= {"GET", "POST"}


def test_401_tells_the_client_to_use_a_bearer_token(client):
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_unknown_address_is_404_json(client, officer):
    error_of(client.get("/api/v1/tidak-ada"), 404, "tidak_ditemukan")
    error_of(client.get(url(A_SLUG, "tidak-ada"), headers=officer.headers), 404)


def test_an_id_that_is_not_a_uuid_is_404(client, officer):
    error_of(client.get(f"{PERSONS}/123", headers=officer.headers), 404, "tidak_ditemukan")


@pytest.mark.parametrize(("query", "field"), [({"page": "satu"}, "page"), ({"page": 0}, "page"), ({"page_size": 1000}, "page_size")])
def test_bad_pagination_parameters_are_field_errors(client, officer, query, field):
    body = error_of(client.get(PERSONS, query_string=query, headers=officer.headers), 422, "data_tidak_valid")
    assert set(body["errors"]) == {field}


def test_error_bodies_carry_only_the_documented_keys(client, kernel, officer):
    responses = [
        client.post(PERSONS, data=b"{", headers={**officer.headers, **JSON}),
        client.post(PERSONS, json={"nik": "1"}, headers=officer.headers),
        client.get(url("tidak-ada", "persons"), headers=officer.headers),
        client.get("/api/v1/auth/me", headers={"Authorization": "Bearer x"}),
        client.delete(PERSONS, headers=officer.headers),
    ]
    for r in responses:
        body = r.get_json()
        assert r.status_code >= 400 and set(body) <= {"code", "message", "errors", "citation", "citation_detail", "warnings"}, body
        assert re.fullmatch(r"[a-z_]+", body["code"]), body
    _nothing_written(kernel)


# --- the API's own description ------------------------------------------------------------------


def test_openapi_document_lists_the_kernel_resources(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    spec = json.loads(r.get_data(as_text=True))
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "Kesos API"
    paths = spec["paths"]
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/tenants",
        "/api/v1/tenants/{slug}",
        "/api/v1/tenants/{tenant}/persons",
        "/api/v1/tenants/{tenant}/persons/{person_id}",
        "/api/v1/tenants/{tenant}/households",
        "/api/v1/tenants/{tenant}/households/{household_id}",
        "/api/v1/tenants/{tenant}/organizations",
        "/api/v1/tenants/{tenant}/organizations/{org_id}",
        "/api/v1/tenants/{tenant}/staff",
        "/api/v1/tenants/{tenant}/staff/{user_id}",
        "/api/v1/tenants/{tenant}/audit",
        "/api/v1/tenants/{tenant}/calendar/days-off",
        "/api/v1/tenants/{tenant}/calendar/days-off/{tanggal}",
        "/api/v1/tenants/{tenant}/calendar/deadline",
    ]:
        assert path in paths, path
    persons = paths["/api/v1/tenants/{tenant}/persons"]
    assert set(persons) >= {"get", "post"}
    # Request bodies and responses stay documented (permission checks wrap the views).
    assert "requestBody" in persons["post"] and "201" in persons["post"]["responses"]
    assert "patch" in paths["/api/v1/tenants/{tenant}/persons/{person_id}"]
    assert "requestBody" in paths["/api/v1/tenants"]["post"]
    # Login needs no token; everything else uses the bearer scheme.
    assert paths["/api/v1/auth/login"]["post"]["security"] == []
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_openapi_needs_no_token(client):
    assert client.get("/api/openapi.json").status_code == 200


def test_interactive_docs_are_served_locally(client):
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    # Government networks are often closed: no CDN, no external host at all.
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.data) > 1000, asset
    bundle = client.get(next(a for a in assets if a.endswith("swagger-ui-bundle.js")))
    assert "javascript" in bundle.mimetype and b"SwaggerUIBundle" in bundle.data
    assert '"/api/openapi.json"' in html


def test_docs_static_does_not_serve_files_outside_the_bundle(client):
    r = client.get("/api/docs/static/../../../core/config.py")
    assert r.status_code == 404
    assert b"SECRET_KEY" not in r.data
