"""Plugin discovery, per-tenant hook callers, and what plugins contribute at start-up.

Installed is not enabled: every installed plugin is registered once per process (entry-point
group `kesos.plugins`); each tenant enables the ones it runs. Hooks for a tenant are dispatched
through `PluginManager.subset_hook_caller` with the tenant's disabled plugins removed, cached per
tenant and rebuilt only when the tenant's `plugins_version` changes (a toggle bumps it, in any
process), never per request.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from core import hookspecs
from core.cases.workflow import CaseType
from core.regulations.profiles import ProfileSource
from core.reports import Report

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "kesos.plugins"
KERNEL_PLUGIN = "kesos.core"


class PluginConflict(RuntimeError):
    """Two plugins claim the same thing (a table, a case type, a report), or a plugin claims
    the kernel's: start-up stops."""


def _kernel_tables() -> frozenset[str]:
    """Tables of the kernel's own models (defined under `core`), whatever plugins are loaded:
    Base.metadata holds plugin tables too once their models are imported."""
    import core.models  # noqa: F401  (every kernel model mapped)
    from core.db import Base

    return frozenset(
        m.local_table.name for m in Base.registry.mappers if m.class_.__module__.split(".", 1)[0] == "core"
    )


class TenantHooks:
    """The hook relay for one tenant: only the tenant's enabled plugins (and the kernel)."""

    def __init__(self, pm: pluggy.PluginManager, disabled: frozenset[str]) -> None:
        self._pm = pm
        self._remove = [p for p in (pm.get_plugin(n) for n in disabled) if p is not None]
        self._callers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("kesos_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            with self._lock:
                caller = self._callers.get(name)
                if caller is None:
                    caller = self._pm.subset_hook_caller(name, remove_plugins=self._remove)
                    self._callers[name] = caller
        return caller


@dataclass
class _TenantEntry:
    version: int
    enabled: frozenset[str]
    hooks: TenantHooks


@dataclass
class PluginRegistry:
    pm: pluggy.PluginManager
    installed: tuple[str, ...]
    case_types: dict[str, CaseType] = field(default_factory=dict)
    blueprints: dict[str, list[Any]] = field(default_factory=dict)
    profile_sources: dict[str, ProfileSource] = field(default_factory=dict)
    migration_dirs: dict[str, Path] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    permissions: dict[str, frozenset[str]] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    importers: dict[str, Any] = field(default_factory=dict)
    console: dict[str, Any] = field(default_factory=dict)  # plugin → ConsoleContribution
    _tenants: dict[uuid.UUID, _TenantEntry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _single: dict[tuple[str, str], Any] = field(default_factory=dict)
    builds: int = 0  # how many tenant hook relays were built (observable in tests and benches)

    # -- construction (once per process) -------------------------------------------------------

    @classmethod
    def discover(
        cls,
        blocked: Iterable[str] = (),
        extra_plugins: Iterable[tuple[str, object]] = (),
        trace: bool = False,
    ) -> PluginRegistry:
        """Register the kernel's internal plugin and every installed plugin, then collect what
        they contribute. `extra_plugins` registers (name, module) pairs directly (tests)."""
        from core import defaults

        pm = pluggy.PluginManager("kesos")
        pm.add_hookspecs(hookspecs)
        pm.register(defaults, name=KERNEL_PLUGIN)
        for name in blocked:
            pm.set_blocked(name)
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for name, module in extra_plugins:
            if not pm.is_blocked(name) and pm.get_plugin(name) is None:
                pm.register(module, name=name)
        pm.check_pending()
        if trace:
            pm.trace.root.setwriter(log.info)
            pm.enable_tracing()
        installed = tuple(sorted(n for n, p in pm.list_name_plugin() if p is not None and n != KERNEL_PLUGIN))
        registry = cls(pm=pm, installed=installed)
        registry._collect()
        return registry

    def _per_plugin(self, hook: str, **kwargs: Any) -> dict[str, Any]:
        """Call a start-up hook on each plugin separately, so every contribution is attributed
        to the plugin that made it. Start-up only."""
        results: dict[str, Any] = {}
        names = [*self.installed, KERNEL_PLUGIN]
        for name in names:
            plugin = self.pm.get_plugin(name)
            others = [self.pm.get_plugin(n) for n in names if n != name]
            caller = self.pm.subset_hook_caller(hook, remove_plugins=[o for o in others if o is not None])
            out = [r for r in caller(**kwargs) if r is not None]
            if out and plugin is not None:
                results[name] = out[0] if len(out) == 1 else out
        return results

    def _collect(self) -> None:
        for plugin, types in self._per_plugin("kesos_register_case_types").items():
            for ct in types:
                if ct.name in self.case_types:
                    raise PluginConflict(f"jenis kasus '{ct.name}' didaftarkan oleh dua plugin")
                if ct.plugin != plugin:
                    raise PluginConflict(f"jenis kasus '{ct.name}' menyebut plugin '{ct.plugin}', padahal didaftarkan oleh '{plugin}'")
                self.case_types[ct.name] = ct
        self.blueprints = {p: list(b) for p, b in self._per_plugin("kesos_register_blueprints").items()}
        self.profile_sources = dict(self._per_plugin("kesos_register_profiles"))
        self.console = {p: c for p, c in self._per_plugin("kesos_register_console").items() if p != KERNEL_PLUGIN}
        self.migration_dirs = {p: Path(d) for p, d in self._per_plugin("kesos_register_migrations").items()}
        kernel_tables = _kernel_tables()
        for plugin, models in self._per_plugin("kesos_register_models").items():
            for model in models:
                table = model.__table__.name
                if table in kernel_tables:
                    raise PluginConflict(f"plugin {plugin} mengklaim tabel inti '{table}'")
                if table in self.tables and self.tables[table] != plugin:
                    raise PluginConflict(
                        f"tabel '{table}' diklaim oleh dua plugin: {self.tables[table]} dan {plugin}"
                    )
                if not table.startswith(f"{plugin}_"):
                    raise PluginConflict(f"tabel '{table}' milik plugin {plugin} harus berawalan '{plugin}_'")
                self.tables[table] = plugin
        perms: dict[str, set[str]] = {}
        for mapping in self._per_plugin("kesos_register_permissions").values():
            for perm, roles in mapping.items():
                perms.setdefault(perm, set()).update(roles)
        self.permissions = {k: frozenset(v) for k, v in perms.items()}
        for plugin, reports in self._per_plugin("kesos_register_reports").items():
            for report in reports:
                if report.name in self.reports:
                    raise PluginConflict(f"laporan '{report.name}' didaftarkan dua kali")
                self.reports[report.name] = report
        for plugin, importers in self._per_plugin("kesos_register_importers").items():
            for importer in importers:
                if importer.name in self.importers:
                    raise PluginConflict(f"impor '{importer.name}' didaftarkan dua kali")
                if importer.plugin != (None if plugin == KERNEL_PLUGIN else plugin):
                    raise PluginConflict(f"impor '{importer.name}' menyebut plugin '{importer.plugin}', padahal didaftarkan oleh '{plugin}'")
                self.importers[importer.name] = importer

    # -- per tenant ------------------------------------------------------------------------------

    def for_tenant(self, tenant_id: uuid.UUID, version: int, load_enabled: Any, *, cache: bool = True) -> TenantHooks:
        """The tenant's hook relay. `load_enabled()` (a database read of the tenant's enabled
        plugins) is called only when the cache is empty or stale for `version`. `cache=False`
        (a toggle not yet committed) builds a relay from `load_enabled()` and keeps it out of
        the cache."""
        return self._entry(tenant_id, version, load_enabled, cache).hooks

    def enabled_for(self, tenant_id: uuid.UUID, version: int, load_enabled: Any, *, cache: bool = True) -> frozenset[str]:
        return self._entry(tenant_id, version, load_enabled, cache).enabled

    def _entry(self, tenant_id: uuid.UUID, version: int, load_enabled: Any, cache: bool = True) -> _TenantEntry:
        entry = self._tenants.get(tenant_id)
        if cache and entry is not None and entry.version == version:
            return entry
        enabled = frozenset(n for n in load_enabled() if n in self.installed)
        disabled = frozenset(self.installed) - enabled
        entry = _TenantEntry(version, enabled, TenantHooks(self.pm, disabled))
        with self._lock:
            self.builds += 1
            if cache:
                self._tenants[tenant_id] = entry
        return entry

    def invalidate(self, tenant_id: uuid.UUID) -> None:
        with self._lock:
            self._tenants.pop(tenant_id, None)

    def hook_for_plugin(self, plugin: str, hook: str) -> Any:
        """A caller for one plugin only (e.g. `kesos_plugin_toggled`, the daily tick), built
        once and cached."""
        key = (plugin, hook)
        caller = self._single.get(key)
        if caller is None:
            others = [self.pm.get_plugin(n) for n in self.installed if n != plugin]
            caller = self.pm.subset_hook_caller(hook, remove_plugins=[o for o in others if o is not None])
            self._single[key] = caller
        return caller

    def case_type(self, name: str) -> CaseType | None:
        return self.case_types.get(name)
