"""The staff page: roles and credentials as GET /api/v1/tenants/<t>/staff gives them, with a
warning for an expired certificate or licence and for one expiring within 60 days."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.tenancy.calendar import local_today
from tests.console.pages import Console, Page
from tests.factories import Factory

STAF = "/konsol/balangan/petugas"
API = "/api/v1/tenants/balangan/staff"


def _credential(client: Any, admin: Any, who: Any, **values: Any) -> None:
    r = client.patch(f"{API}/{who.user_id}", json={"credential": values}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()


def test_roles_credentials_and_expiry_warnings(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    admin, today = people["admin"], local_today()
    lama = make.user("lama", {"balangan": ["peksos"]})
    segera = make.user("segera", {"balangan": ["peksos"]})
    baik = make.user("baik", {"balangan": ["peksos", "officer"]})
    _credential(client, admin, lama, jabatan="Peksos Ahli", pendidikan="S1", nomor_sertifikat="SK-1",
                sertifikat_berlaku_sampai=(today - timedelta(days=3)).isoformat(),
                nomor_izin_praktik="IP-1", izin_praktik_berlaku_sampai=(today + timedelta(days=400)).isoformat())
    _credential(client, admin, segera, nomor_sertifikat="SK-2", sertifikat_berlaku_sampai=(today + timedelta(days=400)).isoformat(),
                nomor_izin_praktik="IP-2", izin_praktik_berlaku_sampai=(today + timedelta(days=10)).isoformat())
    _credential(client, admin, baik, nomor_sertifikat="SK-3", sertifikat_berlaku_sampai=(today + timedelta(days=61)).isoformat())

    console.login("admin")
    page = console.get(STAF)
    assert page.status == 200
    rows = {r[0]: r for r in page.rows("daftar-petugas")}
    # What the API lists, every member of the tenant, with their roles.
    api = client.get(API, headers=admin.headers).get_json()
    assert sorted(rows) == sorted(s["nama"] for s in api)
    assert rows["Baik"][2] == "Petugas, Pekerja Sosial Profesional"
    assert rows["Lama"][3] == "Peksos Ahli (S1)"
    assert rows["Lama"][4:6] == ["SK-1", f"{today - timedelta(days=3)} Sudah habis 3 hari lalu"]
    assert rows["Lama"][7] == str(today + timedelta(days=400))  # far off: no warning
    assert rows["Segera"][6:8] == ["IP-2", f"{today + timedelta(days=10)} Habis dalam 10 hari"]
    assert rows["Baik"][5] == str(today + timedelta(days=61))
    assert rows["Admin"][4:8] == ["—", "—", "—", "—"]  # no credential at all
    assert "2 petugas perlu memperbarui sertifikat atau izin praktiknya: Lama Segera" in page.text()


def test_the_auditor_reads_and_a_case_worker_is_refused_as_by_the_api(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("auditor")
    assert console.get(STAF).status == 200
    assert client.get(API, headers=people["officer"].headers).status_code == 403
    console.client.post("/konsol/keluar", data={"csrf_token": console.get("/konsol/balangan/").csrf})
    console.login("petugas")
    page = console.get(STAF)
    assert page.status == 403
    assert "Petugas" not in page.menu


def test_long_lists_are_paginated(console: Console, make: Factory, people: dict[str, Any]) -> None:
    for i in range(50):
        make.user(f"tks{i:02d}", {"balangan": ["tks"]})
    console.login("admin")
    first = console.get(STAF)
    assert len(first.rows("daftar-petugas")) == 50
    assert "Halaman 1 dari 2" in first.text()
    second = console.get(f"{STAF}?halaman=2")
    assert len(second.rows("daftar-petugas")) == 5  # 55 members in all (the platform admin holds no role here)
    assert (f"{STAF}?halaman=1", "Sebelumnya") in second.links


# --- adding a staff member, editing roles and credential, revoking sessions (staff.manage) ---

BARU = f"{STAF}/baru"
GOOD_PASSWORD = "Sasirangan-Paringin-71"


def _member(console: Console, username: str) -> str:
    """The address of a staff member's page, as the list links it."""
    page = console.get(STAF)
    return next(href for href, text in page.main_links if href.startswith(f"{STAF}/") and text == username.title())


def _hidden(form: Any) -> dict[str, str]:
    # Only what the page itself carries; the boxes a user ticks or fills are given by each test.
    return {k: form.fields[k] for k in ("csrf_token", "submission_id")}


def _audit_actions(console: Console, target_id: Any) -> list[str]:
    """The actions the console's audit log shows for one user, oldest first."""
    rows = console.get(f"/konsol/balangan/audit?target_id={target_id}").rows("catatan-audit")
    return [r[2] for r in reversed(rows)]


def _new_staff(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "siti.rahmah", "nama": "Siti Rahmah", "password": GOOD_PASSWORD, "roles": ["peksos", "tks"],
        "credential.jabatan": "Pekerja Sosial Ahli Pertama", "credential.pendidikan": "S1",
        "credential.bidang_pendidikan": "Kesejahteraan Sosial", "credential.nomor_sertifikat": "SK-77",
        "credential.sertifikat_berlaku_sampai": "2030-12-31", **overrides,
    }


def test_adding_a_staff_member_twice_with_the_same_form_creates_one(console: Console, client: Any, people: dict[str, Any]) -> None:
    admin = people["admin"]
    console.login("admin")
    assert (BARU, "Tambah petugas") in console.get(STAF).main_links
    data = {**_hidden(console.get(BARU).form(BARU, "Tambah petugas")), **_new_staff()}
    first = client.post(BARU, data=data)
    assert first.status_code == 303
    again = client.post(BARU, data=data)  # a double click: the first one's result, nothing more
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]

    made = [s for s in client.get(API, headers=admin.headers).get_json() if s["username"] == "siti.rahmah"]
    assert len(made) == 1
    assert made[0]["roles"] == ["peksos", "tks"]
    assert made[0]["credential"]["nomor_sertifikat"] == "SK-77" and made[0]["credential"]["sertifikat_berlaku_sampai"] == "2030-12-31"
    assert made[0]["credential"]["nomor_izin_praktik"] is None
    assert first.headers["Location"] == f"{STAF}/{made[0]['id']}"
    page = console.get(first.headers["Location"])
    assert page.status == 200
    text = page.text()
    assert "Siti Rahmah" in text and "Pekerja Sosial Profesional, Tenaga Kesejahteraan Sosial" in text
    assert "Pekerja Sosial Ahli Pertama (S1, Kesejahteraan Sosial)" in text and "SK-77, berlaku sampai 2030-12-31" in text
    # The new account logs in with the password it was given.
    assert client.post("/api/v1/auth/login", json={"username": "siti.rahmah", "password": GOOD_PASSWORD}).status_code == 200
    # Audited as the API's services do, by the admin, once each.
    assert _audit_actions(console, made[0]["id"]) == ["user.create", "staff.roles", "staff.credential"]
    audit = console.get(f"/konsol/balangan/audit?target_id={made[0]['id']}").rows("catatan-audit")
    assert {r[1] for r in audit} == {"Admin"}


def test_a_weak_password_is_refused_next_to_its_field_the_rest_kept(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    form = console.get(BARU).form(BARU, "Tambah petugas")
    refused = Page(client.post(BARU, data={**_hidden(form), **_new_staff(password="siti.rahmah-1")}))
    assert refused.status == 422
    assert refused.field_error("password") == "Kata sandi tidak boleh memuat nama pengguna."
    # What was typed is kept, except the password; the ticked roles stay ticked.
    assert refused.input_value("username") == "siti.rahmah" and refused.input_value("nama") == "Siti Rahmah"
    assert refused.input_value("credential.nomor_sertifikat") == "SK-77"
    assert refused.input_value("password") == "" and "siti.rahmah-1" not in refused.html
    assert 'value="peksos" checked' in refused.html and 'value="tks" checked' in refused.html
    assert 'value="officer" checked' not in refused.html
    short = Page(client.post(BARU, data={**_hidden(form), **_new_staff(password="pendek")}))
    assert short.field_error("password") == "Kata sandi minimal 10 karakter."
    assert [s for s in client.get(API, headers=people["admin"].headers).get_json() if s["username"] == "siti.rahmah"] == []
    # The corrected form goes with the same one-time id: the refusal left nothing behind.
    assert client.post(BARU, data={**_hidden(form), **_new_staff()}).status_code == 303
    assert [s["nama"] for s in client.get(API, headers=people["admin"].headers).get_json() if s["username"] == "siti.rahmah"] == ["Siti Rahmah"]


def test_the_api_schema_refuses_next_to_each_field(console: Console, client: Any, people: dict[str, Any]) -> None:
    console.login("admin")
    form = console.get(BARU).form(BARU, "Tambah petugas")
    page = Page(client.post(BARU, data={
        **_hidden(form), **_new_staff(username="Siti Rahmah", roles=[], **{"credential.sertifikat_berlaku_sampai": "31-12-2030", "credential.pendidikan": "S9"}),
    }))
    assert page.status == 422
    assert page.field_error("username") == "3–80 karakter: huruf kecil, angka, titik, garis."
    assert page.field_error("roles") == "Minimal 1 karakter/butir."
    assert page.field_error("credential.sertifikat_berlaku_sampai") == "Tanggal tidak sah (contoh: 2026-12-31)."
    assert page.field_error("credential.pendidikan").startswith("Harus salah satu dari: SD, SMP")
    assert page.input_value("credential.sertifikat_berlaku_sampai") == "31-12-2030"
    taken = Page(client.post(BARU, data={**_hidden(form), **_new_staff(username="petugas")}))
    assert taken.status == 422 and taken.field_error("username") == "Nama pengguna 'petugas' sudah dipakai."
    assert len(client.get(API, headers=people["admin"].headers).get_json()) == 5  # the people fixture's members only


def test_a_certificate_dated_in_the_past_is_shown_expired_after_editing(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    admin, today = people["admin"], local_today()
    rina = make.user("rina", {"balangan": ["peksos"]})
    _credential(client, admin, rina, nomor_sertifikat="SK-9", sertifikat_berlaku_sampai=(today + timedelta(days=300)).isoformat(),
                nomor_izin_praktik="IP-9", izin_praktik_berlaku_sampai=(today + timedelta(days=300)).isoformat())
    console.login("admin")
    url = _member(console, "rina")
    page = console.get(url)
    assert "Sudah habis" not in page.text()
    # The edit form shows what is stored.
    assert page.input_value("credential.nomor_sertifikat") == "SK-9"
    assert page.input_value("credential.sertifikat_berlaku_sampai") == (today + timedelta(days=300)).isoformat()
    form = page.form(url, "Simpan perubahan")
    yesterday = (today - timedelta(days=1)).isoformat()
    done = client.post(url, data={
        **_hidden(form), "roles": ["peksos", "tks"], "credential.nomor_sertifikat": "SK-9",
        "credential.sertifikat_berlaku_sampai": yesterday,
        "credential.izin_praktik_berlaku_sampai": (today + timedelta(days=300)).isoformat(),
        "credential.nomor_izin_praktik": "",  # emptied: the licence number is gone
    })
    assert done.status_code == 303 and done.headers["Location"] == f"{url}?disimpan=1"
    page = console.get(done.headers["Location"])
    text = page.text()
    assert "Perubahan disimpan." in text
    assert f"SK-9, berlaku sampai {yesterday} Sudah habis 1 hari lalu" in text
    assert "Pekerja Sosial Profesional, Tenaga Kesejahteraan Sosial" in text
    rows = {r[0]: r for r in console.get(STAF).rows("daftar-petugas")}
    assert rows["Rina"][5] == f"{yesterday} Sudah habis 1 hari lalu"
    assert "1 petugas perlu memperbarui sertifikat atau izin praktiknya: Rina" in console.get(STAF).text()
    api = client.get(f"{API}/{rina.user_id}", headers=admin.headers).get_json()
    assert api["roles"] == ["peksos", "tks"]
    assert api["credential"]["sertifikat_berlaku_sampai"] == yesterday and api["credential"]["nomor_izin_praktik"] is None
    # Audited as PATCH is: the roles, and the credential's changed values only.
    assert _audit_actions(console, rina.user_id)[-2:] == ["staff.roles", "staff.credential"]
    latest = console.get(f"/konsol/balangan/audit?target_id={rina.user_id}&action=staff.credential").rows("catatan-audit")[0]
    assert '"nomor_izin_praktik": null' in latest[4] and '"sertifikat_berlaku_sampai": "' + yesterday + '"' in latest[4]
    assert "nomor_sertifikat" not in latest[4]


def test_unticking_every_role_is_refused_and_changes_nothing(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    rina = make.user("rina", {"balangan": ["peksos"]})
    console.login("admin")
    url = _member(console, "rina")
    form = console.get(url).form(url, "Simpan perubahan")
    page = Page(client.post(url, data={**_hidden(form), "credential.nomor_sertifikat": "SK-1"}))
    assert page.status == 422 and page.field_error("roles") == "Minimal 1 karakter/butir."
    assert page.input_value("credential.nomor_sertifikat") == "SK-1"
    api = client.get(f"{API}/{rina.user_id}", headers=people["admin"].headers).get_json()
    assert api["roles"] == ["peksos"] and api["credential"] is None


def test_revoking_every_session_needs_the_box_ticked_and_acts_once(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    rina = make.user("rina", {"balangan": ["peksos"]})  # logged in once: one live token
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 200
    console.login("admin")
    url = _member(console, "rina")
    action = f"{url}/cabut-sesi"
    form = console.get(url).form(action, "Cabut semua sesi")
    unsure = Page(client.post(action, data=_hidden(form)))
    assert unsure.status == 422 and unsure.field_error("yakin") == "Centang kotak ini untuk memastikan."
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 200  # nothing revoked
    first = client.post(action, data={**_hidden(form), "yakin": "1"})
    assert first.status_code == 303 and first.headers["Location"] == f"{url}?dicabut=1"
    again = client.post(action, data={**_hidden(form), "yakin": "1"})
    assert again.headers["Location"] == first.headers["Location"]
    assert "1 sesi dicabut: petugas ini harus masuk kembali di semua perangkatnya." in console.get(first.headers["Location"]).text()
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 401
    assert _audit_actions(console, rina.user_id).count("user.tokens_revoked") == 1
    entry = console.get(f"/konsol/balangan/audit?target_id={rina.user_id}&action=user.tokens_revoked").rows("catatan-audit")[0]
    assert '"alasan": "dicabut_admin"' in entry[4] and '"jumlah": 1' in entry[4]
    # The account and its roles stay.
    assert client.get(f"{API}/{rina.user_id}", headers=people["admin"].headers).get_json()["roles"] == ["peksos"]


def test_writes_are_refused_as_by_the_api(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    rina = make.user("rina", {"balangan": ["peksos"]})
    make.user("tabalong.admin", {"tabalong": ["tenant_admin"]})
    url = f"{STAF}/{rina.user_id}"
    posts = {
        BARU: _new_staff(username="penyusup"),
        url: {"roles": ["tenant_admin"]},
        f"{url}/cabut-sesi": {"yakin": "1"},
        f"{url}/atur-ulang-sandi": {"password": GOOD_PASSWORD},
        f"{url}/keluarkan": {"yakin_keluarkan": "1"},
    }
    # The API refuses the same roles.
    for who in ("auditor", "officer"):
        assert client.patch(f"{API}/{rina.user_id}", json={"roles": ["tenant_admin"]}, headers=people[who].headers).status_code == 403

    def refused(username: str, home: str) -> None:
        console.login(username)
        csrf = console.get(home).csrf
        for action, values in posts.items():
            data = {"csrf_token": csrf, "submission_id": "0f3c2a4e-1b2c-4d5e-8f90-123456789abc", **values}
            assert client.post(action, data=data).status_code == 403, (username, action)
        assert console.get(BARU).status == 403
        console.client.post("/konsol/keluar", data={"csrf_token": console.get(home).csrf})

    # The auditor reads the page, without a form to change anything.
    console.login("auditor")
    page = console.get(url)
    assert page.status == 200 and "Rina" in page.text()
    assert [f.action for f in page.forms if f.action.startswith(STAF)] == []
    assert (BARU, "Tambah petugas") not in console.get(STAF).main_links
    console.client.post("/konsol/keluar", data={"csrf_token": page.csrf})
    refused("auditor", "/konsol/balangan/")
    refused("petugas", "/konsol/balangan/")
    refused("tabalong.admin", "/konsol/tabalong/")
    api = client.get(f"{API}/{rina.user_id}", headers=people["admin"].headers).get_json()
    assert api["roles"] == ["peksos"]
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 200
    assert [s for s in client.get(API, headers=people["admin"].headers).get_json() if s["username"] == "penyusup"] == []


def test_another_tenants_staff_member_is_not_found(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    other = make.user("tabalong.peksos", {"tabalong": ["peksos"]})
    assert client.get(f"{API}/{other.user_id}", headers=people["admin"].headers).status_code == 404
    console.login("admin")
    url = f"{STAF}/{other.user_id}"
    assert console.get(url).status == 404
    csrf = console.get(STAF).csrf
    sid = "0f3c2a4e-1b2c-4d5e-8f90-123456789abd"
    assert client.post(url, data={"csrf_token": csrf, "submission_id": sid, "roles": ["peksos", "tks"]}).status_code == 404
    assert client.post(f"{url}/cabut-sesi", data={"csrf_token": csrf, "submission_id": sid, "yakin": "1"}).status_code == 404
    assert client.post(f"{url}/atur-ulang-sandi", data={"csrf_token": csrf, "submission_id": sid, "password": GOOD_PASSWORD}).status_code == 404
    assert client.post(f"{url}/keluarkan", data={"csrf_token": csrf, "submission_id": sid, "yakin_keluarkan": "1"}).status_code == 404
    assert client.get("/api/v1/auth/me", headers=other.headers).status_code == 200


# --- taking a staff member off the tenant, resetting a forgotten password (staff.manage) ---

KELUARKAN = "Keluarkan dari kabupaten/kota ini"


def _open_case(client: Any, admin: Any, person: Any, worker: Any) -> str:
    r = client.post("/api/v1/tenants/balangan/cases", json={
        "case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id),
        "assigned": [{"user_id": str(worker.user_id)}],
    }, headers=admin.headers)
    assert r.status_code == 201, r.get_json()
    return str(r.get_json()["id"])


def test_removal_is_refused_while_assigned_then_done_once_and_gone_from_the_list(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    admin = people["admin"]
    rina = make.user("rina", {"balangan": ["peksos"]})
    case_id = _open_case(client, admin, make.person("balangan"), rina)
    console.login("admin")
    url = _member(console, "rina")
    action = f"{url}/keluarkan"
    form = console.get(url).form(action, KELUARKAN)
    unsure = Page(client.post(action, data=_hidden(form)))
    assert unsure.status == 422 and unsure.field_error("yakin_keluarkan") == "Centang kotak ini untuk memastikan."

    refused = Page(client.post(action, data={**_hidden(form), "yakin_keluarkan": "1"}))
    assert refused.status == 409
    assert ("Rina masih ditugaskan pada 1 kasus yang masih berjalan di kabupaten/kota ini. "
            "Lepaskan atau ganti petugas tersebut di halaman setiap kasus terlebih dahulu.") in refused.text()
    assert client.get(f"{API}/{rina.user_id}", headers=admin.headers).get_json()["roles"] == ["peksos"]
    # In English, the same refusal with its count.
    english = Page(client.post(action, data={**_hidden(form), "yakin_keluarkan": "1"}, headers={"Accept-Language": "en"}))
    assert english.status == 409 and "Rina is still assigned to 1 open cases in this regency/city." in english.text()

    # Released on the case's page, as the message says; the same form then goes through.
    case_page = f"/konsol/balangan/kasus/{case_id}"
    assert console.submit(case_page, f"{case_page}/petugas/{rina.user_id}/lepas").status_code == 303
    done = client.post(action, data={**_hidden(form), "yakin_keluarkan": "1"})
    assert done.status_code == 303 and done.headers["Location"] == f"{STAF}?dikeluarkan=1&dicabut=1"
    again = client.post(action, data={**_hidden(form), "yakin_keluarkan": "1"})
    assert again.headers["Location"] == done.headers["Location"]
    listed = console.get(done.headers["Location"])
    assert ("Petugas dikeluarkan dari kabupaten/kota ini. Akunnya dan perannya di kabupaten/kota lain tetap; "
            "data sertifikat dan izin praktiknya di sini disimpan. 1 sesinya dicabut.") in listed.text()
    assert "Rina" not in {r[0] for r in listed.rows("daftar-petugas")}
    assert console.get(url).status == 404
    assert client.get(f"{API}/{rina.user_id}", headers=admin.headers).status_code == 404
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 401
    assert _audit_actions(console, rina.user_id).count("staff.removed") == 1


def test_removing_someone_who_works_in_another_tenant_keeps_their_session_there(console: Console, client: Any, people: dict[str, Any]) -> None:
    kedua = people["both"]
    console.login("admin")
    url = _member(console, "kedua")
    done = console.submit(url, f"{url}/keluarkan", KELUARKAN, yakin_keluarkan="1")
    assert done.status_code == 303 and done.headers["Location"] == f"{STAF}?dikeluarkan=1&dicabut=0"
    assert "sesinya dicabut" not in console.get(done.headers["Location"]).text()
    assert client.get("/api/v1/auth/me", headers=kedua.headers).get_json()["tenants"] == {"tabalong": ["tenant_admin"]}
    assert client.get("/api/v1/tenants/balangan/staff", headers=kedua.headers).status_code == 403
    assert client.get("/api/v1/tenants/balangan/persons", headers=kedua.headers).status_code == 403
    assert client.get("/api/v1/tenants/tabalong/staff", headers=kedua.headers).status_code == 200


def test_an_admin_cannot_remove_themselves(console: Console, client: Any, people: dict[str, Any]) -> None:
    admin = people["admin"]
    console.login("admin")
    url = f"{STAF}/{admin.user_id}"
    page = Page(console.submit(url, f"{url}/keluarkan", KELUARKAN, yakin_keluarkan="1"))
    assert page.status == 409
    assert "Anda tidak dapat mengeluarkan diri sendiri dari kabupaten/kota ini; minta tenant_admin lain melakukannya." in page.text()
    assert client.get(f"{API}/{admin.user_id}", headers=admin.headers).get_json()["roles"] == ["tenant_admin"]


RESET = "Atur ulang kata sandi"
NEW_PASSWORD = "Jembatan-Batu-Piring-58"


def test_resetting_a_forgotten_password(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    rina = make.user("rina", {"balangan": ["peksos"]})
    console.login("admin")
    url = _member(console, "rina")
    action = f"{url}/atur-ulang-sandi"
    page = console.get(url)
    assert "Minimal 10 karakter, tidak memuat nama pengguna, bukan kata sandi yang umum." in page.text()
    form = page.form(action, RESET)
    weak = Page(client.post(action, data={**_hidden(form), "password": "rina-lupa-sandi"}))
    assert weak.status == 422 and weak.field_error("password") == "Kata sandi tidak boleh memuat nama pengguna."
    assert weak.input_value("password") == "" and "rina-lupa-sandi" not in weak.html
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 200  # nothing changed

    done = client.post(action, data={**_hidden(form), "password": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == f"{url}?sandi_diatur_ulang=1"
    shown = console.get(done.headers["Location"])
    assert "Kata sandi diatur ulang dan 1 sesi dicabut." in shown.text() and NEW_PASSWORD not in shown.html
    assert client.get("/api/v1/auth/me", headers=rina.headers).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": "rina", "password": NEW_PASSWORD}).status_code == 200
    assert client.post("/api/v1/auth/login", json={"username": "rina", "password": "uji-kata-sandi-2026"}).status_code == 401
    assert _audit_actions(console, rina.user_id)[-2:] == ["user.password_reset", "user.tokens_revoked"]
    audit = console.get(f"/konsol/balangan/audit?target_id={rina.user_id}").text()
    assert NEW_PASSWORD not in audit


def test_a_reset_is_refused_for_an_account_of_two_tenants(console: Console, client: Any, people: dict[str, Any]) -> None:
    kedua = people["both"]
    console.login("admin")
    url = _member(console, "kedua")
    page = Page(console.submit(url, f"{url}/atur-ulang-sandi", RESET, password=NEW_PASSWORD))
    assert page.status == 409
    assert ("Akun ini juga dipakai di luar kabupaten/kota ini; kata sandinya hanya dapat diatur ulang oleh admin platform. "
            "Hubungi admin platform.") in page.text()
    assert client.get("/api/v1/auth/me", headers=kedua.headers).status_code == 200
    assert client.post("/api/v1/auth/login", json={"username": "kedua", "password": NEW_PASSWORD}).status_code == 401
