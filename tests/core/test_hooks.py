"""Every hook of core/hookspecs.py exercised through the kernel, asserting what a user would
notice. The fixture plugin (tests/fixture_plugin) implements every hook; small extra plugins
are built here where a second plugin is needed (conflicts, a plugin returning None)."""
from __future__ import annotations

import types
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, fields
from sqlalchemy import create_engine, inspect, pool, text

from core.kernel import set_process_kernel
from core.plugins import PluginConflict
from core.sdk import CaseType, ProfileSource, Stage, hookimpl
from core.tick import run_daily_tick
from tests.factories import Factory

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixture_plugin"
T = "/api/v1/tenants"


# -- helpers -----------------------------------------------------------------------------------



def _setup(make: Factory, slug: str = "balangan", kode: str = "63.11") -> dict[str, Any]:
    make.tenant(slug, kode)
    make.enable(slug)
    return {
        "admin": make.user(f"admin-{slug}", {slug: ["tenant_admin"]}),
        "officer": make.user(f"petugas-{slug}", {slug: ["officer"]}),
        "peksos": make.user(f"peksos-{slug}", {slug: ["peksos"]}),
        "person": make.person(slug, born=date(1990, 1, 1), sex="L"),
    }


def _open(client: Any, actor: Any, person: Any, slug: str = "balangan", case_type: str = "fixture_kasus") -> Any:
    return client.post(
        f"{T}/{slug}/cases",
        json={"case_type": case_type, "subject_type": "person", "person_id": str(person.id)},
        headers=actor.headers,
    )


def _advance(client: Any, actor: Any, case_id: str, etag: str, to: str, data: dict[str, Any] | None = None, slug: str = "balangan") -> Any:
    return client.post(
        f"{T}/{slug}/cases/{case_id}/advance",
        json={"to_stage": to, "data": data or {}},
        headers={**actor.headers, "If-Match": etag},
    )


def _notes(client: Any, actor: Any, slug: str = "balangan") -> list[str]:
    r = client.get(f"{T}/{slug}/fixture/notes", headers=actor.headers)
    assert r.status_code == 200, r.get_json()
    return [n["isi"] for n in r.get_json()]


def _audit(client: Any, admin: Any, action: str, slug: str = "balangan") -> list[dict[str, Any]]:
    r = client.get(f"{T}/{slug}/audit", query_string={"action": action}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def _other_plugin(tmp_path: Path, *, summary: str | None = None, **hooks: Any) -> types.ModuleType:
    """A second plugin with its own case type and profile, whose summary hook returns
    `summary` (None: let another plugin — or the kernel — answer)."""
    profiles = tmp_path / "other-profiles"
    profiles.mkdir(exist_ok=True)
    (profiles / "other-nasional.yaml").write_text(
        "id: other-nasional\nplugin: other\nversion: 1\ntitle: Profil lain\nregulation: PP 39/2012\n"
        "effective_from: 2012-02-29\nparameters:\n  tahapan:\n    value: [mulai, akhir]\n"
        "    citation: {pasal: 7, ayat: 2}\n"
    )

    class OtherProfileSchema(Schema):
        tahapan = fields.List(fields.String(), required=True)

    module = types.ModuleType("other_plugin")

    @hookimpl
    def kesos_register_case_types() -> list[CaseType]:
        return [
            CaseType(
                name="other_kasus", plugin="other", label="Kasus Lain",
                stages=(Stage("mulai", "Mulai"), Stage("akhir", "Akhir")), order_parameter="tahapan",
                final_stages=("akhir",),
            )
        ]

    @hookimpl
    def kesos_register_profiles() -> ProfileSource:
        return ProfileSource(schema=OtherProfileSchema, directories=(profiles,), default_profile="other-nasional")

    @hookimpl
    def kesos_case_summary(case: Any) -> str | None:
        return summary

    module.kesos_register_case_types = kesos_register_case_types  # type: ignore[attr-defined]
    module.kesos_register_profiles = kesos_register_profiles  # type: ignore[attr-defined]
    module.kesos_case_summary = kesos_case_summary  # type: ignore[attr-defined]
    for name, func in hooks.items():
        setattr(module, name, func)
    return module


# -- start-up registration -----------------------------------------------------------------------


def test_hook_kesos_register_case_types(client: Any, kernel: Any, make: Factory) -> None:
    case_type = kernel.plugins.case_type("fixture_kasus")
    assert case_type is not None and case_type.plugin == "fixture"
    assert [s.code for s in case_type.stages] == ["daftar", "tangani", "selesai"]
    make.tenant("balangan", "63.11")
    officer = make.user("petugas", {"balangan": ["officer"]})
    person = make.person("balangan", born=date(1990, 1, 1), sex="L")

    # Installed is not enabled: the type is not available until the tenant enables the plugin.
    r = _open(client, officer, person)
    assert r.status_code == 422
    assert "case_type" in r.get_json()["errors"]

    make.enable("balangan")
    r = _open(client, officer, person)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["case_type"] == "fixture_kasus" and body["plugin"] == "fixture" and body["stage"] == "daftar"

    # The plugin's own opening check (on_open) runs, citing the profile's article.
    make.enable("balangan", profile_id="fixture-perbup")
    child = make.person("balangan", nama="Anak", born=date(date.today().year - 10, 1, 1), sex="L")
    r = _open(client, officer, child)
    assert r.status_code == 422
    assert r.get_json()["code"] == "usia_di_bawah_minimum"
    assert r.get_json()["citation"] == "Perbup Balangan 61/2017 Pasal 5 ayat (1)"


def test_hook_kesos_register_blueprints(client: Any, app: Any, make: Factory) -> None:
    who = _setup(make)
    r = client.get(f"{T}/balangan/fixture/notes", headers=who["officer"].headers)
    assert r.status_code == 200 and r.get_json() == []
    r = client.post(f"{T}/balangan/fixture/notes", json={"tanggal": "2026-03-02", "isi": "catatan"}, headers=who["officer"].headers)
    assert r.status_code == 201, r.get_json()
    assert _notes(client, who["officer"]) == ["catatan"]
    # Mounted under the tenant and the plugin's name, and documented in the OpenAPI spec.
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/tenants/{tenant}/fixture/notes" in spec["paths"]
    assert app.config["KESOS_PLUGIN_BLUEPRINTS"]["fixture_notes"] == "fixture"


def test_hook_kesos_register_profiles(client: Any, kernel: Any, make: Factory) -> None:
    who = _setup(make)
    assert "fixture" in kernel.plugins.profile_sources
    r = client.get(f"{T}/balangan/plugins", headers=who["admin"].headers)
    assert r.status_code == 200
    (state,) = [p for p in r.get_json() if p["plugin"] == "fixture"]
    assert {p["id"] for p in state["available_profiles"]} == {"fixture-nasional", "fixture-perbup"}
    assert state["profile"]["id"] == "fixture-nasional"  # the ProfileSource's default
    perbup = next(p for p in state["available_profiles"] if p["id"] == "fixture-perbup")
    assert perbup["extends"] == "fixture-nasional" and perbup["effective_from"] == "2017-08-22"
    # A profile's parameters carry their citations, inherited or overridden.
    r = client.get(f"{T}/balangan/plugins/fixture/profiles/fixture-perbup", headers=who["admin"].headers)
    params = r.get_json()["parameters"]
    assert params["usia_minimum"]["value"] == 18
    assert params["usia_minimum"]["citation"] == "Perbup Balangan 61/2017 Pasal 5 ayat (1)"
    assert params["tahapan"]["citation"] == "PP 39/2012 Pasal 7 ayat (2)"


def test_hook_kesos_register_migrations(kernel: Any) -> None:
    assert kernel.plugins.migration_dirs["fixture"].resolve() == (FIXTURE_DIR / "migrations").resolve()
    engine = create_engine(kernel.settings.migration_database_url, poolclass=pool.NullPool)
    try:
        assert inspect(engine).has_table("fixture_notes")
        columns = {c["name"] for c in inspect(engine).get_columns("fixture_notes")}
        assert {"tenant_id", "id", "tanggal", "isi"} <= columns
        with engine.connect() as conn:
            applied = set(conn.scalars(text("SELECT version_num FROM alembic_version")))
        assert "0001_fixture" in applied
    finally:
        engine.dispose()


def test_hook_kesos_register_models(kernel: Any, build_app: Callable[..., Any]) -> None:
    assert kernel.plugins.tables["fixture_notes"] == "fixture"
    assert {p for t, p in kernel.plugins.tables.items() if t.startswith("fixture")} == {"fixture"}
    from tests.fixture_plugin.models import FixtureNote

    thief = types.ModuleType("thief")

    @hookimpl
    def kesos_register_models() -> list[type]:
        return [FixtureNote]

    thief.kesos_register_models = kesos_register_models  # type: ignore[attr-defined]
    with pytest.raises(PluginConflict, match="fixture_notes"):
        build_app(extra_plugins=[("other", thief)])


def test_hook_kesos_register_models_refuses_an_unprefixed_table(build_app: Callable[..., Any]) -> None:
    from tests.fixture_plugin.models import FixtureNote

    plugin = types.ModuleType("unprefixed")

    @hookimpl
    def kesos_register_models() -> list[type]:
        return [FixtureNote]

    plugin.kesos_register_models = kesos_register_models  # type: ignore[attr-defined]
    # "aaa" sorts before "fixture": refused for its prefix, not for coming second.
    with pytest.raises(PluginConflict, match="aaa_"):
        build_app(extra_plugins=[("aaa", plugin)])


def test_hook_kesos_register_permissions(client: Any, kernel: Any, make: Factory) -> None:
    who = _setup(make)
    assert kernel.plugins.permissions["fixture.notes.write"] == frozenset({"officer"})
    assert "plugins.manage" in kernel.plugins.permissions  # the kernel's own, through the same hook
    body = {"tanggal": "2026-03-02", "isi": "boleh"}
    r = client.post(f"{T}/balangan/fixture/notes", json=body, headers=who["officer"].headers)
    assert r.status_code == 201
    r = client.post(f"{T}/balangan/fixture/notes", json={**body, "isi": "tidak boleh"}, headers=who["peksos"].headers)
    assert r.status_code == 403
    assert "fixture.notes.write" in r.get_json()["message"]
    r = client.get(f"{T}/balangan/fixture/notes", headers=who["peksos"].headers)
    assert r.status_code == 403
    assert _notes(client, who["officer"]) == ["boleh"]


def test_hook_kesos_register_reports(client: Any, kernel: Any, make: Factory) -> None:
    who = _setup(make)
    report = kernel.plugins.reports["fixture.ringkasan"]
    assert report.plugin == "fixture"
    r = client.get(f"{T}/balangan/reports", headers=who["officer"].headers)
    assert [x["name"] for x in r.get_json()] == ["fixture.ringkasan"]
    assert _open(client, who["officer"], who["person"]).status_code == 201
    r = client.post(f"{T}/balangan/reports/fixture.ringkasan/runs", json={}, headers=who["officer"].headers)
    assert r.status_code == 202, r.get_json()
    run = client.get(f"{T}/balangan/reports/runs/{r.get_json()['id']}", headers=who["officer"].headers).get_json()
    assert run["status"] == "done", run
    assert run["result"] == {"per_tahap": {"daftar": 1}, "profil": "fixture-nasional"}


def test_hook_kesos_register_importers(client: Any, kernel: Any, make: Factory) -> None:
    import io

    who = _setup(make)
    assert kernel.plugins.importers["fixture.catatan"].plugin == "fixture"
    assert kernel.plugins.importers["persons"].plugin is None  # the kernel's own, through the same hook
    offered = client.get(f"{T}/balangan/imports/jenis", headers=who["officer"].headers).get_json()
    assert [(i["name"], i["required"]) for i in offered] == [("fixture.catatan", ["tanggal", "isi"]), ("persons", ["nik", "nama", "tanggal_lahir", "jenis_kelamin"])]
    content = b"tanggal,isi\n2026-01-05,satu\n2026-01-05,satu\nbukan tanggal,dua\n2026-01-06,tiga\n"
    r = client.post(
        f"{T}/balangan/imports/fixture.catatan", data={"berkas": (io.BytesIO(content), "catatan.csv")},
        content_type="multipart/form-data", headers=who["officer"].headers,
    )
    assert r.status_code == 202, r.get_json()
    run = client.get(f"{T}/balangan/imports/{r.get_json()['id']}", headers=who["officer"].headers).get_json()
    assert (run["status"], run["diterima"], run["ditolak"]) == ("done", 2, 2)
    assert sorted(_notes(client, who["officer"])) == ["satu", "tiga"]
    rejected = client.get(f"{T}/balangan/imports/{run['id']}/ditolak", headers=who["officer"].headers).get_data(as_text=True)
    assert "Catatan ganda dalam berkas." in rejected and "tanggal: tulis TTTT-BB-HH." in rejected
    # while the plugin is disabled for the tenant its importer is not offered
    make.enable("balangan", enabled=False)
    offered = client.get(f"{T}/balangan/imports/jenis", headers=who["officer"].headers).get_json()
    assert [i["name"] for i in offered] == ["persons"]
    r = client.post(
        f"{T}/balangan/imports/fixture.catatan", data={"berkas": (io.BytesIO(content), "catatan.csv")},
        content_type="multipart/form-data", headers=who["officer"].headers,
    )
    assert r.status_code == 404 and r.get_json()["code"] == "impor_tidak_tersedia"


def test_hook_kesos_startup(app: Any, build_app: Callable[..., Any]) -> None:
    assert app.config["FIXTURE_STARTED"] is True
    blocked = build_app(blocked_plugins=("fixture",))
    assert "FIXTURE_STARTED" not in blocked.config


# -- per-tenant configuration --------------------------------------------------------------------


def test_hook_kesos_plugin_toggled(client: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    admin = make.user("admin", {"balangan": ["tenant_admin"]})
    r = client.put(f"{T}/balangan/plugins/fixture", json={"enabled": True}, headers=admin.headers)
    assert r.status_code == 200 and r.get_json()["enabled"] is True
    entries = _audit(client, admin, "fixture.toggled")
    assert [e["summary"] for e in entries] == [{"enabled": True}]
    assert entries[0]["actor_id"] == str(admin.user_id)

    # Called on disable too (on the plugin being disabled).
    r = client.put(f"{T}/balangan/plugins/fixture", json={"enabled": False}, headers=admin.headers)
    assert r.status_code == 200 and r.get_json()["enabled"] is False
    assert [e["summary"] for e in _audit(client, admin, "fixture.toggled")] == [{"enabled": False}, {"enabled": True}]

    # Not a toggle: choosing a profile, or "enabling" what is already in that state.
    client.put(f"{T}/balangan/plugins/fixture", json={"profile_id": "fixture-perbup"}, headers=admin.headers)
    client.put(f"{T}/balangan/plugins/fixture", json={"enabled": False}, headers=admin.headers)
    assert len(_audit(client, admin, "fixture.toggled")) == 2


# -- case life-cycle -----------------------------------------------------------------------------


def test_hook_kesos_case_opened(client: Any, make: Factory) -> None:
    who = _setup(make)
    r = _open(client, who["officer"], who["person"])
    assert r.status_code == 201
    assert _notes(client, who["officer"]) == ["kasus dibuka dengan profil fixture-nasional"]
    # The profile passed is the one the case is pinned to.
    make.enable("balangan", profile_id="fixture-perbup")
    r = _open(client, who["officer"], who["person"])
    assert r.status_code == 201 and r.get_json()["profile_id"] == "fixture-perbup"
    assert "kasus dibuka dengan profil fixture-perbup" in _notes(client, who["officer"])


def test_hook_kesos_case_opened_not_called_on_a_disabled_plugin(client: Any, make: Factory, build_app: Callable[..., Any], tmp_path: Path) -> None:
    # A second plugin's case, in a tenant that has the fixture disabled: the fixture's hook
    # (which would write a note) is not called.
    application = build_app(extra_plugins=[("other", _other_plugin(tmp_path))])
    other_make = Factory(application.extensions["kesos"])
    c = application.test_client()
    who = _setup(other_make)
    other_make.enable("balangan", "other")
    other_make.enable("balangan", "fixture", enabled=False)
    assert _open(c, who["officer"], who["person"], case_type="other_kasus").status_code == 201
    other_make.enable("balangan", "fixture")
    assert _notes(c, who["officer"]) == []


def test_hook_kesos_case_advanced(client: Any, make: Factory) -> None:
    who = _setup(make)
    officer = who["officer"]
    r = _open(client, officer, who["person"])
    case = r.get_json()
    r = _advance(client, officer, case["id"], r.headers["ETag"], "tangani")
    assert r.status_code == 200 and r.get_json()["stage"] == "tangani"
    assert _notes(client, officer)[-1] == "kasus pindah ke tangani"
    etag = r.headers["ETag"]
    events_before = client.get(f"{T}/balangan/cases/{case['id']}/events", headers=officer.headers).get_json()
    notes_before = _notes(client, officer)
    audit_before = _audit(client, who["admin"], "case.advance")

    # The hook refuses the move: 422 with the article, and nothing of the move is kept.
    r = _advance(client, officer, case["id"], etag, "selesai", {"catatan": "tolak-oleh-hook"})
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert body["code"] == "ditolak_hook"
    assert body["citation"] == "PP 39/2012 Pasal 7 ayat (2)"
    r = client.get(f"{T}/balangan/cases/{case['id']}", headers=officer.headers)
    assert r.get_json()["stage"] == "tangani" and r.get_json()["status"] == "open"
    assert r.get_json()["closed_at"] is None
    assert r.headers["ETag"] == etag
    assert client.get(f"{T}/balangan/cases/{case['id']}/events", headers=officer.headers).get_json() == events_before
    assert _notes(client, officer) == notes_before
    assert _audit(client, who["admin"], "case.advance") == audit_before

    # The same move without the refusal goes through.
    r = _advance(client, officer, case["id"], etag, "selesai", {"catatan": "selesai baik"})
    assert r.status_code == 200 and r.get_json()["status"] == "closed"
    assert _notes(client, officer)[-1] == "kasus pindah ke selesai"


def test_hook_kesos_referral_received(client: Any, kernel: Any, make: Factory) -> None:
    """An LKS application referred to the fixture service: the receiving plugin's hook answers,
    the answer is kept, the case history says so; a service that is off refuses politely."""
    who = _setup(make)
    make.enable("balangan", "lks")
    lembaga = {
        "nama": "Yayasan Rujukan", "berbadan_hukum": False, "alamat": "Jl. Uji No. 1", "kode_wilayah": "63.11", "npwp": None,
        "pengurus": [{"nama": "Ketua", "jabatan": "Ketua"}], "kegiatan": ["uji"], "wilayah_kerja": ["63.11"],
    }
    r = client.post(f"{T}/balangan/lks/pendaftaran", json={"lembaga": lembaga}, headers=who["officer"].headers)
    assert r.status_code == 201, r.get_json()
    case_id = r.get_json()["id"]
    url = f"{T}/balangan/cases/{case_id}/referrals"
    r = client.post(url, json={"ke_plugin": "fixture", "alasan": "Perlu pendampingan."}, headers=who["officer"].headers)
    assert r.status_code == 201, r.get_json()
    referral = r.get_json()
    assert (referral["dari_plugin"], referral["ke_plugin"], referral["hasil"]) == ("lks", "fixture", {"catatan": "diterima", "subjek": "organization"})
    assert "rujukan dari lks: Perlu pendampingan." in _notes(client, who["officer"])
    events = client.get(f"{T}/balangan/cases/{case_id}/events", headers=who["officer"].headers).get_json()
    assert events[-1]["kind"] == "referred" and events[-1]["data"]["ke_plugin"] == "fixture"
    incoming = client.get(f"{T}/balangan/cases/referrals", query_string={"ke_plugin": "fixture"}, headers=who["officer"].headers).get_json()
    assert [x["id"] for x in incoming] == [referral["id"]]
    # a service the tenant has switched off: refused politely, nothing kept
    make.enable("balangan", enabled=False)
    r = client.post(url, json={"ke_plugin": "fixture", "alasan": "Sekali lagi."}, headers=who["officer"].headers)
    assert r.status_code == 409 and r.get_json()["code"] == "layanan_tujuan_tidak_aktif"
    assert "belum diaktifkan di Kabupaten Balangan" in r.get_json()["message"]
    for body, field in (({"ke_plugin": "tidakada", "alasan": "x y z"}, "ke_plugin"), ({"ke_plugin": "lks", "alasan": "x y z"}, "ke_plugin")):
        r = client.post(url, json=body, headers=who["officer"].headers)
        assert r.status_code == 422 and field in r.get_json()["errors"], r.get_json()
    assert len(client.get(url, headers=who["officer"].headers).get_json()) == 1


def test_hook_kesos_case_summary(client: Any, make: Factory) -> None:
    who = _setup(make)
    r = _open(client, who["officer"], who["person"])
    # firstresult: the fixture's summary wins over the kernel's default (trylast).
    assert r.get_json()["summary"] == "Kasus uji di tahap daftar"
    listed = client.get(f"{T}/balangan/cases", headers=who["officer"].headers).get_json()
    assert [c["summary"] for c in listed] == ["Kasus uji di tahap daftar"]


def test_hook_kesos_case_summary_falls_back_to_the_kernel_default(build_app: Callable[..., Any], tmp_path: Path) -> None:
    # Both the fixture (not its case) and "other" (always None) return None: the kernel answers.
    application = build_app(extra_plugins=[("other", _other_plugin(tmp_path, summary=None))])
    make = Factory(application.extensions["kesos"])
    c = application.test_client()
    who = _setup(make)
    make.enable("balangan", "other")
    r = _open(c, who["officer"], who["person"], case_type="other_kasus")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["summary"] == "Kasus Lain — tahap Mulai"
    # The fixture still answers for its own cases in the same tenant.
    r = _open(c, who["officer"], who["person"])
    assert r.get_json()["summary"] == "Kasus uji di tahap daftar"


def test_hook_kesos_case_summary_of_a_disabled_plugin_is_not_asked(build_app: Callable[..., Any], tmp_path: Path) -> None:
    application = build_app(extra_plugins=[("other", _other_plugin(tmp_path, summary="ringkasan lain"))])
    make = Factory(application.extensions["kesos"])
    c = application.test_client()
    who = _setup(make)
    # "other" sorts after "fixture" but was registered later: pluggy calls it first.
    make.enable("balangan", "other")
    r = _open(c, who["officer"], who["person"])
    assert r.get_json()["summary"] == "ringkasan lain"
    make.enable("balangan", "other", enabled=False)
    case_id = r.get_json()["id"]
    r = c.get(f"{T}/balangan/cases/{case_id}", headers=who["officer"].headers)
    assert r.get_json()["summary"] == "Kasus uji di tahap daftar"


# -- scheduled work ------------------------------------------------------------------------------


def test_hook_kesos_daily(client: Any, kernel: Any, make: Factory) -> None:
    who = _setup(make)
    result = run_daily_tick(today=date(2026, 3, 2), kernel=kernel)
    assert result.ran == [("balangan", "fixture", date(2026, 3, 2))] and result.failed == []
    assert _notes(client, who["officer"]) == ["harian 2026-03-02"]
    r = client.get(f"{T}/balangan/fixture/notes", headers=who["officer"].headers)
    assert r.get_json()[0]["tanggal"] == "2026-03-02"


# -- reporting -----------------------------------------------------------------------------------


def test_hook_kesos_report_generated(client: Any, make: Factory) -> None:
    who = _setup(make)
    r = client.post(f"{T}/balangan/reports/fixture.ringkasan/runs", json={}, headers=who["officer"].headers)
    assert r.status_code == 202
    assert _notes(client, who["officer"]) == ["laporan fixture.ringkasan selesai"]


def test_hook_kesos_case_summary_default_outside_a_request(build_app: Callable[..., Any], tmp_path: Path) -> None:
    """Jobs and the daily tick summarise cases too (notifications): the kernel's default must
    not depend on a Flask request/app context."""
    from sqlalchemy import select as sa_select

    from core.cases.models import Case
    from core.tenancy.models import Tenant

    application = build_app(extra_plugins=[("other", _other_plugin(tmp_path, summary=None))])
    k = application.extensions["kesos"]
    make = Factory(k)
    who = _setup(make)
    make.enable("balangan", "other")
    assert _open(application.test_client(), who["officer"], who["person"], case_type="other_kasus").status_code == 201
    set_process_kernel(k)  # as in an RQ worker that built this kernel
    try:
        with k.db.unit_of_work() as s:
            tenant = s.scalar(sa_select(Tenant).where(Tenant.slug == "balangan"))
        with k.db.unit_of_work(tenant.id) as s:
            tenant = s.get(Tenant, tenant.id)
            case = s.scalar(sa_select(Case))
            assert k.hooks(s, tenant).kesos_case_summary(case=case) == "Kasus Lain — tahap Mulai"
    finally:
        set_process_kernel(application.extensions["kesos"])


def test_hook_kesos_plugin_toggled_is_called_on_the_toggled_plugin_only(build_app: Callable[..., Any], tmp_path: Path) -> None:
    calls: list[tuple[str, bool]] = []
    other = _other_plugin(tmp_path)

    @hookimpl
    def kesos_plugin_toggled(session: Any, tenant: Any, plugin: str, enabled: bool) -> None:
        calls.append((plugin, enabled))

    other.kesos_plugin_toggled = kesos_plugin_toggled  # type: ignore[attr-defined]
    application = build_app(extra_plugins=[("other", other)])
    make = Factory(application.extensions["kesos"])
    c = application.test_client()
    who = _setup(make)  # enables the fixture: "other" is not told
    assert calls == []
    r = c.put(f"{T}/balangan/plugins/other", json={"enabled": True}, headers=who["admin"].headers)
    assert r.status_code == 200
    assert calls == [("other", True)]
    # The fixture heard only of its own toggle.
    assert [(e["target_id"], e["summary"]) for e in _audit(c, who["admin"], "fixture.toggled")] == [("fixture", {"enabled": True})]


def test_hook_kesos_load_demo(kernel, tenants_dir):
    """`kesos demo` calls each enabled plugin's demo loader once per tenant, idempotently."""
    from sqlalchemy import select

    from core.db import tenant_context
    from core.demo import load_demo
    from core.tenancy.models import Tenant
    from tests.fixture_plugin.models import FixtureNote

    (tenants_dir / "balangan.yaml").write_text(
        'slug: balangan\nkode_wilayah: "63.11"\nnama: Kabupaten Balangan\nprovinsi: Kalimantan Selatan\n'
        "plugins:\n  fixture: {enabled: true}\n"
    )
    (tenants_dir / "tabalong.yaml").write_text(
        'slug: tabalong\nkode_wilayah: "63.09"\nnama: Kabupaten Tabalong\nprovinsi: Kalimantan Selatan\n'
    )
    load_demo(kernel)
    load_demo(kernel)
    notes = {}
    with kernel.db.unit_of_work() as s:
        for t in s.scalars(select(Tenant)).all():
            with tenant_context(t.id, s):
                notes[t.slug] = s.scalars(select(FixtureNote.isi).where(FixtureNote.isi == "data demo")).all()
    assert notes == {"balangan": ["data demo"], "tabalong": []}
