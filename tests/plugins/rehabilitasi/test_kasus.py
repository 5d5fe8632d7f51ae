"""Opening a rehabilitasi case: target groups, setting, institution and duration are judged by
each kabupaten's pinned profile; every refusal cites its article and writes nothing."""
from __future__ import annotations

import uuid

import pytest

from tests.plugins.rehabilitasi.helpers import OTHER, PERBUP, PP, T, counts, detail, open_kasus, refused

EMPTY = {"cases": 0, "case_assignments": 0, "case_events": 0}


def _nothing_written(kernel, slug):
    c = counts(kernel, slug)
    assert {k: c[k] for k in EMPTY} == EMPTY


def test_a_valid_case_opens_pinned_to_the_tenants_profile(client, kernel, w):
    r = open_kasus(client, w)
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert case["stage"] == "pendekatan_awal" and case["status"] == "open"
    assert case["profile_id"] == {"balangan": "perbup-balangan-61-2017", "tabalong": "pp-39-2012"}[w.slug]
    assert case["data"]["kelompok_sasaran"] == ["korban_kekerasan"] and case["data"]["lembaga_id"] == str(w.lks)
    assert r.headers["ETag"] == f'"{case["version"]}"'
    shown = client.get(f"{T}/{w.slug}/cases/{case['id']}", headers=w.officer.headers).get_json()
    assert shown["summary"] == "Rehabilitasi Sosial — tahap Pendekatan Awal"
    listed = client.get(f"{T}/{w.slug}/rehabilitasi/kasus", headers=w.officer.headers)
    assert [c["id"] for c in listed.get_json()] == [case["id"]]
    assert "X-Pagination" in listed.headers


@pytest.mark.parametrize(
    "slug, kelompok, citation",
    [
        ("balangan", "eks_narapidana", f"{PERBUP} Pasal 5"),
        ("tabalong", "anak_berhadapan_hukum", f"{PP} Pasal 6 ayat (1)"),
    ],
)
def test_a_target_group_the_profile_does_not_list_is_refused_there_and_accepted_next_door(client, kernel, world, slug, kelompok, citation):
    here, there = world[slug], world[OTHER[slug]]
    r = open_kasus(client, here, kelompok_sasaran=[kelompok])
    body = refused(r, "kelompok_sasaran_tidak_dikenal", citation, kelompok, "tidak termasuk sasaran rehabilitasi sosial")
    assert body["errors"] == {"data.kelompok_sasaran": [f"Tidak dikenal: {kelompok}."]}
    _nothing_written(kernel, slug)
    # The same group in the other kabupaten, whose regulation lists it.
    r = open_kasus(client, there, kelompok_sasaran=[kelompok])
    assert r.status_code == 201, r.get_json()


def test_in_institution_for_two_months_is_too_short_under_the_perbup_only(client, kernel, world):
    r = open_kasus(client, world["balangan"], rencana_mulai="2026-01-05", rencana_selesai="2026-03-05")
    body = refused(r, "durasi_tidak_sesuai", f"{PERBUP} Pasal 6 ayat (1)", "paling singkat 3 bulan", "paling lama 36 bulan")
    assert "data.rencana_selesai" in body["errors"]
    _nothing_written(kernel, "balangan")
    r = open_kasus(client, world["tabalong"], rencana_mulai="2026-01-05", rencana_selesai="2026-03-05")
    assert r.status_code == 201, r.get_json()


def test_in_institution_for_37_months_is_too_long_under_the_perbup(client, kernel, world):
    r = open_kasus(client, world["balangan"], rencana_mulai="2026-01-05", rencana_selesai="2029-02-05")
    refused(r, "durasi_tidak_sesuai", f"{PERBUP} Pasal 6 ayat (1)", "paling lama 36 bulan")
    _nothing_written(kernel, "balangan")
    # exactly 36 months is allowed; the PP sets no bound at all
    assert open_kasus(client, world["balangan"], rencana_mulai="2026-01-05", rencana_selesai="2029-01-05").status_code == 201
    assert open_kasus(client, world["tabalong"], rencana_mulai="2026-01-05", rencana_selesai="2029-02-05").status_code == 201


def test_outside_an_institution_has_no_duration_bound_and_needs_a_scope(client, kernel, w):
    r = open_kasus(client, w, tempat="luar_lembaga", lembaga_id=None, lingkup="keluarga", rencana_selesai="2026-02-05")
    assert r.status_code == 201, r.get_json()
    r = open_kasus(client, w, tempat="luar_lembaga", lembaga_id=None)
    body = refused(r, "data_tidak_valid")
    assert "lingkup" in body["errors"]["data"]
    r = open_kasus(client, w, tempat="luar_lembaga", lingkup="masyarakat")  # with a lembaga_id
    assert "lembaga_id" in refused(r, "data_tidak_valid")["errors"]["data"]


def test_an_end_before_the_start_is_a_field_error(client, kernel, w):
    r = open_kasus(client, w, rencana_mulai="2026-07-05", rencana_selesai="2026-01-05")
    body = refused(r, "data_tidak_valid")
    assert body["errors"] == {"data": {"rencana_selesai": ["Rencana selesai harus sesudah rencana mulai."]}}
    _nothing_written(kernel, w.slug)


def test_an_institution_of_another_kabupaten_is_a_field_error(client, kernel, world, w):
    stranger = world[OTHER[w.slug]].lks
    for lembaga in (stranger, uuid.uuid4()):
        r = open_kasus(client, w, lembaga_id=str(lembaga))
        body = refused(r, "data_tidak_valid")
        assert body["errors"] == {"data.lembaga_id": ["Lembaga tidak ditemukan di kabupaten/kota ini."]}
    r = open_kasus(client, w, tempat="dalam_lembaga", lembaga_id=None)
    assert "lembaga_id" in refused(r, "data_tidak_valid")["errors"]["data"]
    _nothing_written(kernel, w.slug)


def test_an_institution_must_be_a_government_panti_or_an_lks(client, kernel, w):
    r = open_kasus(client, w, lembaga_id=str(w.lainnya))
    body = refused(r, "lembaga_tidak_sesuai", w.cite["tempat_pelaksanaan"], "panti sosial pemerintah atau LKS")
    assert "data.lembaga_id" in body["errors"]
    _nothing_written(kernel, w.slug)


def test_the_kernels_generic_case_endpoint_applies_the_same_rules(client, kernel, world):
    b = world["balangan"]
    payload = {"case_type": "rehabilitasi_sosial", "subject_type": "person", "person_id": str(b.person.id)}
    r = client.post(f"{T}/balangan/cases", json={**payload, "data": {
        "kelompok_sasaran": ["eks_narapidana"], "tempat": "luar_lembaga", "lingkup": "masyarakat",
        "rencana_mulai": "2026-01-05", "rencana_selesai": "2026-07-05"}}, headers=b.officer.headers)
    refused(r, "kelompok_sasaran_tidak_dikenal", f"{PERBUP} Pasal 5")
    r = client.post(f"{T}/balangan/cases", json={**payload, "data": {"kelompok_sasaran": ["odha"], "warna": "merah"}}, headers=b.officer.headers)
    assert "warna" in refused(r, "data_tidak_valid")["errors"]["data"]
    _nothing_written(kernel, "balangan")


def test_opening_with_its_primary_worker(client, kernel, world, w):
    r = open_kasus(client, w, utama=w.peksos)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["assigned"] == [{"user_id": str(w.peksos.user_id), "peran": "utama"}]
    before = counts(kernel, w.slug)
    # a worker of the other kabupaten: a field error; a TKS: refused by PP Pasal 8
    r = open_kasus(client, w, utama=world[OTHER[w.slug]].peksos)
    assert refused(r, "data_tidak_valid")["errors"] == {"petugas_utama_id": ["Petugas tidak terdaftar di kabupaten/kota ini."]}
    r = open_kasus(client, w, utama=w.tks)
    refused(r, "petugas_utama_bukan_peksos", f"{PP} Pasal 8", "Pekerja Sosial Profesional")
    assert counts(kernel, w.slug) == before


def test_permissions_come_before_the_body(client, kernel, w):
    r = client.post(f"{T}/{w.slug}/rehabilitasi/kasus", json={"bogus": 1}, headers=w.auditor.headers)
    refused(r, "tidak_berwenang", None, status=403)
    r = client.post(f"{T}/{w.slug}/rehabilitasi/kasus", json={"bogus": 1})
    assert r.status_code == 401
    assert client.get(f"{T}/{w.slug}/rehabilitasi/kasus", headers=w.auditor.headers).status_code == 200
    _nothing_written(kernel, w.slug)


def test_a_case_of_another_kabupaten_is_not_found(client, world, w):
    r = open_kasus(client, world[OTHER[w.slug]])
    other_case = r.get_json()["id"]
    assert detail(client, w, other_case).status_code == 404
    r = client.post(f"{T}/{w.slug}/rehabilitasi/kasus/{other_case}/kegiatan", json={"kode": "identifikasi", "tanggal": "2026-01-05"}, headers=w.officer.headers)
    assert r.status_code == 404
    # the other tenant's staff has no role here at all
    assert detail(client, world[OTHER[w.slug]], other_case, actor=w.officer).status_code == 403


def test_a_disabled_plugin_hides_its_routes(client, make, world):
    b = world["balangan"]
    case_id = open_kasus(client, b).get_json()["id"]
    make.enable("balangan", "rehabilitasi", enabled=False)
    assert detail(client, b, case_id).status_code == 404
    make.enable("balangan", "rehabilitasi")
    assert detail(client, b, case_id).status_code == 200
