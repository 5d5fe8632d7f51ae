"""The case page's documents, workers and closing, on the API's services and permissions: a
document uploaded and downloaded (its bytes, audited both ways), a bad file refused next to its
field with nothing stored, the content kept from a role that may not read the notes
(Perbup Balangan 61/2017 Pasal 29 huruf b) while the list stays visible, another tenant's ids
404, a double submit storing one document; a worker assigned, refused with the article that
refuses them, and released; a case closed at the stage its type allows, with the page's version."""
from __future__ import annotations

import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.cases.documents import CaseDocument
from core.cases.models import CaseAssignment, CaseEvent
from core.db import tenant_context
from tests.console.pages import Console, Page
from tests.plugins.rehabilitasi.helpers import EXPIRED, PEKSOS_CRED, PERBUP, PP, T, build_world, credential, new_case, tenant_id, walk_to

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STALE = "Data telah diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."


@pytest.fixture
def world(make: Any, kernel: Any) -> dict[str, Any]:
    return build_world(make, kernel)


@pytest.fixture
def w(world: dict[str, Any]) -> Any:
    return world["balangan"]


def _case_url(case_id: str, slug: str = "balangan") -> str:
    return f"/konsol/{slug}/kasus/{case_id}"


def _upload_url(case_id: str) -> str:
    return f"{_case_url(case_id)}/dokumen"


def _stored(kernel: Any, slug: str = "balangan") -> tuple[int, list[Path]]:
    """The tenant's document rows and the files in the document store."""
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        rows = s.scalar(select(func.count()).select_from(CaseDocument).where(CaseDocument.tenant_id == tid))
    root = Path(kernel.settings.document_dir)
    return rows, sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _audited(kernel: Any, action: str) -> list[AuditEntry]:
    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _upload(console: Console, case_id: str, content: bytes = PDF, name: str = "surat rujukan.pdf", keterangan: str = "surat rujukan", form: Any = None) -> Any:
    form = form or console.get(_case_url(case_id)).form(_upload_url(case_id))
    data = {**form.fields, "keterangan": keterangan, "berkas": (io.BytesIO(content), name)}
    return console.client.post(_upload_url(case_id), data=data, content_type="multipart/form-data")


def _as(app: Any, user: Any) -> Console:
    """Another browser, logged in as `user`."""
    other = Console(app.test_client())
    assert other.login(user.username).status_code == 303
    return other


def _download_links(page: Page) -> list[str]:
    return re.findall(r'href="(/konsol/balangan/kasus/[0-9a-f-]{36}/dokumen/[0-9a-f-]{36})"', page.html)


# -- documents -------------------------------------------------------------------------------------


def test_an_uploaded_document_is_listed_and_downloads_its_bytes_audited_both_ways(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)  # the peksos is its primary worker: reads its notes
    console.login(w.peksos.username)
    r = _upload(console, case_id)
    assert r.status_code == 303 and r.headers["Location"] == f"{_case_url(case_id)}#dokumen"

    page = console.get(_case_url(case_id))
    [row] = page.rows("dokumen")
    assert row[0] == "surat rujukan.pdf" and row[1] == "surat rujukan"
    assert row[2] == f"{len(PDF)} bita" and row[4] == "Peksos.Balangan"
    assert "Dokumen diunggah" in page.text()  # in the case history
    [link] = _download_links(page)
    got = client.get(link)
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == 'attachment; filename="surat rujukan.pdf"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"

    # The API lists the same document.
    [api_doc] = client.get(f"{T}/balangan/cases/{case_id}/dokumen", headers=w.officer.headers).get_json()
    assert link.endswith(api_doc["id"]) and api_doc["diunggah_oleh"] == str(w.peksos.user_id)
    [up] = _audited(kernel, "case.dokumen.unggah")
    [down] = _audited(kernel, "case.dokumen.unduh")
    assert (up.actor_id, str(up.target_id)) == (w.peksos.user_id, case_id)
    assert (down.actor_id, down.summary["dokumen_id"]) == (w.peksos.user_id, api_doc["id"])


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_next_to_its_field_and_nothing_is_stored(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    before = _stored(kernel)
    # A renamed executable: the name says PDF, the first bytes do not.
    page = Page(_upload(console, case_id, content=b"MZ\x90\x00 not a pdf", name="surat.pdf", keterangan="surat rujukan"))
    assert page.status == 422
    assert page.field_error("berkas") == "Jenis berkas tidak didukung; unggah JPG, PDF, PNG."
    assert page.input_value("keterangan") == "surat rujukan"  # what was typed kept
    assert _stored(kernel) == before == (0, [])
    # A missing description is the schema's field error, in the page's language.
    page = Page(_upload(console, case_id, keterangan=""))
    assert page.status == 422 and page.field_error("keterangan") == "Wajib diisi."
    assert _stored(kernel) == (0, [])


def test_a_role_without_the_notes_right_sees_the_list_but_not_the_content(app: Any, console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    assert _upload(console, case_id).status_code == 303
    [doc] = client.get(f"{T}/balangan/cases/{case_id}/dokumen", headers=w.officer.headers).get_json()
    url = f"{_case_url(case_id)}/dokumen/{doc['id']}"

    # The auditor reads cases but not their notes; the TKS is not assigned to this one.
    for reader in (w.auditor, w.tks):
        api = client.get(f"{T}/balangan/cases/{case_id}/dokumen/{doc['id']}", headers=reader.headers)
        assert api.status_code == 403 and api.get_json()["code"] == "tidak_berwenang"
        browser = _as(app, reader)
        page = browser.get(_case_url(case_id))
        assert page.rows("dokumen")[0][:2] == ["surat rujukan.pdf", "surat rujukan"]
        assert _download_links(page) == []
        assert "Anda melihat daftarnya saja" in page.text()
        refused = browser.get(url)
        assert refused.status == 403 and PDF.decode() not in refused.html
        assert api.get_json()["message"] in refused.text()
    # Only the peksos' own download was ever audited: none here.
    assert _audited(kernel, "case.dokumen.unduh") == []
    # The auditor cannot upload either (cases.write), as the API refuses.
    auditor = _as(app, w.auditor)
    page = auditor.get(_case_url(case_id))
    assert not [f for f in page.forms if f.action == _upload_url(case_id)]
    r = auditor.client.post(_upload_url(case_id), data={"csrf_token": page.csrf, "submission_id": str(uuid.uuid4()), "keterangan": "x y",
                                                "berkas": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 403
    assert _stored(kernel)[0] == 1


def test_another_tenants_case_and_document_are_not_found(console: Console, client: Any, kernel: Any, world: dict[str, Any]) -> None:
    b, t = world["balangan"], world["tabalong"]
    theirs = new_case(client, t)
    r = client.post(f"{T}/tabalong/cases/{theirs}/dokumen", data={"keterangan": "surat", "berkas": (io.BytesIO(PDF), "a.pdf")},
                    content_type="multipart/form-data", headers=t.officer.headers)
    assert r.status_code == 201, r.get_json()
    their_doc = r.get_json()["id"]
    mine = new_case(client, b)
    console.login(b.officer.username)  # cases.notes.read: would read any of Balangan's
    assert console.get(_case_url(theirs)).status == 404
    assert console.get(f"{_case_url(theirs)}/dokumen/{their_doc}").status == 404
    # Tabalong's document under a Balangan case: as if it did not exist.
    assert console.get(f"{_case_url(mine)}/dokumen/{their_doc}").status == 404
    page = console.get(_case_url(mine))
    r = client.post(f"{_case_url(theirs)}/dokumen", data={"csrf_token": page.csrf, "submission_id": str(uuid.uuid4()), "keterangan": "surat",
                                                          "berkas": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 404
    assert _stored(kernel, "tabalong")[0] == 1


def test_the_same_upload_sent_twice_stores_one_document(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    form = console.get(_case_url(case_id)).form(_upload_url(case_id))
    first = _upload(console, case_id, form=form)
    again = _upload(console, case_id, form=form)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    rows, files = _stored(kernel)
    assert rows == 1 and len(files) == 1


# -- workers ---------------------------------------------------------------------------------------


def test_assigning_and_releasing_a_worker(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.officer.username)
    page = console.get(_case_url(case_id))
    form = page.form(f"{_case_url(case_id)}/petugas")
    # The tenant's case workers are offered, not the auditor; the primary worker is on it already.
    options = page.html.split('name="user_id"')[1].split("</select>")[0]
    assert "Tks.Balangan (Tenaga Kesejahteraan Sosial)" in options and "Peksos2.Balangan (Pekerja Sosial Profesional)" in options
    assert "Auditor.Balangan" not in options and "Peksos.Balangan" not in options
    assert re.findall(r'name="peran">\s*(.*?)</select>', page.html, re.S)[0].count("<option") == 2  # utama, pendukung
    r = client.post(f"{_case_url(case_id)}/petugas", data={**form.fields, "user_id": str(w.tks.user_id), "peran": "pendukung"})
    assert r.status_code == 303 and r.headers["Location"] == f"{_case_url(case_id)}#petugas"
    assigned = client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).get_json()["assigned"]
    assert {(a["user_id"], a["peran"]) for a in assigned} == {(str(w.peksos.user_id), "utama"), (str(w.tks.user_id), "pendukung")}

    release = f"{_case_url(case_id)}/petugas/{w.tks.user_id}/lepas"
    assert console.get(_case_url(case_id)).form(release).buttons == ["Lepas Tks.Balangan dari kasus"]
    r = console.submit(_case_url(case_id), release)
    assert r.status_code == 303
    events = client.get(f"{T}/balangan/cases/{case_id}/events", headers=w.officer.headers).get_json()
    assert [e["kind"] for e in events][-2:] == ["assigned", "unassigned"]
    assert "Petugas dilepas" in console.get(_case_url(case_id)).text()


def test_an_assignment_the_rules_refuse_shows_the_article_and_writes_nothing(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w, with_worker=False)
    credential(kernel, "balangan", w.peksos2, **{**PEKSOS_CRED, "sertifikat_berlaku_sampai": EXPIRED})
    console.login(w.officer.username)
    form = console.get(_case_url(case_id)).form(f"{_case_url(case_id)}/petugas")
    page = Page(client.post(f"{_case_url(case_id)}/petugas", data={**form.fields, "user_id": str(w.peksos2.user_id), "peran": "utama"}))
    assert page.status == 422
    assert "Pekerja Sosial Profesional tidak memiliki sertifikat kompetensi yang berlaku pada" in page.text()
    assert f"Dasar hukum: {PP} Pasal 8" in page.text()
    assert page.field_error("user_id") == "Sertifikat kompetensi tidak ada atau sudah kedaluwarsa."
    assert re.search(rf'<option value="{w.peksos2.user_id}" selected>', page.html)  # the choice kept
    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        assert s.scalar(select(func.count()).select_from(CaseAssignment)) == 0


def test_a_role_without_cases_assign_has_no_assign_form_and_is_refused_like_the_api(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    api = client.post(f"{T}/balangan/cases/{case_id}/assignments", json={"user_id": str(w.peksos2.user_id), "peran": "pendukung"}, headers=w.tks.headers)
    assert api.status_code == 403
    console.login(w.tks.username)
    page = console.get(_case_url(case_id))
    assert not [f for f in page.forms if "/petugas" in f.action]
    r = client.post(f"{_case_url(case_id)}/petugas", data={"csrf_token": page.csrf, "submission_id": str(uuid.uuid4()),
                                                           "user_id": str(w.peksos2.user_id), "peran": "pendukung"})
    assert r.status_code == 403 and api.get_json()["message"] in Page(r).text()
    r = client.post(f"{_case_url(case_id)}/petugas/{w.peksos.user_id}/lepas", data={"csrf_token": page.csrf, "submission_id": str(uuid.uuid4())})
    assert r.status_code == 403
    assigned = client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).get_json()["assigned"]
    assert [a["user_id"] for a in assigned] == [str(w.peksos.user_id)]


# -- closing ---------------------------------------------------------------------------------------


def test_closing_is_offered_at_the_stage_the_type_allows_and_closes_the_case(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    close = f"{_case_url(case_id)}/tutup"
    console.login(w.peksos.username)
    page = console.get(_case_url(case_id))
    assert not [f for f in page.forms if f.action == close]  # pendekatan awal: not closable
    # Sent anyway: the service refuses it with the article ordering the stages.
    refused = Page(client.post(close, data={"csrf_token": page.csrf, "submission_id": str(uuid.uuid4()), "versi": page.input_value("versi")}))
    assert refused.status == 422
    assert "Kasus hanya dapat ditutup pada tahap: Bimbingan Lanjut." in refused.text()
    assert f"Dasar hukum: {PERBUP} Pasal 18 ayat (1)" in refused.text()

    walk_to(client, w, case_id, "bimbingan_lanjut")
    form = console.get(_case_url(case_id)).form(close)
    r = client.post(close, data={**form.fields, "catatan": "Klien mandiri."})
    assert r.status_code == 303 and r.headers["Location"] == _case_url(case_id)
    case = client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).get_json()
    assert case["status"] == "closed" and case["closed_at"]
    page = console.get(_case_url(case_id))
    assert "Ditutup" in page.text() and "Klien mandiri." in page.text()
    # A closed case's file takes no more documents: no form, and the API says why.
    assert not [f for f in page.forms if f.action == _upload_url(case_id)]
    assert "Kasus sudah ditutup; dokumen tidak dapat ditambahkan." in page.text()
    api = client.post(f"{T}/balangan/cases/{case_id}/dokumen", data={"keterangan": "surat", "berkas": (io.BytesIO(PDF), "a.pdf")},
                      content_type="multipart/form-data", headers=w.officer.headers)
    assert api.status_code == 409 and api.get_json()["code"] == "kasus_sudah_ditutup"
    assert _stored(kernel) == (0, [])


def test_closing_from_a_stale_page_is_refused_like_a_stale_if_match(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "bimbingan_lanjut")
    console.login(w.peksos.username)
    form = console.get(_case_url(case_id)).form(f"{_case_url(case_id)}/tutup")
    # Someone else changes the case meanwhile (an update bumps its version).
    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        from core.cases.models import Case

        case = s.get(Case, (tid, uuid.UUID(case_id)))
        case.data = {**case.data, "catatan_lain": "diubah"}
    page = Page(client.post(f"{_case_url(case_id)}/tutup", data=form.fields))
    assert page.status == 412 and STALE in page.text()
    assert client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).get_json()["status"] == "open"
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        assert s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "closed")) == 0
