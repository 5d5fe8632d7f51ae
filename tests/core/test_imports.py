"""Bulk import of people from CSV and XLSX: every row judged like a person entered by hand,
duplicates refused against the file and the tenant's registry, a downloadable file of the
rejected rows with the reason for each, progress through the API — and a bad file refused
before anything is written."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from core.registry.models import Person
from tests.core.api.helpers import A_KODE, A_SLUG, B_KODE, B_SLUG, count_rows, error_of, url
from tests.factories import nik_for

HEADER = "nik,nama,tanggal_lahir,jenis_kelamin,alamat,kode_wilayah"


@pytest.fixture
def staff(make: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from core.staff import passwords

    monkeypatch.setattr(passwords, "_N", 2**10)  # cheaper hashes for this test only
    make.tenant(A_SLUG, A_KODE)
    make.tenant(B_SLUG, B_KODE)
    return {
        "officer": make.user("petugas.balangan", {A_SLUG: ["officer"]}),
        "auditor": make.user("auditor.balangan", {A_SLUG: ["auditor"]}),
        "other": make.user("petugas.tabalong", {B_SLUG: ["officer"]}),
    }


def _nik(born: date, sex: str, serial: int, kode: str = A_KODE) -> str:
    return nik_for(kode, born, sex, serial)


def _upload(client: Any, actor: Any, content: bytes, name: str = "penerima.csv", slug: str = A_SLUG) -> Any:
    return client.post(
        url(slug, "imports/persons"), data={"berkas": (io.BytesIO(content), name)}, content_type="multipart/form-data", headers=actor.headers,
    )


def _imported(client: Any, actor: Any, content: bytes, name: str = "penerima.csv", slug: str = A_SLUG) -> dict[str, Any]:
    """Upload, then the run as the API shows it afterwards (jobs run inline in tests: done)."""
    r = _upload(client, actor, content, name, slug)
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["status"] == "queued"
    return client.get(url(slug, f"imports/{r.get_json()['id']}"), headers=actor.headers).get_json()


def _rejected(client: Any, actor: Any, run_id: str) -> list[dict[str, str]]:
    r = client.get(url(A_SLUG, f"imports/{run_id}/ditolak"), headers=actor.headers)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))


def test_a_csv_is_imported_and_its_bad_rows_come_back_with_their_reason(client, kernel, staff, make):
    officer = staff["officer"]
    known = make.person(A_SLUG, nama="Sudah Ada", born=date(1980, 1, 2), sex="L")
    siti = _nik(date(1987, 9, 5), "P", 1001)
    rows = [
        HEADER,
        f"{siti},Siti Aminah,1987-09-05,P,Jl. Merdeka 1,63.11",
        f"{_nik(date(1990, 3, 12), 'L', 1002)},Ahmad Fauzi,12-03-1990,Laki-laki,,",
        f"{_nik(date(1990, 3, 12), 'L', 1003)},Salah Kelamin,1990-03-12,P,,",  # NIK says a man
        f"{siti},Siti Lagi,1987-09-05,P,,",  # twice in the file
        f"{known.nik},Sudah Ada,1980-01-02,L,,",  # already in the registry
        "123,Terlalu Pendek,1990-01-01,L,,",
        f"{_nik(date(1975, 6, 1), 'L', 1004)},,1975-06-01,L,,",  # no name
        f"{_nik(date(1975, 6, 1), 'L', 1005)},Tanggal Aneh,1 Juni 1975,L,,",
        ",,,,,",  # a blank line is no row
    ]
    run = _imported(client, officer, "\n".join(rows).encode())
    assert (run["status"], run["baris_dibaca"], run["diterima"], run["ditolak"], run["ada_berkas_ditolak"]) == ("done", 8, 2, 6, True)
    names = {p.nama for p in _persons(kernel)}
    assert {"Siti Aminah", "Ahmad Fauzi"} <= names and "Siti Lagi" not in names
    by_name = {row["nama"]: row["alasan_ditolak"] for row in _rejected(client, officer, run["id"])}
    assert by_name["Siti Lagi"] == "NIK disebut lebih dari sekali dalam berkas ini."
    assert by_name["Sudah Ada"] == "NIK sudah terdaftar di kabupaten/kota ini."
    assert "jenis_kelamin" in by_name["Salah Kelamin"] or "NIK" in by_name["Salah Kelamin"]
    assert by_name["Terlalu Pendek"].startswith("nik:")
    assert by_name[""].startswith("nama:")
    assert "tidak dikenali" in by_name["Tanggal Aneh"]
    # the imported people are real registry entries: searchable, masked in lists, one audit line
    listed = client.get(url(A_SLUG, "persons"), query_string={"q": "Siti"}, headers=officer.headers).get_json()
    assert [p["nik"] for p in listed] == [siti[:4] + "*" * 10 + siti[-2:]]
    from tests.core.api.helpers import audit_log

    done = [e for e in audit_log(kernel, A_SLUG) if e.action == "import.done"]
    assert [e.summary["diterima"] for e in done] == [2]


def _persons(kernel: Any) -> list[Person]:
    from tests.core.api.helpers import tenant_id

    with kernel.db.unit_of_work(tenant_id(kernel, A_SLUG)) as s:
        rows = list(s.scalars(select(Person)))
        s.expunge_all()
        return rows


def test_an_xlsx_with_text_and_number_niks_and_real_dates(client, kernel, staff):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin"])
    ws.append([_nik(date(2001, 2, 3), "P", 2001), "Rahmawati", date(2001, 2, 3), "Perempuan"])
    # a NIK typed as a number: exact below 2^53 (Kalimantan Selatan's 63…), not for Papua's 91…
    ws.append([int(_nik(date(2001, 2, 3), "L", 2002)), "Angka Tepat", date(2001, 2, 3), "L"])
    ws.append([int(_nik(date(2001, 2, 3), "L", 2003, kode="91.71")), "Angka Berubah", date(2001, 2, 3), "L"])
    buf = io.BytesIO()
    wb.save(buf)
    run = _imported(client, staff["officer"], buf.getvalue(), "data.xlsx")
    assert (run["status"], run["diterima"], run["ditolak"]) == ("done", 2, 1)
    (bad,) = _rejected(client, staff["officer"], run["id"])
    assert bad["nama"] == "Angka Berubah"
    assert "simpan kolom NIK sebagai teks" in bad["alasan_ditolak"]


@pytest.mark.parametrize("content, name, message", [
    (b"", "kosong.csv", "Berkas kosong"),
    (b"nama,alamat\nSiti,Paringin\n", "penerima.csv", "Kolom wajib tidak ada: nik, tanggal_lahir, jenis_kelamin"),
    ("nik;nama;tanggal_lahir;jenis_kelamin\n".encode("utf-16"), "penerima.csv", "UTF-8"),
    (b"PK\x03\x04 not really a workbook", "data.xlsx", "tidak dapat dibaca sebagai XLSX"),
    (b"nik,nama\n", "penerima.txt", "Unggah berkas .csv atau .xlsx"),
])
def test_a_bad_file_is_refused_before_anything_is_written(client, kernel, staff, content, name, message):
    before = count_rows(kernel, Person, A_SLUG)
    body = error_of(_upload(client, staff["officer"], content, name), 422, "data_tidak_valid")
    assert message in body["errors"]["berkas"][0]
    from core.imports import ImportRun

    assert count_rows(kernel, ImportRun, A_SLUG) == 0 and count_rows(kernel, Person, A_SLUG) == before


def test_a_semicolon_csv_from_a_spreadsheet_with_a_bom(client, kernel, staff):
    content = ("\ufeffNIK;Nama;Tanggal_Lahir;Jenis_Kelamin\n" f"{_nik(date(1999, 9, 9), 'L', 3001)};Budi;09/09/1999;L\n").encode("utf-8")
    run = _imported(client, staff["officer"], content)
    assert (run["status"], run["diterima"], run["ditolak"]) == ("done", 1, 0)
    assert client.get(url(A_SLUG, f"imports/{run['id']}/ditolak"), headers=staff["officer"].headers).status_code == 404


def test_duplicates_are_per_kabupaten_and_imports_are_the_tenants_own(client, kernel, staff):
    nik = _nik(date(1987, 9, 5), "P", 4001)
    content = f"{HEADER}\n{nik},Siti Aminah,1987-09-05,P,,\n".encode()
    mine = _imported(client, staff["officer"], content)
    theirs = _imported(client, staff["other"], content, slug=B_SLUG)
    assert mine["diterima"] == theirs["diterima"] == 1  # the same person may be served in two kabupaten
    assert client.get(url(A_SLUG, f"imports/{theirs['id']}"), headers=staff["officer"].headers).status_code == 404
    assert [r["id"] for r in client.get(url(A_SLUG, "imports"), headers=staff["officer"].headers).get_json()] == [mine["id"]]
    error_of(_upload(client, staff["auditor"], content), 403)
    error_of(client.get(url(A_SLUG, f"imports/{mine['id']}"), headers=staff["auditor"].headers), 403)


@pytest.mark.postgres
def test_progress_is_committed_while_the_import_runs(client, kernel, staff, monkeypatch, backend):
    """On PostgreSQL each batch's counts are visible from another transaction before the job
    commits; the people themselves appear only when it does (all or nothing)."""
    if backend != "postgres":
        pytest.skip("SQLite has one writer: progress shows at the end there")
    import core.imports as imports
    from tests.core.api.helpers import tenant_id

    monkeypatch.setattr(imports, "BATCH", 2)
    seen: list[tuple[int, int]] = []
    original = imports._progress

    def spy(ctx: Any, run_id: Any, **values: Any) -> None:
        original(ctx, run_id, **values)
        with kernel.db.unit_of_work(tenant_id(kernel, A_SLUG)) as s:  # another transaction
            run = s.get(imports.ImportRun, (tenant_id(kernel, A_SLUG), run_id))
            people = s.scalar(select(func.count()).select_from(Person))
            seen.append((run.diterima, people))

    monkeypatch.setattr(imports, "_progress", spy)
    rows = [HEADER] + [f"{_nik(date(1980, 1, 1 + i), 'L', 5000 + i)},Orang {i},1980-01-{1 + i:02d},L,," for i in range(5)]
    run = _imported(client, staff["officer"], "\n".join(rows).encode())
    assert run["diterima"] == 5
    assert seen == [(2, 0), (4, 0)]


def test_the_uploaded_file_is_deleted_once_its_rows_are_imported_and_the_rejected_rows_stay(client, kernel, staff):
    from core.imports import ImportRun
    from tests.core.api.helpers import tenant_id

    officer = staff["officer"]
    rows = [HEADER, f"{_nik(date(1987, 9, 5), 'P', 2001)},Siti Aminah,1987-09-05,P,,", "123,Terlalu Pendek,1990-01-01,L,,"]
    run = _imported(client, officer, "\n".join(rows).encode())
    assert (run["status"], run["diterima"], run["ditolak"]) == ("done", 1, 1)
    with kernel.db.unit_of_work(tenant_id(kernel, A_SLUG)) as s:
        upload, rejected = s.execute(select(ImportRun.kunci_berkas, ImportRun.kunci_ditolak).where(ImportRun.id == uuid.UUID(run["id"]))).one()
    # the NIKs of the upload are not kept twice; the rejected rows are still there to be fixed
    assert not kernel.storage.exists(upload)
    assert kernel.storage.exists(rejected)
    assert [r["nama"] for r in _rejected(client, officer, run["id"])] == ["Terlalu Pendek"]
