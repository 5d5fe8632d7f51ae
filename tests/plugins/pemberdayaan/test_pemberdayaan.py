"""Pemberdayaan sosial (PP 39/2012 Pasal 15–27): each target's criteria recorded as evidence and
refused with the article when none is met, the forms of Pasal 17/18 per target, the stages of
Pasal 25 in order, groups with members of the tenant's own registry, and stimulus in whole rupiah."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core.cases.models import Case
from core.db import tenant_context
from plugins.pemberdayaan.models import Anggota, Stimulan
from tests.core.api.helpers import tenant_id
from tests.refusals import refused

T = "/api/v1/tenants"
PP = "PP 39/2012"
BUKTI = "hasil asesmen petugas, 2026"


def _k(*codes: str) -> list[dict[str, str]]:
    return [{"kode": c, "bukti": BUKTI} for c in codes]


def _open(client: Any, w: Any, actor: Any = None, anggota: Any = (), **body: Any) -> Any:
    payload = {k: (str(v) if k.endswith("_id") else v) for k, v in body.items() if k != "data"} | {"data": body["data"]}
    if anggota:
        payload["anggota"] = [str(p.id) for p in anggota]
    return client.post(f"{T}/{w.slug}/pemberdayaan/kasus", json=payload, headers=(actor or w.officer).headers)


def _count(kernel: Any, slug: str, model: Any = Case) -> int:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        stmt = select(func.count()).select_from(model)
        if model is Case:
            stmt = stmt.where(Case.case_type == "pemberdayaan_sosial")
        return int(s.scalar(stmt))


def _household(client: Any, w: Any, kk: str = "6311010101010001") -> str:
    r = client.post(f"{T}/{w.slug}/households", json={"nomor_kk": kk}, headers=w.officer.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _org(client: Any, w: Any, jenis: str = "lks", nama: str = "LKS Harapan Bangsa") -> str:
    r = client.post(f"{T}/{w.slug}/organizations", json={"nama": nama, "jenis": jenis}, headers=w.officer.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _advance(client: Any, w: Any, case_id: str, to: str) -> Any:
    etag = client.get(f"{T}/{w.slug}/pemberdayaan/kasus/{case_id}", headers=w.officer.headers).headers["ETag"]
    return client.post(f"{T}/{w.slug}/cases/{case_id}/advance", json={"to_stage": to, "data": {}}, headers={**w.officer.headers, "If-Match": etag})


def _kelompok(client: Any, w: Any, **extra: Any) -> Any:
    data = {"sasaran": "kelompok", "jenis_kelompok": "nelayan", "kriteria": _k("miskin"), "bentuk": ["pelatihan_keterampilan", "stimulan_usaha"]}
    return _open(client, w, community_name="Kelompok Nelayan Sungai Balangan", anggota=(w.siti, w.ahmad), data=data | extra)


@pytest.fixture
def b(world: Any) -> Any:
    return world["balangan"]


def test_a_family_meeting_no_criterion_is_refused_and_nothing_is_written(client, kernel, b):
    kk = _household(client, b)
    base = {"sasaran": "keluarga", "bentuk": ["pendampingan"]}
    refused(_open(client, b, household_id=kk, data=base | {"kriteria": _k("miskin")}),
            "kriteria_tidak_terpenuhi", f"{PP} Pasal 20 ayat (2)", "berpenghasilan tidak mencukupi kebutuhan dasar minimal")
    refused(_open(client, b, household_id=kk, data=base | {"kriteria": []}), "kriteria_tidak_terpenuhi", f"{PP} Pasal 20 ayat (1)", "miskin")
    refused(_open(client, b, household_id=kk, data=base | {"kriteria": _k("miskin", "marjinal")}),
            "kriteria_tidak_dikenal", f"{PP} Pasal 20 ayat (2)", "marjinal")
    assert _count(kernel, "balangan") == 0
    r = _open(client, b, household_id=kk, data=base | {"kriteria": _k("rentan_sosial_ekonomi", "masalah_sosial_psikologis")})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["stage"], body["subject_type"], body["household_id"], body["profile_id"]) == ("persiapan", "household", kk, "pp-39-2012")
    assert body["data"]["kriteria"] == _k("rentan_sosial_ekonomi", "masalah_sosial_psikologis")
    # a family is recorded as a household, not as a person
    r = _open(client, b, person_id=b.siti.id, data=base | {"kriteria": _k("miskin", "penghasilan_tidak_mencukupi")})
    assert r.status_code == 422 and "person_id" in r.get_json()["errors"], r.get_json()


def test_a_remote_adat_community_needs_its_bond_its_condition_and_a_criterion(client, kernel, b):
    data = {"sasaran": "komunitas_adat_terpencil", "bentuk": ["penataan_lingkungan", "pendampingan"],
            "kriteria": _k("kesatuan_geografis", "kesatuan_sosial_budaya", "terpencil")}
    kat = {"community_name": "Komunitas Adat Dayak Deah Liyu", "anggota": (b.siti, b.ahmad, b.rahmat)}
    refused(_open(client, b, **kat, data=data), "kriteria_tidak_terpenuhi", f"{PP} Pasal 23 ayat (2)", "sumber daya alam")
    refused(_open(client, b, **kat, data=data | {"kriteria": _k("terpencil", "marjinal")}),
            "kriteria_tidak_terpenuhi", f"{PP} Pasal 23 ayat (1) huruf a", "kesatuan geografis")
    refused(_open(client, b, **kat, data=data | {"kriteria": _k("kesatuan_ekonomi", "marjinal")}),
            "kriteria_tidak_terpenuhi", f"{PP} Pasal 23 ayat (1) huruf b", "rentan sosial ekonomi")
    assert _count(kernel, "balangan") == 0
    r = _open(client, b, **kat, data=data | {"kriteria": data["kriteria"] + _k("tertutup_homogen_bergantung_sda")})
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["subject_type"], r.get_json()["community_name"]) == ("community", "Komunitas Adat Dayak Deah Liyu")
    assert _count(kernel, "balangan", Anggota) == 3


def test_an_institution_must_be_an_lks_meeting_both_criteria(client, kernel, b):
    lks, panti = _org(client, b), _org(client, b, jenis="panti_pemerintah", nama="Panti Sosial Budi Luhur")
    data = {"sasaran": "lembaga", "bentuk": ["penguatan_kelembagaan", "kemitraan_penggalangan_dana"]}
    refused(_open(client, b, organization_id=lks, data=data | {"kriteria": _k("potensi_kemauan_kemampuan")}),
            "kriteria_tidak_terpenuhi", f"{PP} Pasal 24 ayat (2)", "mitra pemerintah")
    both = _k("potensi_kemauan_kemampuan", "komitmen_mitra_pemerintah")
    refused(_open(client, b, organization_id=panti, data=data | {"kriteria": both}), "bukan_lks", f"{PP} Pasal 24 ayat (1)", "Panti Sosial Budi Luhur")
    assert _count(kernel, "balangan") == 0
    r = _open(client, b, organization_id=lks, data=data | {"kriteria": both})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["organization_id"] == lks


def test_forms_follow_the_target(client, kernel, b):
    kk, lks = _household(client, b), _org(client, b)
    keluarga = {"sasaran": "keluarga", "kriteria": _k("miskin", "penghasilan_tidak_mencukupi")}
    refused(_open(client, b, household_id=kk, data=keluarga | {"bentuk": ["pendampingan", "penguatan_kelembagaan"]}),
            "bentuk_tidak_sesuai_sasaran", f"{PP} Pasal 17", "penguatan_kelembagaan")
    lembaga = {"sasaran": "lembaga", "kriteria": _k("potensi_kemauan_kemampuan", "komitmen_mitra_pemerintah")}
    refused(_open(client, b, organization_id=lks, data=lembaga | {"bentuk": ["pelatihan_keterampilan"]}),
            "bentuk_tidak_sesuai_sasaran", f"{PP} Pasal 18", "pelatihan_keterampilan")
    refused(_open(client, b, person_id=b.siti.id, data={"sasaran": "pengamen", "kriteria": [], "bentuk": ["pendampingan"]}),
            "sasaran_tidak_dikenal", f"{PP} Pasal 15")
    r = _open(client, b, household_id=kk, data=keluarga | {"bentuk": []})
    assert r.status_code == 422 and "bentuk" in r.get_json()["errors"]["data"], r.get_json()
    r = _open(client, b, household_id=kk, data=keluarga | {"bentuk": ["diagnosis_motivasi", "akses_pemasaran", "bimbingan_lanjut"]})
    assert r.status_code == 201, r.get_json()
    assert _count(kernel, "balangan") == 1


def test_stages_follow_pasal_25_in_order(client, kernel, b):
    r = _open(client, b, person_id=b.siti.id, data={"sasaran": "perseorangan", "kriteria": _k("miskin", "keterbatasan_akses_pelayanan_dasar"),
                                                  "bentuk": ["pelatihan_keterampilan"]})
    assert r.status_code == 201, r.get_json()
    cid = r.get_json()["id"]
    refused(_advance(client, b, cid, "pendayagunaan_berkelanjutan"), "tahap_tidak_berurutan", f"{PP} Pasal 25 ayat (1)", "Pelaksanaan Pemberdayaan")
    stale = client.post(f"{T}/balangan/cases/{cid}/advance", json={"to_stage": "pelaksanaan", "data": {}},
                        headers={**b.officer.headers, "If-Match": 'W/"999"'})
    assert stale.status_code == 412
    for to in ("pelaksanaan", "pendayagunaan_berkelanjutan"):
        r = _advance(client, b, cid, to)
        assert r.status_code == 200, r.get_json()
    assert client.get(f"{T}/balangan/pemberdayaan/kasus/{cid}", headers=b.auditor.headers).get_json()["stage"] == "pendayagunaan_berkelanjutan"
    refused(_advance(client, b, cid, "persiapan"), "tahap_tidak_berurutan", f"{PP} Pasal 25 ayat (1)")
    listed = client.get(f"{T}/balangan/pemberdayaan/kasus?stage=pendayagunaan_berkelanjutan&sasaran=perseorangan", headers=b.tks.headers).get_json()
    assert [c["id"] for c in listed] == [cid]


def test_a_group_has_members_of_the_tenants_own_registry(client, kernel, b, world):
    t = world["tabalong"]
    data = {"sasaran": "kelompok", "jenis_kelompok": "petani", "kriteria": _k("rentan_sosial_ekonomi"), "bentuk": ["pendampingan"]}
    name = "Kelompok Tani Maju"
    r = _open(client, b, community_name=name, anggota=(b.siti, t.ahmad), data=data)
    assert r.status_code == 422 and "anggota" in r.get_json()["errors"], r.get_json()
    r = _open(client, b, community_name=name, data=data)
    assert r.status_code == 422 and "anggota" in r.get_json()["errors"], r.get_json()
    refused(_open(client, b, community_name=name, anggota=(b.siti,), data=data | {"jenis_kelompok": "preman"}),
            "jenis_kelompok_tidak_dikenal", f"{PP} Pasal 22 ayat (2)", "nelayan")
    assert (_count(kernel, "balangan"), _count(kernel, "balangan", Anggota)) == (0, 0)
    case = _open(client, b, community_name=name, anggota=(b.siti, b.ahmad), data=data).get_json()
    url = f"{T}/balangan/pemberdayaan/kasus/{case['id']}/anggota"
    r = client.post(url, json={"person_id": str(t.rahmat.id)}, headers=b.officer.headers)
    assert r.status_code == 422 and "person_id" in r.get_json()["errors"], r.get_json()
    r = client.post(url, json={"person_id": str(b.rahmat.id), "peran": "ketua"}, headers=b.tks.headers)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["nama"], r.get_json()["peran"]) == ("Rahmat Hidayat", "ketua")
    refused(client.post(url, json={"person_id": str(b.siti.id)}, headers=b.officer.headers), "sudah_anggota", None, "Siti Aminah", status=409)
    members = client.get(url, headers=b.auditor.headers).get_json()
    assert [m["nama"] for m in members] == ["Ahmad Fauzi", "Rahmat Hidayat", "Siti Aminah"]
    # a person's case has no members
    single = _open(client, b, person_id=b.siti.id, data={"sasaran": "perseorangan", "kriteria": _k("miskin", "masalah_sosial_psikologis"),
                                                       "bentuk": ["pendampingan"]}).get_json()
    refused(client.post(f"{T}/balangan/pemberdayaan/kasus/{single['id']}/anggota", json={"person_id": str(b.ahmad.id)}, headers=b.officer.headers),
            "bukan_kelompok", status=409)


def test_stimulus_is_recorded_in_whole_rupiah_with_its_funding_source(client, kernel, b):
    case = _kelompok(client, b).get_json()
    url = f"{T}/balangan/pemberdayaan/kasus/{case['id']}/stimulan"
    give = {"jenis": "peralatan_usaha", "nilai": 15000000, "sumber_dana": "apbd", "tanggal": "2026-01-15", "uraian": "jaring dan mesin perahu"}
    refused(client.post(url, json=give, headers=b.officer.headers), "bukan_tahap_stimulan", f"{PP} Pasal 25 ayat (1) huruf b", "Persiapan")
    assert _advance(client, b, case["id"], "pelaksanaan").status_code == 200
    for bad in ({"nilai": -5}, {"nilai": 0}, {"nilai": 1000.5}, {"nilai": "banyak"}):
        r = client.post(url, json=give | bad, headers=b.officer.headers)
        assert r.status_code == 422 and "nilai" in r.get_json()["errors"], (bad, r.get_json())
    r = client.post(url, json=give | {"tanggal": "2099-01-01"}, headers=b.officer.headers)
    assert r.status_code == 422 and "tanggal" in r.get_json()["errors"]
    refused(client.post(url, json=give | {"jenis": "sembako"}, headers=b.officer.headers), "jenis_stimulan_tidak_dikenal", f"{PP} Pasal 17 huruf d")
    refused(client.post(url, json=give | {"sumber_dana": "pinjaman_online"}, headers=b.officer.headers),
            "sumber_dana_tidak_dikenal", "UU 11/2009 Pasal 36 ayat (1)", "apbd")
    refused(client.post(url, json=give, headers=b.tks.headers), "tidak_berwenang", status=403)
    assert _count(kernel, "balangan", Stimulan) == 0
    r = client.post(url, json=give, headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["nilai"], r.get_json()["sumber_dana"]) == (15000000, "apbd")
    assert [(s["jenis"], s["nilai"]) for s in client.get(url, headers=b.auditor.headers).get_json()] == [("peralatan_usaha", 15000000)]
    # a case whose forms carry no stimulus gets none
    other = _kelompok(client, b, bentuk=["pelatihan_keterampilan"]).get_json()
    assert _advance(client, b, other["id"], "pelaksanaan").status_code == 200
    refused(client.post(f"{T}/balangan/pemberdayaan/kasus/{other['id']}/stimulan", json=give, headers=b.officer.headers),
            "stimulan_bukan_bentuk_kasus", f"{PP} Pasal 17")


def test_another_kabupaten_sees_nothing(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    case = _kelompok(client, b).get_json()
    for path in ("", "/anggota", "/stimulan"):
        assert client.get(f"{T}/tabalong/pemberdayaan/kasus/{case['id']}{path}", headers=t.officer.headers).status_code == 404
    assert client.get(f"{T}/tabalong/pemberdayaan/kasus", headers=t.officer.headers).get_json() == []
    r = client.post(f"{T}/tabalong/pemberdayaan/kasus/{case['id']}/anggota", json={"person_id": str(t.siti.id)}, headers=t.officer.headers)
    assert r.status_code == 404
    # a Balangan officer cannot reach into Tabalong at all
    assert client.get(f"{T}/tabalong/pemberdayaan/kasus", headers=b.officer.headers).status_code in (403, 404)
    r = _open(client, t, person_id=b.siti.id, data={"sasaran": "perseorangan", "kriteria": _k("miskin", "penghasilan_tidak_mencukupi"),
                                                  "bentuk": ["pendampingan"]})
    assert r.status_code == 422 and "person_id" in r.get_json()["errors"]


def test_the_ministers_income_figure_applies_once_a_profile_sets_it():
    """Pasal 21: null in the baseline (no check); a variant setting the figure makes the claimed
    income criterion need a recorded income below it."""
    from types import SimpleNamespace

    from core.sdk import Citation, RuleViolation
    from plugins.pemberdayaan.rules import penghasilan_di_bawah_kebutuhan_dasar

    def ctx(batas: Any, **data: Any) -> Any:
        profile = SimpleNamespace(value=lambda name: batas, citation=lambda name: Citation("Permensos 1/2099", 3))
        return SimpleNamespace(profile=profile, data={"kriteria": _k("penghasilan_tidak_mencukupi")} | data)

    penghasilan_di_bawah_kebutuhan_dasar(ctx(None))
    penghasilan_di_bawah_kebutuhan_dasar(ctx(600000, penghasilan_per_bulan=450000))
    for data in ({}, {"penghasilan_per_bulan": 600000}):
        with pytest.raises(RuleViolation) as err:
            penghasilan_di_bawah_kebutuhan_dasar(ctx(600000, **data))
        assert (err.value.code, str(err.value.citation)) == ("penghasilan_mencukupi", "Permensos 1/2099 Pasal 3")
        assert "Rp600.000" in err.value.message
