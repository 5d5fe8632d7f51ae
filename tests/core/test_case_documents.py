"""The documents of a case file through the API (any case type; here the fixture plugin's):
upload (multipart, PDF/JPEG/PNG judged by their first bytes, the size limit), the paginated
list for whoever reads the case, the download only for who may read its notes (Perbup Balangan
61/2017 Pasal 29 huruf b), audit entries both ways, 404 for another tenant's or case's ids, no
upload on a closed case, and the person's export listing the documents."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.cases.documents import CaseDocument
from core.db import tenant_context
from core.tenancy.models import Tenant
from tests.refusals import refused

T = "/api/v1/tenants"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
MAX = 4096


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"upload_max_bytes": MAX}


@pytest.fixture
def world(make: Any) -> SimpleNamespace:
    make.tenant("balangan", "63.11")
    make.tenant("tabalong", "63.09")
    make.enable("balangan", profile_id="fixture-perbup")
    make.enable("tabalong")
    return SimpleNamespace(
        admin=make.user("admin.balangan", {"balangan": ["tenant_admin"]}),
        officer=make.user("petugas.balangan", {"balangan": ["officer"]}),
        peksos=make.user("peksos.balangan", {"balangan": ["peksos"]}),
        tks=make.user("tks.balangan", {"balangan": ["tks"]}),
        auditor=make.user("auditor.balangan", {"balangan": ["auditor"]}),
        operator=make.user("operator.balangan", {"balangan": ["lks_operator"]}),
        officer_t=make.user("petugas.tabalong", {"tabalong": ["officer"]}),
        person=make.person("balangan", nama="Ahmad Fauzi"),
        person_t=make.person("tabalong", nama="Siti Aminah"),
    )


def _open(client: Any, actor: Any, person: Any, slug: str = "balangan", assigned: Any = ()) -> str:
    r = client.post(f"{T}/{slug}/cases", json={
        "case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id),
        "assigned": [{"user_id": str(a.user_id), "peran": "peksos"} for a in assigned],
    }, headers=actor.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _upload(client: Any, actor: Any, case_id: str, content: bytes = PDF, name: str = "rujukan.pdf", keterangan: str = "surat rujukan", slug: str = "balangan") -> Any:
    data: dict[str, Any] = {"keterangan": keterangan}
    if content is not None:
        data["berkas"] = (io.BytesIO(content), name)
    return client.post(f"{T}/{slug}/cases/{case_id}/dokumen", data=data, content_type="multipart/form-data", headers=actor.headers)


def _stored(kernel: Any, slug: str = "balangan") -> tuple[int, list[Path]]:
    with kernel.db.unit_of_work() as s:
        tid = s.scalar(select(Tenant.id).where(Tenant.slug == slug))
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        rows = s.scalar(select(func.count()).select_from(CaseDocument))
        audit = s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("case.dokumen.%"))).all()
    root = Path(kernel.settings.document_dir)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return rows, files, sorted(audit)  # type: ignore[return-value]


def test_upload_list_and_download(client: Any, kernel: Any, world: SimpleNamespace) -> None:
    case_id = _open(client, world.officer, world.person, assigned=[world.peksos])
    r = _upload(client, world.peksos, case_id, name="../../rahasia/surat\x07 rujukan.pdf")
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    # The name without its path or control characters; the type from the bytes.
    assert doc["nama_berkas"] == "surat rujukan.pdf" and doc["keterangan"] == "surat rujukan"
    assert doc["content_type"] == "application/pdf" and doc["ukuran"] == len(PDF)
    assert doc["sha256"] == hashlib.sha256(PDF).hexdigest() and doc["diunggah_oleh"] == str(world.peksos.user_id)
    assert "kunci" not in doc
    r = _upload(client, world.officer, case_id, content=JPEG, name="foto rumah.png", keterangan="foto kunjungan rumah")
    assert r.status_code == 201 and r.get_json()["nama_berkas"] == "foto rumah.jpg"  # the bytes say JPEG

    # The list: for every reader of the case, newest first, paginated.
    for reader in (world.auditor, world.tks, world.officer):
        listed = client.get(f"{T}/balangan/cases/{case_id}/dokumen", query_string={"page_size": 1}, headers=reader.headers)
        assert listed.status_code == 200
        assert [d["keterangan"] for d in listed.get_json()] == ["foto kunjungan rumah"]
        assert json.loads(listed.headers["X-Pagination"])["total"] == 2

    got = client.get(f"{T}/balangan/cases/{case_id}/dokumen/{doc['id']}", headers=world.peksos.headers)
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == 'attachment; filename="surat rujukan.pdf"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    rows, files, audit = _stored(kernel)
    assert rows == 2 and len(files) == 2
    assert audit == ["case.dokumen.unduh", "case.dokumen.unggah", "case.dokumen.unggah"]
    events = client.get(f"{T}/balangan/cases/{case_id}/events", headers=world.officer.headers).get_json()
    assert [e["kind"] for e in events].count("document_added") == 2


@pytest.mark.parametrize(("content", "name", "error"), [
    (b"MZ\x90\x00 executable", "surat.pdf", "Jenis berkas tidak didukung; unggah JPG, PDF, PNG."),
    (b"", "kosong.pdf", "Berkas kosong."),
    (b"%PDF-" + b"0" * MAX, "besar.pdf", f"Berkas terlalu besar: {MAX + 5:,} bita; paling besar {MAX:,} bita.".replace(",", ".")),
    (None, None, "Berkas wajib diunggah."),
])
def test_a_refused_file_leaves_neither_row_nor_file(client: Any, kernel: Any, world: SimpleNamespace, content: Any, name: Any, error: str) -> None:
    case_id = _open(client, world.officer, world.person)
    body = refused(_upload(client, world.officer, case_id, content=content, name=name), "data_tidak_valid")
    assert body["errors"] == {"berkas": [error]}
    assert _stored(kernel) == (0, [], [])


def test_who_may_upload_and_download(client: Any, kernel: Any, world: SimpleNamespace) -> None:
    case_id = _open(client, world.officer, world.person, assigned=[world.peksos])
    doc = _upload(client, world.officer, case_id).get_json()
    url = f"{T}/balangan/cases/{case_id}/dokumen/{doc['id']}"
    # cases.write uploads; the auditor and the LKS operator do not.
    for actor in (world.auditor, world.operator):
        refused(_upload(client, actor, case_id), "tidak_berwenang", status=403)
    # The content: the roles with cases.notes.read and the assigned peksos; not the unassigned
    # TKS nor the auditor, who still see the list.
    for actor in (world.admin, world.officer, world.peksos):
        assert client.get(url, headers=actor.headers).status_code == 200
    for actor in (world.tks, world.auditor):
        body = refused(client.get(url, headers=actor.headers), "tidak_berwenang", status=403)
        assert "hanya dapat dibuka oleh petugas yang ditugaskan" in body["message"]
    assert client.get(url, headers=world.operator.headers).status_code == 403
    rows, _files, audit = _stored(kernel)
    assert rows == 1 and audit.count("case.dokumen.unduh") == 3


def test_another_tenants_or_cases_ids_are_not_found(client: Any, world: SimpleNamespace) -> None:
    theirs = _open(client, world.officer_t, world.person_t, slug="tabalong")
    their_doc = _upload(client, world.officer_t, theirs, slug="tabalong").get_json()["id"]
    mine = _open(client, world.officer, world.person)
    other_case = _open(client, world.officer, world.person)
    my_doc = _upload(client, world.officer, other_case).get_json()["id"]
    h = world.admin.headers
    refused(client.get(f"{T}/balangan/cases/{theirs}/dokumen", headers=h), "kasus_tidak_ditemukan", status=404)
    refused(_upload(client, world.admin, theirs), "kasus_tidak_ditemukan", status=404)
    refused(client.get(f"{T}/balangan/cases/{theirs}/dokumen/{their_doc}", headers=h), "kasus_tidak_ditemukan", status=404)
    refused(client.get(f"{T}/balangan/cases/{mine}/dokumen/{their_doc}", headers=h), "dokumen_tidak_ditemukan", status=404)
    # A document of another case of the same tenant is not this case's.
    refused(client.get(f"{T}/balangan/cases/{mine}/dokumen/{my_doc}", headers=h), "dokumen_tidak_ditemukan", status=404)


def test_no_document_is_added_to_a_closed_case(client: Any, kernel: Any, world: SimpleNamespace) -> None:
    case_id = _open(client, world.officer, world.person)
    for stage, data in (("tangani", {}), ("selesai", {"catatan": "tuntas"})):
        etag = client.get(f"{T}/balangan/cases/{case_id}", headers=world.officer.headers).headers["ETag"]
        r = client.post(f"{T}/balangan/cases/{case_id}/advance", json={"to_stage": stage, "data": data}, headers={**world.officer.headers, "If-Match": etag})
        assert r.status_code == 200, r.get_json()
    body = refused(_upload(client, world.officer, case_id), "kasus_sudah_ditutup", status=409)
    assert body["message"] == "Kasus sudah ditutup; dokumen tidak dapat ditambahkan."
    assert _stored(kernel) == (0, [], [])


def test_the_persons_export_lists_their_case_documents(client: Any, world: SimpleNamespace) -> None:
    case_id = _open(client, world.officer, world.person)
    doc = _upload(client, world.officer, case_id).get_json()
    r = client.get(f"{T}/balangan/persons/{world.person.id}/ekspor", headers=world.admin.headers)
    assert r.status_code == 200, r.get_json()
    [case] = r.get_json()["kasus"]
    [exported] = case["dokumen"]
    assert exported["id"] == doc["id"] and exported["nama_berkas"] == "rujukan.pdf" and exported["sha256"] == doc["sha256"]
    assert "kunci" not in exported and "tenant_id" not in exported
