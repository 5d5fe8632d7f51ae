"""The running kernel: settings, database, plugins, profiles — built once per process."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from core.config import Settings
from core.db import Database
from core.plugins import PluginRegistry, TenantHooks
from core.regulations.profiles import ProfileCatalog
from core.storage import DocumentStorage, build_storage
from core.tenancy.models import Tenant, TenantPlugin


@dataclass
class Kernel:
    settings: Settings
    db: Database
    plugins: PluginRegistry
    profiles: ProfileCatalog
    app: Any = None
    _storage: Any = None

    @property
    def storage(self) -> DocumentStorage:
        """The document store of this deployment (built on first use, once per process)."""
        if self._storage is None:
            self._storage = build_storage(self.settings)
        return self._storage  # type: ignore[no-any-return]

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
        return self.plugins.for_tenant(
            tenant.id, tenant.plugins_version, self._enabled_loader(session, tenant), cache=not _toggling(session, tenant)
        )

    def enabled_plugins(self, session: Session, tenant: Tenant) -> frozenset[str]:
        return self.plugins.enabled_for(
            tenant.id, tenant.plugins_version, self._enabled_loader(session, tenant), cache=not _toggling(session, tenant)
        )


# A relay built from a toggle that is not committed yet must not be cached: if the transaction
# rolls back, another process may later commit a different toggle reaching the same
# plugins_version, and this process would keep serving the state that never was.
_TOGGLED = "kesos_toggled_tenants"


@event.listens_for(Tenant.plugins_version, "set")
def _mark_toggle(target: Tenant, value: Any, oldvalue: Any, initiator: Any) -> None:
    session = object_session(target)
    if session is not None and target.id is not None:
        session.info.setdefault(_TOGGLED, set()).add(target.id)


@event.listens_for(Session, "after_transaction_end")
def _toggles_settled(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_TOGGLED, None)


def _toggling(session: Session, tenant: Tenant) -> bool:
    owner = object_session(tenant)
    return any(tenant.id in s.info.get(_TOGGLED, ()) for s in (session, owner) if s is not None)


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
