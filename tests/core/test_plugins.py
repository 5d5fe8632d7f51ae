"""Installed is not enabled (DESIGN.md, principle 3): discovery through the entry point,
blocking, per-tenant enablement through the API and the CLI (audited), 404 for a disabled
plugin's routes and cases while its data stays, profile choice, and the per-tenant hook relay
cache — including a toggle made by another process on the same database."""
from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core import cli
from core.kernel import get_kernel, set_process_kernel
from core.tenancy.models import Tenant
from tests.factories import Factory

T = "/api/v1/tenants"


# -- helpers -----------------------------------------------------------------------------------



@pytest.fixture
def cli_env(database_urls: dict[str, str], tenants_dir: Path, tmp_path: Path) -> dict[str, str]:
    """The environment a `kesos` command would run with against the test database."""
    env = {
        "DATABASE_URL": database_urls["database_url"],
        "MIGRATION_DATABASE_URL": database_urls["migration_database_url"],
        "KESOS_INSTANCE_DIR": str(tmp_path / "instance-cli"),
        "KESOS_TENANTS_DIR": str(tenants_dir),
        "KESOS_BLOCK_PLUGINS": "",
        "REDIS_URL": "",
    }
    if "app_db_role" in database_urls:
        env["KESOS_APP_DB_ROLE"] = database_urls["app_db_role"]
    return env


@pytest.fixture
def run_cli(cli_env: dict[str, str], kernel: Any) -> Iterator[Callable[..., Any]]:
    """Invoke `kesos ...` in-process; each invocation builds its own app (as a real command
    does), which is disposed afterwards."""

    def run(*args: str) -> Any:
        result = CliRunner().invoke(cli.main, list(args), env=cli_env, catch_exceptions=False)
        cli_kernel = get_kernel()
        if cli_kernel is not kernel:
            cli_kernel.db.dispose()
        set_process_kernel(kernel)
        return result

    yield run
    set_process_kernel(kernel)


def _users(make: Factory, slug: str) -> dict[str, Any]:
    return {
        "admin": make.user(f"admin-{slug}", {slug: ["tenant_admin"]}),
        "officer": make.user(f"petugas-{slug}", {slug: ["officer"]}),
    }


def _open(client: Any, actor: Any, person: Any, slug: str = "balangan") -> Any:
    return client.post(
        f"{T}/{slug}/cases",
        json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)},
        headers=actor.headers,
    )


def _state(client: Any, actor: Any, slug: str = "balangan") -> dict[str, Any]:
    r = client.get(f"{T}/{slug}/plugins", headers=actor.headers)
    assert r.status_code == 200, r.get_json()
    return next(p for p in r.get_json() if p["plugin"] == "fixture")  # type: ignore[no-any-return]


def _put(client: Any, actor: Any, body: dict[str, Any], slug: str = "balangan") -> Any:
    return client.put(f"{T}/{slug}/plugins/fixture", json=body, headers=actor.headers)


def _plugins_version(kernel: Any, slug: str) -> int:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.plugins_version).where(Tenant.slug == slug))  # type: ignore[no-any-return]


# -- discovery and blocking ----------------------------------------------------------------------


def test_the_fixture_is_discovered_through_its_entry_point(kernel: Any) -> None:
    assert "fixture" in kernel.plugins.installed
    eps = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="kesos.plugins")}
    assert eps.get("fixture") == "tests.fixture_plugin"
    import tests.fixture_plugin

    assert kernel.plugins.pm.get_plugin("fixture") is tests.fixture_plugin
    # pluggy records the distribution of entry-point plugins: it came through importlib.metadata.
    dists = {dist.metadata["name"] for _plugin, dist in kernel.plugins.pm.list_plugin_distinfo()}
    assert "kesos-fixture-plugin" in dists


def test_installed_is_not_enabled(client: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    who = _users(make, "balangan")
    state = _state(client, who["admin"])
    assert state["enabled"] is False
    r = client.get(f"{T}/balangan/fixture/notes", headers=who["officer"].headers)
    assert r.status_code == 404


@pytest.mark.parametrize("how", ["settings", "environment"])
def test_a_blocked_plugin_is_not_installed_and_has_no_routes(how: str, build_app: Callable[..., Any]) -> None:
    if how == "settings":
        blocked = build_app(blocked_plugins=("fixture",))
    else:
        blocked = build_app(environ={"KESOS_BLOCK_PLUGINS": "fixture"})
    k = blocked.extensions["kesos"]
    assert "fixture" not in k.plugins.installed
    assert k.plugins.pm.is_blocked("fixture")
    assert "fixture_kasus" not in k.plugins.case_types and "fixture.ringkasan" not in k.plugins.reports
    assert not [r for r in blocked.url_map.iter_rules() if "/fixture/" in r.rule]
    make = Factory(k)
    make.tenant("balangan", "63.11")
    who = _users(make, "balangan")
    c = blocked.test_client()
    assert c.get(f"{T}/balangan/fixture/notes", headers=who["admin"].headers).status_code == 404
    assert "fixture" not in [p["plugin"] for p in c.get(f"{T}/balangan/plugins", headers=who["admin"].headers).get_json()]
    r = _put(c, who["admin"], {"enabled": True})
    assert r.status_code == 404


# -- enable / disable: API and CLI, audited --------------------------------------------------------


def test_enable_and_disable_through_the_api_is_audited(client: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    who = _users(make, "balangan")
    r = _put(client, who["officer"], {"enabled": True})
    assert r.status_code == 403
    assert _state(client, who["admin"])["enabled"] is False

    r = _put(client, who["admin"], {"enabled": True})
    assert r.status_code == 200 and r.get_json()["enabled"] is True
    assert _state(client, who["officer"])["enabled"] is True
    r = _put(client, who["admin"], {"enabled": False})
    assert r.status_code == 200 and r.get_json()["enabled"] is False

    entries = client.get(f"{T}/balangan/audit", query_string={"action": "plugin.configure"}, headers=who["admin"].headers).get_json()
    assert [(e["target_id"], e["summary"]["after"]["enabled"]) for e in entries] == [("fixture", False), ("fixture", True)]
    assert all(e["actor_id"] == str(who["admin"].user_id) for e in entries)
    assert entries[1]["summary"]["before"] == {"enabled": False, "profile_id": None}


def test_enable_an_unknown_plugin_is_404(client: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    who = _users(make, "balangan")
    r = client.put(f"{T}/balangan/plugins/tidak-ada", json={"enabled": True}, headers=who["admin"].headers)
    assert r.status_code == 404 and r.get_json()["code"] == "plugin_tidak_ditemukan"


def test_enable_and_disable_through_the_cli_is_audited(client: Any, make: Factory, run_cli: Callable[..., Any]) -> None:
    make.tenant("balangan", "63.11")
    who = _users(make, "balangan")
    result = run_cli("plugins", "enable", "balangan", "fixture", "--profile", "fixture-perbup")
    assert result.exit_code == 0, result.output
    assert "balangan: fixture aktif, profil fixture-perbup" in result.output
    state = _state(client, who["admin"])
    assert state["enabled"] is True and state["profile"]["id"] == "fixture-perbup"
    assert client.get(f"{T}/balangan/fixture/notes", headers=who["officer"].headers).status_code == 200

    result = run_cli("plugins", "list", "--tenant", "balangan")
    assert result.exit_code == 0 and "aktif" in result.output and "fixture-perbup" in result.output

    result = run_cli("plugins", "disable", "balangan", "fixture")
    assert result.exit_code == 0, result.output
    assert "nonaktif" in result.output
    assert _state(client, who["admin"])["enabled"] is False
    assert client.get(f"{T}/balangan/fixture/notes", headers=who["officer"].headers).status_code == 404

    entries = client.get(f"{T}/balangan/audit", query_string={"action": "plugin.configure"}, headers=who["admin"].headers).get_json()
    assert [e["summary"]["after"]["enabled"] for e in entries] == [False, True]
    toggled = client.get(f"{T}/balangan/audit", query_string={"action": "fixture.toggled"}, headers=who["admin"].headers).get_json()
    assert [e["summary"] for e in toggled] == [{"enabled": False}, {"enabled": True}]

    result = run_cli("plugins", "enable", "balangan", "tidak-ada")
    assert result.exit_code != 0 and "tidak terpasang" in result.output
    result = run_cli("plugins", "enable", "balangan", "fixture", "--profile", "tidak-ada")
    assert result.exit_code != 0 and "tidak-ada" in result.output
    assert _state(client, who["admin"])["enabled"] is False  # nothing applied


# -- disabled: 404 for that tenant only, data kept -------------------------------------------------


def test_disabled_routes_are_404_for_that_tenant_only(client: Any, make: Factory) -> None:
    for slug, kode in (("balangan", "63.11"), ("tabalong", "63.09")):
        make.tenant(slug, kode)
        make.enable(slug)
    b, t = _users(make, "balangan"), _users(make, "tabalong")
    assert _put(client, b["admin"], {"enabled": False}, "balangan").status_code == 200
    r = client.get(f"{T}/balangan/fixture/notes", headers=b["officer"].headers)
    assert r.status_code == 404 and r.get_json()["code"] == "tidak_ditemukan"
    r = client.post(f"{T}/balangan/fixture/notes", json={"tanggal": "2026-03-02", "isi": "x"}, headers=b["officer"].headers)
    assert r.status_code == 404
    assert client.get(f"{T}/tabalong/fixture/notes", headers=t["officer"].headers).status_code == 200
    assert client.get(f"{T}/balangan/reports", headers=b["officer"].headers).get_json() == []
    assert [x["name"] for x in client.get(f"{T}/tabalong/reports", headers=t["officer"].headers).get_json()] == ["fixture.ringkasan"]


def test_disabling_hides_cases_and_notes_and_re_enabling_brings_them_back(client: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    who = _users(make, "balangan")
    officer, admin = who["officer"], who["admin"]
    person = make.person("balangan", born=date(1990, 1, 1), sex="L")
    r = _open(client, officer, person)
    assert r.status_code == 201
    case_id = r.get_json()["id"]
    client.post(f"{T}/balangan/fixture/notes", json={"tanggal": "2026-03-02", "isi": "catatan petugas"}, headers=officer.headers)
    case_before = client.get(f"{T}/balangan/cases/{case_id}", headers=officer.headers).get_json()
    events_before = client.get(f"{T}/balangan/cases/{case_id}/events", headers=officer.headers).get_json()
    notes_before = client.get(f"{T}/balangan/fixture/notes", headers=officer.headers).get_json()
    assert len(notes_before) == 2

    assert _put(client, admin, {"enabled": False}).status_code == 200
    assert client.get(f"{T}/balangan/cases/{case_id}", headers=officer.headers).status_code == 404
    assert client.get(f"{T}/balangan/cases/{case_id}/events", headers=officer.headers).status_code == 404
    assert client.get(f"{T}/balangan/cases", headers=officer.headers).get_json() == []
    r = client.post(f"{T}/balangan/cases/{case_id}/advance", json={"to_stage": "tangani"}, headers={**officer.headers, "If-Match": '"1"'})
    assert r.status_code == 404
    assert _open(client, officer, person).status_code == 422  # the case type is unavailable

    assert _put(client, admin, {"enabled": True}).status_code == 200
    assert client.get(f"{T}/balangan/cases/{case_id}", headers=officer.headers).get_json() == case_before
    assert client.get(f"{T}/balangan/cases/{case_id}/events", headers=officer.headers).get_json() == events_before
    assert client.get(f"{T}/balangan/fixture/notes", headers=officer.headers).get_json() == notes_before
    assert [c["id"] for c in client.get(f"{T}/balangan/cases", headers=officer.headers).get_json()] == [case_id]


# -- profiles ------------------------------------------------------------------------------------


def test_choosing_a_profile(client: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    who = _users(make, "balangan")
    r = _put(client, who["admin"], {"profile_id": "fixture-perbup"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["profile"]["id"] == "fixture-perbup" and r.get_json()["enabled"] is True
    person = make.person("balangan", born=date(1990, 1, 1), sex="L")
    r = _open(client, who["officer"], person)
    assert r.get_json()["profile_id"] == "fixture-perbup"
    r = client.get(f"{T}/balangan/plugins/fixture/profile", headers=who["admin"].headers)
    assert r.get_json()["id"] == "fixture-perbup"
    assert {c["parameter"] for c in r.get_json()["changes"]} == {"usia_minimum", "wajib_catatan_penutup"}

    r = _put(client, who["admin"], {"profile_id": "tidak-ada"})
    assert r.status_code == 422
    assert "profile_id" in r.get_json()["errors"]
    assert _state(client, who["admin"])["profile"]["id"] == "fixture-perbup"  # unchanged
    audits = client.get(f"{T}/balangan/audit", query_string={"action": "plugin.configure"}, headers=who["admin"].headers).get_json()
    assert audits[0]["summary"]["after"] == {"enabled": True, "profile_id": "fixture-perbup"}


# -- the per-tenant hook relay cache ---------------------------------------------------------------


def test_the_tenant_hook_relay_is_cached_and_rebuilt_once_per_toggle(client: Any, kernel: Any, make: Factory) -> None:
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    who = _users(make, "balangan")
    url, officer = f"{T}/balangan/fixture/notes", who["officer"]
    assert client.get(url, headers=officer.headers).status_code == 200
    builds = kernel.plugins.builds
    for _ in range(10):
        assert client.get(url, headers=officer.headers).status_code == 200
    assert kernel.plugins.builds == builds

    version = _plugins_version(kernel, "balangan")
    assert _put(client, who["admin"], {"enabled": False}).status_code == 200
    assert _plugins_version(kernel, "balangan") == version + 1
    for _ in range(5):
        assert client.get(url, headers=officer.headers).status_code == 404
    assert kernel.plugins.builds == builds + 1

    # Choosing a profile is not a toggle: no version bump, no rebuild.
    assert _put(client, who["admin"], {"profile_id": "fixture-perbup"}).status_code == 200
    assert _plugins_version(kernel, "balangan") == version + 1
    client.get(url, headers=officer.headers)
    assert kernel.plugins.builds == builds + 1


def test_a_toggle_through_another_process_is_seen(client: Any, kernel: Any, make: Factory, build_app: Callable[..., Any]) -> None:
    make.tenant("balangan", "63.11")
    make.enable("balangan")
    who = _users(make, "balangan")
    url, officer = f"{T}/balangan/fixture/notes", who["officer"]
    assert client.get(url, headers=officer.headers).status_code == 200
    builds = kernel.plugins.builds

    other = build_app()  # a second web worker on the same database
    assert other.extensions["kesos"] is not kernel
    r = _put(other.test_client(), who["admin"], {"enabled": False})
    assert r.status_code == 200
    # This process never heard of the toggle; it sees the bumped plugins_version.
    assert client.get(url, headers=officer.headers).status_code == 404
    assert kernel.plugins.builds == builds + 1
    assert _put(other.test_client(), who["admin"], {"enabled": True}).status_code == 200
    assert client.get(url, headers=officer.headers).status_code == 200
    assert kernel.plugins.builds == builds + 2


def test_a_refused_toggle_leaves_no_stale_relay_behind(client: Any, kernel: Any, make: Factory, build_app: Callable[..., Any]) -> None:
    """A plugin refusing its own enablement (its toggled hook reads the tenant's enabled plugins,
    then raises): the relay built inside that rolled-back transaction must not survive it, or a
    later toggle reaching the same plugins_version would be served the refused state."""
    import types

    from core.sdk import RuleViolation, hookimpl
    from core.sdk import kernel as current_kernel

    needs_fixture = types.ModuleType("needs_fixture")

    @hookimpl
    def kesos_plugin_toggled(session: Any, tenant: Any, plugin: str, enabled: bool) -> None:
        if enabled and "fixture" not in current_kernel().enabled_plugins(session, tenant):
            raise RuleViolation("butuh_fixture", "Aktifkan plugin fixture lebih dahulu.", "PP 39/2012")

    needs_fixture.kesos_plugin_toggled = kesos_plugin_toggled  # type: ignore[attr-defined]
    application = build_app(extra_plugins=[("needs", needs_fixture)])
    c, k = application.test_client(), application.extensions["kesos"]
    make = Factory(k)
    make.tenant("balangan", "63.11")
    who = _users(make, "balangan")
    version = _plugins_version(k, "balangan")

    r = c.put(f"{T}/balangan/plugins/needs", json={"enabled": True}, headers=who["admin"].headers)
    assert r.status_code == 422 and r.get_json()["code"] == "butuh_fixture"
    assert _plugins_version(k, "balangan") == version  # rolled back

    # The next toggle, made by another process, reaches the version the refused one had reached.
    other = build_app(extra_plugins=[("needs", needs_fixture)])
    assert _put(other.test_client(), who["admin"], {"enabled": True}).status_code == 200
    assert _plugins_version(k, "balangan") == version + 1
    states = {p["plugin"]: p["enabled"] for p in c.get(f"{T}/balangan/plugins", headers=who["admin"].headers).get_json()}
    assert {k: v for k, v in states.items() if k in ("fixture", "needs")} == {"fixture": True, "needs": False}
    assert c.get(f"{T}/balangan/fixture/notes", headers=who["officer"].headers).status_code == 200
    with k.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "balangan"))
        assert k.enabled_plugins(s, tenant) == frozenset({"fixture"})


# -- start-up refuses a broken plugin --------------------------------------------------------------


def _module(name: str, **hooks: Any) -> Any:
    import types

    module = types.ModuleType(name)
    for hook, func in hooks.items():
        setattr(module, hook, func)
    return module


def test_start_up_refuses_a_misspelled_hook(build_app: Callable[..., Any]) -> None:
    import pluggy

    from core.sdk import hookimpl

    @hookimpl
    def kesos_dialy(session: Any, tenant: Any, day: date) -> None:  # sic: check_pending() catches it
        pass

    with pytest.raises(pluggy.PluginValidationError, match="kesos_dialy"):
        build_app(extra_plugins=[("typo", _module("typo", kesos_dialy=kesos_dialy))])


def test_start_up_refuses_a_hook_with_unknown_arguments(build_app: Callable[..., Any]) -> None:
    import pluggy

    from core.sdk import hookimpl

    @hookimpl
    def kesos_daily(session: Any, tenant: Any, tanggal: date) -> None:
        pass

    with pytest.raises(pluggy.PluginValidationError, match="tanggal"):
        build_app(extra_plugins=[("salah", _module("salah", kesos_daily=kesos_daily))])


def test_start_up_refuses_conflicting_contributions(build_app: Callable[..., Any]) -> None:
    from core.plugins import PluginConflict
    from core.sdk import CaseType, Report, Stage, hookimpl

    stages = (Stage("a", "A"),)

    @hookimpl
    def kesos_register_case_types() -> list[Any]:
        return [CaseType(name="fixture_kasus", plugin="dup", label="Duplikat", stages=stages, order_parameter="x")]

    with pytest.raises(PluginConflict, match="fixture_kasus"):
        build_app(extra_plugins=[("dup", _module("dup", kesos_register_case_types=kesos_register_case_types))])

    @hookimpl
    def foreign() -> list[Any]:  # a case type claiming to belong to another plugin
        return [CaseType(name="asing_kasus", plugin="fixture", label="Asing", stages=stages, order_parameter="x")]

    with pytest.raises(PluginConflict, match="asing_kasus"):
        build_app(extra_plugins=[("asing", _module("asing", kesos_register_case_types=foreign))])

    @hookimpl
    def kesos_register_reports() -> list[Any]:
        return [Report(name="fixture.ringkasan", plugin="lap", title="Duplikat", build=lambda ctx: {})]

    with pytest.raises(PluginConflict, match="fixture.ringkasan"):
        build_app(extra_plugins=[("lap", _module("lap", kesos_register_reports=kesos_register_reports))])

    from core.tenancy.models import TenantPlugin

    @hookimpl
    def kesos_register_models() -> list[type]:
        return [TenantPlugin]

    # A plugin named "tenant" passes the prefix rule for "tenant_plugins": still the kernel's.
    with pytest.raises(PluginConflict, match="tenant_plugins"):
        build_app(extra_plugins=[("tenant", _module("tenant", kesos_register_models=kesos_register_models))])


def test_trace_hooks_logs_each_hook_call(build_app: Callable[..., Any], caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="core.plugins"):
        traced = build_app(trace_hooks=True)
        make = Factory(traced.extensions["kesos"])
        make.tenant("balangan", "63.11")
        make.enable("balangan")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "core.plugins")
    assert "kesos_startup" in logged and "kesos_plugin_toggled" in logged

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="core.plugins"):
        build_app(environ={"KESOS_TRACE_HOOKS": "1"})
    assert "kesos_startup" in "\n".join(r.getMessage() for r in caplog.records if r.name == "core.plugins")
