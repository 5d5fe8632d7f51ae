"""Reports contributed by plugins: listed and requested only while the plugin is enabled, built
as a job (inline here), read back with their result; permissions per role."""
from __future__ import annotations

import types
from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from core.sdk import Report, hookimpl
from tests.factories import Factory

T = "/api/v1/tenants"
REPORTS = f"{T}/balangan/reports"



def _setup(make: Factory, slug: str = "balangan", kode: str = "63.11", enable: bool = True) -> dict[str, Any]:
    make.tenant(slug, kode)
    if enable:
        make.enable(slug)
    return {
        role: make.user(f"{role}-{slug}", {slug: [role]})
        for role in ("tenant_admin", "officer", "auditor", "peksos")
    }


def _request(client: Any, actor: Any, name: str = "fixture.ringkasan", params: dict[str, Any] | None = None, base: str = REPORTS) -> Any:
    return client.post(f"{base}/{name}/runs", json={} if params is None else {"params": params}, headers=actor.headers)


def test_the_list_shows_only_enabled_plugins_reports(client: Any, make: Factory) -> None:
    who = _setup(make, enable=False)
    officer = who["officer"]
    assert client.get(REPORTS, headers=officer.headers).get_json() == []
    make.enable("balangan")
    r = client.get(REPORTS, headers=officer.headers)
    assert r.status_code == 200
    assert r.get_json() == [{"name": "fixture.ringkasan", "plugin": "fixture", "title": "Ringkasan kasus uji", "citation": None}]
    make.enable("balangan", enabled=False)
    assert client.get(REPORTS, headers=officer.headers).get_json() == []


def test_a_run_is_accepted_then_done_with_its_result(client: Any, make: Factory) -> None:
    who = _setup(make)
    officer = who["officer"]
    person = make.person("balangan", born=date(1990, 1, 1), sex="L")
    for _ in range(2):
        r = client.post(f"{T}/balangan/cases", json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)}, headers=officer.headers)
        assert r.status_code == 201
    make.enable("balangan", profile_id="fixture-perbup")

    r = _request(client, officer)
    assert r.status_code == 202, r.get_json()
    accepted = r.get_json()
    assert accepted["status"] == "queued" and accepted["report"] == "fixture.ringkasan" and accepted["result"] is None

    r = client.get(f"{REPORTS}/runs/{accepted['id']}", headers=officer.headers)
    assert r.status_code == 200
    run = r.get_json()
    assert run["status"] == "done" and run["error"] is None and run["finished_at"]
    # Built in the tenant's transaction with the tenant's chosen profile.
    assert run["result"] == {"per_tahap": {"daftar": 2}, "profil": "fixture-perbup"}

    runs = client.get(f"{REPORTS}/runs", headers=officer.headers)
    assert [x["id"] for x in runs.get_json()] == [accepted["id"]]
    audit = client.get(f"{T}/balangan/audit", query_string={"action": "report.request"}, headers=who["tenant_admin"].headers).get_json()
    assert [(e["target_id"], e["actor_id"]) for e in audit] == [(accepted["id"], str(officer.user_id))]


def test_runs_are_per_tenant(client: Any, make: Factory) -> None:
    b = _setup(make)
    t = _setup(make, "tabalong", "63.09")
    run_id = _request(client, b["officer"]).get_json()["id"]
    assert client.get(f"{T}/tabalong/reports/runs/{run_id}", headers=t["officer"].headers).status_code == 404
    assert client.get(f"{T}/tabalong/reports/runs", headers=t["officer"].headers).get_json() == []


def test_a_report_of_a_disabled_plugin_is_404(client: Any, make: Factory) -> None:
    who = _setup(make)
    officer = who["officer"]
    done = _request(client, officer).get_json()
    before = client.get(f"{REPORTS}/runs/{done['id']}", headers=officer.headers).get_json()
    make.enable("balangan", enabled=False)
    r = _request(client, officer)
    assert r.status_code == 404 and r.get_json()["code"] == "laporan_tidak_ditemukan"
    # Its runs are hidden like the plugin's other data — and kept.
    assert client.get(f"{REPORTS}/runs/{done['id']}", headers=officer.headers).status_code == 404
    assert client.get(f"{REPORTS}/runs", headers=officer.headers).get_json() == []
    make.enable("balangan")
    assert client.get(f"{REPORTS}/runs/{done['id']}", headers=officer.headers).get_json() == before
    assert len(client.get(f"{REPORTS}/runs", headers=officer.headers).get_json()) == 1


def test_an_unknown_report_is_404(client: Any, make: Factory) -> None:
    who = _setup(make)
    assert _request(client, who["officer"], "tidak.ada").status_code == 404
    assert client.get(f"{REPORTS}/runs/00000000-0000-0000-0000-000000000000", headers=who["officer"].headers).status_code == 404


def test_permissions(client: Any, make: Factory) -> None:
    who = _setup(make)
    run_id = _request(client, who["officer"]).get_json()["id"]
    assert _request(client, who["tenant_admin"]).status_code == 202
    # The auditor reads reports and runs but may not request one.
    auditor = who["auditor"]
    assert client.get(REPORTS, headers=auditor.headers).status_code == 200
    assert client.get(f"{REPORTS}/runs", headers=auditor.headers).status_code == 200
    assert client.get(f"{REPORTS}/runs/{run_id}", headers=auditor.headers).get_json()["status"] == "done"
    r = _request(client, auditor)
    assert r.status_code == 403 and "reports.run" in r.get_json()["message"]
    # A social worker has no business with reports at all.
    assert client.get(REPORTS, headers=who["peksos"].headers).status_code == 403
    assert client.get(f"{REPORTS}/runs/{run_id}", headers=who["peksos"].headers).status_code == 403
    assert _request(client, who["peksos"]).status_code == 403
    assert client.get(REPORTS).status_code == 401
    assert len(client.get(f"{REPORTS}/runs", headers=auditor.headers).get_json()) == 2


# -- reports of another plugin: parameters, failures -----------------------------------------------


class _YearSchema(Schema):
    tahun = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


def _build_yearly(ctx: Any) -> dict[str, Any]:
    if ctx.params["tahun"] == 2013:
        raise ValueError("data tahun 2013 tidak lengkap")
    return {"tahun": ctx.params["tahun"], "tenant": ctx.tenant.slug}


def _reporting_plugin(fail_hook: bool = False) -> types.ModuleType:
    module = types.ModuleType("tahunan")

    @hookimpl
    def kesos_register_reports() -> list[Report]:
        return [Report(name="tahunan.rekap", plugin="tahunan", title="Rekap tahunan", build=_build_yearly,
                       params_schema=_YearSchema, citation="PP 39/2012 Pasal 50")]

    @hookimpl
    def kesos_report_generated(session: Any, tenant: Any, report: str, result: dict[str, Any]) -> None:
        if fail_hook:
            raise RuntimeError("arsip tidak tersedia")

    module.kesos_register_reports = kesos_register_reports  # type: ignore[attr-defined]
    module.kesos_report_generated = kesos_report_generated  # type: ignore[attr-defined]
    return module


def test_report_parameters_are_validated_and_a_failed_build_is_recorded(build_app: Callable[..., Any]) -> None:
    application = build_app(extra_plugins=[("tahunan", _reporting_plugin())])
    make = Factory(application.extensions["kesos"])
    c = application.test_client()
    who = _setup(make)
    make.enable("balangan", "tahunan")
    officer = who["officer"]
    listed = c.get(REPORTS, headers=officer.headers).get_json()
    assert {r["name"]: r["citation"] for r in listed} == {"fixture.ringkasan": None, "tahunan.rekap": "PP 39/2012 Pasal 50"}

    r = _request(c, officer, "tahunan.rekap", {"tahun": 1990})
    assert r.status_code == 422 and "tahun" in r.get_json()["errors"]["params"]
    assert c.get(f"{REPORTS}/runs", headers=officer.headers).get_json() == []  # nothing kept

    r = _request(c, officer, "tahunan.rekap", {"tahun": 2025})
    run = c.get(f"{REPORTS}/runs/{r.get_json()['id']}", headers=officer.headers).get_json()
    assert run["status"] == "done" and run["result"] == {"tahun": 2025, "tenant": "balangan"}
    assert run["params"] == {"tahun": 2025}

    r = _request(c, officer, "tahunan.rekap", {"tahun": 2013})
    assert r.status_code == 202
    run = c.get(f"{REPORTS}/runs/{r.get_json()['id']}", headers=officer.headers).get_json()
    assert run["status"] == "failed" and "tidak lengkap" in run["error"] and run["result"] is None


def test_a_failing_report_generated_hook_does_not_lose_the_report(build_app: Callable[..., Any]) -> None:
    application = build_app(extra_plugins=[("tahunan", _reporting_plugin(fail_hook=True))])
    make = Factory(application.extensions["kesos"])
    c = application.test_client()
    who = _setup(make)
    make.enable("balangan", "tahunan")
    r = _request(c, who["officer"], "tahunan.rekap", {"tahun": 2025})
    assert r.status_code == 202
    run = c.get(f"{REPORTS}/runs/{r.get_json()['id']}", headers=who["officer"].headers).get_json()
    # The report was built: it is not left "queued" forever because a listener failed.
    assert run["status"] == "done" and run["result"] == {"tahun": 2025, "tenant": "balangan"}
    assert "arsip tidak tersedia" in (run["error"] or "")
