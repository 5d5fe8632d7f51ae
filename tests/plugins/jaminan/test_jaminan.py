"""Jaminan sosial (PP 39/2012 Pasal 10–14): who may receive which form, sustained direct aid only
for those fully dependent and found in the official register, tunjangan by category, and a
ledger that never pays a period twice."""
from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from core.cases.models import Case
from core.db import tenant_context
from plugins.jaminan.models import Penyaluran
from tests.core.api.helpers import tenant_id
from tests.refusals import refused

T = "/api/v1/tenants"
PP = "PP 39/2012"


GROUP_A = {"fakir_miskin", "anak_yatim_piatu_terlantar", "lanjut_usia_terlantar", "cacat_fisik", "cacat_mental", "cacat_fisik_mental",
           "eks_penyakit_kronis"}
BUKTI = {"jenis": "surat_keterangan_tidak_mampu", "keterangan": "SKTM 470/015/Desa Batu Piring", "tanggal": "2026-10-01"}


def _open(client: Any, w: Any, person: Any, actor: Any = None, bukti: bool = True, **data: Any) -> Any:
    """Open a case; a group (a) application carries its evidence of inability unless `bukti=False`."""
    if bukti and data.get("kategori") in GROUP_A:
        data.setdefault("ketidakmampuan", BUKTI)
    return client.post(f"{T}/{w.slug}/jaminan/kasus", json={"person_id": str(person.id), "data": data}, headers=(actor or w.officer).headers)


def _cases(kernel: Any, slug: str) -> int:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return int(s.scalar(select(func.count()).select_from(Case).where(Case.case_type == "jaminan_sosial")))


def _register(client: Any, w: Any, *people: Any) -> dict[str, Any]:
    rows = "nik,nama,sumber,tahun\n" + "".join(f"{p.nik},{p.nama},DTKS Kemensos,2026\n" for p in people)
    r = client.post(
        f"{T}/{w.slug}/imports/jaminan.register", data={"berkas": (io.BytesIO(rows.encode()), "dtks.csv")},
        content_type="multipart/form-data", headers=w.officer.headers,
    )
    assert r.status_code == 202, r.get_json()
    return client.get(f"{T}/{w.slug}/imports/{r.get_json()['id']}", headers=w.officer.headers).get_json()


def _advance(client: Any, w: Any, case_id: str, to: str) -> Any:
    etag = client.get(f"{T}/{w.slug}/jaminan/kasus/{case_id}", headers=w.officer.headers).headers["ETag"]
    return client.post(f"{T}/{w.slug}/cases/{case_id}/advance", json={"to_stage": to, "data": {}}, headers={**w.officer.headers, "If-Match": etag})


@pytest.fixture
def b(world: Any) -> Any:
    return world["balangan"]


def test_group_a_receives_insurance_aid_and_group_b_tunjangan(client, kernel, b):
    r = _open(client, b, b.siti, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin")
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["stage"], r.get_json()["profile_id"]) == ("permohonan", "pp-39-2012")
    before = _cases(kernel, "balangan")
    refused(_open(client, b, b.siti, program="tunjangan_berkelanjutan", kategori="fakir_miskin", jenis_tunjangan=["hidup"]),
            "program_tidak_sesuai_kategori", f"{PP} Pasal 10 ayat (2)", "kelompok huruf a")
    refused(_open(client, b, b.ahmad, program="asuransi_kesejahteraan_sosial", kategori="pejuang"),
            "program_tidak_sesuai_kategori", f"{PP} Pasal 10 ayat (3)", "tunjangan berkelanjutan")
    refused(_open(client, b, b.ahmad, program="asuransi_kesejahteraan_sosial", kategori="pengamen"),
            "kategori_tidak_dikenal", f"{PP} Pasal 10 ayat (1)")
    assert _cases(kernel, "balangan") == before


def test_group_a_records_its_evidence_of_socio_economic_inability(client, kernel, b):
    before = _cases(kernel, "balangan")
    body = refused(_open(client, b, b.siti, bukti=False, program="asuransi_kesejahteraan_sosial", kategori="lanjut_usia_terlantar"),
                   "ketidakmampuan_tidak_dibuktikan", f"{PP} Pasal 10 ayat (1) huruf a", "Lanjut usia terlantar", "surat keterangan tidak mampu")
    assert body["citation_detail"]["huruf"] == "a"
    refused(_open(client, b, b.siti, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin",
                  ketidakmampuan=BUKTI | {"jenis": "kata_tetangga"}), "ketidakmampuan_tidak_dibuktikan", f"{PP} Pasal 10 ayat (1) huruf a")
    for bad in ({"tanggal": "2099-01-01"}, {"keterangan": ""}, {"tanggal": "kemarin"}):
        r = _open(client, b, b.siti, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin", ketidakmampuan=BUKTI | bad)
        assert r.status_code == 422 and "ketidakmampuan" in r.get_json()["errors"]["data"], (bad, r.get_json())
    assert _cases(kernel, "balangan") == before
    r = _open(client, b, b.siti, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin")
    assert r.status_code == 201 and r.get_json()["data"]["ketidakmampuan"] == BUKTI
    # group (b) is honoured for its service, not for need
    assert _open(client, b, b.ahmad, program="tunjangan_berkelanjutan", kategori="pejuang", jenis_tunjangan=["hidup"]).status_code == 201


def test_a_period_is_paid_once_it_has_begun(client, kernel, b):
    case = _open(client, b, b.ahmad, program="tunjangan_berkelanjutan", kategori="pejuang", jenis_tunjangan=["hidup"]).get_json()
    for to in ("verifikasi", "penerima"):
        assert _advance(client, b, case["id"], to).status_code == 200
    url = f"{T}/balangan/jaminan/kasus/{case['id']}/penyaluran"
    r = client.post(url, json={"periode": "2026-12", "jenis": "hidup", "jumlah": 500000, "tanggal": "2026-11-20"}, headers=b.officer.headers)
    assert r.status_code == 422 and "belum dimulai" in r.get_json()["errors"]["periode"][0]
    assert client.get(url, headers=b.officer.headers).get_json() == []


def test_sustained_direct_aid_needs_full_dependency_and_the_official_register(client, kernel, b, world):
    blb = {"program": "bantuan_langsung_berkelanjutan", "kategori": "lanjut_usia_terlantar", "penyaluran": "langsung"}
    refused(_open(client, b, b.siti, **blb), "tidak_bergantung_sepenuhnya", f"{PP} Pasal 12 ayat (1)", "lanjut usia non potensial")
    blb["ketergantungan"] = "lanjut_usia_non_potensial"
    refused(_open(client, b, b.siti, **blb), "tidak_ada_di_data_resmi", f"{PP} Pasal 13", "Siti Aminah")
    run = _register(client, b, b.siti)
    assert (run["status"], run["diterima"]) == ("done", 1)
    r = _open(client, b, b.siti, **blb)
    assert r.status_code == 201, r.get_json()
    # Tabalong's register is its own: the same person there is not in it
    t = world["tabalong"]
    refused(_open(client, t, t.siti, **blb), "tidak_ada_di_data_resmi", f"{PP} Pasal 13")
    # paid through a carer, the carer is recorded
    body = refused(_open(client, b, b.siti, **(blb | {"penyaluran": "melalui_pengasuh"})), "data_tidak_valid")
    assert "pengasuh" in body["errors"]["data"]


def test_tunjangan_kinds_follow_the_category_and_a_heros_family_is_named(client, kernel, b):
    refused(_open(client, b, b.ahmad, program="tunjangan_berkelanjutan", kategori="pejuang", jenis_tunjangan=["hidup", "pendidikan"]),
            "tunjangan_tidak_sesuai", f"{PP} Pasal 14 ayat (2)", "pendidikan")
    keluarga = {"program": "tunjangan_berkelanjutan", "kategori": "keluarga_pahlawan_nasional", "jenis_tunjangan": ["pendidikan", "kesehatan"]}
    refused(_open(client, b, b.siti, **keluarga), "hubungan_tidak_sah", f"{PP} Pasal 14 ayat (1)", "anak_angkat_sah")
    r = _open(client, b, b.siti, **(keluarga | {"hubungan_pahlawan": "anak_kandung"}))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["data"]["jenis_tunjangan"] == ["pendidikan", "kesehatan"]


def test_the_ledger_pays_an_active_beneficiary_once_per_period(client, kernel, b):
    _register(client, b, b.siti)
    case = _open(client, b, b.siti, program="bantuan_langsung_berkelanjutan", kategori="cacat_fisik_mental",
                 ketergantungan="disabilitas_ganda", penyaluran="melalui_pengasuh",
                 pengasuh={"nama": "Rahmawati", "hubungan": "anak"}).get_json()
    url = f"{T}/balangan/jaminan/kasus/{case['id']}/penyaluran"
    pay = {"periode": "2026-11", "jumlah": 300000, "tanggal": "2026-11-20"}
    refused(client.post(url, json=pay, headers=b.officer.headers), "bukan_penerima_aktif", None, "Permohonan")
    for to in ("verifikasi", "penerima"):
        assert _advance(client, b, case["id"], to).status_code == 200
    r = client.post(url, json=pay, headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["jenis"], r.get_json()["penerima"]) == ("bantuan_langsung_berkelanjutan", "melalui pengasuh: Rahmawati (anak)")
    refused(client.post(url, json=pay, headers=b.officer.headers), "periode_sudah_disalurkan", None, "2026-11", status=409)
    for bad, field in (({"jumlah": -5}, "jumlah"), ({"jumlah": 1000.5}, "jumlah"), ({"periode": "2026-13"}, "periode"), ({"tanggal": "2099-01-01"}, "tanggal")):
        r = client.post(url, json=pay | {"periode": "2026-12"} | bad, headers=b.officer.headers)
        assert r.status_code == 422 and field in r.get_json()["errors"], (bad, r.get_json())
    refused(client.post(url, json=pay | {"periode": "2026-12"}, headers=b.tks.headers), "tidak_berwenang", status=403)
    ledger = client.get(url, headers=b.auditor.headers).get_json()
    assert [(x["periode"], x["jumlah"]) for x in ledger] == [("2026-11", 300000)]
    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        assert s.scalar(select(func.count()).select_from(Penyaluran)) == 1


def test_tunjangan_is_paid_per_kind(client, kernel, b):
    case = _open(client, b, b.ahmad, program="tunjangan_berkelanjutan", kategori="perintis_kemerdekaan", jenis_tunjangan=["hidup", "kesehatan"]).get_json()
    for to in ("verifikasi", "penerima"):
        assert _advance(client, b, case["id"], to).status_code == 200
    url = f"{T}/balangan/jaminan/kasus/{case['id']}/penyaluran"
    base = {"periode": "2026-11", "jumlah": 500000, "tanggal": "2026-11-20"}
    assert client.post(url, json=base | {"jenis": "hidup"}, headers=b.officer.headers).status_code == 201
    assert client.post(url, json=base | {"jenis": "kesehatan"}, headers=b.officer.headers).status_code == 201
    r = client.post(url, json=base | {"jenis": "perumahan"}, headers=b.officer.headers)
    assert r.status_code == 422 and "jenis" in r.get_json()["errors"]


def test_another_kabupaten_sees_nothing(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    case = _open(client, b, b.siti, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin").get_json()
    assert client.get(f"{T}/tabalong/jaminan/kasus/{case['id']}", headers=t.officer.headers).status_code == 404
    assert client.get(f"{T}/tabalong/jaminan/kasus", headers=t.officer.headers).get_json() == []
    r = _open(client, t, b.siti, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin")
    assert r.status_code == 422 and "person_id" in r.get_json()["errors"]


def test_the_yearly_report_counts_cases_and_what_was_paid(client, kernel, b):
    _register(client, b, b.siti)
    case = _open(client, b, b.siti, program="bantuan_langsung_berkelanjutan", kategori="lanjut_usia_terlantar",
                 ketergantungan="lanjut_usia_non_potensial", penyaluran="langsung").get_json()
    _open(client, b, b.ahmad, program="asuransi_kesejahteraan_sosial", kategori="fakir_miskin")
    for to in ("verifikasi", "penerima"):
        _advance(client, b, case["id"], to)
    url = f"{T}/balangan/jaminan/kasus/{case['id']}/penyaluran"
    for periode in ("2026-10", "2026-11"):
        assert client.post(url, json={"periode": periode, "jumlah": 250000, "tanggal": "2026-11-20"}, headers=b.officer.headers).status_code == 201
    r = client.post(f"{T}/balangan/reports/jaminan.tahunan/runs", json={"params": {"tahun": 2026}}, headers=b.officer.headers)
    assert r.status_code == 202, r.get_json()
    run = client.get(f"{T}/balangan/reports/runs/{r.get_json()['id']}", headers=b.officer.headers).get_json()
    assert run["status"] == "done", run
    result = run["result"]
    assert result["per_program"] == {"asuransi_kesejahteraan_sosial": 1, "bantuan_langsung_berkelanjutan": 1}
    assert result["penyaluran"] == {"bantuan_langsung_berkelanjutan": {"kali": 2, "rupiah": 500000}}
    assert result["citation"] == f"{PP} Pasal 10 ayat (1)"
    assert {f["name"] for f in run["files"]} == {"jaminan-2026.csv", "jaminan-2026.xlsx"}
    text = client.get(f"{T}/balangan/reports/runs/{run['id']}/files/jaminan-2026.csv", headers=b.officer.headers).get_data(as_text=True)
    assert "penyaluran,bantuan_langsung_berkelanjutan,2,500000" in text


def test_demo_gives_each_kabupaten_cases_at_several_stages_once(kernel, tenants_dir):
    import shutil
    from pathlib import Path

    from core.demo import load_demo

    repo = Path(__file__).resolve().parents[3] / "tenants"
    for slug in ("balangan", "tabalong"):
        shutil.copy(repo / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")

    def snapshot() -> dict[str, list[tuple[str, str]]]:
        out = {}
        for slug in ("balangan", "tabalong"):
            tid = tenant_id(kernel, slug)
            with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
                out[slug] = sorted((c.stage, c.data["program"]) for c in s.scalars(select(Case).where(Case.case_type == "jaminan_sosial")))
        return out

    load_demo(kernel)
    first = snapshot()
    for got in first.values():
        assert got == [("penerima", "bantuan_langsung_berkelanjutan"), ("permohonan", "asuransi_kesejahteraan_sosial"), ("verifikasi", "tunjangan_berkelanjutan")]
    load_demo(kernel)
    assert snapshot() == first
