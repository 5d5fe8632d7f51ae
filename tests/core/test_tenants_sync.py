"""`tenants/<slug>.yaml` applied by `sync_tenants`: tenants created, plugins enabled with their
profiles, days off added — idempotently (a second run changes and audits nothing), and all or
nothing (one broken file names the file and the field, and no file of the run is applied)."""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry, PlatformAuditEntry
from core.tenancy.models import Tenant, TenantDayOff, TenantPlugin
from core.tenancy.sync import TenantFileError, sync_tenants

BALANGAN = """
    # Kabupaten Balangan: Perbup Balangan 61/2017
    slug: balangan
    kode_wilayah: "63.11"
    nama: Kabupaten Balangan
    provinsi: Kalimantan Selatan
    plugins:
      fixture:
        profile: fixture-perbup
    days_off:
      - tanggal: 2026-11-27
        keterangan: Hari jadi Kabupaten Balangan
"""
TABALONG = """
    slug: tabalong
    kode_wilayah: "63.09"
    nama: Kabupaten Tabalong
    provinsi: Kalimantan Selatan
    cuti_bersama_libur: false
    plugins:
      fixture: {}
"""


@pytest.fixture
def sync_dir(tmp_path: Path) -> Path:
    d = tmp_path / "sync"
    d.mkdir()
    return d


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _sync(kernel, directory):
    with kernel.db.unit_of_work() as s:
        return sync_tenants(s, kernel, directory)


def _state(kernel) -> dict:
    """Everything sync can write, as plain data. Read tenant by tenant: on PostgreSQL row-level
    security shows a tenant's rows only to that tenant."""
    with kernel.db.unit_of_work() as s:
        tenants = list(s.scalars(select(Tenant).order_by(Tenant.slug)))
        state: dict = {
            "tenants": [(t.slug, t.kode_wilayah, t.nama, t.provinsi, t.aktif, t.cuti_bersama_libur) for t in tenants],
            "plugins": [], "days_off": [], "audit": [],
            "platform_audit": s.scalar(select(func.count()).select_from(PlatformAuditEntry)),
        }
    for t in tenants:
        with kernel.db.unit_of_work(t.id) as s:
            state["plugins"] += sorted((t.slug, p.plugin, p.enabled, p.profile_id) for p in s.scalars(select(TenantPlugin)))
            state["days_off"] += sorted((t.slug, d.tanggal, d.keterangan) for d in s.scalars(select(TenantDayOff)))
            state["audit"] += sorted((t.slug, a.action, str(a.id)) for a in s.scalars(select(AuditEntry)))
    return state


def _actions(kernel) -> list[tuple[str, str]]:
    return sorted({(slug, action) for slug, action, _id in _state(kernel)["audit"]})


def test_sync_creates_tenants_enables_plugins_with_profiles_and_adds_days_off(kernel, sync_dir):
    _write(sync_dir, "balangan.yaml", BALANGAN)
    _write(sync_dir, "tabalong.yaml", TABALONG)
    report = _sync(kernel, sync_dir)
    assert (report.created, report.updated, report.unchanged) == (["balangan", "tabalong"], [], [])
    state = _state(kernel)
    assert state["tenants"] == [
        ("balangan", "63.11", "Kabupaten Balangan", "Kalimantan Selatan", True, True),
        ("tabalong", "63.09", "Kabupaten Tabalong", "Kalimantan Selatan", True, False),
    ]
    assert state["plugins"] == [("balangan", "fixture", True, "fixture-perbup"), ("tabalong", "fixture", True, None)]
    assert state["days_off"] == [("balangan", date(2026, 11, 27), "Hari jadi Kabupaten Balangan")]
    actions = _actions(kernel)
    for expected in (("balangan", "tenant.create"), ("balangan", "plugin.configure"), ("balangan", "calendar.day_off.add"),
                     ("tabalong", "tenant.create"), ("tabalong", "plugin.configure")):
        assert expected in actions


def test_what_sync_applied_is_what_the_tenant_sees(kernel, sync_dir, client, make):
    _write(sync_dir, "balangan.yaml", BALANGAN)
    _sync(kernel, sync_dir)
    officer = make.user("petugas.balangan", {"balangan": ["officer"]})
    r = client.get("/api/v1/tenants/balangan/plugins/fixture/profile", headers=officer.headers)
    assert r.status_code == 200
    assert r.get_json()["id"] == "fixture-perbup"
    r = client.get("/api/v1/tenants/balangan/calendar/days-off", headers=officer.headers)
    assert r.get_json() == [{"tanggal": "2026-11-27", "keterangan": "Hari jadi Kabupaten Balangan"}]
    # The day off moves deadlines in working days: Thu 26 Nov + 1 working day skips Fri 27 Nov.
    r = client.get("/api/v1/tenants/balangan/calendar/deadline", query_string={"dari": "2026-11-26", "hari_kerja": 1}, headers=officer.headers)
    assert r.get_json()["jatuh_tempo"] == "2026-11-30"


def test_running_twice_changes_nothing_and_audits_nothing(kernel, sync_dir):
    _write(sync_dir, "balangan.yaml", BALANGAN)
    _write(sync_dir, "tabalong.yaml", TABALONG)
    _sync(kernel, sync_dir)
    before = _state(kernel)
    report = _sync(kernel, sync_dir)
    assert (report.created, report.updated, report.unchanged) == ([], [], ["balangan", "tabalong"])
    assert _state(kernel) == before


def test_a_changed_file_is_applied_and_audited(kernel, sync_dir):
    _write(sync_dir, "balangan.yaml", BALANGAN)
    _write(sync_dir, "tabalong.yaml", TABALONG)
    _sync(kernel, sync_dir)
    before = _state(kernel)
    _write(sync_dir, "balangan.yaml", BALANGAN.replace("Hari jadi Kabupaten Balangan", "Hari jadi Balangan ke-23")
           .replace("profile: fixture-perbup", "profile: fixture-nasional"))
    _write(sync_dir, "tabalong.yaml", TABALONG.replace("nama: Kabupaten Tabalong", "nama: Pemerintah Kabupaten Tabalong")
           .replace("fixture: {}", "fixture: {enabled: false}"))
    report = _sync(kernel, sync_dir)
    assert (report.created, report.updated, report.unchanged) == ([], ["balangan", "tabalong"], [])
    after = _state(kernel)
    assert after["days_off"] == [("balangan", date(2026, 11, 27), "Hari jadi Balangan ke-23")]
    assert after["plugins"] == [("balangan", "fixture", True, "fixture-nasional"), ("tabalong", "fixture", False, None)]
    assert after["tenants"][1][2] == "Pemerintah Kabupaten Tabalong"
    new_actions = _actions(kernel)
    assert ("balangan", "calendar.day_off.update") in new_actions, "a changed day off must be audited like any mutation"
    assert ("tabalong", "tenant.update") in new_actions
    assert len(after["audit"]) > len(before["audit"])
    # ...and a third run is quiet again
    report = _sync(kernel, sync_dir)
    assert report.unchanged == ["balangan", "tabalong"]
    assert _state(kernel) == after


def test_a_plugin_disabled_by_sync_keeps_its_cases(kernel, sync_dir, client, make):
    _write(sync_dir, "tabalong.yaml", TABALONG)
    _sync(kernel, sync_dir)
    officer = make.user("petugas.tabalong", {"tabalong": ["officer"]})
    person = make.person("tabalong", born=date(1980, 1, 1), sex="L")
    r = client.post("/api/v1/tenants/tabalong/cases", json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)}, headers=officer.headers)
    assert r.status_code == 201
    _write(sync_dir, "tabalong.yaml", TABALONG.replace("fixture: {}", "fixture: {enabled: false}"))
    _sync(kernel, sync_dir)
    assert client.get("/api/v1/tenants/tabalong/cases", headers=officer.headers).get_json() == []
    _write(sync_dir, "tabalong.yaml", TABALONG)
    _sync(kernel, sync_dir)
    assert [c["id"] for c in client.get("/api/v1/tenants/tabalong/cases", headers=officer.headers).get_json()] == [r.get_json()["id"]]


# -- broken files: the file and the field are named, nothing is applied ------------------------------

BROKEN = {
    "bad_yaml": ("slug: tabalong\nplugins: [tidak ditutup\n", "(yaml)", "bukan YAML"),
    "not_a_mapping": ("- tabalong\n", "(file)", "mapping"),
    "unknown_field": (TABALONG + "    warna: merah\n", "warna", "Kolom tidak dikenal"),
    "missing_field": (TABALONG.replace("    nama: Kabupaten Tabalong\n", ""), "nama", "Wajib diisi"),
    "bad_kode_wilayah": (TABALONG.replace('"63.09"', '"63-09"'), "kode_wilayah", "bukan kode kabupaten/kota"),
    "kode_wilayah_as_a_number": (TABALONG.replace('"63.09"', "63.09"), "kode_wilayah", "sebagai teks"),
    "kode_wilayah_as_an_integer": (TABALONG.replace('"63.09"', "6309"), "kode_wilayah", "sebagai teks"),
    "slug_not_the_file_name": (TABALONG.replace("slug: tabalong", "slug: tabalong-baru"), "slug", "nama berkas"),
    "plugin_not_installed": (TABALONG.replace("fixture: {}", "bansos_fiktif: {}"), "plugins.bansos_fiktif", "tidak terpasang"),
    "unknown_profile": (TABALONG.replace("fixture: {}", "fixture: {profile: fixture-provinsi}"), "plugins.fixture.profile", "fixture-provinsi"),
    "unknown_plugin_option": (TABALONG.replace("fixture: {}", "fixture: {profil: fixture-perbup}"), "plugins.fixture.profil", "Kolom tidak dikenal"),
    "another_tenants_local_profile": (TABALONG.replace("fixture: {}", "fixture: {profile: balangan-lokal}"), "plugins.fixture.profile", "balangan-lokal"),
    "bad_day_off": (TABALONG + "    days_off:\n      - {tanggal: 2026-02-30, keterangan: Salah}\n", "days_off.0.tanggal", "Tanggal tidak sah"),
    "day_off_not_a_date": (TABALONG + "    days_off:\n      - {tanggal: besok, keterangan: Salah}\n", "days_off.0.tanggal", "Tanggal tidak sah"),
    "day_off_without_reason": (TABALONG + "    days_off:\n      - {tanggal: 2026-02-03}\n", "days_off.0.keterangan", "Wajib diisi"),
    "same_day_off_twice": (TABALONG + "    days_off:\n      - {tanggal: 2026-02-03, keterangan: Satu}\n      - {tanggal: 2026-02-03, keterangan: Dua}\n", "days_off.1.tanggal", "2026-02-03"),
    "duplicate_kode_wilayah": (TABALONG.replace('"63.09"', '"63.11"'), "kode_wilayah", "balangan.yaml"),
}


class TestBrokenFiles:
    @pytest.fixture
    def tenants_dir(self, tmp_path: Path) -> Path:
        d = tmp_path / "tenants"
        (d / "balangan" / "profiles").mkdir(parents=True)
        (d / "balangan" / "profiles" / "lokal.yaml").write_text(textwrap.dedent("""
            id: balangan-lokal
            plugin: fixture
            version: 1
            title: Varian lokal
            regulation: Perbup Balangan 12/2024
            extends: fixture-nasional
            effective_from: 2024-03-01
        """).lstrip(), encoding="utf-8")
        return d

    @pytest.mark.parametrize("case", sorted(BROKEN))
    def test_a_broken_file_names_the_file_and_the_field_and_nothing_is_applied(self, kernel, sync_dir, case):
        text, field_path, fragment = BROKEN[case]
        # The valid file sorts first: it must not be applied either.
        _write(sync_dir, "balangan.yaml", BALANGAN)
        _write(sync_dir, "tabalong.yaml", text)
        before = _state(kernel)
        with pytest.raises(TenantFileError) as caught:
            _sync(kernel, sync_dir)
        err = caught.value
        assert err.source == "tabalong.yaml", str(err)
        assert err.field_path == field_path, str(err)
        assert fragment in err.message, str(err)
        assert str(err).startswith(f"tabalong.yaml: {field_path}: ")
        assert _state(kernel) == before
        assert before["tenants"] == []

    def test_a_tenant_local_profile_of_its_own_tenant_is_accepted(self, kernel, sync_dir):
        _write(sync_dir, "balangan.yaml", BALANGAN.replace("fixture-perbup", "balangan-lokal"))
        _sync(kernel, sync_dir)
        assert _state(kernel)["plugins"] == [("balangan", "fixture", True, "balangan-lokal")]


def test_a_region_code_held_by_another_tenant_stops_the_whole_run(kernel, sync_dir, make):
    make.tenant("hulu", "63.09")
    before = _state(kernel)
    _write(sync_dir, "balangan.yaml", BALANGAN)
    _write(sync_dir, "tabalong.yaml", TABALONG)
    with pytest.raises(TenantFileError) as caught:
        _sync(kernel, sync_dir)
    assert (caught.value.source, caught.value.field_path) == ("tabalong.yaml", "kode_wilayah")
    assert "hulu" in caught.value.message
    assert _state(kernel) == before


def test_an_empty_directory_changes_nothing(kernel, sync_dir):
    report = _sync(kernel, sync_dir)
    assert (report.created, report.updated, report.unchanged) == ([], [], [])
