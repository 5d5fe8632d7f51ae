"""The case workers' pages: the list of cases (the API's filters and permission), a case with its
stages, checklist and history, and moving it on through the API's `advance_case` — a refusal
shown with its article and nothing written, a stale page refused like a stale If-Match, a role
without `cases.write` refused as by the API."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from core.cases.models import Case
from core.cases.services import case_profile
from core.db import tenant_context
from core.tenancy.models import Tenant

from tests.console.pages import Console, Page

WIB = timezone(timedelta(hours=7))
from tests.plugins.rehabilitasi.helpers import PERBUP, T, advance, build_world, counts, kegiatan, new_case, tenant_id

STALE = "Data telah diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."


@pytest.fixture
def world(make: Any, kernel: Any) -> dict[str, Any]:
    """Balangan on Perbup Balangan 61/2017, Tabalong beside it on the national PP."""
    return build_world(make, kernel)


@pytest.fixture
def w(world: dict[str, Any]) -> Any:
    return world["balangan"]


def _case_url(case_id: str) -> str:
    return f"/konsol/balangan/kasus/{case_id}"


def _advance_url(case_id: str) -> str:
    return f"/konsol/balangan/kasus/{case_id}/maju"


def _listed(page: Page) -> list[str]:
    """The case ids the list links to."""
    return [m for m in re.findall(r'href="/konsol/balangan/kasus/([0-9a-f-]{36})"', page.html)]


def test_the_list_shows_what_the_api_lists_with_its_filters(console: Console, client: Any, w: Any) -> None:
    mine = new_case(client, w)  # the Balangan peksos is its primary worker
    other = new_case(client, w, with_worker=False)
    assert advance(client, w, mine, "pengungkapan_pemahaman_masalah").status_code == 200
    console.login(w.peksos.username)

    page = console.get("/konsol/balangan/kasus")
    assert page.status == 200
    assert set(_listed(page)) == {mine, other}
    assert "Kasus" in page.menu
    # No NIK in a list, not even masked digits that could be a whole one.
    assert re.search(r"\d{16}", page.text()) is None
    assert "Rahmat Hidayat" in page.text()

    api_mine = client.get(f"{T}/balangan/cases?assigned_to=me", headers=w.peksos.headers).get_json()
    assert _listed(console.get("/konsol/balangan/kasus?saya=1")) == [c["id"] for c in api_mine] == [mine]
    assert _listed(console.get("/konsol/balangan/kasus?stage=pengungkapan_pemahaman_masalah")) == [mine]
    assert _listed(console.get("/konsol/balangan/kasus?stage=pendekatan_awal&plugin=rehabilitasi")) == [other]
    assert _listed(console.get("/konsol/balangan/kasus?status=closed")) == []
    # A filter value the API's schema refuses is said, not silently ignored.
    page = console.get("/konsol/balangan/kasus?status=hilang")
    assert page.status == 200 and _listed(page) == []
    assert "Harus salah satu dari: open, closed." in page.text()


def test_the_list_is_refused_to_a_role_the_api_refuses(console: Console, client: Any, make: Any, w: Any) -> None:
    operator = make.user("operator.balangan", {"balangan": ["lks_operator"]})
    assert client.get(f"{T}/balangan/cases", headers=operator.headers).status_code == 403
    console.login("operator.balangan")
    page = console.get("/konsol/balangan/kasus")
    assert page.status == 403
    assert "cases.read" in page.text()
    assert "Kasus" not in console.get("/konsol/balangan/").menu


def _opened_at(kernel: Any, case_id: str) -> datetime:
    from core.cases.models import CaseEvent

    with kernel.db.unit_of_work(tenant_id(kernel, "balangan")) as s:
        at = s.scalar(select(CaseEvent.at).where(CaseEvent.case_id == uuid.UUID(case_id), CaseEvent.kind == "opened"))
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def test_the_case_page_shows_stages_checklist_and_history(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    assert kegiatan(client, w, case_id, "identifikasi").status_code == 201
    console.login(w.peksos.username)
    page = console.get(_case_url(case_id))
    assert page.status == 200
    text = page.text()
    # All seven stages in order, the current one marked.
    stages = re.findall(r'<li class="tahapan__langkah[^"]*"[^>]*>\s*([^<]+?)\s*(?:<|$)', page.html)
    assert stages == [
        "Pendekatan Awal", "Pengungkapan dan Pemahaman Masalah", "Penyusunan Rencana Pemecahan Masalah",
        "Pemecahan Masalah", "Resosialisasi", "Terminasi", "Bimbingan Lanjut",
    ]
    assert re.search(r'aria-current="step">\s*Pendekatan Awal', page.html)
    # The current stage's activities from the Perbup (Pasal 19 ayat (1)), the recorded one ticked.
    assert "☑ identifikasi sudah dicatat" in text
    assert "☐ motivasi belum" in text
    # The history: opened, the worker assigned — at the WIB wall-clock time, not UTC.
    assert "Dibuka pada tahap Pendekatan Awal" in text and "Petugas ditugaskan" in text
    opened_at = _opened_at(kernel, case_id)
    assert "Waktu (WIB)" in text and opened_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M") in text


def test_advancing_moves_the_case_and_records_the_note(console: Console, client: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    form = console.get(_case_url(case_id)).form(_advance_url(case_id))
    r = client.post(_advance_url(case_id), data={**form.fields, "to_stage": "pengungkapan_pemahaman_masalah", "catatan": "Klien bersedia."})
    assert r.status_code == 303 and r.headers["Location"] == _case_url(case_id)
    assert client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).get_json()["stage"] == "pengungkapan_pemahaman_masalah"
    page = console.get(_case_url(case_id))
    assert "Pindah dari Pendekatan Awal ke Pengungkapan dan Pemahaman Masalah" in page.text()
    assert "Klien bersedia." in page.text()  # the assigned peksos reads the notes
    # The same form sent again (a double click) moves nothing a second time.
    again = client.post(_advance_url(case_id), data={**form.fields, "to_stage": "pengungkapan_pemahaman_masalah"})
    assert again.status_code == 303 and again.headers["Location"] == _case_url(case_id)
    events = client.get(f"{T}/balangan/cases/{case_id}/events", headers=w.officer.headers).get_json()
    assert [e["kind"] for e in events].count("advanced") == 1


def test_a_refused_move_shows_the_message_and_article_and_writes_nothing(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    for stage in ("pengungkapan_pemahaman_masalah", "penyusunan_rencana"):
        assert advance(client, w, case_id, stage).status_code == 200
    console.login(w.peksos.username)
    before = counts(kernel, "balangan")
    form = console.get(_case_url(case_id)).form(_advance_url(case_id))
    page = Page(client.post(_advance_url(case_id), data={**form.fields, "to_stage": "pemecahan_masalah", "catatan": "mulai"}))
    assert page.status == 422
    assert "Rencana pemecahan masalah belum disusun; tahap pemecahan masalah belum dapat dimulai." in page.text()
    assert f"Dasar hukum: {PERBUP} Pasal 18 ayat (1)" in page.text()
    assert page.html.index("pelanggaran") < page.html.index('name="to_stage"')  # above the form
    assert 'name="catatan"' in page.html and ">mulai</textarea>" in page.html  # what was typed kept
    assert counts(kernel, "balangan") == before
    assert client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).get_json()["stage"] == "penyusunan_rencana"


def test_a_stale_page_gets_the_412_message_and_writes_nothing(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    form = console.get(_case_url(case_id)).form(_advance_url(case_id))
    assert advance(client, w, case_id, "pengungkapan_pemahaman_masalah").status_code == 200  # someone else, meanwhile
    before = counts(kernel, "balangan")
    page = Page(client.post(_advance_url(case_id), data={**form.fields, "to_stage": "pengungkapan_pemahaman_masalah"}))
    assert page.status == 412
    assert STALE in page.text()
    assert counts(kernel, "balangan") == before


def test_a_role_without_cases_write_has_no_advance_form_and_is_refused_like_the_api(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    etag = client.get(f"{T}/balangan/cases/{case_id}", headers=w.auditor.headers).headers["ETag"]
    api = client.post(
        f"{T}/balangan/cases/{case_id}/advance", json={"to_stage": "pengungkapan_pemahaman_masalah"},
        headers={**w.auditor.headers, "If-Match": etag},
    )
    assert api.status_code == 403
    console.login(w.auditor.username)
    page = console.get(_case_url(case_id))
    assert page.status == 200
    assert not [f for f in page.forms if f.action == _advance_url(case_id)]
    # Not assigned and without cases.notes.read: the history without its notes (Pasal 29 huruf b).
    assert "Anda melihat riwayatnya saja" in page.text()
    before = counts(kernel, "balangan")
    r = client.post(_advance_url(case_id), data={"csrf_token": page.csrf, "submission_id": "0b6f1f7e-0000-4000-8000-000000000001", "to_stage": "pengungkapan_pemahaman_masalah", "versi": "1"})
    assert r.status_code == 403
    assert api.get_json()["message"] in Page(r).text()
    assert counts(kernel, "balangan") == before


def test_a_case_of_another_tenant_is_not_found(console: Console, client: Any, world: dict[str, Any]) -> None:
    tabalong_case = new_case(client, world["tabalong"])
    console.login(world["balangan"].peksos.username)
    assert console.get(_case_url(tabalong_case)).status == 404


def _checklist(kernel: Any, slug: str, case_id: str) -> Any:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        tenant = s.get(Tenant, tid)
        case = s.scalar(select(Case).where(Case.id == uuid.UUID(case_id)))
        return kernel.hooks(s, tenant).kesos_case_checklist(session=s, case=case, profile=case_profile(s, kernel, tenant, case))


def test_hook_kesos_case_checklist(console: Console, client: Any, kernel: Any, world: dict[str, Any]) -> None:
    """The rehabilitasi plugin lists the Perbup's activities of the current stage (Pasal 19
    ayat (1)); on the national PP, which lists none, it answers None and the page says so."""
    balangan = new_case(client, world["balangan"])
    assert kegiatan(client, world["balangan"], balangan, "motivasi").status_code == 201
    items = _checklist(kernel, "balangan", balangan)
    assert [i["label"] for i in items] == [
        "sosialisasi dan konsultasi", "identifikasi", "motivasi", "seleksi", "penerimaan (registrasi dan penempatan)",
    ]
    assert [i["label"] for i in items if i["selesai"]] == ["motivasi"]

    tabalong = new_case(client, world["tabalong"])
    assert _checklist(kernel, "tabalong", tabalong) is None
    console.login(world["tabalong"].peksos.username)
    page = console.get(f"/konsol/tabalong/kasus/{tabalong}")
    assert "Regulasi tidak merinci kegiatan tahap ini." in page.text()
