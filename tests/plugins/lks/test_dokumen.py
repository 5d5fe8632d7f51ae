"""Documents of an application (PP 39/2012 Pasal 57 ayat (3)): type and size limits, one per
kind, checksum and uploader recorded, download only for those who may see the LKS — and a
refused upload leaves neither a row nor a file behind."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.plugins.lks.helpers import PDF, PNG, PP, T, counts, lengkap, new_application, refused, unggah, unggah_semua


def _files(kernel) -> list[Path]:
    root = Path(kernel.settings.document_dir)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def b(world):
    return world["balangan"]


def test_an_upload_records_checksum_size_and_uploader_and_is_downloadable(client, kernel, b, world):
    app = new_application(client, b)
    r = unggah(client, b, app["id"], "npwp", PNG, name="npwp kantor.png")
    assert r.status_code == 201, r.get_json()
    (doc,) = r.get_json()["dokumen"]
    assert doc["jenis"] == "npwp" and doc["label"] == "Nomor Pokok Wajib Pajak"
    assert doc["media_type"] == "image/png" and doc["nama_berkas"] == "npwp kantor.png"
    assert doc["ukuran"] == len(PNG) and doc["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert doc["diunggah_oleh"] == str(b.operator.user_id)
    assert [p["ada"] for p in r.get_json()["persyaratan"]] == [False, False, False, True]
    got = client.get(f"{T}/balangan/lks/dokumen/{doc['id']}/berkas", headers=b.officer.headers)
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert 'filename="npwp kantor.png"' in got.headers["Content-Disposition"]
    assert got.headers["X-Content-SHA256"] == doc["sha256"]
    # another operator, another kabupaten: as if it did not exist
    assert client.get(f"{T}/balangan/lks/dokumen/{doc['id']}/berkas", headers=b.operator2.headers).status_code == 404
    assert client.get(f"{T}/tabalong/lks/dokumen/{doc['id']}/berkas", headers=world["tabalong"].admin.headers).status_code == 404
    audit = [e for e in _audit(kernel) if e.action == "lks.dokumen.unggah"]
    assert audit and audit[-1].summary["sha256"] == doc["sha256"]


def _audit(kernel):
    from tests.core.api.helpers import audit_log

    return audit_log(kernel, "balangan")


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 not a document", "surat.pdf", "Jenis berkas tidak didukung"),
    (b"<html><script>alert(1)</script></html>", "akta.pdf", "Jenis berkas tidak didukung"),
    (b"", "kosong.pdf", "Berkas kosong"),
])
def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(client, kernel, b, content, name, message):
    app = new_application(client, b)
    before = counts(kernel, "balangan")
    body = refused(unggah(client, b, app["id"], "npwp", content, name=name), "data_tidak_valid")
    assert message in body["errors"]["berkas"][0]
    assert counts(kernel, "balangan") == before and _files(kernel) == []


def test_a_file_over_the_limit_is_refused_naming_the_field_and_nothing_is_left(client, kernel, b):
    app = new_application(client, b)
    limit = kernel.settings.upload_max_bytes
    before = counts(kernel, "balangan")
    body = refused(unggah(client, b, app["id"], "npwp", PDF + b"0" * limit), "data_tidak_valid")
    assert "terlalu besar" in body["errors"]["berkas"][0] and f"{limit:,}".replace(",", ".") in body["errors"]["berkas"][0]
    assert counts(kernel, "balangan") == before and _files(kernel) == []
    # far beyond any document: the request itself is refused before it is read
    huge = unggah(client, b, app["id"], "npwp", PDF + b"0" * (5 * limit))
    assert huge.status_code == 413 and huge.get_json()["code"] == "terlalu_besar"
    # a JSON body keeps the small limit of every other route
    r = client.post(f"{T}/balangan/lks/pendaftaran", data=b"{" + b" " * (3 * 1024 * 1024) + b"}", content_type="application/json", headers=b.officer.headers)
    assert r.status_code == 413


def test_one_document_of_each_kind(client, kernel, b):
    app = new_application(client, b)
    assert unggah(client, b, app["id"], "npwp").status_code == 201
    before = counts(kernel, "balangan")
    files = _files(kernel)
    body = refused(unggah(client, b, app["id"], "npwp"), "data_tidak_valid")
    assert body["errors"] == {"jenis": ["Dokumen 'Nomor Pokok Wajib Pajak' sudah dilampirkan pada permohonan ini."]}
    assert counts(kernel, "balangan") == before and _files(kernel) == files


def test_unknown_kinds_and_missing_files_are_refused(client, kernel, b):
    app = new_application(client, b)
    body = refused(unggah(client, b, app["id"], "ktp_ketua"), "data_tidak_valid")
    assert "bukan lampiran pendaftaran" in body["errors"]["jenis"][0]
    r = client.post(
        f"{T}/balangan/lks/pendaftaran/{app['id']}/dokumen", data={"jenis": "npwp"}, content_type="multipart/form-data", headers=b.operator.headers,
    )
    assert refused(r, "data_tidak_valid")["errors"] == {"berkas": ["Berkas wajib diunggah."]}
    r = client.post(f"{T}/balangan/lks/pendaftaran/{app['id']}/dokumen", json={"jenis": "npwp"}, headers=b.operator.headers)
    assert r.status_code == 422
    assert _files(kernel) == []


def test_a_path_in_the_file_name_is_dropped(client, kernel, b):
    app = new_application(client, b)
    r = unggah(client, b, app["id"], "npwp", PDF, name="../../etc/passwd\x00.exe")
    (doc,) = r.get_json()["dokumen"]
    assert doc["nama_berkas"] == "passwd.pdf"
    (stored,) = _files(kernel)
    assert Path(kernel.settings.document_dir) in stored.parents and "passwd" not in str(stored)


def test_documents_close_with_the_application(client, kernel, b):
    app = new_application(client, b)
    unggah_semua(client, b, app["id"])
    assert lengkap(client, b, app["id"]).status_code == 200
    r = unggah(client, b, app["id"], "npwp", name="npwp-baru.pdf")
    refused(r, "permohonan_tidak_terbuka", f"{PP} Pasal 57 ayat (3)", "Persyaratan Lengkap")


def test_a_failed_request_deletes_the_files_it_already_wrote(client, kernel, world):
    """A permit decision carries several files; the last one is refused after the first ones
    were stored — the whole request is undone, files included."""
    b = world["balangan"]
    r = client.post(f"{T}/balangan/lks/asing", json={
        "nama": "Families Together International", "berbadan_hukum": True, "alamat": "Jl. Merdeka No. 1, Paringin",
        "kode_wilayah": "63.11", "npwp": None, "pengurus": [{"nama": "Jane Cooper", "jabatan": "Country Director"}],
        "kegiatan": ["pendampingan keluarga"], "wilayah_kerja": ["63.11"], "negara_asal": "Australia", "hubungan_diplomatik": True,
    }, headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    org = r.get_json()["id"]
    before = counts(kernel, "balangan")
    files = {
        code: (io.BytesIO(PDF), f"{code}.pdf")
        for code in ("proposal_kerja_sama", "rancangan_perjanjian", "rekomendasi_perwakilan", "status_badan_hukum")
    }
    files["sumber_dana_3_tahun"] = (io.BytesIO(b"not a pdf"), "sumber_dana.pdf")  # sorted last: refused after four are stored
    r = client.post(
        f"{T}/balangan/lks/asing/{org}/izin", content_type="multipart/form-data", headers=b.officer.headers,
        data={"jenis": "kemenlu", "keputusan": "diberikan", "nomor": "KEMLU/1/2026", "tanggal": "2026-01-05", "berlaku_sampai": "2029-01-05", **files},
    )
    assert "Jenis berkas tidak didukung" in refused(r, "data_tidak_valid")["errors"]["sumber_dana_3_tahun"][0]
    assert counts(kernel, "balangan") == before
    assert _files(kernel) == []
