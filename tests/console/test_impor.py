"""Imports in the console: the importers of this tenant with their columns, an upload form each
(the API's guard and header check, one run per submission), the run's page polling its progress
(htmx) or reloaded by a link, then its summary and the rejected rows; past runs paginated."""
from __future__ import annotations

import csv
import html
import io
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from core.imports import ImportRun
from core.registry.models import Person
from core.tenancy.models import Tenant
from tests.console.pages import Console, Page
from tests.factories import Factory, nik_for
from tests.rq_helpers import redis_settings, work
from tests.queries import statements

IMPOR = "/konsol/balangan/impor"
PERSONS = f"{IMPOR}/persons"
TERDAMPAK = f"{IMPOR}/perlindungan.terdampak"
API = "/api/v1/tenants/balangan/imports"
HEADER = "nik,nama,tanggal_lahir,jenis_kelamin"
MB = 1024 * 1024


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    # A 1 MB limit, so that "too large" is cheap to send; a real Redis for tests marked so.
    return {"upload_max_bytes": MB, **(redis_settings() if request.node.get_closest_marker("redis") else {})}


def _tid(kernel: Any, slug: str = "balangan") -> uuid.UUID:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))


def _runs(kernel: Any, slug: str = "balangan") -> list[ImportRun]:
    with kernel.db.unit_of_work(_tid(kernel, slug)) as s:
        runs = list(s.scalars(select(ImportRun)))
        s.expunge_all()
        return runs


def _persons(kernel: Any) -> set[str]:
    with kernel.db.unit_of_work(_tid(kernel)) as s:
        return set(s.scalars(select(Person.nama)))


def _post(console: Console, action: str, fields: dict[str, str], content: bytes | None, name: str = "penerima.csv", **extra: str) -> Any:
    data: dict[str, Any] = {**fields, **extra}
    if content is not None:
        data["berkas"] = (io.BytesIO(content), name)
    return console.client.post(action, data=data, content_type="multipart/form-data")


def _upload(console: Console, content: bytes | None, name: str = "penerima.csv", action: str = PERSONS, **extra: str) -> tuple[Any, dict[str, str]]:
    """Open the imports page, fill the importer's form and send it; the form's hidden fields too."""
    form = console.get(IMPOR).form(action, "Mulai impor")
    return _post(console, action, form.fields, content, name, **extra), form.fields


def _berkas_error(page: Page, importer: str = "persons") -> str | None:
    match = re.search(rf'id="{re.escape(importer)}-kolom-berkas-galat"[^>]*>(.*?)</p>', page.html, re.S)
    return html.unescape(" ".join(match.group(1).split())) if match else None


def _good_rows() -> bytes:
    siti = nik_for("63.11", date(1987, 9, 5), "P", 1001)
    return "\n".join([
        HEADER,
        f"{siti},Siti Aminah,1987-09-05,P",
        f"{nik_for('63.11', date(1990, 3, 12), 'L', 1002)},Ahmad Fauzi,12-03-1990,L",
        f"{siti},Siti Lagi,1987-09-05,P",  # twice in the file: rejected
    ]).encode()


def test_a_csv_is_imported_then_its_summary_and_rejected_rows(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    console.login("petugas")
    page = console.get(IMPOR)
    assert "Impor data" in page.menu
    card = page.text()
    assert "Penerima pelayanan" in card and "Kolom wajib nik, nama, tanggal_lahir, jenis_kelamin" in card
    assert "Kolom pilihan alamat, kode_wilayah, nomor_kk" in card
    assert "Belum ada impor." in card

    first, fields = _upload(console, _good_rows())
    assert first.status_code == 303
    again = _post(console, PERSONS, fields, _good_rows())  # a double click sends the same form again
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    (run,) = _runs(kernel)
    assert run.requested_by == people["officer"].user_id and run.nama_berkas == "penerima.csv"
    assert first.headers["Location"] == f"{IMPOR}/proses/{run.id}"

    # Without Redis the job runs as soon as the request commits: the page shows the result.
    done = console.get(first.headers["Location"])
    text = done.text()
    assert "Status: Selesai" in text and "oleh Petugas" in text and "Berkas penerima.csv" in text
    assert "Baris dibaca 3 Diterima 2 Ditolak 1" in text
    assert "2 dari 3 baris diterima, 1 ditolak." in text
    assert "hx-trigger" not in done.html  # finished: no more polling
    assert _persons(kernel) == {"Siti Aminah", "Ahmad Fauzi"}

    (href,) = [h for h, label in done.links if label == "Unduh baris yang ditolak (CSV)"]
    download = client.get(href)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == f'attachment; filename="ditolak-{run.id}.csv"'
    (rejected,) = csv.DictReader(io.StringIO(download.get_data(as_text=True)))
    assert rejected["nama"] == "Siti Lagi" and rejected["alasan_ditolak"] == "NIK disebut lebih dari sekali dalam berkas ini."
    assert download.data == client.get(f"{API}/{run.id}/ditolak", headers=people["officer"].headers).data

    # The list of past imports shows it, with who started it.
    (row,) = console.get(IMPOR).rows("riwayat-impor")
    assert row[1:] == ["Penerima pelayanan", "penerima.csv", "Petugas", "Selesai", "2", "1"]
    audit = client.get("/api/v1/tenants/balangan/audit", query_string={"action": "import.request"}, headers=people["admin"].headers)
    assert [e["target_id"] for e in audit.get_json()] == [str(run.id)]


def test_a_run_not_finished_polls_and_can_be_reloaded(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    with kernel.db.unit_of_work(_tid(kernel)) as s:
        run = ImportRun(jenis="persons", nama_berkas="besar.csv", format="csv", kunci_berkas="-", status="running",
                        baris_dibaca=4000, diterima=3990, ditolak=10, requested_by=people["admin"].user_id)
        s.add(run)
        s.flush()
        run_id = run.id
    console.login("petugas")
    page = console.get(f"{IMPOR}/proses/{run_id}")
    assert "Status: Sedang diimpor" in page.text() and "Baris dibaca 4000 Diterima 3990 Ditolak 10" in page.text()
    section = re.search(r'<section id="status-impor"[^>]*>', page.html).group(0)
    assert f'hx-get="{IMPOR}/proses/{run_id}"' in section and 'hx-trigger="every 3s"' in section
    assert (f"{IMPOR}/proses/{run_id}", "Perbarui status") in page.links  # without JavaScript
    assert "Unduh baris yang ditolak (CSV)" not in page.text()


@pytest.mark.redis
def test_the_worker_imports_while_the_page_follows(console: Console, kernel: Any, people: dict[str, Any], rq_queue: Any) -> None:
    console.login("admin")
    sent, _ = _upload(console, _good_rows())
    assert sent.status_code == 303
    waiting = console.get(sent.headers["Location"])
    assert "Status: Menunggu giliran" in waiting.text() and 'hx-trigger="every 3s"' in waiting.html
    assert _persons(kernel) == set()
    work(rq_queue)
    done = console.get(sent.headers["Location"])
    assert "Status: Selesai" in done.text() and "2 dari 3 baris diterima, 1 ditolak." in done.text()
    assert "hx-trigger" not in done.html and "Unduh baris yang ditolak (CSV)" in done.text()
    assert _persons(kernel) == {"Siti Aminah", "Ahmad Fauzi"}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("penerima.txt", HEADER.encode(), "Unggah berkas .csv atau .xlsx."),
    ("penerima.csv", b"", "Berkas kosong."),
    ("penerima.csv", None, "Berkas wajib diunggah."),
    ("penerima.csv", b"nama,alamat\nSiti,Paringin\n",
     "Kolom wajib tidak ada: nik, tanggal_lahir, jenis_kelamin (kolom yang dikenal: nik, nama, tanggal_lahir, jenis_kelamin, alamat, kode_wilayah, nomor_kk)."),
    ("penerima.csv", b"\xff\xfenik", "Berkas CSV harus berkode UTF-8 (simpan ulang sebagai 'CSV UTF-8')."),
    ("penerima.csv", (HEADER + "\n").encode() + b"x" * MB, "Berkas terlalu besar: paling besar 1 MB."),
])
def test_a_bad_file_is_said_next_to_the_field_and_starts_nothing(
    console: Console, kernel: Any, people: dict[str, Any], name: str, content: bytes | None, message: str
) -> None:
    console.login("petugas")
    refused, fields = _upload(console, content, name)
    page = Page(refused)
    assert page.status == 422
    assert _berkas_error(page) == message
    assert 'aria-invalid="true" aria-describedby="persons-kolom-berkas-galat"' in page.html
    assert _runs(kernel) == [] and _persons(kernel) == set()
    # The refused submission did nothing: the corrected file goes with the same form.
    corrected = _post(console, PERSONS, fields, _good_rows())
    assert corrected.status_code == 303 and len(_runs(kernel)) == 1


def test_roles_as_the_api(console: Console, client: Any, people: dict[str, Any]) -> None:
    auditor = people["auditor"]
    upload = {"berkas": (io.BytesIO(_good_rows()), "penerima.csv")}
    assert client.post(f"{API}/persons", data=upload, content_type="multipart/form-data", headers=auditor.headers).status_code == 403
    assert client.get(API, headers=auditor.headers).status_code == 403
    # Bulk imports carry NIKs (core/permissions.py): an auditor neither starts nor reads them.
    console.login("auditor")
    home = console.get("/konsol/balangan/")
    assert "Impor data" not in home.menu
    assert console.get(IMPOR).status == 403
    refused = _post(console, PERSONS, {"csrf_token": home.csrf, "submission_id": str(uuid.uuid4())}, _good_rows())
    assert refused.status_code == 403
    console.client.post("/konsol/keluar", data={"csrf_token": home.csrf})
    console.login("operator")
    assert console.get(IMPOR).status == 403
    console.client.post("/konsol/keluar", data={"csrf_token": console.get("/konsol/balangan/").csrf})
    console.login("admin")  # tenant_admin: reads and starts
    assert PERSONS in [f.action for f in console.get(IMPOR).forms if "Mulai impor" in f.buttons]


def test_another_tenants_run_is_not_found(console: Console, client: Any, kernel: Any, people: dict[str, Any]) -> None:
    both = people["both"]  # officer in Balangan, tenant_admin in Tabalong
    r = client.post("/api/v1/tenants/tabalong/imports/persons", data={"berkas": (io.BytesIO(_good_rows()), "tabalong.csv")},
                    content_type="multipart/form-data", headers=both.headers)
    assert r.status_code == 202
    other = r.get_json()["id"]
    console.login("kedua")
    assert console.get(f"{IMPOR}/proses/{other}").status == 404
    assert console.get(f"{IMPOR}/proses/{other}/ditolak").status == 404
    assert console.get(f"{IMPOR}/proses/{uuid.uuid4()}").status == 404
    assert "Belum ada impor." in console.get(IMPOR).text()
    assert console.get(f"/konsol/tabalong/impor/proses/{other}").status == 200  # there it is theirs


def test_an_import_for_an_event_takes_the_event_from_its_form(console: Console, client: Any, kernel: Any, make: Factory,
                                                              people: dict[str, Any]) -> None:
    make.enable("balangan", "perlindungan")
    siti = make.person("balangan")
    officer = people["officer"]
    kejadian = client.post("/api/v1/tenants/balangan/perlindungan/kejadian", headers=officer.headers, json={
        "nama": "Banjir Paringin", "jenis": "bencana", "tanggal_mulai": "2026-01-10", "lokasi": "Kec. Paringin",
    }).get_json()["id"]
    console.login("petugas")
    content = f"nik\n{siti.nik}\n".encode()
    refused, fields = _upload(console, content, "terdampak.csv", action=TERDAMPAK)
    page = Page(refused)
    error = re.search(r'id="perlindungan.terdampak-kolom-kejadian_id-galat"[^>]*>(.*?)</p>', page.html, re.S)
    assert page.status == 422 and error is not None and error.group(1).strip() == "Wajib diisi."
    assert _runs(kernel) == []

    sent = _post(console, TERDAMPAK, fields, content, "terdampak.csv", kejadian_id=kejadian)
    assert sent.status_code == 303
    done = console.get(sent.headers["Location"])
    assert "Penerima terdampak suatu kejadian" in done.text() and f"kejadian_id: {kejadian}" in done.text()
    assert "1 dari 1 baris diterima, 0 ditolak." in done.text()
    assert "Unduh baris yang ditolak (CSV)" not in done.text()  # nothing to download


def _statements(kernel: Any, console: Console, url: str) -> tuple[int, Page]:
    with statements(kernel.db.engine) as seen:
        page = console.get(url)
    assert page.status == 200
    return len(seen), page


def _add_runs(kernel: Any, starters: list[Any], start: int, n: int) -> None:
    base = datetime(2026, 3, 1, 1, 0, tzinfo=timezone.utc)
    with kernel.db.unit_of_work(_tid(kernel)) as s:
        for i in range(start, start + n):
            s.add(ImportRun(jenis="persons", nama_berkas=f"berkas-{i:02d}.csv", format="csv", kunci_berkas="-", status="done",
                            requested_by=starters[i % len(starters)].user_id, requested_at=base + timedelta(minutes=i)))


def test_past_runs_are_paginated_newest_first_in_a_fixed_number_of_queries(console: Console, kernel: Any, people: dict[str, Any]) -> None:
    starters = [people["admin"], people["officer"], people["both"]]
    _add_runs(kernel, starters, 0, 1)
    console.login("petugas")
    console.get(IMPOR)  # warm the tenant's caches: only the page's own queries count
    one, _ = _statements(kernel, console, IMPOR)
    _add_runs(kernel, starters, 1, 24)
    many, page = _statements(kernel, console, IMPOR)
    assert many == one
    rows = page.rows("riwayat-impor")
    assert len(rows) == 20 and "Impor terdahulu (25)" in page.text()
    assert [r[2] for r in rows[:3]] == ["berkas-24.csv", "berkas-23.csv", "berkas-22.csv"]
    assert [r[3] for r in rows[:3]] == ["Admin", "Kedua", "Petugas"]  # who started each
    assert rows[0][0] == "2026-03-01 08:24"  # WIB
    assert (f"{IMPOR}?halaman=2", "Berikutnya") in page.links
    second = console.get(f"{IMPOR}?halaman=2").rows("riwayat-impor")
    assert [r[2] for r in second] == [f"berkas-{i:02d}.csv" for i in range(4, -1, -1)]
