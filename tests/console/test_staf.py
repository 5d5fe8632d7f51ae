"""The staff page: roles and credentials as GET /api/v1/tenants/<t>/staff gives them, with a
warning for an expired certificate or licence and for one expiring within 60 days."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.tenancy.calendar import local_today
from tests.console.pages import Console
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
