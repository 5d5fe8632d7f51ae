"""How much the per-tenant hook relay cache saves per request.

Compares, in one run, dispatching `kesos_case_summary` for a tenant:
  cached   — through the tenant's cached relay (what a request does);
  rebuilt  — building the subset_hook_caller anew each time (what "rebuild per request" costs);
  discover — discovering and registering the plugins each time (what "discover per request" costs).
Twenty synthetic plugins are registered, half of them disabled for the tenant.

Run: .venv/bin/python bench/hook_dispatch.py
"""
from __future__ import annotations

import sys
import time
import types
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.plugins import PluginRegistry  # noqa: E402
from core.sdk import hookimpl  # noqa: E402

N_PLUGINS = 20


def _plugin(i: int) -> types.ModuleType:
    # pluggy needs hashable plugin objects: a module, as a real plugin is.
    module = types.ModuleType(f"bench_plugin_{i}")

    @hookimpl
    def kesos_case_summary(case: object) -> str | None:
        return None if i else "ringkasan"

    module.kesos_case_summary = kesos_case_summary  # type: ignore[attr-defined]
    return module


def main() -> None:
    plugins = [(f"p{i:02d}", _plugin(i)) for i in range(N_PLUGINS)]
    registry = PluginRegistry.discover(extra_plugins=plugins)
    tenant = uuid.uuid4()
    enabled = [name for name, _ in plugins[::2]]
    disabled = [registry.pm.get_plugin(n) for n in registry.installed if n not in enabled]

    def cached() -> None:
        registry.for_tenant(tenant, 1, lambda: enabled).kesos_case_summary(case=None)

    def rebuilt() -> None:
        registry.pm.subset_hook_caller("kesos_case_summary", remove_plugins=disabled)(case=None)

    def discover() -> None:
        PluginRegistry.discover(extra_plugins=plugins)

    results = {}
    for name, fn, n in (("cached", cached, 20000), ("rebuilt", rebuilt, 2000), ("discover", discover, 50)):
        fn()
        start = time.perf_counter()
        for _ in range(n):
            fn()
        results[name] = (time.perf_counter() - start) / n * 1e6
    base = results["cached"]
    print(f"{N_PLUGINS} plugins, {len(enabled)} enabled for the tenant")
    for name, us in results.items():
        print(f"{name:<9} {us:10.1f} µs/request   ×{us / base:8.1f} vs cached")
    print(f"relays built: {registry.builds}")


if __name__ == "__main__":
    main()
