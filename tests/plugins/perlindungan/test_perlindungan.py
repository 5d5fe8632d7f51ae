"""Perlindungan sosial (PP 39/2012 Pasal 28–36): events grouping their affected people, temporary
aid after a disaster only once BNPB was coordinated with, sustained aid only after the temporary
aid is declared finished, a ledger of what went to whom, and advokasi sosial / bantuan hukum
cases with their activities."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timezone
from typing import Any

import openpyxl
import pytest
from sqlalchemy import event, func, select, update

from core.db import tenant_context
from core.reports import ReportContext
from core.sdk import Case, local_today
from core.tenancy.models import Tenant
from core.tenancy.services import tenant_profile
from plugins.perlindungan.models import Penyaluran, Terdampak
from plugins.perlindungan.reports import build
from tests.core.api.helpers import tenant_id
from tests.refusals import refused

T = "/api/v1/tenants"
PP = "PP 39/2012"


def _url(w: Any, path: str) -> str:
    return f"{T}/{w.slug}/perlindungan{path}"


def _kejadian(client: Any, w: Any, jenis: str = "bencana", **extra: Any) -> dict[str, Any]:
    body = {"nama": "Banjir Paringin 2026", "jenis": jenis, "tanggal_mulai": "2026-01-10", "lokasi": "Kec. Paringin"} | extra
    r = client.post(_url(w, "/kejadian"), json=body, headers=w.officer.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _attach(client: Any, w: Any, kejadian: dict[str, Any], *people: Any, households: tuple[str, ...] = ()) -> Any:
    return client.post(_url(w, f"/kejadian/{kejadian['id']}/terdampak"),
                       json={"person_ids": [str(p.id) for p in people], "household_ids": list(households)}, headers=w.officer.headers)


def _koordinasi(client: Any, w: Any, kejadian: dict[str, Any]) -> Any:
    return client.post(_url(w, f"/kejadian/{kejadian['id']}/koordinasi-bnpb"),
                       json={"tanggal": "2026-01-11", "keterangan": "Rapat koordinasi dengan BNPB/BPBD, surat 360/12/2026"},
                       headers=w.officer.headers)


def _bantuan(client: Any, w: Any, kejadian: dict[str, Any], person: Any = None, household: str | None = None, **data: Any) -> Any:
    data = {"kejadian_id": kejadian["id"], "sifat": "sementara", "bentuk": "bantuan_langsung", "jenis": ["sandang_pangan_papan"]} | data
    subject = {"person_id": str(person.id)} if person is not None else {"household_id": household}
    return client.post(_url(w, "/bantuan"), json=subject | {"data": data}, headers=w.officer.headers)


def _advance(client: Any, w: Any, case_id: str, to: str, data: dict[str, Any], path: str = "/bantuan") -> Any:
    etag = client.get(_url(w, f"{path}/{case_id}"), headers=w.officer.headers).headers["ETag"]
    return client.post(f"{T}/{w.slug}/cases/{case_id}/advance", json={"to_stage": to, "data": data}, headers={**w.officer.headers, "If-Match": etag})


def _count(kernel: Any, slug: str, model: Any) -> int:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return int(s.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def b(world: Any) -> Any:
    return world["balangan"]


def test_temporary_aid_after_a_disaster_needs_the_bnpb_coordination(client, kernel, b):
    banjir = _kejadian(client, b)
    assert _attach(client, b, banjir, b.siti).status_code == 201
    refused(_bantuan(client, b, banjir, b.siti), "belum_koordinasi_bnpb", f"{PP} Pasal 29 ayat (4)", "Badan Nasional Penanggulangan Bencana")
    assert _koordinasi(client, b, banjir).status_code == 200
    r = _bantuan(client, b, banjir, b.siti)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["stage"], r.get_json()["case_type"], r.get_json()["profile_id"]) == ("penyaluran", "bantuan_sosial", "pp-39-2012")
    refused(_bantuan(client, b, banjir, b.siti), "bantuan_sudah_berjalan", None, status=409)
    # a crisis that is not a disaster needs no BNPB coordination (Pasal 29 ayat (4) speaks of bencana)
    krisis = _kejadian(client, b, "krisis_ekonomi", nama="PHK massal 2026")
    _attach(client, b, krisis, b.ahmad)
    assert _bantuan(client, b, krisis, b.ahmad).status_code == 201
    # only people recorded as affected by the event receive its aid (Pasal 28 ayat (2))
    refused(_bantuan(client, b, krisis, b.siti), "bukan_terdampak", f"{PP} Pasal 28 ayat (2)", "PHK massal 2026")


def test_sustained_aid_only_after_the_temporary_aid_is_declared_finished(client, kernel, b):
    banjir = _kejadian(client, b)
    _attach(client, b, banjir, b.siti, b.ahmad)
    _koordinasi(client, b, banjir)
    berkelanjutan = {"sifat": "berkelanjutan", "jenis": ["uang_tunai"]}
    refused(_bantuan(client, b, banjir, b.siti, **berkelanjutan), "bantuan_sementara_belum_selesai", f"{PP} Pasal 29 ayat (5)", "belum ada")
    sementara = _bantuan(client, b, banjir, b.siti).get_json()
    refused(_bantuan(client, b, banjir, b.siti, **berkelanjutan), "bantuan_sementara_belum_selesai", f"{PP} Pasal 29 ayat (5)", "masih berjalan")
    # declared finished only once the situation is stable (Pasal 29 ayat (3))
    refused(_advance(client, b, sementara["id"], "selesai", {"keterangan": "belum"}), "keadaan_belum_stabil", f"{PP} Pasal 29 ayat (3)")
    assert _advance(client, b, sementara["id"], "selesai", {"keterangan": "Air surut, warga kembali", "keadaan_stabil": True}).status_code == 200
    # Ahmad's temporary aid is a different subject: it does not open the way for Siti, nor the reverse
    refused(_bantuan(client, b, banjir, b.ahmad, **berkelanjutan), "bantuan_sementara_belum_selesai", f"{PP} Pasal 29 ayat (5)")
    r = _bantuan(client, b, banjir, b.siti, **berkelanjutan)
    assert r.status_code == 201, r.get_json()
    # sustained aid lasts until the minimum basic needs are met (Pasal 29 ayat (6))
    case_id = r.get_json()["id"]
    refused(_advance(client, b, case_id, "selesai", {"keterangan": "anggaran habis"}), "kebutuhan_dasar_belum_terpenuhi",
            f"{PP} Pasal 29 ayat (6)")
    assert _advance(client, b, case_id, "selesai", {"keterangan": "Usaha pulih", "kebutuhan_dasar_terpenuhi": True}).status_code == 200


def test_aid_kinds_come_from_the_profile(client, kernel, b):
    krisis = _kejadian(client, b, "krisis_sosial", nama="Konflik sosial Awayan")
    _attach(client, b, krisis, b.siti)
    refused(_bantuan(client, b, krisis, b.siti, jenis=["rujukan"]), "jenis_bantuan_tidak_dikenal", f"{PP} Pasal 30", "rujukan")
    refused(_bantuan(client, b, krisis, b.siti, bentuk="penyediaan_aksesibilitas", jenis=["uang_tunai"]),
            "jenis_bantuan_tidak_dikenal", f"{PP} Pasal 31")
    refused(_bantuan(client, b, krisis, b.siti, bentuk="penguatan_kelembagaan", jenis=["pemakaman"]),
            "jenis_bantuan_tidak_dikenal", f"{PP} Pasal 32")
    r = _bantuan(client, b, krisis, b.siti, bentuk="penyediaan_aksesibilitas", jenis=["rujukan", "informasi"])
    assert r.status_code == 201, r.get_json()
    body = refused(_bantuan(client, b, krisis, b.siti, sifat="selamanya"), "data_tidak_valid")
    assert "sifat" in body["errors"]["data"]
    refused(client.post(_url(b, "/kejadian"), json={"nama": "Hujan", "jenis": "cuaca", "tanggal_mulai": "2026-01-01"},
                        headers=b.officer.headers), "jenis_kejadian_tidak_dikenal", f"{PP} Pasal 28 ayat (2)")


def test_an_event_groups_its_beneficiaries_and_its_ledger(client, kernel, world, b):
    t = world["tabalong"]
    banjir = _kejadian(client, b)
    kk = client.post(f"{T}/balangan/households", json={"nomor_kk": "6311010101260001"}, headers=b.officer.headers).get_json()
    # one id of another kabupaten: 422 naming it, nothing written
    r = _attach(client, b, banjir, b.siti, t.ahmad, households=(kk["id"],))
    assert r.status_code == 422, r.get_json()
    assert str(t.ahmad.id) in r.get_json()["errors"]["person_ids"][0] and "household_ids" not in r.get_json()["errors"]
    assert _count(kernel, "balangan", Terdampak) == 0
    r = _attach(client, b, banjir, b.siti, b.ahmad, households=(kk["id"],))
    assert (r.status_code, r.get_json()) == (201, {"ditambahkan": 3, "sudah_ada": 0})
    assert _attach(client, b, banjir, b.siti).get_json() == {"ditambahkan": 0, "sudah_ada": 1}
    assert len(client.get(_url(b, f"/kejadian/{banjir['id']}/terdampak"), headers=b.auditor.headers).get_json()) == 3
    _koordinasi(client, b, banjir)
    siti = _bantuan(client, b, banjir, b.siti, jenis=["sandang_pangan_papan", "uang_tunai"]).get_json()
    keluarga = _bantuan(client, b, banjir, household=kk["id"], jenis=["dapur_umum_air_sanitasi"]).get_json()
    assert keluarga["subject_type"] == "household"
    pay = _url(b, f"/bantuan/{siti['id']}/penyaluran")
    assert client.post(pay, json={"jenis": "sandang_pangan_papan", "jumlah": 2, "satuan": "paket", "tanggal": "2026-01-12"},
                       headers=b.officer.headers).status_code == 201
    assert client.post(pay, json={"jenis": "uang_tunai", "nilai_rupiah": 500000, "tanggal": "2026-01-12"}, headers=b.officer.headers).status_code == 201
    r = client.post(_url(b, f"/bantuan/{keluarga['id']}/penyaluran"),
                    json={"jenis": "dapur_umum_air_sanitasi", "jumlah": 40, "satuan": "porsi", "tanggal": "2026-01-13"}, headers=b.officer.headers)
    # The ledger names the household by its KK, masked: the number itself is encrypted in the
    # registry, and the ledger is read by auditors, who may not see it.
    assert r.status_code == 201 and r.get_json()["penerima"] == "KK 6311**********01", r.get_json()
    refused(client.post(pay, json={"jenis": "sandang_pangan_papan", "jumlah": 1, "satuan": "paket", "tanggal": "2026-01-12"},
                        headers=b.officer.headers), "penyaluran_sudah_dicatat", None, status=409)
    ledger = client.get(_url(b, f"/kejadian/{banjir['id']}/penyaluran"), headers=b.auditor.headers).get_json()
    assert [(x["penerima"], x["jenis"], x["jumlah"], x["satuan"], x["nilai_rupiah"], x["tanggal"]) for x in ledger] == [
        ("Siti Aminah", "sandang_pangan_papan", 2, "paket", None, "2026-01-12"),
        ("Siti Aminah", "uang_tunai", None, None, 500000, "2026-01-12"),
        ("KK 6311**********01", "dapur_umum_air_sanitasi", 40, "porsi", None, "2026-01-13"),
    ]
    # closing the event: no more deliveries, beneficiaries or aid
    r = client.post(_url(b, f"/kejadian/{banjir['id']}/tutup"), json={"tanggal": "2026-02-01", "keterangan": "Keadaan stabil"},
                    headers=b.officer.headers)
    assert (r.status_code, r.get_json()["status"]) == (200, "ditutup")
    refused(client.post(pay, json={"jenis": "uang_tunai", "nilai_rupiah": 100000, "tanggal": "2026-02-02"}, headers=b.officer.headers),
            "kejadian_ditutup", None, status=409)
    refused(_attach(client, b, banjir, b.rizky), "kejadian_ditutup", status=409)
    refused(_bantuan(client, b, banjir, b.ahmad), "kejadian_ditutup", status=409)
    assert _count(kernel, "balangan", Penyaluran) == 3


def test_bad_delivery_input_is_refused_naming_the_field(client, kernel, b):
    krisis = _kejadian(client, b, "krisis_ekonomi")
    _attach(client, b, krisis, b.siti)
    case = _bantuan(client, b, krisis, b.siti, jenis=["uang_tunai", "kebutuhan_pokok_murah"]).get_json()
    pay = _url(b, f"/bantuan/{case['id']}/penyaluran")
    base = {"jenis": "kebutuhan_pokok_murah", "jumlah": 5, "satuan": "kg", "tanggal": "2026-01-15"}
    for bad, field in (({"jumlah": -5}, "jumlah"), ({"jumlah": 2.5}, "jumlah"), ({"jumlah": "lima"}, "jumlah"),
                       ({"jenis": "uang_tunai", "jumlah": None, "nilai_rupiah": 1000.5}, "nilai_rupiah"),
                       ({"jenis": "uang_tunai", "jumlah": None, "nilai_rupiah": -1}, "nilai_rupiah"),
                       ({"jenis": "uang_tunai", "nilai_rupiah": None}, "nilai_rupiah"),
                       ({"satuan": None}, "satuan"), ({"jenis": "pemakaman"}, "jenis"),
                       ({"tanggal": "2099-01-01"}, "tanggal"), ({"tanggal": "2025-12-31"}, "tanggal")):
        r = client.post(pay, json=base | bad, headers=b.officer.headers)
        assert r.status_code == 422 and field in r.get_json()["errors"], (bad, r.get_json())
    assert _count(kernel, "balangan", Penyaluran) == 0
    # an auditor reads, never writes
    refused(client.post(pay, json=base, headers=b.auditor.headers), "tidak_berwenang", status=403)
    assert client.post(pay, json=base, headers=b.peksos.headers).status_code == 201


def test_advokasi_sosial_with_its_activities(client, kernel, b):
    url = _url(b, "/kasus")
    refused(client.post(url, json={"case_type": "advokasi_sosial", "person_id": str(b.siti.id),
                                   "data": {"bentuk": ["pengaduan"], "hak_dilanggar": "hak atas tanah"}}, headers=b.officer.headers),
            "bentuk_tidak_dikenal", f"{PP} Pasal 33 ayat (2)")
    r = client.post(url, json={"case_type": "advokasi_sosial", "person_id": str(b.siti.id),
                               "data": {"bentuk": ["penyadaran_hak", "pembelaan"], "hak_dilanggar": "hak atas jaminan hari tua"}},
                    headers=b.peksos.headers)
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    act = _url(b, f"/kasus/{case['id']}/kegiatan")
    ok = client.post(act, json={"kegiatan": "penyuluhan", "tanggal": "2026-02-01", "uraian": "Penyuluhan hak pekerja"}, headers=b.peksos.headers)
    assert (ok.status_code, ok.get_json()["bentuk"]) == (201, "penyadaran_hak"), ok.get_json()
    assert client.post(act, json={"kegiatan": "pendampingan", "tanggal": "2026-02-03", "uraian": "Mendampingi ke Disnaker"},
                       headers=b.peksos.headers).status_code == 201
    refused(client.post(act, json={"kegiatan": "pemulihan_hak", "tanggal": "2026-02-03", "uraian": "x"}, headers=b.peksos.headers),
            "kegiatan_di_luar_bentuk", f"{PP} Pasal 34 ayat (3)", "pemenuhan hak")
    refused(client.post(act, json={"kegiatan": "demonstrasi", "tanggal": "2026-02-03", "uraian": "x"}, headers=b.peksos.headers),
            "kegiatan_tidak_dikenal", f"{PP} Pasal 33 ayat (2)")
    listed = client.get(act, headers=b.auditor.headers).get_json()
    assert [x["kegiatan"] for x in listed] == ["penyuluhan", "pendampingan"]
    # a community may be defended too (Pasal 33 ayat (1): kelompok, masyarakat)
    r = client.post(url, json={"case_type": "advokasi_sosial", "community_name": "Masyarakat adat Dayak Deyah",
                               "data": {"bentuk": ["pemenuhan_hak"], "hak_dilanggar": "hak ulayat"}}, headers=b.peksos.headers)
    assert (r.status_code, r.get_json()["subject_type"]) == (201, "community"), r.get_json()
    assert _advance(client, b, case["id"], "selesai", {"hasil": "Hak dipulihkan"}, "/kasus").status_code == 200
    refused(client.post(act, json={"kegiatan": "bimbingan", "tanggal": "2026-02-05", "uraian": "x"}, headers=b.peksos.headers),
            "kasus_sudah_ditutup", f"{PP} Pasal 33 ayat (2)")


def test_bantuan_hukum_accompanies_a_child_facing_the_law(client, kernel, b):
    url = _url(b, "/kasus")

    def _open(person: Any) -> dict[str, Any]:
        r = client.post(url, json={"case_type": "bantuan_hukum", "person_id": str(person.id),
                                   "data": {"bentuk": ["pembelaan", "konsultasi_hukum"], "masalah_hukum": "Diduga mencuri",
                                            "forum": "dalam_pengadilan"}}, headers=b.peksos.headers)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    anak, dewasa = _open(b.rizky), _open(b.ahmad)
    body = {"kegiatan": "pendampingan_anak", "tanggal": "2026-03-01", "uraian": "Mendampingi pada diversi", "status_anak": "berkonflik_dengan_hukum"}
    r = client.post(_url(b, f"/kasus/{anak['id']}/kegiatan"), json=body, headers=b.peksos.headers)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["kegiatan"], r.get_json()["status_anak"]) == ("pendampingan_anak", "berkonflik_dengan_hukum")
    refused(client.post(_url(b, f"/kasus/{anak['id']}/kegiatan"), json=body | {"status_anak": None}, headers=b.peksos.headers),
            "status_anak_tidak_dikenal", "UU 11/2012 Pasal 1 angka 2")
    refused(client.post(_url(b, f"/kasus/{dewasa['id']}/kegiatan"), json=body, headers=b.peksos.headers),
            "bukan_anak", "UU 11/2012 Pasal 1 angka 3–5", "18 tahun")
    for kegiatan in ("investigasi_sosial", "fasilitasi_mediasi"):
        assert client.post(_url(b, f"/kasus/{dewasa['id']}/kegiatan"), json={"kegiatan": kegiatan, "tanggal": "2026-03-02", "uraian": "x"},
                           headers=b.peksos.headers).status_code == 201
    refused(client.post(_url(b, f"/kasus/{dewasa['id']}/kegiatan"), json={"kegiatan": "penyuluhan", "tanggal": "2026-03-02", "uraian": "x"},
                        headers=b.peksos.headers), "kegiatan_tidak_dikenal", f"{PP} Pasal 36")
    body = refused(client.post(url, json={"case_type": "bantuan_hukum", "community_name": "Warga Desa X",
                                          "data": {"bentuk": ["pembelaan"], "masalah_hukum": "x", "forum": "luar_pengadilan"}},
                               headers=b.peksos.headers), "data_tidak_valid")
    assert "subject_type" in body["errors"]
    refused(client.post(url, json={"case_type": "bantuan_hukum", "person_id": str(b.ahmad.id),
                                   "data": {"bentuk": ["penyuluhan"], "masalah_hukum": "x", "forum": "luar_pengadilan"}},
                        headers=b.peksos.headers), "bentuk_tidak_dikenal", f"{PP} Pasal 35 ayat (2)")


def test_another_kabupaten_sees_nothing(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    krisis = _kejadian(client, b, "krisis_ekonomi")
    _attach(client, b, krisis, b.siti)
    case = _bantuan(client, b, krisis, b.siti).get_json()
    kasus = client.post(_url(b, "/kasus"), json={"case_type": "advokasi_sosial", "person_id": str(b.siti.id),
                                                 "data": {"bentuk": ["pembelaan"], "hak_dilanggar": "x"}}, headers=b.officer.headers).get_json()
    for path in (f"/kejadian/{krisis['id']}", f"/kejadian/{krisis['id']}/terdampak", f"/kejadian/{krisis['id']}/penyaluran",
                 f"/bantuan/{case['id']}", f"/bantuan/{case['id']}/penyaluran", f"/kasus/{kasus['id']}", f"/kasus/{kasus['id']}/kegiatan"):
        assert client.get(_url(t, path), headers=t.officer.headers).status_code == 404, path
    assert client.post(_url(t, f"/bantuan/{case['id']}/penyaluran"), json={"jenis": "sandang_pangan_papan", "jumlah": 1, "satuan": "paket",
                                                                          "tanggal": "2026-01-12"}, headers=t.officer.headers).status_code == 404
    assert client.post(_url(t, f"/kejadian/{krisis['id']}/terdampak"), json={"person_ids": [str(t.siti.id)]},
                       headers=t.officer.headers).status_code == 404
    for path in ("/kejadian", "/bantuan", "/kasus"):
        assert client.get(_url(t, path), headers=t.officer.headers).get_json() == [], path
    # Balangan's event cannot be named by a Tabalong aid
    r = _bantuan(client, t, krisis, t.siti)
    assert r.status_code == 422 and "kejadian_id" in r.get_json()["errors"]["data"], r.get_json()


# ---- the yearly report ----------------------------------------------------------------------

REPORT = "perlindungan.tahunan"


def _run(client: Any, w: Any, params: Any, actor: Any = None) -> Any:
    return client.post(f"{T}/{w.slug}/reports/{REPORT}/runs", json={} if params is None else {"params": params},
                       headers=(actor or w.officer).headers)


def _ok(r: Any) -> dict[str, Any]:
    assert r.status_code in (200, 201), r.get_json()
    return r.get_json()


def _year_of_cases(client: Any, kernel: Any, world: Any) -> int:
    """This year (dates valid whenever the suite runs): a flood coordinated with BNPB, four
    temporary aids (one finished and followed by sustained aid), advokasi and bantuan hukum
    with their activities; last year: a crisis with its deliveries and an activity, and a case
    that ended then — which the report of this year leaves out."""
    b, t = world["balangan"], world["tabalong"]
    tahun = local_today().year
    mulai, lalu = date(tahun, 1, 1).isoformat(), date(tahun - 1, 6, 1)
    banjir = _kejadian(client, b, tanggal_mulai=mulai)
    kk = _ok(client.post(f"{T}/balangan/households", json={"nomor_kk": "6311010101260001"}, headers=b.officer.headers))
    assert _attach(client, b, banjir, b.siti, b.ahmad, households=(kk["id"],)).status_code == 201
    _ok(client.post(_url(b, f"/kejadian/{banjir['id']}/koordinasi-bnpb"), json={"tanggal": mulai, "keterangan": "Rapat dengan BPBD"},
                    headers=b.officer.headers))
    krisis = _kejadian(client, b, "krisis_ekonomi", nama="PHK massal", tanggal_mulai=lalu.isoformat())
    _attach(client, b, krisis, b.ahmad)
    _kejadian(client, t, tanggal_mulai=mulai)  # another kabupaten's flood is not counted here

    def pay(case: dict[str, Any], tanggal: str = mulai, **body: Any) -> None:
        _ok(client.post(_url(b, f"/bantuan/{case['id']}/penyaluran"), json={"tanggal": tanggal} | body, headers=b.officer.headers))

    siti = _ok(_bantuan(client, b, banjir, b.siti, jenis=["sandang_pangan_papan", "uang_tunai"]))
    pay(siti, jenis="sandang_pangan_papan", jumlah=2, satuan="paket")
    pay(siti, jenis="uang_tunai", nilai_rupiah=500000)
    ahmad = _ok(_bantuan(client, b, banjir, b.ahmad, jenis=["sandang_pangan_papan", "uang_tunai"]))
    pay(ahmad, jenis="sandang_pangan_papan", jumlah=1, satuan="paket")
    pay(ahmad, jenis="uang_tunai", nilai_rupiah=250000)
    pay(_ok(_bantuan(client, b, banjir, household=kk["id"], jenis=["dapur_umum_air_sanitasi"])), jenis="dapur_umum_air_sanitasi",
        jumlah=40, satuan="porsi")
    _ok(_advance(client, b, siti["id"], "selesai", {"keterangan": "Air surut", "keadaan_stabil": True}))
    pay(_ok(_bantuan(client, b, banjir, b.siti, sifat="berkelanjutan", jenis=["uang_tunai"])), jenis="uang_tunai", nilai_rupiah=300000)
    # opened last year and still running: counted; its delivery of last year is not
    akses = _ok(_bantuan(client, b, krisis, b.ahmad, bentuk="penyediaan_aksesibilitas", jenis=["rujukan"]))
    pay(akses, lalu.isoformat(), jenis="rujukan", jumlah=1, satuan="orang")

    def kasus(case_type: str, person: Any, **data: Any) -> dict[str, Any]:
        return _ok(client.post(_url(b, "/kasus"), json={"case_type": case_type, "person_id": str(person.id), "data": data},
                               headers=b.peksos.headers))

    def act(case: dict[str, Any], kegiatan: str, tanggal: str = mulai, **body: Any) -> None:
        _ok(client.post(_url(b, f"/kasus/{case['id']}/kegiatan"), json={"kegiatan": kegiatan, "tanggal": tanggal, "uraian": "x"} | body,
                        headers=b.peksos.headers))

    advokasi = kasus("advokasi_sosial", b.siti, bentuk=["penyadaran_hak", "pembelaan"], hak_dilanggar="hak atas jaminan hari tua")
    for kegiatan in ("penyuluhan", "pendampingan"):
        act(advokasi, kegiatan)
    act(advokasi, "bimbingan", date(tahun - 1, 12, 31).isoformat())  # last year's activity
    _ok(_advance(client, b, advokasi["id"], "selesai", {"hasil": "Hak dipulihkan"}, "/kasus"))
    hukum = {"bentuk": ["pembelaan"], "masalah_hukum": "Diduga mencuri", "forum": "dalam_pengadilan"}
    anak = kasus("bantuan_hukum", b.rizky, **hukum)
    act(anak, "pendampingan_anak", status_anak="berkonflik_dengan_hukum")
    act(anak, "pendampingan_anak", status_anak="korban", tanggal=local_today().isoformat())
    act(anak, "investigasi_sosial")
    act(kasus("bantuan_hukum", b.ahmad, **hukum), "fasilitasi_mediasi")
    ended = kasus("bantuan_hukum", b.siti, **hukum)
    _ok(_advance(client, b, ended["id"], "selesai", {"hasil": "Perkara selesai"}, "/kasus"))
    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.execute(update(Case).where(Case.id == uuid.UUID(akses["id"])).values(opened_at=datetime(tahun - 1, 6, 2, tzinfo=timezone.utc)))
        s.execute(update(Case).where(Case.id == uuid.UUID(ended["id"])).values(
            opened_at=datetime(tahun - 1, 3, 1, tzinfo=timezone.utc), closed_at=datetime(tahun - 1, 12, 31, 16, 59, tzinfo=timezone.utc)))
    return tahun


def test_the_yearly_report_counts_cases_events_aid_and_activities(client, kernel, world, b):
    tahun = _year_of_cases(client, kernel, world)
    r = _run(client, b, {"tahun": tahun})
    assert r.status_code == 202, r.get_json()
    run = client.get(f"{T}/balangan/reports/runs/{r.get_json()['id']}", headers=b.auditor.headers).get_json()
    assert run["status"] == "done", run
    result = run["result"]
    assert result["jumlah_kasus"] == 8  # the case closed on 31 December 23:59 WIB of last year is left out
    assert result["per_jenis_kasus"] == {"advokasi_sosial": 1, "bantuan_hukum": 2, "bantuan_sosial": 5}
    assert result["per_tahap"] == {"advokasi_sosial": {"selesai": 1}, "bantuan_hukum": {"pelaksanaan": 2},
                                   "bantuan_sosial": {"penyaluran": 4, "selesai": 1}}
    assert result["per_sifat"] == {"berkelanjutan": 1, "sementara": 4}
    assert result["per_bentuk"] == {"bantuan_langsung": 4, "penyediaan_aksesibilitas": 1}
    assert result["kejadian"] == {"bencana": {"kejadian": 1, "orang": 2, "keluarga": 1}}
    assert result["penyaluran"] == {
        "dapur_umum_air_sanitasi": {"kali": 1, "jumlah": {"porsi": 40}, "rupiah": 0},
        "sandang_pangan_papan": {"kali": 2, "jumlah": {"paket": 3}, "rupiah": 0},
        "uang_tunai": {"kali": 3, "jumlah": {}, "rupiah": 1050000},
    }
    assert result["per_kegiatan"] == {"advokasi_sosial": {"pendampingan": 1, "penyuluhan": 1},
                                      "bantuan_hukum": {"fasilitasi_mediasi": 1, "investigasi_sosial": 1, "pendampingan_anak": 2}}
    assert result["pendampingan_anak"] == {"berkonflik_dengan_hukum": 1, "korban": 1}
    assert result["citation"] == f"{PP} Pasal 28 ayat (2)"
    csv_name, xlsx_name = f"perlindungan-{tahun}.csv", f"perlindungan-{tahun}.xlsx"
    assert {f["name"] for f in run["files"]} == {csv_name, xlsx_name}

    text = client.get(f"{T}/balangan/reports/runs/{run['id']}/files/{csv_name}", headers=b.auditor.headers).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["dimensi", "kode", "jumlah", "satuan", "rupiah"]
    for row in (["jenis_kasus", "bantuan_sosial", "5", "kasus", ""], ["tahap", "bantuan_sosial.selesai", "1", "kasus", ""],
                ["sifat", "berkelanjutan", "1", "kasus", ""], ["terdampak", "bencana", "1", "keluarga", ""],
                ["penyaluran", "uang_tunai", "3", "kali", "1050000"], ["penyaluran", "sandang_pangan_papan", "3", "paket", ""],
                ["kegiatan", "bantuan_hukum.pendampingan_anak", "2", "kali", ""], ["pendampingan_anak", "korban", "1", "kali", ""]):
        assert row in rows, row
    assert not any("krisis_ekonomi" in row or "rujukan" in row or "advokasi_sosial.bimbingan" in row for row in rows)

    r = client.get(f"{T}/balangan/reports/runs/{run['id']}/files/{xlsx_name}", headers=b.auditor.headers)
    assert r.status_code == 200 and r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    cells = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == f"Perlindungan {tahun}"
    assert cells[0][0] == f"Laporan tahunan perlindungan sosial {tahun} ({PP} Pasal 28 ayat (2))"
    assert [row[:5] for row in cells[1:]] == rows  # the same table as the CSV
    # last year's report sees the crisis, its delivery and the case that ended then
    last = client.get(f"{T}/balangan/reports/runs/{_run(client, b, {'tahun': tahun - 1}).get_json()['id']}",
                      headers=b.officer.headers).get_json()["result"]
    assert (last["jumlah_kasus"], last["kejadian"], last["per_kegiatan"]) == (
        2, {"krisis_ekonomi": {"kejadian": 1, "orang": 1, "keluarga": 0}}, {"advokasi_sosial": {"bimbingan": 1}})
    assert last["penyaluran"] == {"rujukan": {"kali": 1, "jumlah": {"orang": 1}, "rupiah": 0}}


def test_the_yearly_report_refuses_bad_params_and_is_listed(client, b):
    listed = client.get(f"{T}/balangan/reports", headers=b.auditor.headers).get_json()
    assert {"name": REPORT, "plugin": "perlindungan", "title": "Laporan tahunan perlindungan sosial",
            "citation": f"{PP} Pasal 28–36"} in listed
    for params in (None, {}, {"tahun": 2011}, {"tahun": 2101}, {"tahun": "2026"}, {"tahun": "dua ribu"}, {"tahun": 2026.5}):
        r = _run(client, b, params)
        assert r.status_code == 422, (params, r.get_json())
        assert "tahun" in r.get_json()["errors"]["params"], r.get_json()
    assert client.get(f"{T}/balangan/reports/runs", headers=b.officer.headers).get_json() == []  # nothing kept
    assert _run(client, b, {"tahun": 2026}, actor=b.auditor).status_code == 403  # the auditor reads, never requests


def test_the_yearly_report_runs_a_fixed_number_of_queries(client, kernel, world, b):
    def statements(tahun: int) -> tuple[int, int]:
        tid = tenant_id(kernel, "balangan")
        seen: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
            tenant = s.get(Tenant, tid)
            ctx = ReportContext(s, tenant, tenant_profile(s, kernel, tenant, "perlindungan"), {"tahun": tahun})
            event.listen(kernel.db.engine, "before_cursor_execute", count)
            try:
                result = build(ctx)
            finally:
                event.remove(kernel.db.engine, "before_cursor_execute", count)
        return result["jumlah_kasus"], len(seen)

    tahun = local_today().year
    empty = statements(tahun)
    assert empty[0] == 0
    _year_of_cases(client, kernel, world)
    full = statements(tahun)
    assert full[0] == 8 and full[1] == empty[1] <= 4, (empty, full)
