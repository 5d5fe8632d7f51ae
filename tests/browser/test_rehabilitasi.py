"""A Peksos in Chromium takes a Balangan rehabilitation case through all its stages with the
rehabilitasi plugin's pages (plugins/rehabilitasi/console.py): the activities of each stage, the
Perbup's refusal of problem solving before a plan (Pasal 18 ayat (1)), the plan, the refusal of
terminasi without the family visit (Pasal 24 ayat (2)), terminasi, bimbingan lanjut, closing;
and a document of the case uploaded, refused when it is no PDF, and downloaded back.
Screenshots go to tests/browser/artefacts/."""
from __future__ import annotations

import itertools
import re
import uuid
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from core.cases.models import Case, CaseEvent
from core.db import tenant_context
from core.registry.services import create_person
from core.staff.models import User
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant
from plugins.rehabilitasi import services
from plugins.rehabilitasi.models import Kegiatan, Rencana
from tests.browser.conftest import Served, screenshot
from tests.browser.test_kasus import PEKSOS, _login
from tests.factories import nik_for

PERBUP = "Perbup Balangan 61/2017"
_SERIALS = itertools.count(7301)


def _tenant_id(served: Served) -> uuid.UUID:
    with served.kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))  # type: ignore[no-any-return]


@pytest.fixture
def kasus(served: Served) -> str:
    """A new Balangan case at pendekatan awal, with the demo Peksos as its primary worker, opened
    through the plugin's service (the demo's own cases are other tests' material)."""
    tid = _tenant_id(served)
    first = local_today().replace(day=1)
    with served.kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        tenant = s.get(Tenant, tid)
        peksos = s.scalar(select(User.id).where(User.username == PEKSOS))
        person, _warnings = create_person(s, {
            # the served demo database lives for the whole session: each case gets a person of its own
            "nik": nik_for("63.11", date(2009, 6, 14), "L", serial=next(_SERIALS)), "nama": "Budi Santoso",
            "tanggal_lahir": date(2009, 6, 14), "jenis_kelamin": "L", "kode_wilayah": "63.11.01",
        })
        case = services.open_kasus(s, served.kernel, tenant, {
            "person_id": person.id, "petugas_utama_id": peksos,
            "data": {
                "kelompok_sasaran": ["anak_terlantar"], "tempat": "luar_lembaga", "lingkup": "keluarga",
                "rencana_mulai": first.isoformat(), "rencana_selesai": date(first.year + 1, first.month, 1).isoformat(),
            },
        }, peksos)
        return str(case.id)


def _state(served: Served, case_id: str) -> tuple[str, int, int, bool]:
    """The case's stage, its moves, its activities and whether it has a plan."""
    tid = _tenant_id(served)
    cid = uuid.UUID(case_id)
    with served.kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        stage = s.scalar(select(Case.stage).where(Case.id == cid))
        moves = s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == cid, CaseEvent.kind == "advanced"))
        activities = s.scalar(select(func.count()).select_from(Kegiatan).where(Kegiatan.case_id == cid))
        plan = s.scalar(select(Rencana.id).where(Rencana.case_id == cid)) is not None
        return stage, int(moves), int(activities), plan  # type: ignore[return-value]


def _record(page: Any, kegiatan: str, catatan: str, **rincian: str) -> None:
    """From the case page: record an activity of the current stage, and come back."""
    page.get_by_role("link", name="Catat kegiatan tahap ini").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Catat kegiatan tahap")
    page.get_by_label("Kegiatan", exact=True).select_option(label=kegiatan)
    page.get_by_label("Tanggal", exact=True).fill(local_today().isoformat())
    page.get_by_label("Catatan (boleh kosong)").fill(catatan)
    for label, text in rincian.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.locator("ul.daftar-periksa")).to_contain_text(f"☑ {kegiatan} sudah dicatat")


def _at(page: Any, tahap: str) -> None:
    """The case page shows `tahap` as the current stage (its whole name: "Pemecahan Masalah" is
    also the end of "Penyusunan Rencana Pemecahan Masalah")."""
    expect(page.locator('ol.tahapan [aria-current="step"]')).to_have_text(re.compile(rf"^\s*{re.escape(tahap)}\s+tahap sekarang"))


def _move(page: Any, tahap: str) -> None:
    page.get_by_label("Tahap tujuan").select_option(label=tahap)
    page.get_by_role("button", name="Pindahkan tahap").click()


def test_a_peksos_takes_a_balangan_case_through_every_stage_with_the_rehabilitasi_pages(page: Any, served: Served, kasus: str) -> None:
    _login(page)
    page.goto(f"/konsol/balangan/kasus/{kasus}")
    _at(page, "Pendekatan Awal")

    # Pendekatan awal → pengungkapan: an activity of Pasal 19 ayat (1), then the move.
    _record(page, "identifikasi", "Identifikasi bersama kepala desa.")
    screenshot(page, "30-rehabilitasi-kegiatan-dicatat")
    _move(page, "Pengungkapan dan Pemahaman Masalah")
    _at(page, "Pengungkapan dan Pemahaman Masalah")

    # A case conference, with its participants and conclusion (Pasal 20 ayat (2)).
    page.get_by_role("link", name="Catat kegiatan tahap ini").click()
    page.get_by_label("Kegiatan", exact=True).select_option(label="temu bahas kasus")
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.locator("#kolom-peserta-galat")).to_have_text("Temu bahas kasus wajib mencatat daftar peserta (tidak kosong).")
    page.get_by_label("Peserta", exact=True).fill("Pekerja Sosial Profesional\nTenaga Kesejahteraan Sosial\nKepala desa")
    page.get_by_label("Kesimpulan", exact=True).fill("Klien membutuhkan pengasuhan keluarga dan bimbingan sosial.")
    screenshot(page, "31-rehabilitasi-temu-bahas")
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.locator("ul.daftar-periksa")).to_contain_text("☑ temu bahas kasus sudah dicatat")
    _move(page, "Penyusunan Rencana Pemecahan Masalah")
    _at(page, "Penyusunan Rencana Pemecahan Masalah")
    _record(page, "membuat skala prioritas kebutuhan", "Kebutuhan disepakati bersama keluarga.")

    # Problem solving before a plan: the Perbup refuses, citing its article; nothing is written.
    before = _state(served, kasus)
    _move(page, "Pemecahan Masalah")
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Rencana pemecahan masalah belum disusun")
    expect(refusal.locator(".kutipan")).to_have_text(f"{PERBUP} Pasal 18 ayat (1)")
    _at(page, "Penyusunan Rencana Pemecahan Masalah")
    assert _state(served, kasus) == before
    screenshot(page, "32-rehabilitasi-tanpa-rencana-ditolak")

    # The plan: priorities, forms of Pasal 7, funding source of Pasal 43 ayat (1).
    page.get_by_role("link", name="Rencana pemecahan masalah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Susun rencana pemecahan masalah")
    page.get_by_label("Kebutuhan prioritas").fill("pengasuhan dalam keluarga\nkembali bersekolah")
    page.get_by_label("bimbingan sosial dan konseling psikososial", exact=True).check()
    page.get_by_label("perawatan dan pengasuhan", exact=True).check()
    page.get_by_label("klinis", exact=True).check()
    page.get_by_label("Sumber dana").select_option(label="anggaran pendapatan belanja daerah kabupaten/kota")
    page.get_by_label("Jadwal pelaksanaan (boleh kosong)").fill(f"konseling keluarga; {local_today().isoformat()}; {local_today().replace(year=local_today().year + 1).isoformat()}")
    screenshot(page, "33-rehabilitasi-rencana")
    page.get_by_role("button", name="Simpan rencana").click()
    _at(page, "Penyusunan Rencana Pemecahan Masalah")
    assert _state(served, kasus)[3] is True

    _move(page, "Pemecahan Masalah")
    _at(page, "Pemecahan Masalah")
    _record(page, "pelaksanaan rencana pemecahan masalah", "Konseling keluarga pertama.")
    _move(page, "Resosialisasi")
    _at(page, "Resosialisasi")
    _record(page, "pengembalian ke dalam keluarga dan masyarakat", "Klien kembali tinggal bersama pamannya.")

    # Terminasi has its own form (the generic one leaves it out); without the family visit the
    # Perbup refuses, citing Pasal 24 ayat (2).
    expect(page.get_by_label("Tahap tujuan")).to_have_count(0)
    page.get_by_role("link", name="Masuk tahap Terminasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk tahap Terminasi")
    page.get_by_label("Hasil rehabilitasi").select_option(label="Berhasil")
    page.get_by_label("Aspek biopsikososial").fill("Klien kembali bersekolah dan bergaul dengan teman sebaya.")
    page.get_by_label("Aspek spiritual").fill("Klien rutin mengaji di surau.")
    before = _state(served, kasus)
    page.get_by_role("button", name="Masuk tahap Terminasi").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Terminasi memerlukan kunjungan kepada keluarga dan pihak terkait.")
    expect(refusal.locator(".kutipan")).to_have_text(f"{PERBUP} Pasal 24 ayat (2)")
    expect(page.locator("#kolom-kunjungan_keluarga-galat")).to_have_text("Wajib diisi untuk terminasi.")
    expect(page.get_by_label("Aspek spiritual")).to_have_value("Klien rutin mengaji di surau.")  # kept
    assert _state(served, kasus) == before
    screenshot(page, "34-rehabilitasi-terminasi-ditolak")

    page.get_by_label("Tanggal kunjungan").fill(local_today().isoformat())
    page.get_by_label("Pihak yang dikunjungi").fill("paman klien dan kepala desa")
    page.get_by_label("Catatan kunjungan").fill("Keluarga siap mendampingi klien.")
    page.get_by_role("button", name="Masuk tahap Terminasi").click()
    _at(page, "Terminasi")
    screenshot(page, "35-rehabilitasi-terminasi")

    _move(page, "Bimbingan Lanjut")
    _at(page, "Bimbingan Lanjut")
    _record(page, "pemantapan kemandirian", "Kunjungan rumah: klien tetap bersekolah.")
    expect(page.locator("table").last).to_contain_text("Pindah dari Terminasi ke Bimbingan Lanjut")
    screenshot(page, "36-rehabilitasi-bimbingan-lanjut")
    stage, moves, activities, plan = _state(served, kasus)
    assert (stage, moves, activities, plan) == ("bimbingan_lanjut", 6, 6, True)

    # Bimbingan lanjut is the stage a rehabilitation case may be closed at.
    page.get_by_label("Catatan penutupan (boleh kosong)").fill("Klien mandiri; bimbingan lanjut selesai.")
    page.get_by_role("button", name="Tutup kasus").click()
    expect(page.get_by_text("Status:")).to_contain_text("Selesai")
    expect(page.get_by_role("link", name="Catat kegiatan tahap ini")).to_have_count(0)  # nothing more to record
    expect(page.locator("table").last).to_contain_text("Ditutup")
    expect(page.locator('ol.tahapan [aria-current="step"]')).to_have_count(0)  # no stage is running any more
    expect(page.locator("ol.tahapan li").last).to_contain_text("selesai")
    screenshot(page, "37-rehabilitasi-ditutup")
    with served.kernel.db.unit_of_work(_tenant_id(served)) as s, tenant_context(_tenant_id(served), s):
        assert s.scalar(select(Case.status).where(Case.id == uuid.UUID(kasus))) == "closed"


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_peksos_uploads_a_document_to_the_case_and_downloads_it_back(page: Any, served: Served, kasus: str, tmp_path: Any) -> None:
    _login(page)
    page.goto(f"/konsol/balangan/kasus/{kasus}")
    # A program renamed to .pdf is refused next to the file field, by its first bytes.
    fake = tmp_path / "asesmen.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    page.get_by_label("Keterangan (mis. surat rujukan)").fill("hasil asesmen awal")
    page.get_by_label("Berkas (PDF, JPEG atau PNG)").set_input_files(str(fake))
    page.get_by_role("button", name="Unggah dokumen").click()
    expect(page.locator("#kolom-berkas-galat")).to_be_visible()
    expect(page.get_by_label("Keterangan (mis. surat rujukan)")).to_have_value("hasil asesmen awal")  # kept
    expect(page.get_by_text("Belum ada dokumen pada kasus ini.")).to_be_visible()

    real = tmp_path / "asesmen-awal.pdf"
    real.write_bytes(PDF)
    page.get_by_label("Berkas (PDF, JPEG atau PNG)").set_input_files(str(real))
    page.get_by_role("button", name="Unggah dokumen").click()
    listed = page.locator('table[aria-labelledby="dokumen"]')
    expect(listed).to_contain_text("asesmen-awal.pdf")
    expect(listed).to_contain_text("hasil asesmen awal")
    expect(page.locator("table").last).to_contain_text("Dokumen diunggah")
    screenshot(page, "38-kasus-dokumen")
    with page.expect_download() as download:
        listed.get_by_role("link", name="asesmen-awal.pdf").click()
    assert download.value.suggested_filename == "asesmen-awal.pdf"
    assert open(download.value.path(), "rb").read() == PDF
