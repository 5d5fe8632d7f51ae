"""Tenants and the plugins they run: create, update, enable/disable, choose a profile, and
apply tenants/*.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import tenant_context
from core.errors import Conflict, InvalidInput, KesosError, NotFound
from core.kernel import Kernel
from core.regulations.profiles import RegulationProfile, diff
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant, TenantPlugin


def get_tenant(session: Session, slug: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise NotFound("tenant_tidak_ditemukan", f"Tenant '{slug}' tidak ditemukan.")
    return tenant


def create_tenant(session: Session, values: dict[str, Any]) -> Tenant:
    for key in ("slug", "kode_wilayah"):
        if session.scalar(select(Tenant.id).where(getattr(Tenant, key) == values[key])) is not None:
            raise Conflict("tenant_sudah_ada", f"Tenant dengan {key} '{values[key]}' sudah ada.")
    tenant = Tenant(**values)
    session.add(tenant)
    session.flush()
    with tenant_context(tenant.id, session):
        audit.record(session, "tenant.create", "tenant", tenant.id, values)
        session.flush()
    return tenant


def update_tenant(session: Session, tenant: Tenant, values: dict[str, Any]) -> Tenant:
    values = {k: v for k, v in values.items() if getattr(tenant, k) != v}
    if not values:
        return tenant  # nothing changes, nothing to audit
    before = {k: getattr(tenant, k) for k in values}
    for key, value in values.items():
        setattr(tenant, key, value)
    with tenant_context(tenant.id, session):
        audit.record(session, "tenant.update", "tenant", tenant.id, {"before": before, "after": values})
        session.flush()
    return tenant


@dataclass(frozen=True)
class PluginState:
    plugin: str
    enabled: bool
    profile: RegulationProfile
    available_profiles: list[RegulationProfile]


def plugin_states(session: Session, kernel: Kernel, tenant: Tenant) -> list[PluginState]:
    rows = {r.plugin: r for r in session.scalars(select(TenantPlugin))}
    states = []
    for name in kernel.plugins.installed:
        row = rows.get(name)
        states.append(
            PluginState(
                plugin=name,
                enabled=bool(row and row.enabled),
                profile=chosen_profile(kernel, tenant, row.profile_id if row else None, name),
                available_profiles=kernel.profiles.for_plugin(name, tenant.slug) if name in kernel.profiles.sources else [],
            )
        )
    return states


class ProfileUnavailable(KesosError):
    """The tenant chose a profile the catalog no longer has (e.g. a tenant-local file removed):
    judging new cases by another profile instead, silently, would apply the wrong law."""

    status = 409
    code = "profil_tidak_tersedia"


def chosen_profile(kernel: Kernel, tenant: Tenant, profile_id: str | None, plugin: str) -> RegulationProfile | None:
    """The tenant's profile for `plugin`: the one it chose, or the plugin's default when it
    chose none. None when the plugin has no profiles, or when the chosen one is gone."""
    if plugin not in kernel.profiles.sources:
        return None
    if profile_id:
        found = kernel.profiles.get(profile_id, tenant.slug, plugin)
        return found if found is not None and found.plugin == plugin else None
    return kernel.profiles.default_for(plugin)


def tenant_profile(session: Session, kernel: Kernel, tenant: Tenant, plugin: str) -> RegulationProfile:
    row = session.get(TenantPlugin, (tenant.id, plugin))
    profile = chosen_profile(kernel, tenant, row.profile_id if row else None, plugin)
    if profile is None and row is not None and row.profile_id and plugin in kernel.profiles.sources:
        raise ProfileUnavailable(
            message=(
                f"Profil regulasi '{row.profile_id}' yang dipilih untuk layanan {plugin} tidak lagi tersedia. "
                "Admin Dinas Sosial perlu memilih profil lain sebelum kasus baru dapat dibuka."
            )
        )
    return profile  # type: ignore[return-value]


def configure_plugin(
    session: Session,
    kernel: Kernel,
    tenant: Tenant,
    plugin: str,
    *,
    enabled: bool | None = None,
    profile_id: str | None = None,
) -> PluginState:
    """Enable/disable a plugin for a tenant and/or choose its regulation profile. Audited.
    Disabling keeps every row of the plugin's data; re-enabling brings it back unchanged."""
    if plugin not in kernel.plugins.installed:
        raise NotFound("plugin_tidak_ditemukan", f"Plugin '{plugin}' tidak terpasang di platform ini.")
    if profile_id is not None:
        profile = kernel.profiles.get(profile_id, tenant.slug, plugin)
        if profile is None or profile.plugin != plugin:
            raise InvalidInput({"profile_id": [f"Profil '{profile_id}' tidak tersedia untuk plugin {plugin}."]})
    row = session.get(TenantPlugin, (tenant.id, plugin))
    if row is None:
        row = TenantPlugin(tenant_id=tenant.id, plugin=plugin, enabled=False)
        session.add(row)
    before = {"enabled": bool(row.enabled), "profile_id": row.profile_id}
    toggled = enabled is not None and enabled != bool(row.enabled)
    if enabled is not None:
        if enabled and not row.enabled:
            row.enabled_on = local_today()
        row.enabled = enabled
    if profile_id is not None:
        row.profile_id = profile_id
    after = {"enabled": row.enabled, "profile_id": row.profile_id}
    if after != before:
        audit.record(session, "plugin.configure", "plugin", plugin, {"before": before, "after": after})
    if toggled:
        tenant.plugins_version = (tenant.plugins_version or 0) + 1
        session.flush()
        kernel.plugins.invalidate(tenant.id)
        kernel.plugins.hook_for_plugin(plugin, "kesos_plugin_toggled")(
            session=session, tenant=tenant, plugin=plugin, enabled=bool(row.enabled)
        )
    return PluginState(
        plugin=plugin,
        enabled=bool(row.enabled),
        profile=chosen_profile(kernel, tenant, row.profile_id, plugin),
        available_profiles=kernel.profiles.for_plugin(plugin, tenant.slug) if plugin in kernel.profiles.sources else [],
    )


def profile_view(kernel: Kernel, profile: RegulationProfile) -> dict[str, Any]:
    """A profile with what it changes against the profile it extends (rule by rule, each with
    its citation)."""
    parent = kernel.profiles.parent_of(profile)
    return {**profile.to_dict(), "changes": diff(profile, parent)}
