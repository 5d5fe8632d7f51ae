"""The tenant's services (plugins): on/off and the regulation profile of each, and what the
chosen variant changes against the profile it extends. The same service functions and the same
permissions as /api/v1/tenants/<t>/plugins (core/api/plugins.py)."""
from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, url_for

from core.api.common import current_tenant, has_permission, kernel, require, session
from core.console.blueprint import bp
from core.console.forms import Form, submit
from core.errors import NotFound
from core.tenancy.schemas import PluginConfigureSchema
from core.tenancy.services import configure_plugin, plugin_states, profile_view, tenant_profile


def _page(failed: Form | None = None, failed_plugin: str | None = None) -> str:
    tenant = current_tenant()
    states = plugin_states(session(), kernel(), tenant)
    forms = {s.plugin: Form(PluginConfigureSchema()) for s in states}
    profile_forms = {s.plugin: Form(PluginConfigureSchema()) for s in states}
    if failed is not None and failed_plugin is not None:
        target = profile_forms if "profile_id" in failed.values else forms
        target[failed_plugin] = failed
    return render_template(
        "konsol/layanan.html", tenant=tenant, states=states, forms=forms, profile_forms=profile_forms,
        can_manage=has_permission("plugins.manage"),
    )


@bp.get("/<tenant>/layanan")
@require("plugins.read")
def layanan() -> Response:
    return make_response(_page())


@bp.post("/<tenant>/layanan/<plugin>")
@require("plugins.manage")
def atur_layanan(plugin: str) -> Response:
    tenant = current_tenant()
    if plugin not in kernel().plugins.installed:
        raise NotFound("plugin_tidak_ditemukan", f"Plugin '{plugin}' tidak terpasang di platform ini.")

    def action(data: dict[str, Any]) -> str:
        configure_plugin(
            session(), kernel(), tenant, plugin, enabled=data.get("enabled"), profile_id=data.get("profile_id")
        )
        return url_for("konsol.layanan", tenant=tenant.slug) + f"#layanan-{plugin}"

    return submit(Form.from_request(PluginConfigureSchema()), action, lambda form: _page(form, plugin))


@bp.get("/<tenant>/layanan/<plugin>/aturan")
@require("plugins.read")
def aturan(plugin: str) -> Response:
    if plugin not in kernel().plugins.profile_sources:
        raise NotFound("plugin_tidak_ditemukan", f"Plugin '{plugin}' tidak memiliki profil regulasi.")
    profile = tenant_profile(session(), kernel(), current_tenant(), plugin)
    view = profile_view(kernel(), profile)
    parent = kernel().profiles.parent_of(profile)
    return make_response(render_template(
        "konsol/aturan.html", tenant=current_tenant(), plugin=plugin, profile=view, parent=parent,
    ))
