"""The LKS desk and the LKS operator's pages in the console (plugins/lks/console.py): the same
services, scope and permissions as the LKS API, seen as a user sees them."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest

from tests.console.pages import Console, Page
from tests.plugins.lks.asing_helpers import berizin, calendar_of, detail, expected_ladder, link_operator, tick
from tests.plugins.lks.helpers import DOKUMEN, PDF, T, counts, lengkap, new_application, terbitkan, unggah_semua
from tests.queries import statements

K = "/konsol/balangan/lks"
DECLARED, DUE = date(2026, 8, 10), date(2026, 9, 1)  # 14 working days (tests/plugins/lks/test_peringatan.py)


@pytest.fixture
def desk(client: Any, world: Any) -> Console:
    c = Console(client)
    assert c.login(world["balangan"].officer.username).status_code == 303
    return c


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    import plugins.lks.pendaftaran as svc

    monkeypatch.setattr(svc, "local_today", lambda: day)


def _form_values(page: Any, action: str, button: str | None = None) -> dict[str, str]:
    return dict(page.form(action, button).fields)


# -- the desk's list -----------------------------------------------------------------------------


def test_the_desk_lists_applications_with_their_due_date_and_a_written_overdue_mark(client: Any, world: Any, desk: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    b = world["balangan"]
    _on(monkeypatch, DECLARED)
    late = new_application(client, b, nama="Yayasan Terlambat")
    on_time = new_application(client, b, actor=b.operator2, nama="Yayasan Tepat Waktu")
    for app in (late, on_time):
        unggah_semua(client, b, app["id"], actor=b.officer)
        assert lengkap(client, b, app["id"]).status_code == 200
    assert terbitkan(client, b, on_time["id"]).status_code == 200
    new_application(client, world["tabalong"], nama="Yayasan Tabalong")  # another kabupaten: not here
    _on(monkeypatch, date(2026, 9, 10))

    page = desk.get(f"{K}/pendaftaran")
    assert page.status == 200
    rows = {r[0]: r for r in page.rows("judul-permohonan")}
    assert set(rows) == {"Yayasan Terlambat", "Yayasan Tepat Waktu"}
    assert rows["Yayasan Terlambat"][1] == "Persyaratan Lengkap"
    assert rows["Yayasan Terlambat"][3] == "1 September 2026 TERLAMBAT"  # the mark is words, not a colour
    assert rows["Yayasan Tepat Waktu"][3] == "1 September 2026" and rows["Yayasan Tepat Waktu"][4]  # its number

    only_late = desk.get(f"{K}/pendaftaran?terlambat=true")
    assert [r[0] for r in only_late.rows("judul-permohonan")] == ["Yayasan Terlambat"]
    registered = desk.get(f"{K}/pendaftaran?stage=terdaftar")
    assert [r[0] for r in registered.rows("judul-permohonan")] == ["Yayasan Tepat Waktu"]
    # the same filters as the API's, refused the same way, next to the filter
    wrong = desk.get(f"{K}/pendaftaran?stage=ditolak")
    assert wrong.status == 422
    assert wrong.field_error("stage") == "Harus salah satu dari: permohonan, lengkap, terdaftar, dirujuk."


# -- registering an LKS --------------------------------------------------------------------------


def test_registering_an_lks_shows_each_error_next_to_its_field_keeps_what_was_typed_and_writes_nothing(kernel: Any, world: Any, desk: Console) -> None:
    before = counts(kernel, "balangan")
    form = desk.get(f"{K}/pendaftaran/baru")
    assert form.status == 200 and form.input_value("wilayah_kerja") == "63.11"  # the kabupaten's own code to start with
    r = desk.client.post(f"{K}/pendaftaran", data={
        **_form_values(form, f"{K}/pendaftaran"), "nama": "Yayasan Kasih", "berbadan_hukum": "true", "alamat": "Jl. A. Yani 1, Paringin",
        "pengurus_nama": "Hj. Rusmini", "pengurus_jabatan": "", "pengurus_telepon": "12", "kegiatan": "pengasuhan anak", "wilayah_kerja": "63.11, 6309",
    })
    refused = Page(r)
    assert refused.status == 422
    assert refused.field_error("pengurus_jabatan") == "Wajib diisi."
    assert refused.field_error("pengurus_telepon") == "Nomor telepon tidak sah."
    assert refused.field_error("wilayah_kerja") == "'6309' bukan kode kabupaten/kota Kemendagri (bentuk NN.NN, mis. 63.11)."
    assert refused.field_error("nama") is None
    assert refused.input_value("nama") == "Yayasan Kasih" and refused.input_value("wilayah_kerja") == "63.11, 6309"
    assert counts(kernel, "balangan") == before

    fields = _form_values(refused, f"{K}/pendaftaran")
    good = {**fields, "nama": "Yayasan Kasih", "berbadan_hukum": "true", "alamat": "Jl. A. Yani 1, Paringin", "pengurus_nama": "Hj. Rusmini",
            "pengurus_jabatan": "Ketua", "pengurus_telepon": "0812 3456 789", "kegiatan": "pengasuhan anak; bimbingan keluarga", "wilayah_kerja": "63.11"}
    first = desk.client.post(f"{K}/pendaftaran", data=good)
    again = desk.client.post(f"{K}/pendaftaran", data=good)  # the same form sent twice
    assert first.status_code == again.status_code == 303 and first.headers["Location"] == again.headers["Location"]
    assert counts(kernel, "balangan")["cases"] == before["cases"] + 1
    page = desk.get(first.headers["Location"])
    assert "Yayasan Kasih" in page.text() and "Tahap Permohonan" in page.text()
    listed = client_get_json(desk.client, world["balangan"])
    assert [(x["nama_lembaga"], x["stage"]) for x in listed] == [("Yayasan Kasih", "permohonan")]


def client_get_json(client: Any, w: Any) -> list[dict[str, Any]]:
    return client.get(f"{T}/{w.slug}/lks/pendaftaran", headers=w.officer.headers).get_json()  # type: ignore[no-any-return]


# -- the application: checklist, declaring complete, issuing --------------------------------------


def test_the_officer_uploads_declares_complete_and_issues_the_tanda_pendaftaran(client: Any, kernel: Any, world: Any, desk: Console) -> None:
    b = world["balangan"]
    app = new_application(client, b, nama="Yayasan Peduli Anak Balangan")
    url = f"{K}/pendaftaran/{app['id']}"
    page = desk.get(url)
    assert [r[2] for r in page.rows("persyaratan")] == ["Belum ada"] * 4

    # declaring complete too early: refused with the missing documents and the article
    refused = desk.client.post(f"{url}/lengkap", data=_form_values(page, f"{url}/lengkap"))
    assert refused.status_code == 422
    shown = Page(refused).text()
    assert "Persyaratan pendaftaran belum lengkap; belum dilampirkan:" in shown
    assert "Dasar hukum: PP 39/2012 Pasal 57 ayat (3)" in shown

    # a file that is no PDF: refused next to the file field; then the four documents
    bad = desk.client.post(f"{url}/dokumen", data={**_form_values(page, f"{url}/dokumen"), "jenis": "npwp", "berkas": (io.BytesIO(b"MZ\x90"), "npwp.exe")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and Page(bad).field_error("berkas") == "Jenis berkas tidak didukung; unggah JPG, PDF, PNG."
    for jenis in DOKUMEN:
        form = desk.get(url)
        r = desk.client.post(f"{url}/dokumen", data={**_form_values(form, f"{url}/dokumen"), "jenis": jenis, "berkas": (io.BytesIO(PDF), f"{jenis}.pdf")}, content_type="multipart/form-data")
        assert r.status_code == 303, Page(r).text()
    page = desk.get(url)
    assert [r[2] for r in page.rows("persyaratan")] == ["Ada"] * 4

    r = desk.client.post(f"{url}/lengkap", data=_form_values(page, f"{url}/lengkap"))
    assert r.status_code == 303
    page = desk.get(url)
    assert "Persyaratan Lengkap" in page.text() and "Jatuh tempo tanda pendaftaran" in page.text()
    assert f"{url}/lengkap" not in [f.action for f in page.forms]  # done: the form is gone

    form = _form_values(page, f"{url}/terbitkan")
    first = desk.client.post(f"{url}/terbitkan", data=form)
    again = desk.client.post(f"{url}/terbitkan", data=form)  # a double click issues one number
    assert first.status_code == again.status_code == 303
    issued = client.get(f"{T}/balangan/lks/pendaftaran/{app['id']}", headers=b.officer.headers).get_json()
    assert issued["stage"] == "terdaftar" and issued["nomor"]
    page = desk.get(url)
    assert re.search(rf'id="nomor">{re.escape(issued["nomor"])}<', page.html)
    letter = desk.client.get(f"{url}/tanda-pendaftaran")
    assert letter.status_code == 200 and letter.mimetype == "text/html"
    assert issued["nomor"] in letter.get_data(as_text=True)
    assert letter.headers["Content-Security-Policy"].startswith("default-src 'none'")  # the API's printable page


def test_a_page_shown_before_someone_else_moved_the_application_is_refused(client: Any, world: Any, desk: Console) -> None:
    b = world["balangan"]
    app = new_application(client, b)
    unggah_semua(client, b, app["id"])
    url = f"{K}/pendaftaran/{app['id']}"
    stale = _form_values(desk.get(url), f"{url}/lengkap")
    assert lengkap(client, b, app["id"], actor=b.officer2).status_code == 200  # meanwhile, through the API
    r = desk.client.post(f"{url}/lengkap", data=stale)
    assert r.status_code == 412
    assert "Data telah diubah orang lain sejak Anda membukanya." in r.get_data(as_text=True)


# -- the LKS operator: their own LKS, nothing else ------------------------------------------------


def test_the_operator_sees_only_their_own_lks_and_none_of_the_desk(client: Any, world: Any) -> None:
    b = world["balangan"]
    mine = new_application(client, b, nama="Panti Asuhan Milik Saya")
    other = new_application(client, b, actor=b.operator2, nama="Yayasan Orang Lain")
    operator = Console(client)
    assert operator.login(b.operator.username).status_code == 303

    listed = operator.get(f"{K}/pendaftaran")
    assert [r[0] for r in listed.rows("judul-permohonan")] == ["Panti Asuhan Milik Saya"]
    assert operator.get(f"{K}/pendaftaran/{other['id']}").status == 404  # as the API: as if it did not exist

    url = f"{K}/pendaftaran/{mine['id']}"
    page = operator.get(url)
    assert page.status == 200
    actions = [f.action for f in page.forms]
    assert f"{url}/dokumen" in actions and f"{url}/lengkap" not in actions and f"{url}/terbitkan" not in actions
    # the desk's actions refused as by the API (lks.proses), even with a valid form
    sent = {"csrf_token": page.csrf, "submission_id": "7f1e4a9c-1111-4222-8333-444455556666"}
    assert client.post(f"{url}/lengkap", data=sent).status_code == 403
    assert client.post(f"{url}/terbitkan", data=sent).status_code == 403
    assert client.post(f"{K}/pendaftaran/{other['id']}/dokumen", data={**sent, "jenis": "npwp"}).status_code == 404

    r = client.post(f"{url}/dokumen", data={**_form_values(page, f"{url}/dokumen"), "jenis": "npwp", "berkas": (io.BytesIO(PDF), "npwp.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 303
    shown = operator.get(url)
    assert "npwp.pdf" in shown.text()
    assert operator.get(f"{K}/asing").text().count("Tidak ada LKS Asing.") == 1
    menu = operator.get(f"{K}/pendaftaran").menu
    assert "Permohonan pendaftaran" in menu and "Perbedaan aturan" not in menu


# -- foreign LKS --------------------------------------------------------------------------------


def test_foreign_lks_show_their_permits_and_where_they_stand_on_the_sanctions_ladder(client: Any, kernel: Any, world: Any, desk: Console, hari: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b, nama="Families Together International")
    end = date.fromisoformat(detail(client, b, org)["periode_laporan"][0]["selesai"])
    steps = expected_ladder(calendar_of(kernel, "balangan"), end + timedelta(days=1))
    tick(kernel, steps[0][1])  # the report missed, the first written warning due
    hari(steps[0][1])  # the desk looks on that day

    page = desk.get(f"{K}/asing")
    assert page.status == 200
    text = page.text()
    assert "Families Together International" in text
    assert "izin operasional Menteri Sosial" in text and "izin teknis" in text and "503/IT-LKSA/001" in text
    assert "LKS Asing tidak melaporkan kegiatannya secara berkala" in text
    assert "Posisi pada tangga sanksi: Peringatan tertulis pertama" in text
    assert f"Langkah berikutnya: Peringatan tertulis kedua ({steps[1][1].isoformat()})" in text
    one = desk.get(f"{K}/asing/{org}")
    assert "BELUM DILAPORKAN" in one.text()
    assert desk.get(f"{K}/asing/{new_application(client, b)['organization_id']}").status == 404  # not a foreign LKS


def _statements_of(kernel: Any, desk: Console, url: str) -> tuple[int, str]:
    with statements(kernel.db.engine) as seen:
        page = desk.get(url)
    assert page.status == 200
    return len(seen), page.text()


def test_the_foreign_lks_list_takes_the_same_number_of_queries_for_one_or_many(client: Any, kernel: Any, world: Any, desk: Console) -> None:
    b = world["balangan"]
    berizin(client, b, nama="Families Together International")
    desk.get(f"{K}/asing")  # warm the tenant's caches: only the page's own queries count
    one, _ = _statements_of(kernel, desk, f"{K}/asing")
    for nama in ("Hope Builders Foundation", "Save the Rivers Alliance", "Kinder Hilfe International"):
        berizin(client, b, nama=nama)
    many, text = _statements_of(kernel, desk, f"{K}/asing")
    assert all(n in text for n in ("Families Together International", "Hope Builders Foundation", "Kinder Hilfe International"))
    assert text.count("503/IT-LKSA/") == 4  # each one's technical permit is listed
    assert many == one


def test_the_operator_of_a_foreign_lks_sends_its_report_and_no_other_operator_sees_it(app: Any, client: Any, world: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b, nama="Families Together International")
    link_operator(client, b, org, b.operator)
    operator = Console(client)
    assert operator.login(b.operator.username).status_code == 303
    url = f"{K}/asing/{org}"
    page = operator.get(url)
    assert [r[2] for r in page.rows("periode")] == ["Sedang berjalan"]

    form = _form_values(page, f"{url}/laporan")
    too_early = client.post(f"{url}/laporan", data={**form, "periode_ke": "2", "ringkasan": "Pendampingan 40 anak.", "berkas": (io.BytesIO(PDF), "laporan.pdf")}, content_type="multipart/form-data")
    assert too_early.status_code == 422
    assert Page(too_early).field_error("periode_ke") == "Periode ke-2 belum dimulai (periode berjalan: ke-1)."
    assert "Pendampingan 40 anak." in Page(too_early).html  # what was typed is kept
    sent = client.post(f"{url}/laporan", data={**form, "ringkasan": "Pendampingan 40 anak.", "berkas": (io.BytesIO(PDF), "laporan.pdf")}, content_type="multipart/form-data")
    assert sent.status_code == 303
    assert [r[2] for r in operator.get(url).rows("periode")] == ["Dilaporkan"]
    assert detail(client, b, org)["laporan"][0]["ringkasan"] == "Pendampingan 40 anak."

    other = Console(app.test_client())  # another person, another browser
    assert other.login(b.operator2.username).status_code == 303
    assert other.get(url).status == 404


# -- languages ----------------------------------------------------------------------------------


def test_the_english_switch_translates_the_desk_from_the_plugins_own_catalogue(client: Any, world: Any, desk: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    b = world["balangan"]
    _on(monkeypatch, DECLARED)
    app = new_application(client, b)
    unggah_semua(client, b, app["id"])
    assert lengkap(client, b, app["id"]).status_code == 200
    _on(monkeypatch, date(2026, 9, 10))
    page = desk.get(f"{K}/pendaftaran", headers={"Accept-Language": "en"})
    assert "LKS registration applications" in page.text() and "OVERDUE" in page.text()
    assert "LKS registration and licensing" in page.menu and "Foreign LKS" in page.menu
    # what the law says stays in Indonesian
    assert "Persyaratan Lengkap" in page.text()
