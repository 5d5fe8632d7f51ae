"""The rehabilitasi plugin's console pages (plugins/rehabilitasi/console.py), linked from the
kernel's case page by `kesos_case_actions`: recording an activity, the plan, entering terminasi,
monitoring and evaluation — each saved through the API's service (what is in the database
afterwards), field errors next to their fields, the Perbup's refusals with their article and
nothing written, roles the API refuses refused, another tenant's case not found, a form sent
twice acting once."""
from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from flask import g
from sqlalchemy import select

from core.audit import AuditEntry
from core.cases.models import Case, CaseEvent
from core.cases.services import case_profile
from core.db import tenant_context
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant
from plugins.rehabilitasi.models import Evaluasi, Kegiatan, Pemantauan, Rencana
from tests.console.pages import Console, Page
from tests.plugins.rehabilitasi.helpers import TERMINASI as API_TERMINASI
from tests.plugins.rehabilitasi.helpers import (
    BUTIR,
    PERBUP,
    T,
    advance,
    build_world,
    counts,
    detail,
    new_case,
    tenant_id,
    walk_to,
)

STALE = "Data telah diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."
TODAY = local_today().isoformat()


@pytest.fixture
def world(make: Any, kernel: Any) -> dict[str, Any]:
    """Balangan on Perbup Balangan 61/2017, Tabalong beside it on the national PP."""
    return build_world(make, kernel)


@pytest.fixture
def w(world: dict[str, Any]) -> Any:
    return world["balangan"]


def _case_url(case_id: str, slug: str = "balangan") -> str:
    return f"/konsol/{slug}/kasus/{case_id}"


def _page(case_id: str, name: str, slug: str = "balangan") -> str:
    return f"/konsol/{slug}/rehabilitasi/kasus/{case_id}/{name}"


def _rows(kernel: Any, model: Any, case_id: str, slug: str = "balangan") -> list[Any]:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        rows = list(s.scalars(select(model).where(model.case_id == uuid.UUID(case_id))))
        s.expunge_all()
        return rows


def _audit(kernel: Any, action: str, slug: str = "balangan") -> int:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return len(list(s.scalars(select(AuditEntry).where(AuditEntry.action == action))))


CHECKBOXES = ("bentuk", "pendekatan", "metode", "teknik")


def _not_ticked(fields: dict[str, str]) -> dict[str, str]:
    """The page's fields as a browser sends them before anything is ticked (the page reader
    keeps every checkbox's value, ticked or not)."""
    return {k: v for k, v in fields.items() if k not in CHECKBOXES}


def _send(console: Console, case_id: str, name: str, data: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[Any, dict[str, Any]]:
    """Open the page, fill its form with `data` and send it; the form's fields come back so the
    same submission can be sent again."""
    form = console.get(_page(case_id, name), headers=headers).form(_page(case_id, name))
    fields = {**_not_ticked(form.fields), **data}
    return console.client.post(_page(case_id, name), data=fields, headers=headers), fields


def _as(app: Any, actor: Any) -> Console:
    """Another browser, logged in as `actor`."""
    console = Console(app.test_client())
    console.login(actor.username)
    return console


# -- the hook --------------------------------------------------------------------------------------


def _hook(app: Any, kernel: Any, slug: str, case: Any = None, case_id: str | None = None) -> list[Any]:
    tid = tenant_id(kernel, slug)
    with app.test_request_context(), kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        g.tenant = s.get(Tenant, tid)
        if case_id is not None:
            case = s.scalar(select(Case).where(Case.id == uuid.UUID(case_id)))
            profile = case_profile(s, kernel, g.tenant, case)
        else:
            profile = None
        return kernel.hooks(s, g.tenant).kesos_case_actions(session=s, case=case, profile=profile)


def test_hook_kesos_case_actions(app: Any, console: Console, client: Any, kernel: Any, w: Any) -> None:
    """The rehabilitasi plugin links its pages from the case page of its own open cases; the
    terminasi form when terminasi is next, so the generic move form leaves it out."""
    case_id = new_case(client, w)
    [actions] = _hook(app, kernel, "balangan", case_id=case_id)
    assert [a.label for a in actions] == ["Catat kegiatan tahap ini", "Rencana pemecahan masalah", "Catat pemantauan", "Catat evaluasi"]
    assert {a.permission for a in actions} == {"rehabilitasi.kasus.write"} and all(a.tahap is None for a in actions)
    # Another plugin's case: nothing of ours.
    assert _hook(app, kernel, "balangan", case=SimpleNamespace(case_type="pendaftaran_lks", status="open")) == []

    console.login(w.peksos.username)
    page = console.get(_case_url(case_id))
    assert (_page(case_id, "kegiatan"), "Catat kegiatan tahap ini") in page.main_links
    assert not any("terminasi" in href for href, _ in page.main_links)

    walk_to(client, w, case_id, "resosialisasi")
    [actions] = _hook(app, kernel, "balangan", case_id=case_id)
    terminasi = [a for a in actions if a.tahap]
    assert [(a.label, a.url, a.tahap, a.permission) for a in terminasi] == [
        ("Masuk tahap Terminasi", _page(case_id, "terminasi"), "terminasi", "cases.write"),
    ]
    page = console.get(_case_url(case_id))
    assert (_page(case_id, "terminasi"), "Masuk tahap Terminasi") in page.main_links
    # Terminasi is the only next stage and has its own form: no generic move form is offered.
    assert not [f for f in page.forms if f.action.endswith("/maju")]

    # An auditor (no rehabilitasi.kasus.write, no cases.write) is offered none of them.
    auditor = _as(app, w.auditor)
    assert not any("/rehabilitasi/" in href for href, _ in auditor.get(_case_url(case_id)).main_links)

    # A closed case: no write pages.
    walk_to(client, w, case_id, "bimbingan_lanjut")
    etag = client.get(f"{T}/balangan/cases/{case_id}", headers=w.officer.headers).headers["ETag"]
    assert client.post(f"{T}/balangan/cases/{case_id}/close", json={"catatan": "selesai"}, headers={**w.officer.headers, "If-Match": etag}).status_code == 200
    assert _hook(app, kernel, "balangan", case_id=case_id) == [[]]


# -- kegiatan ------------------------------------------------------------------------------------


def test_recording_an_activity_saves_it_through_the_service_once(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    page = console.get(_page(case_id, "kegiatan"))
    assert page.status == 200
    # The stage's activities of the pinned profile (Perbup Balangan 61/2017 Pasal 19 ayat (1)).
    for label in ("sosialisasi dan konsultasi", "identifikasi", "motivasi", "seleksi", "penerimaan (registrasi dan penempatan)"):
        assert f">{label}</option>" in page.html
    assert page.input_value("tanggal") == TODAY

    r, fields = _send(console, case_id, "kegiatan", {"kode": "identifikasi", "tanggal": TODAY, "catatan": "Kunjungan awal ke rumah klien."})
    assert r.status_code == 303 and r.headers["Location"] == _case_url(case_id)
    [saved] = _rows(kernel, Kegiatan, case_id)
    assert (saved.tahap, saved.kode, saved.catatan, saved.pelaksana_id) == ("pendekatan_awal", "identifikasi", "Kunjungan awal ke rumah klien.", w.peksos.user_id)
    assert _audit(kernel, "rehabilitasi.kegiatan.create") == 1
    assert "☑ identifikasi sudah dicatat" in console.get(_case_url(case_id)).text()
    assert "Kunjungan awal ke rumah klien." in console.get(_page(case_id, "kegiatan")).text()

    again = console.client.post(_page(case_id, "kegiatan"), data=fields)  # a double click
    assert again.status_code == 303 and again.headers["Location"] == _case_url(case_id)
    assert len(_rows(kernel, Kegiatan, case_id)) == 1


def test_a_case_conference_needs_its_participants_and_conclusion(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    assert advance(client, w, case_id, "pengungkapan_pemahaman_masalah").status_code == 200
    console.login(w.peksos.username)
    page = Page(_send(console, case_id, "kegiatan", {"kode": "temu_bahas_kasus", "tanggal": TODAY, "catatan": "Temu bahas pertama."})[0])
    assert page.status == 422
    assert page.field_error("peserta") == "Temu bahas kasus wajib mencatat daftar peserta (tidak kosong)."
    assert page.field_error("kesimpulan") == "Temu bahas kasus wajib mencatat kesimpulan."
    assert ">Temu bahas pertama.</textarea>" in page.html  # what was typed kept
    assert _rows(kernel, Kegiatan, case_id) == []

    r, _ = _send(console, case_id, "kegiatan", {
        "kode": "temu_bahas_kasus", "tanggal": TODAY, "peserta": "Peksos Balangan\n\nPsikolog RSUD\n", "kesimpulan": "Klien perlu konseling.",
    })
    assert r.status_code == 303
    [saved] = _rows(kernel, Kegiatan, case_id)
    assert saved.rincian == {"peserta": ["Peksos Balangan", "Psikolog RSUD"], "kesimpulan": "Klien perlu konseling."}


def test_an_activity_is_refused_with_its_article_and_field_errors_in_the_page_language(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    before = counts(kernel, "balangan")
    # An activity of another stage (Perbup Balangan 61/2017 Pasal 19–25).
    page = Page(_send(console, case_id, "kegiatan", {"kode": "pelaksanaan_rencana", "tanggal": TODAY})[0])
    assert page.status == 422
    assert "Kegiatan 'pelaksanaan_rencana' bukan kegiatan tahap pendekatan_awal" in page.text()
    assert f"Dasar hukum: {PERBUP} Pasal 19" in page.text()
    assert page.field_error("kode") == "Tidak dikenal untuk tahap pendekatan_awal."
    # A date in the future: the service's own check, next to the field.
    page = Page(_send(console, case_id, "kegiatan", {"kode": "motivasi", "tanggal": "2999-01-01"})[0])
    assert page.status == 422 and page.field_error("tanggal") == "Tanggal tidak boleh di masa depan."
    # Nothing chosen, no date: the schema's messages, said again in English on an English page.
    en = {"Accept-Language": "en"}
    page = Page(_send(console, case_id, "kegiatan", {"kode": "", "tanggal": ""}, headers=en)[0])
    assert page.status == 422
    assert page.field_error("kode") == "Required." and page.field_error("tanggal") == "Required."
    assert "Record an activity of the stage" in page.text()
    assert counts(kernel, "balangan") == before


def test_a_profile_listing_no_activities_takes_a_free_code(console: Console, client: Any, kernel: Any, world: dict[str, Any]) -> None:
    tabalong = world["tabalong"]
    case_id = new_case(client, tabalong)
    console.login(tabalong.peksos.username)
    path = _page(case_id, "kegiatan", "tabalong")
    form = console.get(path).form(path)
    r = console.client.post(path, data={**form.fields, "kode": "asesmen_awal", "tanggal": TODAY})
    assert r.status_code == 303
    assert [k.kode for k in _rows(kernel, Kegiatan, case_id, "tabalong")] == ["asesmen_awal"]


# -- rencana -------------------------------------------------------------------------------------


PLAN = {
    "kebutuhan_prioritas": "pemulihan trauma\nkembali bersekolah",
    "bentuk": ["bimbingan_sosial_konseling", "rujukan"],
    "sumber_dana": "apbd_kabupaten",
    "pendekatan": ["klinis"],
    "teknik": ["wawancara", "komunikasi"],
    "rujukan": "Puskesmas Paringin",
    "jadwal": "konseling mingguan; 2026-01-05; 2026-03-05",
}


def test_the_plan_is_saved_through_the_service_and_opens_problem_solving(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "penyusunan_rencana")
    console.login(w.peksos.username)
    page = console.get(_page(case_id, "rencana"))
    # The profile's lists: the forms of Pasal 7 as boxes, the funding sources of Pasal 43 ayat (1).
    assert 'type="checkbox" name="bentuk" value="bimbingan_sosial_konseling"' in page.html
    assert "bimbingan sosial dan konseling psikososial" in page.text() and f"{PERBUP} Pasal 7" in page.text()
    assert '<option value="apbd_kabupaten"' in page.html

    # Problem solving before a plan: the Perbup says no, with its article (the kernel's form).
    refused = Page(console.client.post(f"/konsol/balangan/kasus/{case_id}/maju", data={
        **console.get(_case_url(case_id)).form(f"/konsol/balangan/kasus/{case_id}/maju").fields, "to_stage": "pemecahan_masalah",
    }))
    assert refused.status == 422
    assert "Rencana pemecahan masalah belum disusun; tahap pemecahan masalah belum dapat dimulai." in refused.text()
    assert f"Dasar hukum: {PERBUP} Pasal 18 ayat (1)" in refused.text()

    r, fields = _send(console, case_id, "rencana", PLAN)
    assert r.status_code == 303 and r.headers["Location"] == _case_url(case_id)
    [plan] = _rows(kernel, Rencana, case_id)
    assert plan.kebutuhan_prioritas == ["pemulihan trauma", "kembali bersekolah"]
    assert plan.bentuk == ["bimbingan_sosial_konseling", "rujukan"]
    assert (plan.sumber_dana, plan.pendekatan, plan.teknik, plan.metode) == ("apbd_kabupaten", ["klinis"], ["wawancara", "komunikasi"], [])
    assert plan.rujukan == [{"tujuan": "Puskesmas Paringin", "organization_id": None, "catatan": None}]
    assert plan.jadwal == [{"kegiatan": "konseling mingguan", "mulai": "2026-01-05", "selesai": "2026-03-05"}]
    assert _audit(kernel, "rehabilitasi.rencana.create") == 1
    again = console.client.post(_page(case_id, "rencana"), data=fields)
    assert again.status_code == 303 and _audit(kernel, "rehabilitasi.rencana.update") == 0

    # The form shows the saved plan; the move that was refused now goes through.
    page = console.get(_page(case_id, "rencana"))
    assert "Perbarui rencana pemecahan masalah" in page.text()
    assert 'value="rujukan" checked' in page.html and ">pemulihan trauma\nkembali bersekolah</textarea>" in page.html
    assert advance(client, w, case_id, "pemecahan_masalah").status_code == 200


def test_updating_the_plan_keeps_what_the_api_gave_a_referral(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "penyusunan_rencana")
    body = {"kebutuhan_prioritas": ["pemulihan"], "bentuk": ["rujukan"], "sumber_dana": "apbn",
            "rujukan": [{"tujuan": "LKS Harapan", "organization_id": str(w.lks), "catatan": "surat rujukan dikirim"}]}
    assert client.put(f"{T}/balangan/rehabilitasi/kasus/{case_id}/rencana", json=body, headers=w.officer.headers).status_code == 200
    console.login(w.peksos.username)
    form = console.get(_page(case_id, "rencana")).form(_page(case_id, "rencana"))
    r = console.client.post(_page(case_id, "rencana"), data={
        **_not_ticked(form.fields), "kebutuhan_prioritas": "pemulihan\nsekolah", "bentuk": ["rujukan"], "sumber_dana": "apbn", "rujukan": "LKS Harapan\nPuskesmas",
    })
    assert r.status_code == 303
    [plan] = _rows(kernel, Rencana, case_id)
    assert plan.kebutuhan_prioritas == ["pemulihan", "sekolah"]
    assert plan.rujukan == [
        {"tujuan": "LKS Harapan", "organization_id": str(w.lks), "catatan": "surat rujukan dikirim"},
        {"tujuan": "Puskesmas", "organization_id": None, "catatan": None},
    ]
    assert _audit(kernel, "rehabilitasi.rencana.update") == 1


def test_a_plan_is_refused_with_field_errors_and_articles(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    before = counts(kernel, "balangan")
    # Outside the planning stages (Perbup Balangan 61/2017 Pasal 18 ayat (1)).
    page = Page(_send(console, case_id, "rencana", PLAN)[0])
    assert page.status == 422
    assert "Rencana hanya disusun pada tahap Penyusunan Rencana Pemecahan Masalah atau Pemecahan Masalah" in page.text()
    assert f"Dasar hukum: {PERBUP} Pasal 18 ayat (1)" in page.text()
    assert 'value="bimbingan_sosial_konseling" checked' in page.html and 'value="klinis" checked' in page.html  # kept

    assert counts(kernel, "balangan") == before
    walk_to(client, w, case_id, "penyusunan_rencana")
    before = counts(kernel, "balangan")
    page = Page(_send(console, case_id, "rencana", {"jadwal": "konseling 2026-01-05"})[0])
    assert page.status == 422
    assert page.field_error("kebutuhan_prioritas") == "Wajib diisi."
    assert page.field_error("bentuk") == "Wajib diisi."
    assert page.field_error("sumber_dana") == "Wajib diisi."
    page = Page(_send(console, case_id, "rencana", {**PLAN, "jadwal": "konseling 2026-01-05"})[0])
    assert page.field_error("jadwal") == "Baris 1: tulis kegiatan; tanggal mulai; tanggal selesai."
    page = Page(_send(console, case_id, "rencana", {**PLAN, "jadwal": "konseling; 2026-03-05; 2026-01-05"})[0])
    assert page.field_error("jadwal") == "Tanggal selesai tidak boleh sebelum tanggal mulai."
    # A funding source the Perbup does not list (Pasal 43 ayat (1)), sent by hand.
    page = Page(_send(console, case_id, "rencana", {**PLAN, "sumber_dana": "pinjaman"})[0])
    assert "Sumber dana 'pinjaman' tidak dikenal" in page.text() and f"Dasar hukum: {PERBUP} Pasal 43 ayat (1)" in page.text()
    assert page.field_error("sumber_dana") == "Tidak dikenal."
    assert counts(kernel, "balangan") == before
    assert _rows(kernel, Rencana, case_id) == []


# -- terminasi -----------------------------------------------------------------------------------


TERMINASI = {
    "hasil": "berhasil", "biopsikososial": "Fungsi sosial pulih.", "spiritual": "Rutin beribadah.",
    "kunjungan_tanggal": TODAY, "kunjungan_pihak": "Orang tua dan ketua RT", "kunjungan_catatan": "Keluarga siap menerima.",
    "catatan": "Tujuan rencana tercapai.",
}


def _advances(kernel: Any, case_id: str) -> list[Any]:
    return [e for e in _rows(kernel, CaseEvent, case_id) if e.kind == "advanced" and e.to_stage == "terminasi"]


def test_entering_terminasi_needs_what_the_perbup_requires(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "resosialisasi")
    console.login(w.peksos.username)
    page = console.get(_page(case_id, "terminasi"))
    assert f"{PERBUP} Pasal 24 ayat (2)" in page.text()
    assert '<option value="sebagian_berhasil">Sebagian berhasil</option>' in page.html

    # Without the family visit: Pasal 24 ayat (2) says no; nothing written, what was typed kept.
    before = counts(kernel, "balangan")
    no_visit = {k: v for k, v in TERMINASI.items() if not k.startswith("kunjungan_")}
    page = Page(_send(console, case_id, "terminasi", no_visit)[0])
    assert page.status == 422
    assert "Terminasi memerlukan kunjungan kepada keluarga dan pihak terkait." in page.text()
    assert f"Dasar hukum: {PERBUP} Pasal 24 ayat (2)" in page.text()
    assert page.field_error("kunjungan_keluarga") == "Wajib diisi untuk terminasi."
    assert ">Fungsi sosial pulih.</textarea>" in page.html and '<option value="berhasil" selected>' in page.html
    assert counts(kernel, "balangan") == before
    # A visit half filled in: the missing fields said next to them (the API's TerminasiSchema).
    page = Page(_send(console, case_id, "terminasi", {**no_visit, "kunjungan_pihak": "Orang tua"})[0])
    assert page.status == 422
    assert page.field_error("kunjungan_tanggal") == "Wajib diisi." and page.field_error("kunjungan_catatan") == "Wajib diisi."
    assert page.field_error("kunjungan_pihak") is None
    page = Page(_send(console, case_id, "terminasi", {**TERMINASI, "hasil": ""})[0])
    assert page.field_error("hasil") == "Wajib diisi."
    assert counts(kernel, "balangan") == before

    r, fields = _send(console, case_id, "terminasi", TERMINASI)
    assert r.status_code == 303 and r.headers["Location"] == _case_url(case_id)
    assert detail(client, w, case_id).get_json()["stage"] == "terminasi"
    [event] = _advances(kernel, case_id)
    assert event.actor_id == w.peksos.user_id
    assert event.data["hasil"] == "berhasil" and event.data["catatan"] == "Tujuan rencana tercapai."
    assert event.data["identifikasi_keberhasilan"] == {"biopsikososial": "Fungsi sosial pulih.", "spiritual": "Rutin beribadah."}
    assert event.data["kunjungan_keluarga"] == {"tanggal": TODAY, "pihak": "Orang tua dan ketua RT", "catatan": "Keluarga siap menerima."}
    # Sent twice: one move.
    again = console.client.post(_page(case_id, "terminasi"), data=fields)
    assert again.status_code == 303 and len(_advances(kernel, case_id)) == 1


def test_a_stale_terminasi_page_gets_the_412_message_and_writes_nothing(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "resosialisasi")
    console.login(w.peksos.username)
    form = console.get(_page(case_id, "terminasi")).form(_page(case_id, "terminasi"))
    # Someone else enters terminasi meanwhile, through the API.
    assert advance(client, w, case_id, "terminasi", API_TERMINASI).status_code == 200
    before = counts(kernel, "balangan")
    page = Page(console.client.post(_page(case_id, "terminasi"), data={**form.fields, **TERMINASI}))
    assert page.status == 412
    assert STALE in page.text()
    assert counts(kernel, "balangan") == before
    assert len(_advances(kernel, case_id)) == 1


# -- pemantauan and evaluasi -----------------------------------------------------------------------


def test_monitoring_needs_every_item_of_the_perbup(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    page = console.get(_page(case_id, "pemantauan"))
    assert f"{PERBUP} Pasal 41" in page.text() and "perubahan perilaku klien" in page.text()
    boxes = {f"butir_{k}": v for k, v in BUTIR.items()}
    before = counts(kernel, "balangan")
    page = Page(_send(console, case_id, "pemantauan", {**boxes, "butir_peningkatan_kualitas_hidup": "", "tanggal": TODAY})[0])
    assert page.status == 422
    assert "Pemantauan belum lengkap: peningkatan kualitas hidup." in page.text()
    assert f"Dasar hukum: {PERBUP} Pasal 41" in page.text()
    assert page.field_error("butir_peningkatan_kualitas_hidup") == "Wajib diisi."
    assert ">Klien mulai terbuka.</textarea>" in page.html
    assert counts(kernel, "balangan") == before

    r, fields = _send(console, case_id, "pemantauan", {**boxes, "tanggal": TODAY})
    assert r.status_code == 303
    [saved] = _rows(kernel, Pemantauan, case_id)
    assert saved.butir == BUTIR and saved.pencatat_id == w.peksos.user_id
    assert console.client.post(_page(case_id, "pemantauan"), data=fields).status_code == 303
    assert len(_rows(kernel, Pemantauan, case_id)) == 1
    assert "Klien kembali bersekolah." in console.get(_page(case_id, "pemantauan")).text()


def test_an_evaluation_is_saved_through_the_service(console: Console, client: Any, kernel: Any, w: Any) -> None:
    case_id = new_case(client, w)
    console.login(w.peksos.username)
    page = console.get(_page(case_id, "evaluasi"))
    assert f"{PERBUP} Pasal 42 ayat (1)" in page.text()
    page = Page(_send(console, case_id, "evaluasi", {"tanggal": TODAY, "hasil": ""})[0])
    assert page.status == 422 and page.field_error("hasil") == "Wajib diisi."
    r, _ = _send(console, case_id, "evaluasi", {"tanggal": TODAY, "hasil": "Klien menunjukkan kemajuan.", "rekomendasi": "Lanjutkan."})
    assert r.status_code == 303
    [saved] = _rows(kernel, Evaluasi, case_id)
    assert (saved.hasil, saved.rekomendasi, saved.evaluator_id) == ("Klien menunjukkan kemajuan.", "Lanjutkan.", w.peksos.user_id)
    assert _audit(kernel, "rehabilitasi.evaluasi.create") == 1


# -- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kegiatan", "rencana", "terminasi", "pemantauan", "evaluasi"])
def test_roles_the_api_refuses_are_refused(name: str, app: Any, client: Any, kernel: Any, make: Any, w: Any) -> None:
    case_id = new_case(client, w)
    api = client.post(f"{T}/balangan/rehabilitasi/kasus/{case_id}/kegiatan", json={"kode": "motivasi", "tanggal": TODAY}, headers=w.auditor.headers)
    assert api.status_code == 403
    operator = make.user("operator.balangan", {"balangan": ["lks_operator"]})
    for actor in (w.auditor, operator):
        console = _as(app, actor)
        assert console.get(_page(case_id, name)).status == 403
        csrf = console.get("/konsol/balangan/").csrf
        before = counts(kernel, "balangan")
        r = console.client.post(_page(case_id, name), data={
            "csrf_token": csrf, "submission_id": str(uuid.uuid4()), "kode": "motivasi", "tanggal": TODAY, "hasil": "berhasil", "versi": "1",
        })
        assert r.status_code == 403
        assert "Peran Anda di kabupaten/kota ini tidak mencakup izin" in Page(r).text()
        assert counts(kernel, "balangan") == before


@pytest.mark.parametrize("name", ["kegiatan", "rencana", "terminasi", "pemantauan", "evaluasi"])
def test_a_case_of_another_tenant_is_not_found(name: str, console: Console, client: Any, world: dict[str, Any]) -> None:
    tabalong_case = new_case(client, world["tabalong"])
    console.login(world["balangan"].peksos.username)
    assert console.get(_page(tabalong_case, name)).status == 404
    csrf = console.get("/konsol/balangan/").csrf
    r = console.client.post(_page(tabalong_case, name), data={"csrf_token": csrf, "submission_id": str(uuid.uuid4()), "kode": "motivasi", "tanggal": TODAY})
    assert r.status_code == 404
