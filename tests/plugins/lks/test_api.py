"""The LKS API in the OpenAPI document, and who may do what: processing is the Dinas Sosial's,
an auditor reads, case workers of other services and other kabupaten are refused."""
from __future__ import annotations

import pytest

from tests.plugins.lks.helpers import T, new_application, refused

P = "/api/v1/tenants/{tenant}/lks"
PATHS = {
    "/pendaftaran": {"get", "post"},
    "/pendaftaran/{case_id}": {"get"},
    "/pendaftaran/{case_id}/dokumen": {"post"},
    "/pendaftaran/{case_id}/lengkap": {"post"},
    "/pendaftaran/{case_id}/terbitkan": {"post"},
    "/pendaftaran/{case_id}/tanda-pendaftaran": {"get"},
    "/dokumen/{dokumen_id}/berkas": {"get"},
    "/lembaga": {"get", "post"},
    "/lembaga/{organization_id}": {"get"},
    "/lembaga/{organization_id}/operator": {"put"},
    "/lembaga/{organization_id}/sanksi": {"post"},
    "/peringatan": {"get"},
    "/pengaturan": {"get", "put"},
    "/publik/terdaftar": {"get"},
    "/asing": {"get", "post"},
    "/asing/{organization_id}": {"get"},
    "/asing/{organization_id}/izin": {"post"},
    "/asing/{organization_id}/izin-teknis": {"post"},
    "/asing/{organization_id}/laporan": {"post"},
    "/asing/{organization_id}/pelanggaran": {"post"},
    "/sanksi": {"get"},
    "/sanksi/{sanksi_id}/dokumen": {"get"},
    "/sanksi/{sanksi_id}/denda": {"put"},
    "/pelanggaran/{pelanggaran_id}/pencabutan": {"post"},
}


def test_every_lks_path_is_in_the_openapi_spec(client):
    spec = client.get("/api/openapi.json").get_json()
    ours = {p[len(P):]: set(m) & {"get", "post", "put", "delete"} for p, m in spec["paths"].items() if p.startswith(P)}
    assert ours == PATHS
    upload = spec["paths"][f"{P}/pendaftaran/{{case_id}}/dokumen"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data"}
    schema = spec["components"]["schemas"][upload["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["berkas"]["format"] == "binary" and "jenis" in schema["properties"]
    # the public register asks for no login; everything else does
    assert spec["paths"][f"{P}/publik/terdaftar"]["get"]["security"] == []
    assert all("security" not in op for path, ops in spec["paths"].items() if path.startswith(P) and "publik" not in path for op in ops.values() if isinstance(op, dict) and "responses" in op)


@pytest.mark.parametrize("role", ["peksos"])
def test_case_workers_of_other_services_have_no_lks_rights(client, world, role):
    b = world["balangan"]
    actor = getattr(b, role)
    refused(client.get(f"{T}/balangan/lks/pendaftaran", headers=actor.headers), "tidak_berwenang", status=403)
    refused(client.post(f"{T}/balangan/lks/asing", json={}, headers=actor.headers), "tidak_berwenang", status=403)


def test_an_auditor_reads_but_does_not_process(client, world):
    b = world["balangan"]
    app = new_application(client, b)
    assert client.get(f"{T}/balangan/lks/pendaftaran/{app['id']}", headers=b.auditor.headers).status_code == 200
    assert client.get(f"{T}/balangan/lks/sanksi", headers=b.auditor.headers).status_code == 200
    for method, path in (("post", f"pendaftaran/{app['id']}/lengkap"), ("put", "pengaturan"), ("post", "asing"), ("post", f"lembaga/{app['organization_id']}/sanksi")):
        r = getattr(client, method)(f"{T}/balangan/lks/{path}", json={}, headers=b.auditor.headers)
        refused(r, "tidak_berwenang", status=403)


def test_a_disabled_service_answers_404_and_keeps_its_data(client, kernel, world):
    b = world["balangan"]
    app = new_application(client, b)
    assert client.put(f"{T}/balangan/plugins/lks", json={"enabled": False}, headers=b.admin.headers).status_code == 200
    assert client.get(f"{T}/balangan/lks/pendaftaran/{app['id']}", headers=b.officer.headers).status_code == 404
    assert client.put(f"{T}/balangan/plugins/lks", json={"enabled": True}, headers=b.admin.headers).status_code == 200
    assert client.get(f"{T}/balangan/lks/pendaftaran/{app['id']}", headers=b.officer.headers).get_json()["nama_lembaga"] == app["nama_lembaga"]
