"""Regulation profiles: loaded and validated at start-up (a bad file names the file and the
field), inherited with `extends` (each parameter keeps the article that set it), shown to the
tenant with what its variant changes, chosen per tenant (including a tenant-local variant made of
a YAML file alone), and pinned on every case for as long as the case lives."""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, fields

from core.app import create_app
from core.config import load_settings
from core.regulations.profiles import ProfileCatalog, ProfileError, ProfileSource
from tests.fixture_plugin.schemas import FixtureProfileSchema

FIXTURE_PROFILES = Path(__file__).resolve().parent.parent / "fixture_plugin" / "profiles"
PLUGINS = "/api/v1/tenants/{slug}/plugins"
CASES = "/api/v1/tenants/{slug}/cases"

PP_TAHAPAN = "PP 39/2012 Pasal 7 ayat (2)"
PP_USIA = "PP 39/2012 Pasal 6 ayat (1)"
PP_CATATAN = "PP 39/2012 Pasal 7 ayat (2) huruf f"
PERBUP_USIA = "Perbup Balangan 61/2017 Pasal 5 ayat (1)"
PERBUP_CATATAN = "Perbup Balangan 61/2017 Pasal 24 ayat (2)"

NASIONAL = (FIXTURE_PROFILES / "fixture-nasional.yaml").read_text(encoding="utf-8")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _source(directory: Path, schema: type[Schema] = FixtureProfileSchema, default: str = "fixture-nasional") -> ProfileSource:
    return ProfileSource(schema=schema, directories=(directory,), default_profile=default)


def _variant(pid: str = "fixture-kabupaten", extends: str = "fixture-nasional", version: Any = 1, params: str = "") -> str:
    return (
        f"id: {pid}\nplugin: fixture\nversion: {version}\ntitle: Varian uji\n"
        f"regulation: Perbup Uji 1/2024\nextends: {extends}\neffective_from: 2024-01-01\n"
        f"parameters:\n{textwrap.indent(textwrap.dedent(params).strip(), '  ') if params.strip() else '  {}'}\n"
    )


def _years_ago(years: int) -> date:
    today = date.today()
    return date(today.year - years, 1, 1) if (today.month, today.day) != (1, 1) else date(today.year - years - 1, 12, 31)


# -- the catalog ------------------------------------------------------------------------------


def test_the_installed_catalog_loads_with_inheritance(kernel):
    catalog = kernel.profiles
    assert [p.id for p in catalog.for_plugin("fixture")] == ["fixture-nasional", "fixture-perbup"]
    assert catalog.default_for("fixture").id == "fixture-nasional"
    perbup = catalog.get("fixture-perbup")
    assert perbup.extends == "fixture-nasional" and perbup.version == 1
    assert perbup.effective_from == date(2017, 8, 22)
    # overridden: the variant's value and article
    assert perbup.value("usia_minimum") == 18
    assert str(perbup.citation("usia_minimum")) == PERBUP_USIA
    assert perbup.value("wajib_catatan_penutup") is True
    assert str(perbup.citation("wajib_catatan_penutup")) == PERBUP_CATATAN
    # inherited: the parent's value, article and label
    assert perbup.value("tahapan") == ["daftar", "tangani", "selesai"]
    assert str(perbup.citation("tahapan")) == PP_TAHAPAN
    assert perbup.parameters["tahapan"].defined_in == "fixture-nasional"
    assert perbup.parameters["usia_minimum"].defined_in == "fixture-perbup"
    # a label not repeated in the variant is inherited
    assert perbup.parameters["usia_minimum"].label == "Usia minimum penerima"


def test_a_variant_overrides_only_what_differs(tmp_path):
    _write(tmp_path / "fixture-nasional.yaml", NASIONAL)
    _write(tmp_path / "fixture-kabupaten.yaml", _variant(params="""
        usia_minimum:
          value: 21
          citation: {pasal: 3}
    """))
    _write(tmp_path / "fixture-kecamatan.yaml", _variant("fixture-kecamatan", "fixture-kabupaten", params="""
        wajib_catatan_penutup:
          value: true
          citation: {regulation: Perbup Uji 2/2025, pasal: 9, ayat: 1, huruf: b}
    """))
    catalog = ProfileCatalog.load({"fixture": _source(tmp_path)})
    grandchild = catalog.get("fixture-kecamatan")
    assert {n: p.value for n, p in grandchild.parameters.items()} == {
        "tahapan": ["daftar", "tangani", "selesai"], "usia_minimum": 21, "wajib_catatan_penutup": True,
    }
    assert {n: str(p.citation) for n, p in grandchild.parameters.items()} == {
        "tahapan": PP_TAHAPAN,
        "usia_minimum": "Perbup Uji 1/2024 Pasal 3",
        "wajib_catatan_penutup": "Perbup Uji 2/2025 Pasal 9 ayat (1) huruf b",
    }
    assert {n: p.defined_in for n, p in grandchild.parameters.items()} == {
        "tahapan": "fixture-nasional", "usia_minimum": "fixture-kabupaten", "wajib_catatan_penutup": "fixture-kecamatan",
    }


def test_restating_the_parents_value_keeps_the_parents_article(tmp_path):
    _write(tmp_path / "fixture-nasional.yaml", NASIONAL)
    _write(tmp_path / "fixture-kabupaten.yaml", _variant(params="""
        usia_minimum:
          value: 0
          label: Usia minimum
    """))
    profile = ProfileCatalog.load({"fixture": _source(tmp_path)}).get("fixture-kabupaten")
    assert str(profile.citation("usia_minimum")) == PP_USIA
    assert profile.parameters["usia_minimum"].label == "Usia minimum"


# -- bad files stop start-up, naming the file and the field -----------------------------------------


BAD_FILES = {
    "wrong_type": (_variant(params="""
        usia_minimum:
          value: delapan belas
          citation: {pasal: 3}
    """), "parameters.usia_minimum", "Harus berupa bilangan bulat"),
    "out_of_range": (_variant(params="""
        usia_minimum:
          value: 200
          citation: {pasal: 3}
    """), "parameters.usia_minimum", "120"),
    "unknown_parameter": (_variant(params="""
        batas_pendapatan:
          value: 1500000
          citation: {pasal: 4}
    """), "parameters.batas_pendapatan", "Kolom tidak dikenal"),
    "parameter_not_a_mapping": (_variant(params="usia_minimum: 21"), "parameters.usia_minimum", "Harus berupa objek"),
    "parameter_without_value": (_variant(params="""
        usia_minimum:
          nilai: 21
          citation: {pasal: 3}
    """), "parameters.usia_minimum.value", "Wajib diisi"),
    "citation_without_pasal": (_variant(params="""
        usia_minimum:
          value: 21
          citation: {ayat: 1}
    """), "parameters.usia_minimum.citation.pasal", "Wajib diisi"),
    "changed_value_without_article": (_variant(params="""
        usia_minimum:
          value: 21
    """), "parameters.usia_minimum.citation", "sebutkan pasal"),
    "missing_version": (_variant().replace("version: 1\n", ""), "version", "Wajib diisi"),
    "version_as_text": (_variant(version='"2"'), "version", "Harus berupa bilangan bulat"),
    "version_zero": (_variant(version=0), "version", "1"),
    "unknown_top_level_field": (_variant() + "versi: 2\n", "versi", "Kolom tidak dikenal"),
    "bad_effective_from": (_variant().replace("2024-01-01", "1 Januari 2024"), "effective_from", "Tanggal tidak sah"),
    "impossible_effective_from": (_variant().replace("2024-01-01", "2024-02-30"), "effective_from", "Tanggal tidak sah"),
    "bad_id": (_variant(pid="Fixture_Kabupaten"), "id", "huruf kecil"),
    "unknown_extends": (_variant(extends="fixture-provinsi"), "extends", "profil induk 'fixture-provinsi' tidak ditemukan"),
    "self_extends": (_variant(extends="fixture-kabupaten"), "extends", "rantai extends berputar"),
    "plugin_not_installed": (_variant().replace("plugin: fixture", "plugin: rehabilitasi"), "plugin", "plugin 'rehabilitasi' tidak terpasang"),
    "duplicate_id": (_variant(pid="fixture-nasional", extends="fixture-nasional"), "id", "juga dipakai"),
    "not_yaml": ("id: fixture-kabupaten\nparameters: [tidak ditutup\n", "(yaml)", "bukan YAML"),
    "not_a_mapping": ("- satu\n- dua\n", "(file)", "mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_profile_file_is_refused_naming_the_file_and_the_field(tmp_path, case):
    text, field_path, fragment = BAD_FILES[case]
    _write(tmp_path / "fixture-nasional.yaml", NASIONAL)
    _write(tmp_path / "zz-salah.yaml", text)
    with pytest.raises(ProfileError) as caught:
        ProfileCatalog.load({"fixture": _source(tmp_path)})
    err = caught.value
    assert err.source.endswith("zz-salah.yaml"), str(err)
    assert err.field_path == field_path, str(err)
    assert fragment in err.message, str(err)
    assert "zz-salah.yaml" in str(err) and err.field_path in str(err)


def test_an_extends_cycle_is_refused(tmp_path):
    _write(tmp_path / "fixture-nasional.yaml", NASIONAL)
    _write(tmp_path / "siklus-a.yaml", _variant("siklus-a", "siklus-b"))
    _write(tmp_path / "siklus-b.yaml", _variant("siklus-b", "siklus-a"))
    with pytest.raises(ProfileError) as caught:
        ProfileCatalog.load({"fixture": _source(tmp_path)})
    assert caught.value.field_path == "extends"
    assert "siklus-a.yaml" in str(caught.value)
    assert "siklus-a → siklus-b → siklus-a" in caught.value.message


def test_a_root_profile_missing_a_parameter_is_refused(tmp_path):
    _write(tmp_path / "fixture-nasional.yaml", NASIONAL.split("  wajib_catatan_penutup:")[0])
    with pytest.raises(ProfileError) as caught:
        ProfileCatalog.load({"fixture": _source(tmp_path)})
    assert caught.value.source.endswith("fixture-nasional.yaml")
    assert caught.value.field_path == "parameters.wajib_catatan_penutup"


def test_a_variant_may_not_extend_another_plugins_profile(tmp_path):
    class OtherSchema(Schema):
        kuota = fields.Integer(required=True)

    other = tmp_path / "lain"
    _write(tmp_path / "fixture" / "fixture-nasional.yaml", NASIONAL)
    _write(other / "lain-nasional.yaml", """
        id: lain-nasional
        plugin: lain
        version: 1
        title: Profil lain
        regulation: PP 39/2012
        effective_from: 2012-02-29
        parameters:
          kuota: {value: 5, citation: {pasal: 1}}
    """)
    _write(other / "lain-salah.yaml", """
        id: lain-salah
        plugin: lain
        version: 1
        title: Salah induk
        regulation: Perbup Uji 1/2024
        extends: fixture-nasional
        effective_from: 2024-01-01
    """)
    with pytest.raises(ProfileError) as caught:
        ProfileCatalog.load({"fixture": _source(tmp_path / "fixture"), "lain": _source(other, OtherSchema, "lain-nasional")})
    assert caught.value.source.endswith("lain-salah.yaml")
    assert caught.value.field_path == "extends"
    assert "milik plugin lain" in caught.value.message


def test_a_missing_default_profile_is_refused(tmp_path):
    _write(tmp_path / "fixture-nasional.yaml", NASIONAL)
    with pytest.raises(ProfileError) as caught:
        ProfileCatalog.load({"fixture": _source(tmp_path, default="fixture-tidak-ada")})
    assert caught.value.field_path == "default_profile"


def test_a_tenant_local_profile_may_not_reuse_a_national_id(tmp_path):
    _write(tmp_path / "plugin" / "fixture-nasional.yaml", NASIONAL)
    _write(tmp_path / "tenants" / "balangan" / "profiles" / "salin.yaml", _variant(pid="fixture-nasional", extends="fixture-nasional"))
    with pytest.raises(ProfileError) as caught:
        ProfileCatalog.load({"fixture": _source(tmp_path / "plugin")}, tmp_path / "tenants")
    assert caught.value.source.endswith("salin.yaml")
    assert caught.value.field_path == "id"


def test_a_bad_tenant_local_file_stops_the_app_from_starting(tmp_path):
    tenants = tmp_path / "tenants"
    _write(tenants / "balangan" / "profiles" / "lokal.yaml", _variant("balangan-lokal", params="""
        usia_minimum:
          value: dua puluh
          citation: {pasal: 3}
    """))
    settings = load_settings(
        environ={}, instance_dir=tmp_path / "instance", tenants_dir=tenants, database_url=f"sqlite:///{tmp_path / 'x.db'}"
    )
    with pytest.raises(ProfileError) as caught:
        create_app(settings)
    assert "balangan/profiles/lokal.yaml" in str(caught.value)
    assert "parameters.usia_minimum" in str(caught.value)


# -- what a tenant sees ---------------------------------------------------------------------------


@pytest.fixture
def world(make):
    make.tenant("balangan", "63.11")
    make.tenant("tabalong", "63.09")
    make.enable("balangan", profile_id="fixture-perbup")
    make.enable("tabalong")
    return SimpleNamespace(
        admin=make.user("admin.balangan", {"balangan": ["tenant_admin"]}),
        officer=make.user("petugas.balangan", {"balangan": ["officer"]}),
        admin_t=make.user("admin.tabalong", {"tabalong": ["tenant_admin"]}),
        officer_t=make.user("petugas.tabalong", {"tabalong": ["officer"]}),
    )


def test_the_chosen_profile_shows_every_parameter_with_its_article_and_what_the_variant_changes(client, world):
    r = client.get(PLUGINS.format(slug="balangan") + "/fixture/profile", headers=world.officer.headers)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["id"], body["version"], body["extends"], body["tenant_local"]) == ("fixture-perbup", 1, "fixture-nasional", False)
    assert body["regulation"] == "Perbup Balangan 61/2017"
    assert body["effective_from"] == "2017-08-22"
    assert body["parameters"] == {
        "tahapan": {"value": ["daftar", "tangani", "selesai"], "label": "Tahapan", "citation": PP_TAHAPAN, "defined_in": "fixture-nasional"},
        "usia_minimum": {"value": 18, "label": "Usia minimum penerima", "citation": PERBUP_USIA, "defined_in": "fixture-perbup"},
        "wajib_catatan_penutup": {"value": True, "label": "Catatan penutup wajib", "citation": PERBUP_CATATAN, "defined_in": "fixture-perbup"},
    }
    assert sorted(body["changes"], key=lambda c: c["parameter"]) == [
        {
            "parameter": "usia_minimum", "label": "Usia minimum penerima", "change": "changed",
            "parent_value": 0, "value": 18, "citation": PERBUP_USIA, "parent_citation": PP_USIA,
        },
        {
            "parameter": "wajib_catatan_penutup", "label": "Catatan penutup wajib", "change": "changed",
            "parent_value": False, "value": True, "citation": PERBUP_CATATAN, "parent_citation": PP_CATATAN,
        },
    ]


def test_the_national_baseline_changes_nothing(client, world):
    body = client.get(PLUGINS.format(slug="tabalong") + "/fixture/profile", headers=world.officer_t.headers).get_json()
    assert body["id"] == "fixture-nasional"
    assert body["changes"] == []
    assert body["parameters"]["usia_minimum"]["citation"] == PP_USIA


def test_any_available_profile_can_be_inspected_before_choosing_it(client, world):
    base = PLUGINS.format(slug="tabalong") + "/fixture"
    r = client.get(base + "/profiles/fixture-perbup", headers=world.officer_t.headers)
    assert r.status_code == 200
    assert {c["parameter"] for c in r.get_json()["changes"]} == {"usia_minimum", "wajib_catatan_penutup"}
    r = client.get(base + "/profiles/fixture-provinsi", headers=world.officer_t.headers)
    assert r.status_code == 404
    assert r.get_json()["code"] == "profil_tidak_ditemukan"
    r = client.get(PLUGINS.format(slug="tabalong") + "/lain/profile", headers=world.officer_t.headers)
    assert r.status_code == 404
    assert r.get_json()["code"] == "plugin_tidak_ditemukan"


def test_plugin_list_shows_the_chosen_and_the_available_profiles(client, world):
    r = client.get(PLUGINS.format(slug="balangan"), headers=world.officer.headers)
    assert r.status_code == 200
    (state,) = [s for s in r.get_json() if s["plugin"] == "fixture"]
    assert state["enabled"] is True
    assert state["profile"]["id"] == "fixture-perbup"
    assert [p["id"] for p in state["available_profiles"]] == ["fixture-nasional", "fixture-perbup"]
    assert all(p["tenant_local"] is False for p in state["available_profiles"])


def test_a_tenant_admin_chooses_the_profile_and_it_is_audited(client, world):
    url = PLUGINS.format(slug="tabalong") + "/fixture"
    r = client.put(url, json={"profile_id": "fixture-perbup"}, headers=world.officer_t.headers)
    assert r.status_code == 403
    r = client.put(url, json={"profile_id": "fixture-perbup"}, headers=world.admin_t.headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["profile"]["id"] == "fixture-perbup"
    assert r.get_json()["enabled"] is True
    body = client.get(url + "/profile", headers=world.officer_t.headers).get_json()
    assert body["id"] == "fixture-perbup"
    audit = client.get("/api/v1/tenants/tabalong/audit", headers=world.admin_t.headers).get_json()
    chosen = [a for a in audit if a["action"] == "plugin.configure" and a["summary"]["after"]["profile_id"] == "fixture-perbup"]
    assert len(chosen) == 1
    assert chosen[0]["summary"]["before"]["profile_id"] is None


def test_an_unknown_profile_cannot_be_chosen(client, world):
    url = PLUGINS.format(slug="tabalong") + "/fixture"
    r = client.put(url, json={"profile_id": "fixture-provinsi"}, headers=world.admin_t.headers)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"profile_id": ["Profil 'fixture-provinsi' tidak tersedia untuk plugin fixture."]}
    r = client.put(PLUGINS.format(slug="tabalong") + "/lain", json={"enabled": True}, headers=world.admin_t.headers)
    assert r.status_code == 404
    assert r.get_json()["code"] == "plugin_tidak_ditemukan"


# -- a tenant-local variant: a YAML file, no code -----------------------------------------------------

LOKAL = """
id: balangan-lokal
plugin: fixture
version: 1
title: Varian lokal Balangan
regulation: Perbup Balangan 12/2024
extends: fixture-nasional
effective_from: 2024-03-01
parameters:
  usia_minimum:
    value: 21
    citation: {pasal: 3, ayat: 2}
"""
LOKAL_USIA = "Perbup Balangan 12/2024 Pasal 3 ayat (2)"


class TestTenantLocalVariant:
    @pytest.fixture
    def tenants_dir(self, tmp_path: Path) -> Path:
        d = tmp_path / "tenants"
        _write(d / "balangan" / "profiles" / "lokal.yaml", LOKAL)
        return d

    def test_it_is_offered_only_to_its_tenant(self, client, world):
        states = client.get(PLUGINS.format(slug="balangan"), headers=world.officer.headers).get_json()
        available = {p["id"]: p["tenant_local"] for p in states[0]["available_profiles"]}
        assert available == {"fixture-nasional": False, "fixture-perbup": False, "balangan-lokal": True}
        states = client.get(PLUGINS.format(slug="tabalong"), headers=world.officer_t.headers).get_json()
        assert [p["id"] for p in states[0]["available_profiles"]] == ["fixture-nasional", "fixture-perbup"]
        r = client.get(PLUGINS.format(slug="tabalong") + "/fixture/profiles/balangan-lokal", headers=world.officer_t.headers)
        assert r.status_code == 404

    def test_the_other_tenant_cannot_choose_it(self, client, world):
        r = client.put(PLUGINS.format(slug="tabalong") + "/fixture", json={"profile_id": "balangan-lokal"}, headers=world.admin_t.headers)
        assert r.status_code == 422
        assert "profile_id" in r.get_json()["errors"]

    def test_choosing_it_changes_the_rules_with_its_own_article(self, client, world, make):
        r = client.put(PLUGINS.format(slug="balangan") + "/fixture", json={"profile_id": "balangan-lokal"}, headers=world.admin.headers)
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["profile"] == {
            "id": "balangan-lokal", "version": 1, "title": "Varian lokal Balangan", "regulation": "Perbup Balangan 12/2024",
            "extends": "fixture-nasional", "effective_from": "2024-03-01", "tenant_local": True,
        }
        body = client.get(PLUGINS.format(slug="balangan") + "/fixture/profile", headers=world.officer.headers).get_json()
        assert body["tenant_local"] is True
        assert body["changes"] == [{
            "parameter": "usia_minimum", "label": "Usia minimum penerima", "change": "changed",
            "parent_value": 0, "value": 21, "citation": LOKAL_USIA, "parent_citation": PP_USIA,
        }]
        # Not changed by the variant: inherited from the baseline.
        assert body["parameters"]["wajib_catatan_penutup"]["citation"] == PP_CATATAN

        twenty = make.person("balangan", nama="Dewi", born=_years_ago(20), sex="P")
        r = client.post(CASES.format(slug="balangan"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(twenty.id)}, headers=world.officer.headers)
        assert r.status_code == 422
        assert r.get_json()["code"] == "usia_di_bawah_minimum"
        assert r.get_json()["citation"] == LOKAL_USIA
        assert r.get_json()["message"] == "Usia penerima 20 tahun; minimal 21 tahun."

        adult = make.person("balangan", nama="Ahmad", born=_years_ago(30), sex="L")
        r = client.post(CASES.format(slug="balangan"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(adult.id)}, headers=world.officer.headers)
        assert r.status_code == 201, r.get_json()
        assert (r.get_json()["profile_id"], r.get_json()["profile_version"]) == ("balangan-lokal", 1)

        # Tabalong, on the same deployment, still takes a 20-year-old.
        twenty_t = make.person("tabalong", nama="Rina", born=_years_ago(20), sex="P")
        r = client.post(CASES.format(slug="tabalong"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(twenty_t.id)}, headers=world.officer_t.headers)
        assert r.status_code == 201, r.get_json()


# -- pinning --------------------------------------------------------------------------------------


def _open(client, actor, person, slug="balangan"):
    r = client.post(
        CASES.format(slug=slug), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)},
        headers=actor.headers,
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json(), r.headers["ETag"]


def _advance(client, actor, case_id, to_stage, etag, slug="balangan", data=None):
    return client.post(
        f"{CASES.format(slug=slug)}/{case_id}/advance", json={"to_stage": to_stage, "data": data or {}},
        headers={**actor.headers, "If-Match": etag},
    )


def test_a_case_keeps_its_profile_after_the_tenant_switches(client, world, make):
    adult = make.person("balangan", nama="Ahmad", born=_years_ago(40), sex="L")
    under_perbup, etag_p = _open(client, world.officer, adult)
    switch = client.put(PLUGINS.format(slug="balangan") + "/fixture", json={"profile_id": "fixture-nasional"}, headers=world.admin.headers)
    assert switch.status_code == 200
    under_nasional, etag_n = _open(client, world.officer, adult)
    assert under_nasional["profile_id"] == "fixture-nasional"

    etag_p = _advance(client, world.officer, under_perbup["id"], "tangani", etag_p).headers["ETag"]
    r = _advance(client, world.officer, under_perbup["id"], "selesai", etag_p)
    assert r.status_code == 422, "the Perbup the case was opened under still requires a closing note"
    assert r.get_json()["citation"] == PERBUP_CATATAN

    etag_n = _advance(client, world.officer, under_nasional["id"], "tangani", etag_n).headers["ETag"]
    assert _advance(client, world.officer, under_nasional["id"], "selesai", etag_n).status_code == 200

    # And the other way round: opened under the national rules, closed after switching to the Perbup.
    assert client.put(PLUGINS.format(slug="balangan") + "/fixture", json={"profile_id": "fixture-perbup"}, headers=world.admin.headers).status_code == 200
    again, etag = _open(client, world.officer, adult)
    assert again["profile_id"] == "fixture-perbup"
    switch_back = client.put(PLUGINS.format(slug="balangan") + "/fixture", json={"profile_id": "fixture-nasional"}, headers=world.admin.headers)
    assert switch_back.status_code == 200
    etag = _advance(client, world.officer, again["id"], "tangani", etag).headers["ETag"]
    assert _advance(client, world.officer, again["id"], "selesai", etag).status_code == 422


def _lokal(version: int, wajib: bool, pasal: int) -> str:
    return f"""
        id: balangan-lokal
        plugin: fixture
        version: {version}
        title: Varian lokal Balangan
        regulation: Perbup Balangan 12/2024
        extends: fixture-nasional
        effective_from: 2024-03-01
        parameters:
          wajib_catatan_penutup:
            value: {str(wajib).lower()}
            citation: {{pasal: {pasal}}}
    """


@pytest.fixture
def second_app(database_urls, tmp_path):
    """Build another app over the same database (a new deployment with changed profile files)."""
    built = []

    def build(lokal_text: str | None) -> Any:
        tenants = tmp_path / f"tenants-{len(built) + 2}"
        tenants.mkdir()
        if lokal_text is not None:
            _write(tenants / "balangan" / "profiles" / "lokal.yaml", lokal_text)
        settings = load_settings(environ={}, instance_dir=tmp_path / "instance2", tenants_dir=tenants, **database_urls)
        application = create_app(settings)
        application.testing = True
        built.append(application)
        return application

    yield build
    for application in built:
        application.extensions["kesos"].db.dispose()


class TestPinnedAcrossDeployments:
    @pytest.fixture
    def tenants_dir(self, tmp_path: Path) -> Path:
        d = tmp_path / "tenants"
        _write(d / "balangan" / "profiles" / "lokal.yaml", _lokal(1, True, 7))
        return d

    def _start(self, client, world, make):
        r = client.put(PLUGINS.format(slug="balangan") + "/fixture", json={"profile_id": "balangan-lokal"}, headers=world.admin.headers)
        assert r.status_code == 200
        adult = make.person("balangan", nama="Ahmad", born=_years_ago(40), sex="L")
        case, etag = _open(client, world.officer, adult)
        assert (case["profile_id"], case["profile_version"]) == ("balangan-lokal", 1)
        etag = _advance(client, world.officer, case["id"], "tangani", etag).headers["ETag"]
        return adult, case, etag

    def test_a_new_version_of_the_file_does_not_change_old_cases(self, client, world, make, second_app):
        adult, old, etag = self._start(client, world, make)
        new_client = second_app(_lokal(2, False, 8)).test_client()

        r = _advance(new_client, world.officer, old["id"], "selesai", etag)
        assert r.status_code == 422, "judged by version 1, which required a closing note"
        assert r.get_json()["code"] == "catatan_penutup_wajib"
        assert r.get_json()["citation"] == "Perbup Balangan 12/2024 Pasal 7"
        shown = new_client.get(f"{CASES.format(slug='balangan')}/{old['id']}", headers=world.officer.headers).get_json()
        assert (shown["profile_id"], shown["profile_version"]) == ("balangan-lokal", 1)

        new, etag_new = _open(new_client, world.officer, adult)
        assert (new["profile_id"], new["profile_version"]) == ("balangan-lokal", 2)
        etag_new = _advance(new_client, world.officer, new["id"], "tangani", etag_new).headers["ETag"]
        assert _advance(new_client, world.officer, new["id"], "selesai", etag_new).status_code == 200

        r = _advance(new_client, world.officer, old["id"], "selesai", etag, data={"catatan": "tuntas"})
        assert r.status_code == 200, r.get_json()

    def test_a_changed_file_with_the_same_version_cannot_pin_new_cases(self, client, world, make, second_app):
        adult, old, etag = self._start(client, world, make)
        new_client = second_app(_lokal(1, False, 8)).test_client()

        r = new_client.post(
            CASES.format(slug="balangan"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(adult.id)},
            headers=world.officer.headers,
        )
        assert r.status_code == 500
        body = r.get_json()
        assert body["code"] == "profil_berubah_tanpa_versi"
        assert "balangan-lokal versi 1" in body["message"]
        listed = new_client.get(CASES.format(slug="balangan"), headers=world.officer.headers).get_json()
        assert [c["id"] for c in listed] == [old["id"]]

        # The old case is still judged by what version 1 said when it was pinned, not by the
        # changed file that kept its version number.
        r = _advance(new_client, world.officer, old["id"], "selesai", etag)
        assert r.status_code == 422
        assert r.get_json()["citation"] == "Perbup Balangan 12/2024 Pasal 7"

    def test_a_chosen_profile_whose_file_is_gone_is_never_silently_replaced(self, client, world, make, second_app):
        adult, old, etag = self._start(client, world, make)
        new_client = second_app(None).test_client()
        plugins = PLUGINS.format(slug="balangan")

        r = new_client.post(
            CASES.format(slug="balangan"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(adult.id)},
            headers=world.officer.headers,
        )
        assert r.status_code == 409, r.get_json()
        assert r.get_json()["code"] == "profil_tidak_tersedia"
        assert "'balangan-lokal'" in r.get_json()["message"]
        r = new_client.get(plugins + "/fixture/profile", headers=world.officer.headers)
        assert r.status_code == 409
        states = {p["plugin"]: p for p in new_client.get(plugins, headers=world.officer.headers).get_json()}
        assert states["fixture"]["enabled"] is True and states["fixture"]["profile"] is None

        # The old case is still judged by its pinned snapshot.
        r = _advance(new_client, world.officer, old["id"], "selesai", etag)
        assert r.status_code == 422
        assert r.get_json()["citation"] == "Perbup Balangan 12/2024 Pasal 7"

        # The admin chooses another profile, and cases open again.
        r = new_client.put(plugins + "/fixture", json={"profile_id": "fixture-perbup"}, headers=world.admin.headers)
        assert r.status_code == 200
        r = new_client.post(
            CASES.format(slug="balangan"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(adult.id)},
            headers=world.officer.headers,
        )
        assert r.status_code == 201
        assert r.get_json()["profile_id"] == "fixture-perbup"


def test_every_plugin_may_ship_a_profile_of_the_same_id(tmp_path):
    """Profile ids are unique per plugin: each service ships its own `pp-39-2012` baseline, and
    a variant's `extends` finds its own plugin's parent."""

    class OtherSchema(Schema):
        kuota = fields.Integer(required=True)

    other = tmp_path / "lain"
    _write(tmp_path / "fixture" / "fixture-nasional.yaml", NASIONAL)
    _write(other / "fixture-nasional.yaml", """
        id: fixture-nasional
        plugin: lain
        version: 1
        title: Profil lain dengan id yang sama
        regulation: PP 39/2012
        effective_from: 2012-02-29
        parameters:
          kuota: {value: 5, citation: {pasal: 12}}
    """)
    _write(other / "lain-varian.yaml", """
        id: lain-varian
        plugin: lain
        version: 1
        title: Varian
        regulation: Perbup Uji 1/2024
        extends: fixture-nasional
        effective_from: 2024-01-01
        parameters:
          kuota: {value: 3, citation: {pasal: 2}}
    """)
    catalog = ProfileCatalog.load({
        "fixture": _source(tmp_path / "fixture"), "lain": _source(other, OtherSchema, "fixture-nasional"),
    })
    assert catalog.get("fixture-nasional", plugin="fixture").value("usia_minimum") == 0
    assert catalog.get("fixture-nasional", plugin="lain").value("kuota") == 5
    assert catalog.get("fixture-nasional") is None  # ambiguous without the plugin
    varian = catalog.get("lain-varian")
    assert str(varian.citation("kuota")) == "Perbup Uji 1/2024 Pasal 2"
    assert catalog.parent_of(varian).plugin == "lain"
    assert catalog.default_for("lain").plugin == "lain" and catalog.default_for("fixture").plugin == "fixture"


def test_the_installed_plugins_share_a_baseline_id_and_cases_pin_their_own(kernel):
    lks = kernel.profiles.get("pp-39-2012", plugin="lks")
    rehab = kernel.profiles.get("pp-39-2012", plugin="rehabilitasi")
    assert lks.plugin == "lks" and rehab.plugin == "rehabilitasi"
    assert str(lks.citation("batas_tanda_pendaftaran_hari_kerja")) == "PP 39/2012 Pasal 58"
    assert str(rehab.citation("kelompok_sasaran")) == "PP 39/2012 Pasal 6 ayat (1)"
