"""Activities of the current stage, the plan, monitoring and evaluation — and who may read the
notes (Perbup Balangan 61/2017 Pasal 29 huruf b)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from core.tenancy.calendar import local_today
from tests.plugins.rehabilitasi.helpers import (
    BUTIR, OTHER, PERBUP, T, advance, assign, counts, detail, kegiatan, new_case, pemantauan, refused, rencana,
    staff, walk_to,
)

TEMU_BAHAS = {"peserta": ["Peksos", "TKS", "psikolog"], "kesimpulan": "Klien membutuhkan konseling trauma."}


def test_an_activity_outside_the_stages_list_is_refused_in_balangan_and_free_in_tabalong(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    case_b, case_t = new_case(client, b), new_case(client, t)
    before = counts(kernel, "balangan")
    # temu bahas kasus belongs to pengungkapan dan pemahaman masalah (Perbup Pasal 20), not to pendekatan awal
    r = kegiatan(client, b, case_b, "analisis")
    body = refused(r, "kegiatan_tidak_sesuai_tahap", f"{PERBUP} Pasal 19", "analisis", "identifikasi")
    assert "kode" in body["errors"]
    r = kegiatan(client, b, case_b, "kunjungan_rumah")
    refused(r, "kegiatan_tidak_sesuai_tahap", f"{PERBUP} Pasal 19")
    assert counts(kernel, "balangan") == before
    assert kegiatan(client, b, case_b, "identifikasi").status_code == 201
    for kode in ("analisis", "kunjungan_rumah"):
        r = kegiatan(client, t, case_t, kode)
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["tahap"] == "pendekatan_awal"


def test_a_case_conference_records_its_participants_and_conclusion(client, kernel, w):
    case_id = new_case(client, w)
    assert advance(client, w, case_id, "pengungkapan_pemahaman_masalah").status_code == 200
    before = counts(kernel, w.slug)
    r = kegiatan(client, w, case_id, "temu_bahas_kasus", rincian={"peserta": []})
    body = refused(r, "data_tidak_valid")
    assert set(body["errors"]["rincian"]) == {"peserta", "kesimpulan"}
    assert "peserta" in body["errors"]["rincian"]["peserta"][0]
    assert counts(kernel, w.slug) == before
    r = kegiatan(client, w, case_id, "temu_bahas_kasus", rincian=TEMU_BAHAS)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["rincian"] == TEMU_BAHAS
    listed = client.get(f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/kegiatan", headers=w.officer.headers)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    assert [k["kode"] for k in listed.get_json()] == ["temu_bahas_kasus"]


def test_activity_dates_and_workers(client, kernel, world, w):
    case_id = new_case(client, w)
    before = counts(kernel, w.slug)
    tomorrow = (local_today() + timedelta(days=2)).isoformat()
    r = kegiatan(client, w, case_id, "identifikasi", tanggal=tomorrow)
    assert refused(r, "data_tidak_valid")["errors"] == {"tanggal": ["Tanggal tidak boleh di masa depan."]}
    r = kegiatan(client, w, case_id, "identifikasi", tanggal=(local_today() - timedelta(days=3)).isoformat())
    assert "sebelum kasus dibuka" in refused(r, "data_tidak_valid")["errors"]["tanggal"][0]
    for stranger in (world[OTHER[w.slug]].peksos.user_id, uuid.uuid4()):
        r = kegiatan(client, w, case_id, "identifikasi", pelaksana_id=str(stranger))
        assert refused(r, "data_tidak_valid")["errors"] == {"pelaksana_id": ["Petugas tidak terdaftar di kabupaten/kota ini."]}
    assert counts(kernel, w.slug) == before
    r = kegiatan(client, w, case_id, "identifikasi", pelaksana_id=str(w.peksos.user_id))
    assert r.status_code == 201 and r.get_json()["pelaksana_id"] == str(w.peksos.user_id)


# -- the plan -----------------------------------------------------------------------------------


def test_the_plan_only_at_its_stages(client, kernel, w):
    case_id = new_case(client, w)
    refused(rencana(client, w, case_id), "rencana_di_luar_tahap", w.cite["tahapan"], "Penyusunan Rencana")
    walk_to(client, w, case_id, "penyusunan_rencana")
    r = rencana(client, w, case_id)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["rujukan"] == [{"tujuan": "Puskesmas Paringin", "organization_id": None, "catatan": None}]
    # revised in place: still one plan
    r = rencana(client, w, case_id, kebutuhan_prioritas=["pemulihan trauma"])
    assert r.status_code == 200 and r.get_json()["kebutuhan_prioritas"] == ["pemulihan trauma"]
    assert counts(kernel, w.slug)["rehabilitasi_rencana"] == 1


def test_a_plan_with_an_unknown_form_is_refused(client, kernel, w):
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "penyusunan_rencana")
    before = counts(kernel, w.slug)
    r = rencana(client, w, case_id, bentuk=["bimbingan_fisik", "wisata_rohani"])
    body = refused(r, "bentuk_tidak_dikenal", w.cite["bentuk_rehabilitasi"], "wisata_rohani")
    assert body["errors"] == {"bentuk": ["Tidak dikenal: wisata_rohani."]}
    assert counts(kernel, w.slug) == before


def test_a_funding_source_outside_the_perbups_list_is_refused_in_balangan_only(client, kernel, world):
    for slug in ("balangan", "tabalong"):
        w = world[slug]
        case_id = new_case(client, w)
        walk_to(client, w, case_id, "penyusunan_rencana")
        before = counts(kernel, slug)
        r = rencana(client, w, case_id, sumber_dana="dana_desa")
        if slug == "balangan":
            body = refused(r, "sumber_dana_tidak_dikenal", f"{PERBUP} Pasal 43 ayat (1)", "dana_desa", "apbd_kabupaten")
            assert "sumber_dana" in body["errors"]
            assert counts(kernel, slug) == before
        else:
            assert r.status_code == 200 and r.get_json()["sumber_dana"] == "dana_desa"


def test_a_plans_methods_are_checked_where_the_profile_lists_them(client, world):
    for slug, expected in (("balangan", 422), ("tabalong", 200)):
        w = world[slug]
        case_id = new_case(client, w)
        walk_to(client, w, case_id, "penyusunan_rencana")
        r = rencana(client, w, case_id, metode=["hipnoterapi"], pendekatan=["klinis"], teknik=["wawancara"])
        assert r.status_code == expected, r.get_json()
        if expected == 422:
            refused(r, "metode_tidak_dikenal", f"{PERBUP} Pasal 33", "hipnoterapi")
    w = world["balangan"]
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "penyusunan_rencana")
    r = rencana(client, w, case_id, metode=["individu_keluarga"], pendekatan=["klinis"], teknik=["wawancara"])
    assert r.status_code == 200 and r.get_json()["metode"] == ["individu_keluarga"]


def test_plan_structure_errors(client, kernel, world, w):
    case_id = new_case(client, w)
    walk_to(client, w, case_id, "penyusunan_rencana")
    before = counts(kernel, w.slug)
    r = rencana(client, w, case_id, kebutuhan_prioritas=[])
    assert "kebutuhan_prioritas" in refused(r, "data_tidak_valid")["errors"]
    r = rencana(client, w, case_id, jadwal=[{"kegiatan": "konseling", "mulai": "2026-03-05", "selesai": "2026-01-05"}])
    assert refused(r, "data_tidak_valid")["errors"] == {"jadwal": {"0": {"selesai": ["Tanggal selesai tidak boleh sebelum tanggal mulai."]}}}
    r = rencana(client, w, case_id, rujukan=[{"organization_id": str(w.lks)}])
    assert "tujuan" in refused(r, "data_tidak_valid")["errors"]["rujukan"]["0"]
    stranger = world[OTHER[w.slug]].lks
    r = rencana(client, w, case_id, rujukan=[{"tujuan": "LKS", "organization_id": str(w.lks)}, {"tujuan": "LKS lain", "organization_id": str(stranger)}])
    assert refused(r, "data_tidak_valid")["errors"] == {"rujukan.1.organization_id": ["Lembaga tidak ditemukan di kabupaten/kota ini."]}
    assert counts(kernel, w.slug) == before
    r = rencana(client, w, case_id, rujukan=[{"tujuan": "LKS", "organization_id": str(w.lks)}])
    assert r.status_code == 200 and r.get_json()["rujukan"][0]["organization_id"] == str(w.lks)


# -- monitoring and evaluation ------------------------------------------------------------------


def test_monitoring_must_fill_every_item_in_balangan(client, kernel, world):
    b = world["balangan"]
    case_id = new_case(client, b)
    before = counts(kernel, "balangan")
    partial = {k: v for k, v in BUTIR.items() if k != "perubahan_perilaku"}
    r = pemantauan(client, b, case_id, {**partial, "peningkatan_kualitas_hidup": "  "})
    body = refused(r, "butir_pemantauan_belum_lengkap", f"{PERBUP} Pasal 41", "perubahan perilaku klien", "peningkatan kualitas hidup")
    assert set(body["errors"]) == {"butir.perubahan_perilaku", "butir.peningkatan_kualitas_hidup"}
    r = pemantauan(client, b, case_id, {**BUTIR, "cuaca": "cerah"})
    assert refused(r, "data_tidak_valid")["errors"] == {"butir.cuaca": ["Butir pemantauan tidak dikenal."]}
    assert counts(kernel, "balangan") == before
    assert pemantauan(client, b, case_id, BUTIR).status_code == 201


def test_monitoring_is_free_in_tabalong_but_not_empty(client, kernel, world):
    t = world["tabalong"]
    case_id = new_case(client, t)
    r = pemantauan(client, t, case_id, {"perkembangan": "Klien mulai aktif."})
    assert r.status_code == 201, r.get_json()
    r = pemantauan(client, t, case_id, {"perkembangan": " "})
    assert refused(r, "data_tidak_valid")["errors"] == {"butir": ["Isi paling sedikit satu butir pemantauan."]}


def test_an_evaluation_is_recorded(client, kernel, w):
    case_id = new_case(client, w)
    url = f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/evaluasi"
    r = client.post(url, json={"tanggal": (local_today() + timedelta(days=3)).isoformat(), "hasil": "x"}, headers=w.peksos.headers)
    assert "tanggal" in refused(r, "data_tidak_valid")["errors"]
    r = client.post(url, json={"tanggal": local_today().isoformat(), "hasil": "Kemajuan baik."}, headers=w.peksos.headers)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["evaluator_id"] == str(w.peksos.user_id)
    assert counts(kernel, w.slug)["rehabilitasi_evaluasi"] == 1


# -- confidentiality ----------------------------------------------------------------------------


def test_notes_are_for_the_assigned_workers_and_authorised_roles(client, kernel, make, w):
    case_id = new_case(client, w)
    assert assign(client, w, case_id, w.tks, "pendukung").status_code == 201
    assert kegiatan(client, w, case_id, "identifikasi", catatan="Klien korban KDRT.", rincian={"sumber": "RT"}).status_code == 201
    assert pemantauan(client, w, case_id, BUTIR if w.slug == "balangan" else {"perkembangan": "baik"}).status_code == 201
    r = client.post(f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/evaluasi", json={"tanggal": local_today().isoformat(), "hasil": "Rahasia."}, headers=w.peksos.headers)
    assert r.status_code == 201
    walk_to(client, w, case_id, "penyusunan_rencana")
    assert rencana(client, w, case_id, rujukan=[{"tujuan": "Puskesmas", "catatan": "Riwayat trauma."}]).status_code == 200
    other_tks = staff(make, kernel, w.slug, "tks.lain", ["tks"])
    for actor, sees in ((w.auditor, False), (other_tks, False), (w.tks, True), (w.peksos, True), (w.officer, True), (w.admin, True)):
        r = detail(client, w, case_id, actor=actor)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert body["catatan_disembunyikan"] is (not sees)
        (k,) = body["kegiatan"]
        assert k["kode"] == "identifikasi" and k["tanggal"] == local_today().isoformat()  # metadata always
        assert (k["catatan"], k["rincian"]) == (("Klien korban KDRT.", {"sumber": "RT"}) if sees else (None, None)), actor.username
        assert (body["pemantauan"][0]["butir"] is not None) is sees
        assert (body["evaluasi"][0]["hasil"] == "Rahasia.") is sees
        assert body["rencana"]["rujukan"][0]["tujuan"] == "Puskesmas"
        assert (body["rencana"]["rujukan"][0]["catatan"] == "Riwayat trauma.") is sees
        listed = client.get(f"{T}/{w.slug}/rehabilitasi/kasus/{case_id}/kegiatan", headers=actor.headers).get_json()
        assert (listed[0]["catatan"] is not None) is sees
    # the auditor may read but never write
    r = kegiatan(client, w, case_id, "identifikasi", actor=w.auditor)
    refused(r, "tidak_berwenang", None, status=403)
