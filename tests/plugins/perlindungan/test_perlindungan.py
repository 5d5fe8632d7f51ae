"""Perlindungan sosial (PP 39/2012 Pasal 28–36): events grouping their affected people, temporary
aid after a disaster only once BNPB was coordinated with, sustained aid only after the temporary
aid is declared finished, a ledger of what went to whom, and advokasi sosial / bantuan hukum
cases with their activities."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import tenant_context
from plugins.perlindungan.models import Penyaluran, Terdampak
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
    assert r.status_code == 201 and r.get_json()["penerima"] == "KK 6311010101260001", r.get_json()
    refused(client.post(pay, json={"jenis": "sandang_pangan_papan", "jumlah": 1, "satuan": "paket", "tanggal": "2026-01-12"},
                        headers=b.officer.headers), "penyaluran_sudah_dicatat", None, status=409)
    ledger = client.get(_url(b, f"/kejadian/{banjir['id']}/penyaluran"), headers=b.auditor.headers).get_json()
    assert [(x["penerima"], x["jenis"], x["jumlah"], x["satuan"], x["nilai_rupiah"], x["tanggal"]) for x in ledger] == [
        ("Siti Aminah", "sandang_pangan_papan", 2, "paket", None, "2026-01-12"),
        ("Siti Aminah", "uang_tunai", None, None, 500000, "2026-01-12"),
        ("KK 6311010101260001", "dapur_umum_air_sanitasi", 40, "porsi", None, "2026-01-13"),
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
            "bukan_anak", "UU 11/2012 Pasal 1 angka 3", "18 tahun")
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
