"""Assigning workers: the primary worker is a certified, licensed Pekerja Sosial Profesional
(PP 39/2012 Pasal 8) with the Perbup's education (Pasal 27) and caseload; supporting workers are
TKS or Peksos with the Perbup's education (Pasal 28)."""
from __future__ import annotations

import pytest

from tests.plugins.rehabilitasi.helpers import (
    EXPIRED, OTHER, PEKSOS_CRED, PERBUP, PP, TKS_CRED, assign, counts, credential, new_case, refused, staff,
)


def _unchanged(kernel, slug, before):
    assert counts(kernel, slug) == before


@pytest.mark.parametrize(
    "cred, code, fragment",
    [
        ({"izin_praktik_berlaku_sampai": EXPIRED}, "izin_praktik_tidak_berlaku", "izin praktik"),
        ({"nomor_izin_praktik": None, "izin_praktik_berlaku_sampai": None}, "izin_praktik_tidak_berlaku", "izin praktik"),
        ({"sertifikat_berlaku_sampai": EXPIRED}, "sertifikat_tidak_berlaku", "sertifikat kompetensi"),
        ({"nomor_sertifikat": None}, "sertifikat_tidak_berlaku", "sertifikat kompetensi"),
    ],
)
def test_a_primary_worker_without_a_valid_licence_or_certificate_is_refused(client, kernel, make, w, cred, code, fragment):
    lapsed = staff(make, kernel, w.slug, "peksos.lapsed", ["peksos"], **{**PEKSOS_CRED, **cred})
    case_id = new_case(client, w, with_worker=False)
    before = counts(kernel, w.slug)
    body = refused(assign(client, w, case_id, lapsed, "utama"), code, f"{PP} Pasal 8", fragment)
    assert "user_id" in body["errors"]
    _unchanged(kernel, w.slug, before)


def test_a_tks_or_an_officer_cannot_be_the_primary_worker(client, kernel, w):
    case_id = new_case(client, w, with_worker=False)
    before = counts(kernel, w.slug)
    refused(assign(client, w, case_id, w.tks, "utama"), "petugas_utama_bukan_peksos", f"{PP} Pasal 8", "Pekerja Sosial Profesional")
    refused(assign(client, w, case_id, w.officer, "utama"), "petugas_utama_bukan_peksos", f"{PP} Pasal 8")
    _unchanged(kernel, w.slug, before)


def test_one_primary_worker_per_case(client, kernel, w):
    case_id = new_case(client, w)
    before = counts(kernel, w.slug)
    refused(assign(client, w, case_id, w.peksos2, "utama"), "petugas_utama_sudah_ada", f"{PP} Pasal 8", "sudah memiliki petugas utama")
    _unchanged(kernel, w.slug, before)
    # ...but a second Peksos may support
    assert assign(client, w, case_id, w.peksos2, "pendukung").status_code == 201


def test_a_peksos_with_a_d3_is_refused_under_the_perbup_only(client, kernel, make, world):
    for slug in ("balangan", "tabalong"):
        w = world[slug]
        d3 = staff(make, kernel, slug, "peksos.d3", ["peksos"], **{**PEKSOS_CRED, "pendidikan": "D3"})
        case_id = new_case(client, w, with_worker=False)
        r = assign(client, w, case_id, d3, "utama")
        if slug == "balangan":
            before = counts(kernel, slug)
            refused(r, "kualifikasi_peksos_tidak_memenuhi", f"{PERBUP} Pasal 27", "D4/S1/S2/S3", "pekerjaan sosial")
            _unchanged(kernel, slug, before)
        else:
            assert r.status_code == 201, r.get_json()


def test_a_peksos_with_a_degree_outside_social_work_is_refused_under_the_perbup(client, kernel, make, world):
    w = world["balangan"]
    hukum = staff(make, kernel, "balangan", "peksos.hukum", ["peksos"], **{**PEKSOS_CRED, "bidang_pendidikan": "Ilmu Hukum"})
    case_id = new_case(client, w, with_worker=False)
    refused(assign(client, w, case_id, hukum, "utama"), "kualifikasi_peksos_tidak_memenuhi", f"{PERBUP} Pasal 27", "Ilmu Hukum")


def test_a_tks_with_smp_is_refused_under_the_perbup_only(client, kernel, make, world):
    for slug in ("balangan", "tabalong"):
        w = world[slug]
        smp = staff(make, kernel, slug, "tks.smp", ["tks"], pendidikan="SMP", bidang_pendidikan="Umum")
        case_id = new_case(client, w)
        r = assign(client, w, case_id, smp, "pendukung")
        if slug == "balangan":
            before = counts(kernel, slug)
            refused(r, "kualifikasi_tks_tidak_memenuhi", f"{PERBUP} Pasal 28", "SMA", "sarjana")
            _unchanged(kernel, slug, before)
        else:
            assert r.status_code == 201, r.get_json()


def test_tks_education_under_the_perbup(client, kernel, make, world):
    w = world["balangan"]
    case_id = new_case(client, w)
    sma_umum = staff(make, kernel, "balangan", "tks.ipa", ["tks"], pendidikan="SMA", bidang_pendidikan="IPA")
    sarjana = staff(make, kernel, "balangan", "tks.s1", ["tks"], pendidikan="S1", bidang_pendidikan="Ekonomi")
    refused(assign(client, w, case_id, sma_umum, "pendukung"), "kualifikasi_tks_tidak_memenuhi", f"{PERBUP} Pasal 28")
    assert assign(client, w, case_id, sarjana, "pendukung").status_code == 201  # any bachelor's degree
    assert assign(client, w, case_id, w.tks, "pendukung").status_code == 201  # SMA Kesejahteraan Sosial


def test_a_supporting_worker_must_be_tks_or_peksos(client, kernel, w):
    case_id = new_case(client, w)
    before = counts(kernel, w.slug)
    refused(assign(client, w, case_id, w.officer, "pendukung"), "pendukung_bukan_tks_peksos", f"{PP} Pasal 8", "Tenaga Kesejahteraan Sosial")
    body = refused(assign(client, w, case_id, w.tks, "petugas"), "data_tidak_valid")
    assert body["errors"] == {"peran": ["Peran petugas harus salah satu dari: utama, pendukung."]}
    _unchanged(kernel, w.slug, before)


def test_a_worker_of_another_kabupaten_is_refused(client, kernel, world, w):
    case_id = new_case(client, w, with_worker=False)
    before = counts(kernel, w.slug)
    stranger = world[OTHER[w.slug]].peksos
    r = assign(client, w, case_id, stranger, "utama")
    assert "user_id" in refused(r, "data_tidak_valid")["errors"]
    _unchanged(kernel, w.slug, before)


def test_credentials_written_through_the_kernels_staff_api_count(client, kernel, make, w):
    fresh = staff(make, kernel, w.slug, "peksos.baru", ["peksos"])
    case_id = new_case(client, w, with_worker=False)
    refused(assign(client, w, case_id, fresh, "utama"), "sertifikat_tidak_berlaku", f"{PP} Pasal 8")
    cred = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in PEKSOS_CRED.items()}
    r = client.patch(f"/api/v1/tenants/{w.slug}/staff/{fresh.user_id}", json={"credential": cred}, headers=w.admin.headers)
    assert r.status_code == 200, r.get_json()
    assert assign(client, w, case_id, fresh, "utama").status_code == 201
    # credential() helper also used for TKS
    credential(kernel, w.slug, w.tks, **TKS_CRED)
