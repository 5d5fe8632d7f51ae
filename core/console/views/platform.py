"""The platform admin's page: every tenant (as GET /api/v1/tenants, platform_admin only), the
plugins each has enabled, and the platform's readiness — the very checks of /readyz."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Response, make_response, render_template
from sqlalchemy import select

from core.api.common import kernel, require_platform_admin, session
from core.api.health import readyz
from core.console.blueprint import bp
from core.db import tenant_context
from core.tenancy.models import Tenant


@dataclass(frozen=True)
class TenantRow:
    tenant: Tenant
    plugins: tuple[str, ...]


def readiness() -> tuple[bool, dict[str, str]]:
    """/readyz's own answer (database, and Redis when configured), not a second copy of it."""
    response, status = readyz()
    return status == 200, dict(response.get_json()["checks"])


@bp.get("/platform")
@require_platform_admin
def platform() -> Response:
    s = session()
    rows = []
    for tenant in s.scalars(select(Tenant).order_by(Tenant.slug)):
        # Each tenant's enablement is its own (tenant-scoped, RLS): read as that tenant.
        with tenant_context(tenant.id, s):
            rows.append(TenantRow(tenant, tuple(sorted(kernel().enabled_plugins(s, tenant)))))
    ready, checks = readiness()
    return make_response(render_template(
        "konsol/platform/platform.html", rows=rows, ready=ready, checks=checks,
        installed=sorted(kernel().plugins.installed), bare=False,
    ))
