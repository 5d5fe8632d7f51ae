"""The running kernel: settings, database, plugins, profiles — built once per process."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Settings
from core.db import Database
from core.plugins import PluginRegistry, TenantHooks
from core.regulations.profiles import ProfileCatalog
from core.tenancy.models import Tenant, TenantPlugin


@dataclass
class Kernel:
    settings: Settings
    db: Database
    plugins: PluginRegistry
    profiles: ProfileCatalog
    app: Any = None

    def _enabled_loader(self, session: Session, tenant: Tenant):  # type: ignore[no-untyped-def]
        def load() -> list[str]:
            return list(
                session.scalars(
                    select(TenantPlugin.plugin).where(
                        TenantPlugin.tenant_id == tenant.id, TenantPlugin.enabled.is_(True)
                    )
                )
            )

        return load

    def hooks(self, session: Session, tenant: Tenant) -> TenantHooks:
        """The tenant's hook relay (only its enabled plugins), cached per `plugins_version`."""
        return self.plugins.for_tenant(tenant.id, tenant.plugins_version, self._enabled_loader(session, tenant))

    def enabled_plugins(self, session: Session, tenant: Tenant) -> frozenset[str]:
        return self.plugins.enabled_for(tenant.id, tenant.plugins_version, self._enabled_loader(session, tenant))


_process_kernel: Kernel | None = None


def set_process_kernel(kernel: Kernel) -> None:
    global _process_kernel
    _process_kernel = kernel


def get_kernel() -> Kernel:
    """The kernel of this process: the Flask app's inside a request, else the last one built;
    an RQ worker builds its own on first use."""
    try:
        from flask import current_app

        return current_app.extensions["kesos"]  # type: ignore[no-any-return]
    except (RuntimeError, KeyError):
        pass
    if _process_kernel is None:
        from core.app import create_app

        create_app()
    assert _process_kernel is not None
    return _process_kernel
