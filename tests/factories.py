"""Factories for tests: tenants, users with roles, people, enabled plugins — written through the
kernel's own services (so they are audited and validated like real data)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.db import tenant_context
from core.registry.services import create_person
from core.staff.services import create_user, login, set_roles
from core.tenancy.models import Tenant
from core.tenancy.services import configure_plugin, create_tenant

PASSWORD = "uji-kata-sandi-2026"
_serial = itertools.count(1)


@dataclass
class Actor:
    username: str
    user_id: Any
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def nik_for(kode_wilayah: str, born: date, sex: str, serial: int | None = None) -> str:
    """A structurally valid NIK for a person registered in `kode_wilayah` (kabupaten)."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{kode_wilayah.replace('.', '')[:4]}01{day:02d}{born.month:02d}{born.year % 100:02d}{serial or next(_serial):04d}"


class Factory:
    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel

    def tenant(self, slug: str = "balangan", kode_wilayah: str = "63.11", nama: str | None = None, **extra: Any) -> Tenant:
        with self.kernel.db.unit_of_work() as s:
            existing = s.scalar(select(Tenant).where(Tenant.slug == slug))
            if existing is not None:
                return existing
            return create_tenant(
                s, dict(slug=slug, kode_wilayah=kode_wilayah, nama=nama or f"Kabupaten {slug.title()}", provinsi="Kalimantan Selatan", **extra)
            )

    def user(self, username: str, roles: dict[str, list[str]] | None = None, platform_admin: bool = False) -> Actor:
        with self.kernel.db.unit_of_work() as s:
            user = create_user(s, username=username, nama=username.title(), password=PASSWORD, is_platform_admin=platform_admin)
            for slug, role_list in (roles or {}).items():
                tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
                with tenant_context(tenant.id, s):
                    set_roles(s, tenant, user, role_list)
            issued = login(s, username, PASSWORD, 1)
            return Actor(username, user.id, issued.token)

    def enable(self, slug: str, plugin: str = "fixture", profile_id: str | None = None, enabled: bool = True) -> None:
        with self.kernel.db.unit_of_work() as s:
            tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
            with tenant_context(tenant.id, s):
                configure_plugin(s, self.kernel, tenant, plugin, enabled=enabled, profile_id=profile_id)

    def person(self, slug: str, nama: str = "Siti Aminah", born: date = date(1987, 9, 5), sex: str = "P") -> Any:
        with self.kernel.db.unit_of_work() as s:
            tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
            with tenant_context(tenant.id, s):
                person, _ = create_person(
                    s, dict(nik=nik_for(tenant.kode_wilayah, born, sex), nama=nama, tanggal_lahir=born, jenis_kelamin=sex, kode_wilayah=tenant.kode_wilayah)
                )
                return person
