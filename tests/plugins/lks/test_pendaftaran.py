"""Registration of an LKS (PP 39/2012 Pasal 57–58): the application, jurisdiction by working
area, the requirements declared complete, the 14 working days, the numbered tanda pendaftaran,
the public register — in Balangan and Tabalong side by side."""
from __future__ import annotations

from datetime import date

import pytest

from tests.plugins.lks.helpers import (
    DOKUMEN,
    PP,
    T,
    ajukan,
    counts,
    etag,
    lembaga,
    lengkap,
    new_application,
    refused,
    registered,
    terbitkan,
    today,
    unggah,
    unggah_semua,
)

KEWENANGAN = f"{PP} Pasal 57 ayat (2)"


@pytest.fixture(params=["balangan", "tabalong"])
def w(request, world):
    return world[request.param]


def test_an_lks_working_in_this_kabupaten_is_registered_here_free_of_charge(client, kernel, w):
    app = new_application(client, w)
    assert app["stage"] == "permohonan" and app["status"] == "open"
    assert app["kewenangan"] == "kabupaten_kota"
    assert app["instansi_tujuan"] == f"Dinas Sosial Kabupaten {w.slug.title()}"
    assert app["citation_kewenangan"] == f"{KEWENANGAN} huruf c"
    assert app["biaya"] == 0
    assert app["jatuh_tempo"] is None and app["nomor"] is None
    assert [p["kode"] for p in app["persyaratan"]] == list(DOKUMEN)
    assert app["belum_lengkap"] == list(DOKUMEN)  # a badan hukum needs its akte pendirian too
    assert app["lembaga"]["pengurus"][0]["nama"] == "Hj. Rusmini"
    # the operator who applied is linked to the new LKS and follows it
    mine = client.get(f"{T}/{w.slug}/lks/pendaftaran", headers=w.operator.headers).get_json()
    assert [a["id"] for a in mine] == [app["id"]]


def test_the_whole_registration_ends_with_a_numbered_mark(client, kernel, w):
    app = new_application(client, w)
    unggah_semua(client, w, app["id"])
    r = lengkap(client, w, app["id"])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["stage"] == "lengkap" and body["tanggal_lengkap"] == today().isoformat()
    due = date.fromisoformat(body["jatuh_tempo"])
    with kernel.db.unit_of_work() as s:
        from core.tenancy.calendar import tenant_calendar
        from core.tenancy.models import Tenant
        from sqlalchemy import select

        tenant = s.scalar(select(Tenant).where(Tenant.slug == w.slug))
        assert tenant_calendar(s, tenant).working_days_between(today(), due) == 14
    r = terbitkan(client, w, app["id"])
    assert r.status_code == 200, r.get_json()
    issued = r.get_json()
    assert issued["stage"] == "terdaftar" and issued["status"] == "closed"
    assert issued["nomor"] == f"0001/LKS/{w.kode}/{today().year}"
    assert issued["tanggal_terbit"] == today().isoformat() and issued["terlambat"] is False
    # the officer who declared it complete answers for the deadline
    case = client.get(f"{T}/{w.slug}/cases/{app['id']}", headers=w.officer.headers).get_json()
    assert [(a["user_id"], a["peran"]) for a in case["assigned"]] == [(str(w.officer.user_id), "petugas")]
    events = client.get(f"{T}/{w.slug}/cases/{app['id']}/events", headers=w.officer.headers).get_json()
    assert [e["kind"] for e in events] == ["opened", "advanced", "assigned", "advanced"]
    doc = client.get(f"{T}/{w.slug}/lks/pendaftaran/{app['id']}/tanda-pendaftaran", headers=w.operator.headers)
    assert doc.status_code == 200 and doc.mimetype == "text/html"
    html = doc.get_data(as_text=True)
    for text in (issued["nomor"], "Yayasan Peduli Anak", f"Pemerintah Kabupaten {w.slug.title()}", f"{PP} Pasal 58", f"{PP} Pasal 57 ayat (4)", "tanpa biaya"):
        assert text in html, text
    assert "<script" not in html and "http" not in html  # printable offline, nothing fetched


def test_numbers_are_unique_per_tenant_in_the_tenants_own_format(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    r = client.put(f"{T}/balangan/lks/pengaturan", json={"format_nomor": "460/{urut:03d}/DINSOS-BLG/{tahun}"}, headers=b.admin.headers)
    assert r.status_code == 200, r.get_json()
    first = registered(client, b, nama="Yayasan Satu")
    second = registered(client, b, actor=b.operator2, nama="Yayasan Dua")
    other = registered(client, t, nama="Yayasan Tiga")
    year = today().year
    assert (first["nomor"], second["nomor"]) == (f"460/001/DINSOS-BLG/{year}", f"460/002/DINSOS-BLG/{year}")
    assert other["nomor"] == f"0001/LKS/63.09/{year}"  # Tabalong keeps the default and counts on its own


@pytest.mark.parametrize("fmt, fragment", [
    ("LKS/{tahun}", "{urut}"),
    ("{urut}/{nama}", "nama"),
    ("{urut:zz}/LKS", "tidak dapat dipakai"),
    ("{urut/LKS", "tidak sah"),
])
def test_a_numbering_format_without_a_serial_or_with_unknown_fields_is_refused(client, kernel, world, fmt, fragment):
    b = world["balangan"]
    before = counts(kernel, "balangan")
    r = client.put(f"{T}/balangan/lks/pengaturan", json={"format_nomor": fmt}, headers=b.admin.headers)
    body = refused(r, "data_tidak_valid")
    assert fragment in body["errors"]["format_nomor"][0]
    assert counts(kernel, "balangan") == before
    assert client.put(f"{T}/balangan/lks/pengaturan", json={"format_nomor": "{urut}/X"}, headers=b.officer.headers).status_code == 403


def test_several_kabupaten_of_one_province_are_referred_to_the_province(client, kernel, w):
    other = "63.09" if w.slug == "balangan" else "63.11"
    app = new_application(client, w, wilayah_kerja=[w.kode, other])
    assert (app["stage"], app["status"], app["kewenangan"]) == ("dirujuk", "closed", "provinsi")
    assert app["instansi_tujuan"] == "Dinas Sosial Provinsi Kalimantan Selatan"
    assert app["citation_kewenangan"] == f"{KEWENANGAN} huruf b"
    # the referral is recorded, and no mark can ever be issued here
    r = client.post(f"{T}/{w.slug}/lks/pendaftaran/{app['id']}/terbitkan", json={}, headers={**w.officer.headers, "If-Match": etag(client, w, app["id"])})
    refused(r, "kasus_sudah_ditutup")
    assert client.get(f"{T}/{w.slug}/lks/publik/terdaftar").get_json() == []


def test_several_provinces_are_referred_to_the_ministry(client, kernel, w):
    app = new_application(client, w, wilayah_kerja=[w.kode, "64.72"])
    assert (app["stage"], app["kewenangan"], app["instansi_tujuan"]) == ("dirujuk", "kementerian", "Kementerian Sosial Republik Indonesia")
    assert app["citation_kewenangan"] == f"{KEWENANGAN} huruf a"


def test_an_lks_working_only_in_another_kabupaten_is_referred_there(client, kernel, world):
    b = world["balangan"]
    app = new_application(client, b, wilayah_kerja=["63.71"])
    assert (app["stage"], app["kewenangan"], app["instansi_tujuan"]) == ("dirujuk", "kabupaten_kota", "Dinas Sosial Kota Banjarmasin")
    assert app["citation_kewenangan"] == f"{KEWENANGAN} huruf c"


def test_the_kernels_advance_cannot_declare_an_application_outside_the_jurisdiction(client, kernel, world):
    """Whatever door is used (here the kernel's /cases/<id>/advance), the same guards apply."""
    b = world["balangan"]
    app = new_application(client, b, actor=b.officer, wilayah_kerja=["63.11"])
    unggah_semua(client, b, app["id"], DOKUMEN, actor=b.officer)
    r = client.post(
        f"{T}/balangan/cases/{app['id']}/advance", json={"to_stage": "dirujuk", "data": {}},
        headers={**b.officer.headers, "If-Match": etag(client, b, app["id"])},
    )
    refused(r, "dalam_kewenangan", KEWENANGAN, "tidak dirujuk")
    r = client.post(
        f"{T}/balangan/cases/{app['id']}/advance", json={"to_stage": "terdaftar", "data": {}},
        headers={**b.officer.headers, "If-Match": etag(client, b, app["id"])},
    )
    refused(r, "tahap_tidak_berurutan", KEWENANGAN)


def test_declaring_complete_names_exactly_what_is_missing(client, kernel, w):
    app = new_application(client, w)
    unggah(client, w, app["id"], "npwp")
    before = counts(kernel, w.slug)
    body = refused(lengkap(client, w, app["id"]), "persyaratan_belum_lengkap", f"{PP} Pasal 57 ayat (3)")
    assert body["errors"] == {"dokumen": ["anggaran_dasar_art", "akta_pendirian", "surat_keterangan_domisili"]}
    for label in ("anggaran dasar dan anggaran rumah tangga (huruf a)", "akte pendirian (huruf b)", "surat keterangan domisili (huruf c)"):
        assert label in body["message"]
    assert "Nomor Pokok Wajib Pajak" not in body["message"]
    assert counts(kernel, w.slug) == before
    assert client.get(f"{T}/{w.slug}/lks/pendaftaran/{app['id']}", headers=w.officer.headers).get_json()["stage"] == "permohonan"


def test_an_lks_without_legal_entity_needs_no_deed(client, kernel, w):
    app = new_application(client, w, berbadan_hukum=False)
    assert app["belum_lengkap"] == ["anggaran_dasar_art", "surat_keterangan_domisili", "npwp"]
    assert [p["wajib"] for p in app["persyaratan"]] == [True, False, True, True]
    unggah_semua(client, w, app["id"], ("anggaran_dasar_art", "surat_keterangan_domisili", "npwp"))
    r = lengkap(client, w, app["id"])
    assert r.status_code == 200 and r.get_json()["belum_lengkap"] == []


def test_only_the_dinas_sosial_declares_complete_and_issues(client, kernel, w):
    app = new_application(client, w)
    unggah_semua(client, w, app["id"])
    r = client.post(f"{T}/{w.slug}/lks/pendaftaran/{app['id']}/lengkap", json={}, headers={**w.operator.headers, "If-Match": etag(client, w, app["id"], w.operator)})
    refused(r, "tidak_berwenang", status=403)
    # a peksos may advance cases through the kernel, but not this one
    r = client.post(
        f"{T}/{w.slug}/cases/{app['id']}/advance", json={"to_stage": "lengkap", "data": {}},
        headers={**w.peksos.headers, "If-Match": etag(client, w, app["id"])},
    )
    refused(r, "tidak_berwenang", status=403)
    assert client.post(f"{T}/{w.slug}/lks/pendaftaran/{app['id']}/lengkap", json={}, headers=w.officer.headers).status_code == 428
    stale = client.post(f"{T}/{w.slug}/lks/pendaftaran/{app['id']}/lengkap", json={}, headers={**w.officer.headers, "If-Match": '"0"'})
    refused(stale, "versi_usang", status=412)


def test_the_deadline_counts_working_days_across_independence_day(client, kernel, world, monkeypatch):
    """Declared complete on Monday 10 August 2026: the 14 working days skip 17 August (Hari
    Kemerdekaan) and 25 August (Maulid Nabi), so the mark is due on Tuesday 1 September."""
    import plugins.lks.pendaftaran as svc

    monkeypatch.setattr(svc, "local_today", lambda: date(2026, 8, 10))
    for w in world.values():
        app = new_application(client, w)
        unggah_semua(client, w, app["id"])
        r = lengkap(client, w, app["id"])
        assert r.get_json()["jatuh_tempo"] == "2026-09-01", (w.slug, r.get_json())


def test_the_deadline_around_idul_fitri_depends_on_the_tenants_cuti_bersama(client, kernel, world, monkeypatch):
    """Declared complete on Friday 13 March 2026: Nyepi (19 March), Idul Fitri (21–22 March) and
    Good Friday (3 April) are holidays everywhere; Balangan also closes on the cuti bersama of
    18, 20, 23 and 24 March, so its mark is due four working days later than Tabalong's."""
    import plugins.lks.pendaftaran as svc

    monkeypatch.setattr(svc, "local_today", lambda: date(2026, 3, 13))
    due = {}
    for slug, w in world.items():
        app = new_application(client, w)
        unggah_semua(client, w, app["id"])
        due[slug] = lengkap(client, w, app["id"]).get_json()["jatuh_tempo"]
    assert due == {"balangan": "2026-04-10", "tabalong": "2026-04-06"}


def test_a_declaration_date_may_not_be_in_the_future_or_before_the_application(client, kernel, world):
    b = world["balangan"]
    app = new_application(client, b)
    unggah_semua(client, b, app["id"])
    before = counts(kernel, "balangan")
    r = lengkap(client, b, app["id"], tanggal="2099-01-01")
    assert refused(r, "data_tidak_valid")["errors"] == {"data.tanggal": ["Tanggal tidak boleh di masa depan."]}
    r = lengkap(client, b, app["id"], tanggal="2020-01-01")
    assert "sebelum permohonan" in refused(r, "data_tidak_valid")["errors"]["data.tanggal"][0]
    assert counts(kernel, "balangan") == before


def test_an_lks_is_registered_once(client, kernel, world):
    b = world["balangan"]
    done = registered(client, b)
    r = client.post(f"{T}/balangan/lks/pendaftaran", json={"organization_id": done["organization_id"]}, headers=b.officer.headers)
    refused(r, "lks_sudah_terdaftar", status=409)
    pending = new_application(client, b, actor=b.operator2, nama="Yayasan Lain")
    r = client.post(f"{T}/balangan/lks/pendaftaran", json={"organization_id": pending["organization_id"]}, headers=b.officer.headers)
    refused(r, "permohonan_sedang_diproses", status=409)


def test_operators_see_only_their_own_lks(client, kernel, world):
    b = world["balangan"]
    mine = new_application(client, b)
    theirs = new_application(client, b, actor=b.operator2, nama="Yayasan Tetangga")
    assert client.get(f"{T}/balangan/lks/pendaftaran/{theirs['id']}", headers=b.operator.headers).status_code == 404
    assert unggah(client, b, theirs["id"], "npwp").status_code == 404
    assert client.get(f"{T}/balangan/lks/lembaga/{theirs['organization_id']}", headers=b.operator.headers).status_code == 404
    assert [x["nama"] for x in client.get(f"{T}/balangan/lks/lembaga", headers=b.operator.headers).get_json()] == [mine["nama_lembaga"]]
    staff_view = client.get(f"{T}/balangan/lks/pendaftaran", headers=b.auditor.headers).get_json()
    assert {x["id"] for x in staff_view} == {mine["id"], theirs["id"]}
    # an operator already acting for one LKS cannot open a second one
    r = ajukan(client, b, nama="Yayasan Kedua Saya")
    refused(r, "operator_sudah_terikat", status=409)


def test_another_kabupaten_sees_nothing(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    app = registered(client, b)
    for path in (f"pendaftaran/{app['id']}", f"lembaga/{app['organization_id']}", f"pendaftaran/{app['id']}/tanda-pendaftaran"):
        assert client.get(f"{T}/tabalong/lks/{path}", headers=t.admin.headers).status_code == 404, path
    assert client.get(f"{T}/tabalong/lks/pendaftaran", headers=t.admin.headers).get_json() == []
    assert client.get(f"{T}/balangan/lks/pendaftaran", headers=t.admin.headers).status_code == 403
    assert [x["nama"] for x in client.get(f"{T}/tabalong/lks/publik/terdaftar").get_json()] == []


def test_the_public_register_shows_registered_lks_and_nothing_personal(client, kernel, world):
    b = world["balangan"]
    done = registered(client, b, nama="Yayasan Terbuka")
    new_application(client, b, actor=b.operator2, nama="Yayasan Belum Selesai")
    r = client.get(f"{T}/balangan/lks/publik/terdaftar")  # no token at all
    assert r.status_code == 200
    assert r.get_json() == [{
        "nama": "Yayasan Terbuka", "nomor_tanda_pendaftaran": done["nomor"], "tanggal_terbit": today().isoformat(),
        "wilayah_kerja": [{"kode": "63.11", "nama": "Balangan"}],
    }]
    text = r.get_data(as_text=True)
    for personal in ("Rusmini", "081234567890", "ketua@peduli.or.id", "01.234.567.8-901.000", "Sudirman"):
        assert personal not in text
    assert client.get(f"{T}/balangan/lks/publik/terdaftar", query_string={"q": "tidak ada"}).get_json() == []
    # other routes still need a login, and a disabled plugin's public register is gone
    assert client.get(f"{T}/balangan/lks/pendaftaran").status_code == 401
    assert client.get(f"{T}/tidakada/lks/publik/terdaftar").status_code == 404
    r = client.put(f"{T}/balangan/plugins/lks", json={"enabled": False}, headers=b.admin.headers)
    assert r.status_code == 200, r.get_json()
    assert client.get(f"{T}/balangan/lks/publik/terdaftar").status_code == 404


@pytest.mark.parametrize("overrides, field", [
    ({"wilayah_kerja": []}, "wilayah_kerja"),
    ({"wilayah_kerja": ["63.99"]}, "wilayah_kerja"),
    ({"wilayah_kerja": ["99.01"]}, "wilayah_kerja"),
    ({"wilayah_kerja": ["63"]}, "wilayah_kerja"),
    ({"wilayah_kerja": ["63.11.01"]}, "wilayah_kerja"),
    ({"wilayah_kerja": ["63.11", "63.11"]}, "wilayah_kerja"),
    ({"pengurus": []}, "pengurus"),
    ({"npwp": "123"}, "npwp"),
    ({"nama": ""}, "nama"),
])
def test_bad_institution_data_is_refused_naming_the_field_and_nothing_is_written(client, kernel, world, overrides, field):
    b = world["balangan"]
    before = counts(kernel, "balangan")
    r = ajukan(client, b, actor=b.officer, **overrides)
    body = refused(r, "data_tidak_valid")
    assert field in body["errors"].get("lembaga", body["errors"]), body
    assert counts(kernel, "balangan") == before


def test_either_a_known_lks_or_a_new_one(client, kernel, world):
    b = world["balangan"]
    r = client.post(f"{T}/balangan/lks/pendaftaran", json={}, headers=b.officer.headers)
    assert "lembaga" in refused(r, "data_tidak_valid")["errors"]
    r = client.post(f"{T}/balangan/lks/pendaftaran", json={"organization_id": "00000000-0000-7000-8000-000000000000"}, headers=b.officer.headers)
    assert r.status_code == 404
    assert counts(kernel, "balangan")["cases"] == 0


def test_an_officer_may_enter_a_paper_application_and_link_an_operator_later(client, kernel, world):
    b = world["balangan"]
    app = new_application(client, b, actor=b.officer)
    assert client.get(f"{T}/balangan/lks/pendaftaran/{app['id']}", headers=b.operator2.headers).status_code == 404
    r = client.put(f"{T}/balangan/lks/lembaga/{app['organization_id']}/operator", json={"user_id": str(b.operator2.user_id)}, headers=b.officer.headers)
    assert r.status_code == 200, r.get_json()
    assert client.get(f"{T}/balangan/lks/pendaftaran/{app['id']}", headers=b.operator2.headers).status_code == 200
    r = client.put(f"{T}/balangan/lks/lembaga/{app['organization_id']}/operator", json={"user_id": str(b.peksos.user_id)}, headers=b.officer.headers)
    assert "user_id" in refused(r, "data_tidak_valid")["errors"]


def test_lists_do_not_grow_queries_with_their_length(client, kernel, world):
    from sqlalchemy import event

    b = world["balangan"]
    for i in range(3):
        new_application(client, b, actor=b.officer, nama=f"Yayasan Nomor {i}")

    def queries() -> int:
        seen = []
        engine = kernel.db.engine

        def count(*_a):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(f"{T}/balangan/lks/pendaftaran", headers=b.officer.headers).status_code == 200
            assert client.get(f"{T}/balangan/lks/lembaga", headers=b.officer.headers).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    few = queries()
    for i in range(5):
        new_application(client, b, actor=b.officer, nama=f"Yayasan Tambahan {i}")
    assert queries() == few


def test_case_is_pinned_to_the_lks_profile_not_rehabilitasi(client, kernel, world):
    """Both plugins ship a `pp-39-2012` baseline; the application is judged by the LKS one."""
    b = world["balangan"]
    app = new_application(client, b)
    assert (app["profile_id"], app["profile_version"]) == ("pp-39-2012", 1)
    with kernel.db.unit_of_work() as s:
        from sqlalchemy import select

        from core.regulations.models import ProfileSnapshot

        keys = set(s.scalars(select(ProfileSnapshot.profile_key)))
    assert "*:lks:pp-39-2012" in keys


def test_an_lks_found_operating_unregistered_is_recorded_and_applying_ends_the_breach(client, kernel, world):
    """Pasal 65 ayat (1): an officer records an LKS found operating without registration and warns
    it; its application then counts as registering, and no further warning can be given."""
    b = world["balangan"]
    r = client.post(f"{T}/balangan/lks/lembaga", json=lembaga(b, nama="Panti Tanpa Daftar"), headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    org = r.get_json()["id"]
    assert r.get_json()["status_pendaftaran"] is None
    r = client.post(f"{T}/balangan/lks/lembaga/{org}/sanksi", json={"jenis": "peringatan_tertulis", "uraian": "Ditemukan saat kunjungan lapangan."}, headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["citation"] == f"{PP} Pasal 65 ayat (1)"
    r = client.post(f"{T}/balangan/lks/pendaftaran", json={"organization_id": org}, headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    r = client.post(f"{T}/balangan/lks/lembaga/{org}/sanksi", json={"jenis": "penghentian_sementara", "uraian": "Masih beroperasi."}, headers=b.officer.headers)
    refused(r, "lks_sudah_mendaftar", f"{PP} Pasal 65 ayat (1)")
