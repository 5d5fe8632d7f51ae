"""A tenant's home page: cards leading to what the user's roles let them use."""
from __future__ import annotations

from flask import Response, make_response, render_template

from core.api.common import current_tenant, has_permission, kernel, require, session
from core.console.blueprint import bp
from core.console.layout import admin_links


@bp.get("/<tenant>/")
@require("tenant.read")
def beranda() -> Response:
    tenant = current_tenant()
    enabled = sorted(kernel().enabled_plugins(session(), tenant))
    return make_response(render_template(
        "konsol/beranda.html", tenant=tenant, enabled=enabled,
        can_read_plugins=has_permission("plugins.read"), can_manage_plugins=has_permission("plugins.manage"),
        with_profiles=set(kernel().plugins.profile_sources), pages=admin_links(tenant),
    ))
