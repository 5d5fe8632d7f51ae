"""What the base template needs on every console page: the user, the tenant, the tenants they
may switch to, the navigation menu and the language switch. Computed lazily, once per request,
so an error page or the login page costs no query it does not show."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.api.common import has_permission, kernel, session
from core.console.csrf import csrf_token
from core.console.i18n import LANGUAGES
from core.console.menu import ConsoleContribution
from core.staff.services import memberships_of
from core.tenancy.models import Tenant

CONSOLE_BLUEPRINTS = "KESOS_CONSOLE_BLUEPRINTS"
CONTRIBUTIONS = "KESOS_CONSOLE_CONTRIBUTIONS"


def is_console_request() -> bool:
    """A request for a console page (also one matching no route under /konsol)."""
    if request.blueprint in current_app.config.get(CONSOLE_BLUEPRINTS, ()):
        return True
    return request.path == "/konsol" or request.path.startswith("/konsol/")


def contributions() -> dict[str, ConsoleContribution]:
    return current_app.config.get(CONTRIBUTIONS, {})  # type: ignore[no-any-return]


def plugin_title(plugin: str) -> str:
    """The service's name as people know it: the plugin's own (kesos_register_console), else
    what its baseline profile's title names after the dash ("PP 39/2012 … — Jaminan Sosial")."""
    contribution = contributions().get(plugin)
    if contribution is not None:
        return _(contribution.title)
    profiles = kernel().profiles
    if plugin in profiles.sources:
        _law, dash, service = profiles.default_for(plugin).title.rpartition(" — ")
        if dash and service.strip():
            return service.strip()
    return plugin.capitalize()


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    children: tuple[MenuLink, ...] = ()

    @property
    def current(self) -> bool:
        return self.url == request.path


@dataclass(frozen=True)
class TenantChoice:
    slug: str
    nama: str
    roles: tuple[str, ...]


def tenant_choices(user: Any) -> list[TenantChoice]:
    """Tenants the user may switch to: those where they hold a role; a platform admin sees all
    (a tenant where they hold no role then refuses them, as the API does)."""
    s = session()
    memberships = memberships_of(s, user.id)
    stmt = select(Tenant).where(Tenant.aktif.is_(True)).order_by(Tenant.nama)
    if not user.is_platform_admin:
        stmt = stmt.where(Tenant.slug.in_(list(memberships)))
    return [TenantChoice(t.slug, t.nama, tuple(memberships.get(t.slug, ()))) for t in s.scalars(stmt)]


def admin_links(tenant: Tenant) -> list[MenuLink]:
    """The kernel's own pages (dashboard, staff, audit, days off, reports, imports), each shown to the
    roles its API permission admits."""
    pages = [
        (_("Dasbor"), "konsol.dasbor", "cases.read"),
        (_("Petugas"), "konsol.staf", "staff.read"),
        (_("Log audit"), "konsol.audit", "audit.read"),
        (_("Hari libur"), "konsol.libur", "calendar.read"),
        (_("Laporan"), "konsol.laporan", "reports.read"),
        (_("Impor data"), "konsol.impor", "imports.read"),
    ]
    return [MenuLink(label, url_for(endpoint, tenant=tenant.slug)) for label, endpoint, permission in pages if has_permission(permission)]


def navigation(tenant: Tenant) -> list[MenuLink]:
    """The tenant's menu: the kernel's pages the user's roles allow, then one group per ENABLED
    plugin (its rules page and the entries it contributes): a disabled plugin's group is gone."""
    links = [MenuLink(_("Beranda"), url_for("konsol.beranda", tenant=tenant.slug))]
    if has_permission("plugins.read"):
        links.append(MenuLink(_("Layanan"), url_for("konsol.layanan", tenant=tenant.slug)))
    if has_permission("cases.read"):
        links.append(MenuLink(_("Kasus"), url_for("konsol.kasus", tenant=tenant.slug)))
    if has_permission("persons.write"):
        links.append(MenuLink(_("Daftarkan penerima layanan"), url_for("konsol.orang_baru", tenant=tenant.slug)))
    links += admin_links(tenant)
    enabled = kernel().enabled_plugins(session(), tenant)
    for plugin in sorted(enabled, key=plugin_title):
        children = []
        if has_permission("plugins.read") and plugin in kernel().plugins.profile_sources:
            children.append(MenuLink(_("Perbedaan aturan"), url_for("konsol.aturan", tenant=tenant.slug, plugin=plugin)))
        contribution = contributions().get(plugin)
        for entry in contribution.menu if contribution else ():
            if entry.permission is None or has_permission(entry.permission):
                children.append(MenuLink(_(entry.label), url_for(entry.endpoint, tenant=tenant.slug)))
        if children:
            links.append(MenuLink(plugin_title(plugin), children[0].url, tuple(children)))
    return links


class ConsoleContext:
    """`konsol` in every console template."""

    languages = LANGUAGES

    @property
    def user(self) -> Any:
        return g.get("user")

    @property
    def tenant(self) -> Tenant | None:
        return g.get("tenant")

    @property
    def language(self) -> str:
        return str(get_locale() or "id")

    @property
    def csrf_token(self) -> str:
        return csrf_token()

    @cached_property
    def tenants(self) -> list[TenantChoice]:
        return tenant_choices(self.user) if self.user is not None else []

    @cached_property
    def menu(self) -> list[MenuLink]:
        tenant = self.tenant
        if tenant is None or self.user is None or not g.get("roles"):
            return []
        return navigation(tenant)

    def plugin_title(self, plugin: str) -> str:
        return plugin_title(plugin)


def context() -> dict[str, Any]:
    return {"konsol": ConsoleContext()} if is_console_request() else {}
