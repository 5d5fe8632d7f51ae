"""A corpus of bad input, on SQLite and PostgreSQL: malformed JSON, the wrong content type, a
body over the limit, JSON nested 10,000 deep, NUL and control characters, over-long text,
SQL and template injection, path traversal in file names, and a zip bomb posing as XLSX.

Each is refused with a clear 4xx and a JSON `code` — never a 500 — and leaves nothing behind:
the rows of the tables it would have written are counted before and after, and no file is
written (inside the document store or outside it). What is legitimately stored (injection
strings, control characters) comes back exactly as sent and is never executed.
"""
from __future__ import annotations

import io
import struct
import tracemalloc
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import tenant_context
from core.imports import ImportRun
from core.registry.models import Household, Person
from tests.core.api.helpers import NIK_SITI, SITI, error_of, tenant_id, url
from tests.plugins.lks.helpers import counts, lembaga, new_application, registered, unggah

B = "balangan"
MIB = 1024 * 1024
PERSONS = url(B, "persons")
IMPORT = url(B, "imports/persons")
JSON = "application/json"


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    # 1 MiB uploads: room for the zip bomb's ~0.5 MB, and a limit that is cheap to exceed
    return {"upload_max_bytes": MIB, "storage_dir": tmp_path / "berkas"}


@pytest.fixture
def b(make: Any) -> SimpleNamespace:
    """Balangan with the LKS service: its admin, an officer and an LKS operator."""
    make.tenant(B, "63.11")
    make.enable(B, "lks")
    return SimpleNamespace(
        slug=B, kode="63.11",
        admin=make.user("admin.balangan", {B: ["tenant_admin"]}),
        officer=make.user("petugas.balangan", {B: ["officer"]}),
        operator=make.user("operator.balangan", {B: ["lks_operator"]}),
    )


def snapshot(kernel: Any, tmp_path: Path) -> dict[str, Any]:
    """What a refused request must not change: Balangan's rows (registry, cases, audit, LKS,
    imports) and every file under the test's directory (the document store is inside it)."""
    tid = tenant_id(kernel, B)
    rows = counts(kernel, B)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        for model in (Person, Household, ImportRun):
            rows[model.__tablename__] = s.scalar(select(func.count()).select_from(model).where(model.tenant_id == tid))
    return {"rows": rows, "files": files_under(tmp_path)}


def files_under(root: Path) -> list[str]:
    """Every file below `root` but the SQLite database (and its journal)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.name.startswith("kesos.db"))


@pytest.fixture
def unchanged(kernel: Any, tmp_path: Path) -> Any:
    """Call with the snapshot taken before: asserts nothing was written since."""
    def check(before: dict[str, Any]) -> None:
        after = snapshot(kernel, tmp_path)
        assert after["rows"] == before["rows"]
        assert after["files"] == before["files"]

    return check


def _post(client: Any, path: str, actor: Any, body: bytes | str, content_type: str = JSON, **headers: str) -> Any:
    return client.post(path, data=body, content_type=content_type, headers={**actor.headers, **headers})


# -- malformed JSON ------------------------------------------------------------------------------

MALFORMED = {
    "terpotong": b'{"nama": "Siti Aminah"',
    "koma_akhir": b'{"nama": "Siti Aminah",}',
    "kutip_tunggal": b"{'nama': 'Siti Aminah'}",
    "bukan_utf8": b'{"nama": "Siti \xc3\x28 Aminah"}',
    "dua_dokumen": b'{"nama": "Siti"} {"nama": "Aminah"}',
    "bom": b"\xef\xbb\xbf" + b'{"nama": "Siti"}',
}


def test_malformed_json_is_refused_as_such(client, kernel, tmp_path, b, unchanged):
    before = snapshot(kernel, tmp_path)
    for label, body in MALFORMED.items():
        for path, actor in ((PERSONS, b.admin), (url(B, "lks/pendaftaran"), b.operator)):
            assert error_of(_post(client, path, actor, body), 422)["code"] == "json_tidak_sah", (label, path)
    unchanged(before)


def test_json_that_is_not_the_form_names_what_is_missing(client, kernel, tmp_path, b, unchanged):
    before = snapshot(kernel, tmp_path)
    for body in (b"null", b"[]", b'"Siti Aminah"', b"42", b"{}"):
        got = error_of(_post(client, PERSONS, b.admin, body), 422, "data_tidak_valid")
        assert got["errors"], body
    unchanged(before)


# -- the wrong content type ----------------------------------------------------------------------

NOT_JSON = [
    ("text/plain", '{"nama": "Siti Aminah"}'),
    ("application/x-www-form-urlencoded", "nama=Siti+Aminah&nik=6311014509870001"),
    ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="nama"\r\n\r\nSiti\r\n--x--\r\n'),
    ("application/xml", "<orang><nama>Siti Aminah</nama></orang>"),
    (None, '{"nama": "Siti Aminah"}'),  # no Content-Type at all
]


def test_a_body_that_is_not_json_where_json_is_read_is_415(client, kernel, tmp_path, b, unchanged):
    before = snapshot(kernel, tmp_path)
    for content_type, body in NOT_JSON:
        for path, actor in ((PERSONS, b.admin), (url(B, "lks/pendaftaran"), b.operator)):
            r = client.post(path, data=body, headers={**actor.headers, **({"Content-Type": content_type} if content_type else {})})
            assert error_of(r, 415)["code"] == "jenis_konten_tidak_didukung", (content_type, path)
    unchanged(before)


def test_json_where_a_file_is_expected_asks_for_the_file(client, kernel, tmp_path, b, unchanged):
    before = snapshot(kernel, tmp_path)
    body = error_of(client.post(IMPORT, json={"berkas": "orang.csv"}, headers=b.officer.headers), 422, "data_tidak_valid")
    assert "berkas" in body["errors"]
    unchanged(before)


# -- size ----------------------------------------------------------------------------------------

def test_a_json_body_over_the_limit_is_413(client, kernel, tmp_path, b, unchanged):
    before = snapshot(kernel, tmp_path)
    limit = kernel.settings.max_content_length
    big = b'{"nik": "6311014509870001", "nama": "' + b"a" * limit + b'"}'
    error_of(_post(client, PERSONS, b.admin, big), 413, "terlalu_besar")
    unchanged(before)


def test_an_upload_over_the_limit_is_413(client, kernel, tmp_path, b, unchanged):
    app = new_application(client, b)
    before = snapshot(kernel, tmp_path)
    # KESOS_UPLOAD_MAX_MB (64 KiB in these tests) plus the form's allowance, and then some
    too_big = b"%PDF-1.4\n" + b"0" * (kernel.settings.upload_max_bytes + 128 * 1024)
    error_of(unggah(client, b, app["id"], "akta_pendirian", content=too_big), 413, "terlalu_besar")
    row = b"6311014509870001,Siti,1987-09-05,P\n"
    csv = b"nik,nama,tanggal_lahir,jenis_kelamin\n" + row * ((kernel.settings.upload_max_bytes + 128 * 1024) // len(row))
    r = client.post(IMPORT, data={"berkas": (io.BytesIO(csv), "orang.csv")}, content_type="multipart/form-data", headers=b.officer.headers)
    error_of(r, 413, "terlalu_besar")
    unchanged(before)


# -- nesting -------------------------------------------------------------------------------------

DEEP = {
    "larik": b"[" * 10_000 + b"]" * 10_000,
    "objek": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "di_dalam_kolom": b'{"nama": "Siti", "nik": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "empat_puluh": b'{"data": ' + b"[" * 40 + b"]" * 40 + b"}",  # parses, still deeper than any form
}


def test_json_nested_too_deep_is_refused_and_the_server_goes_on(client, kernel, tmp_path, b, unchanged):
    before = snapshot(kernel, tmp_path)
    for label, body in DEEP.items():
        for path, actor in ((PERSONS, b.admin), (url(B, "lks/pendaftaran"), b.operator)):
            assert error_of(_post(client, path, actor, body), 422)["code"] == "json_terlalu_dalam", (label, path)
    unchanged(before)
    assert client.post(PERSONS, json=SITI, headers=b.admin.headers).status_code == 201  # still serving


# -- NUL and control characters ------------------------------------------------------------------

def test_nul_anywhere_in_text_is_422_naming_the_field(client, kernel, tmp_path, b, unchanged):
    """PostgreSQL cannot store U+0000 in text: refused everywhere, on both backends alike."""
    before = snapshot(kernel, tmp_path)
    body = error_of(client.post(PERSONS, json={**SITI, "nama": "Siti\x00Aminah"}, headers=b.admin.headers), 422, "karakter_nul")
    assert list(body["errors"]) == ["nama"]
    body = error_of(client.post(PERSONS, json={**SITI, "nama\x00": "Siti"}, headers=b.admin.headers), 422, "karakter_nul")
    body = error_of(client.post(url(B, "lks/pendaftaran"), json={"lembaga": lembaga(b, pengurus=[
        {"nama": "Hj. Rus\x00mini", "jabatan": "Ketua"}])}, headers=b.operator.headers), 422, "karakter_nul")
    assert list(body["errors"]) == ["lembaga.pengurus.0.nama"]
    error_of(client.get(PERSONS + "?q=Si%00ti", headers=b.admin.headers), 422, "karakter_nul")
    csv = b"nik,nama,tanggal_lahir,jenis_kelamin\n6311014509870001,Siti,1987-09-05,P\n"
    r = client.post(IMPORT, data={"berkas": (io.BytesIO(csv), "orang.csv"), "cata\x00tan": "x"}, content_type="multipart/form-data", headers=b.officer.headers)
    error_of(r, 422, "karakter_nul")
    # in the path nothing can be named so: not found (and no query with it reaches the database)
    error_of(client.get(url("bal\x00angan", "persons"), headers=b.admin.headers), 404)
    error_of(client.get(url(B, "lks/pendaftaran/\x00"), headers=b.admin.headers), 404)
    unchanged(before)


def test_a_form_part_whose_name_cannot_be_read_is_422(client, kernel, tmp_path, b, unchanged):
    """A carriage return in a part's name leaves werkzeug without a name for it (None)."""
    app = new_application(client, b)
    before = snapshot(kernel, tmp_path)
    body = (b'--x\r\nContent-Disposition: form-data; name="catatan\rlain"\r\n\r\nisi\r\n'
            b'--x\r\nContent-Disposition: form-data; name="jenis"\r\n\r\nakta_pendirian\r\n'
            b'--x\r\nContent-Disposition: form-data; name="berkas"; filename="akta.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            b"%PDF-1.4\n%%EOF\n\r\n--x--\r\n")
    for path, actor in ((url(B, f"lks/pendaftaran/{app['id']}/dokumen"), b.operator), (IMPORT, b.officer)):
        got = error_of(_post(client, path, actor, body, "multipart/form-data; boundary=x"), 422, "data_tidak_valid")
        assert list(got["errors"]) == ["form"], got
    unchanged(before)


def test_other_control_characters_are_kept_exactly(client, b):
    nama = "Siti\tAminah\x07\x1b[31m\u200b\ufeff\x7f"
    r = client.post(PERSONS, json={**SITI, "nama": nama, "alamat": "Desa\r\nBaru\x0b\x0c"}, headers=b.admin.headers)
    assert r.status_code == 201, r.get_json()
    shown = client.get(url(B, f"persons/{r.get_json()['id']}"), headers=b.admin.headers).get_json()
    assert (shown["nama"], shown["alamat"]) == (nama, "Desa\r\nBaru\x0b\x0c")


# -- length --------------------------------------------------------------------------------------

LONG = "A" * 100_000


def _long_bodies(b: Any) -> list[tuple[str, Any, str, dict[str, Any]]]:
    """(name, actor, path, body with one text field far beyond any column)."""
    lks = lembaga(b)
    cases = [
        ("orang.nama", b.admin, PERSONS, {**SITI, "nama": LONG}),
        ("orang.alamat", b.admin, PERSONS, {**SITI, "alamat": LONG}),
        ("keluarga.alamat", b.admin, url(B, "households"), {"nomor_kk": "6311010101870001", "alamat": LONG}),
        ("organisasi.nama", b.admin, url(B, "organizations"), {"nama": LONG, "jenis": "lks"}),
        ("staf.nama", b.admin, url(B, "staff"), {"username": "staf.baru", "nama": LONG, "password": "kata-sandi-baru-2026", "roles": ["tks"]}),
        ("staf.username", b.admin, url(B, "staff"), {"username": "u" * 5000, "nama": "Staf", "password": "kata-sandi-baru-2026", "roles": ["tks"]}),
        ("hari_libur.keterangan", b.admin, url(B, "calendar/days-off"), {"tanggal": "2026-12-24", "keterangan": LONG}),
    ]
    for key in ("nama", "alamat", "npwp"):
        cases.append((f"lks.{key}", b.operator, url(B, "lks/pendaftaran"), {"lembaga": {**lks, key: LONG}}))
    cases.append(("lks.pengurus", b.operator, url(B, "lks/pendaftaran"), {"lembaga": {**lks, "pengurus": [{"nama": LONG, "jabatan": "Ketua"}]}}))
    cases.append(("lks.kegiatan", b.operator, url(B, "lks/pendaftaran"), {"lembaga": {**lks, "kegiatan": [LONG]}}))
    return cases


def test_text_beyond_its_column_is_422_not_500(client, kernel, tmp_path, b, unchanged):
    """Each form limits its text to what its column holds: refused with the field named, on
    SQLite (which would store it) as on PostgreSQL (which would fail the write)."""
    before = snapshot(kernel, tmp_path)
    for name, actor, path, body in _long_bodies(b):
        r = client.post(path, json=body, headers=actor.headers)
        got = error_of(r, 422)
        assert got["code"] == "data_tidak_valid" and got["errors"], (name, got)
    unchanged(before)


# -- injection -----------------------------------------------------------------------------------

INJECTIONS = [
    "Robert'); DROP TABLE persons;--",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "{{7*7}}",
    "{% for x in range(3) %}x{% endfor %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "<script>alert(1)</script>",
    "%s%s%s%n",
    "\\'; --",
]


def test_injection_strings_are_stored_and_returned_verbatim(client, kernel, b):
    for i, text in enumerate(INJECTIONS, start=1):
        nik = f"631101450987{i:04d}"
        r = client.post(PERSONS, json={**SITI, "nik": nik, "nama": text, "alamat": text}, headers=b.admin.headers)
        assert r.status_code == 201, (text, r.get_json())
        shown = client.get(url(B, f"persons/{r.get_json()['id']}"), headers=b.admin.headers).get_json()
        assert (shown["nama"], shown["alamat"]) == (text, text)
    listed = client.get(PERSONS + "?page_size=100", headers=b.admin.headers).get_json()
    assert sorted(p["nama"] for p in listed) == sorted(INJECTIONS)  # the table is still there, whole
    # a search for an injection string finds only the person named so
    for text in ("' OR '1'='1", "Robert'); DROP TABLE persons;--", "%s%s%s%n"):
        found = client.get(PERSONS, query_string={"q": text}, headers=b.admin.headers).get_json()
        assert [p["nama"] for p in found] == [text], text
    assert client.get(PERSONS, query_string={"q": "%%"}, headers=b.admin.headers).get_json() == []  # LIKE wildcards are text


def test_a_template_in_an_lks_name_is_printed_literally(client, b):
    done = registered(client, b, nama="{{7*7}} <script>alert(1)</script> {% raw %}")
    html = client.get(url(B, f"lks/pendaftaran/{done['id']}/tanda-pendaftaran"), headers=b.operator.headers).get_data(as_text=True)
    # the name as written: not evaluated (49), not run as a tag, not a template block
    assert "{{7*7}} &lt;script&gt;alert(1)&lt;/script&gt; {% raw %}" in html
    assert "<script" not in html
    public = client.get(url(B, "lks/publik/terdaftar")).get_json()
    assert [p["nama"] for p in public] == ["{{7*7}} <script>alert(1)</script> {% raw %}"]


# -- file names ----------------------------------------------------------------------------------

TRAVERSALS = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "/etc/passwd.pdf",
    "....//....//akta.pdf",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd.pdf",
    "akta\u202efdp.exe",  # a right-to-left override disguising the extension
]


def test_a_path_in_an_uploaded_file_name_writes_nothing_outside_the_store(client, kernel, tmp_path, b):
    store = kernel.settings.document_dir
    for name in TRAVERSALS:
        app = new_application(client, b, actor=b.officer, nama=f"Yayasan Nomor {TRAVERSALS.index(name)}")
        outside = [f for f in files_under(tmp_path) if not (tmp_path / f).is_relative_to(store)]
        r = unggah(client, b, app["id"], "akta_pendirian", name=name, actor=b.officer)
        assert r.status_code == 201, (name, r.get_json())
        (doc,) = [d for d in r.get_json()["dokumen"] if d["jenis"] == "akta_pendirian"]
        stored = doc["nama_berkas"]
        assert "/" not in stored and "\\" not in stored and ".." not in stored and "%" not in stored and "\u202e" not in stored, name
        assert stored.endswith(".pdf"), name  # the type the bytes are, whatever the name claimed
        # the bytes are in the document store, under a key of its own — nothing anywhere else
        assert [f for f in files_under(tmp_path) if not (tmp_path / f).is_relative_to(store)] == outside, name
        download = client.get(url(B, f"lks/dokumen/{doc['id']}/berkas"), headers=b.officer.headers)
        assert download.status_code == 200
        assert download.headers["Content-Disposition"] == f'attachment; filename="{stored}"'
    assert not Path("/etc/passwd.pdf").exists()


def test_an_import_keeps_only_the_file_name(client, kernel, b):
    """Without its path, and without NUL (which PostgreSQL cannot store) or other controls."""
    csv = b"nik,nama,tanggal_lahir,jenis_kelamin\n" + f"{NIK_SITI},Siti Aminah,1987-09-05,P\n".encode()
    for name in ("../../../tmp/orang.csv", "or\x00ang\t.csv"):
        r = client.post(IMPORT, data={"berkas": (io.BytesIO(csv), name)}, content_type="multipart/form-data", headers=b.officer.headers)
        assert r.status_code == 202, r.get_json()
        assert r.get_json()["nama_berkas"] == "orang.csv"
    assert not Path("/tmp/orang.csv").exists()


# -- a zip bomb posing as a spreadsheet ----------------------------------------------------------

def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already-deflated members: (name, raw deflate data, crc32, size)."""
    out, directory = io.BytesIO(), b""
    for name, data, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0) + encoded + data)
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)
        directory += encoded
    start = out.tell()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def zip_bomb(mib: int = 512) -> bytes:
    """An .xlsx of ~0.5 MB whose worksheet inflates to `mib` MiB: a header row, then one cell
    of 'A's — the text openpyxl would hold in memory whole. Built from one deflated MiB
    repeated (a full flush makes each block independent), so it costs no time to make."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">' + b"".join(
        f'<c t="inlineStr"><is><t>{c}</t></is></c>'.encode() for c in ("nik", "nama", "tanggal_lahir", "jenis_kelamin")
    ) + b'</row><row r="2"><c t="inlineStr"><is><t>'
    tail = b"</t></is></c></row></sheetData></worksheet>"
    block = b"A" * MIB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    repeated = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    sheet = ("xl/worksheets/sheet1.xml", first + repeated * mib + last, crc, len(head) + mib * MIB + len(tail))
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    return _zip([(name, *_deflated(data)) for name, data in parts.items()] + [sheet])


def test_a_zip_bomb_posing_as_xlsx_is_refused_before_it_is_unpacked(client, kernel, tmp_path, b, unchanged):
    bomb = zip_bomb(512)
    assert len(bomb) < kernel.settings.upload_max_bytes  # small enough to be uploaded at all
    before = snapshot(kernel, tmp_path)
    tracemalloc.start()
    try:
        r = client.post(IMPORT, data={"berkas": (io.BytesIO(bomb), "penerima.xlsx")}, content_type="multipart/form-data", headers=b.officer.headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    body = error_of(r, 422, "data_tidak_valid")
    assert "terurai menjadi 512 MB" in body["errors"]["berkas"][0], body
    assert peak < 32 * MIB, f"{peak / MIB:.0f} MiB allocated while refusing it"
    unchanged(before)


def test_a_part_that_inflates_far_beyond_its_size_is_refused_even_when_the_total_is_allowed(client, kernel, tmp_path, b, unchanged):
    bomb = zip_bomb(16)  # 16 MiB is well within the total, but ~1000:1
    before = snapshot(kernel, tmp_path)
    r = client.post(IMPORT, data={"berkas": (io.BytesIO(bomb), "penerima.xlsx")}, content_type="multipart/form-data", headers=b.officer.headers)
    assert "terurai menjadi 16 MB" in error_of(r, 422, "data_tidak_valid")["errors"]["berkas"][0]
    unchanged(before)


def test_a_real_workbook_still_imports(client, kernel, b):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["nik", "nama", "tanggal_lahir", "jenis_kelamin"])
    workbook.active.append([NIK_SITI, "Siti Aminah", "1987-09-05", "P"])
    buf = io.BytesIO()
    workbook.save(buf)
    r = client.post(IMPORT, data={"berkas": (io.BytesIO(buf.getvalue()), "penerima.xlsx")}, content_type="multipart/form-data", headers=b.officer.headers)
    assert r.status_code == 202, r.get_json()
    run = client.get(url(B, f"imports/{r.get_json()['id']}"), headers=b.officer.headers).get_json()
    assert (run["status"], run["diterima"]) == ("done", 1), run


def test_a_nul_in_an_imported_cell_refuses_that_row_only(client, kernel, b):
    csv = (
        "nik,nama,tanggal_lahir,jenis_kelamin\n"
        f"{NIK_SITI},Siti Aminah,1987-09-05,P\n"
        "6311021203900002,Ahmad\x00Fauzi,1990-03-12,L\n"
    ).encode()
    r = client.post(IMPORT, data={"berkas": (io.BytesIO(csv), "orang.csv")}, content_type="multipart/form-data", headers=b.officer.headers)
    assert r.status_code == 202, r.get_json()
    run = client.get(url(B, f"imports/{r.get_json()['id']}"), headers=b.officer.headers).get_json()
    assert (run["status"], run["diterima"], run["ditolak"]) == ("done", 1, 1), run
    rejected = client.get(url(B, f"imports/{run['id']}/ditolak"), headers=b.officer.headers).get_data(as_text=True)
    assert "karakter NUL" in rejected
