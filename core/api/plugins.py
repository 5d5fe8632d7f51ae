"""Per tenant: which plugins it runs and under which regulation profile."""
from __future__ import annotations

from typing import Any

from core.api.common import current_tenant, kernel, require, session, tenant_blueprint
from core.errors import NotFound
from core.tenancy.schemas import PluginConfigureSchema, PluginStateSchema, ProfileDetailSchema
from core.tenancy.services import configure_plugin, plugin_states, profile_view, tenant_profile

blp = tenant_blueprint("plugins", __name__, "plugins", "Layanan (plugin) dan profil regulasinya per kabupaten/kota")
BLUEPRINTS = [blp]


@blp.get("")
@require("plugins.read")
@blp.response(200, PluginStateSchema(many=True))
def list_plugins() -> Any:
    """Plugin yang terpasang, apakah aktif di sini, dan profil regulasi yang dipakai."""
    return plugin_states(session(), kernel(), current_tenant())


@blp.put("/<name>")
@require("plugins.manage")
@blp.arguments(PluginConfigureSchema)
@blp.response(200, PluginStateSchema)
def configure(body: dict[str, Any], name: str) -> Any:
    """Aktifkan/nonaktifkan plugin dan/atau pilih profil regulasinya. Menonaktifkan tidak
    menghapus data; mengaktifkan kembali memunculkannya seperti semula."""
    return configure_plugin(
        session(), kernel(), current_tenant(), name, enabled=body.get("enabled"), profile_id=body.get("profile_id")
    )


@blp.get("/<name>/profile")
@require("plugins.read")
@blp.response(200, ProfileDetailSchema)
def show_profile(name: str) -> Any:
    """Profil regulasi yang dipakai plugin ini, setiap parameter dengan pasalnya, dan apa yang
    diubah varian ini terhadap profil induknya."""
    if name not in kernel().plugins.profile_sources:
        raise NotFound("plugin_tidak_ditemukan", f"Plugin '{name}' tidak memiliki profil regulasi.")
    return profile_view(kernel(), tenant_profile(session(), kernel(), current_tenant(), name))


@blp.get("/<name>/profiles/<profile_id>")
@require("plugins.read")
@blp.response(200, ProfileDetailSchema)
def show_any_profile(name: str, profile_id: str) -> Any:
    """Profil regulasi tertentu yang tersedia bagi kabupaten/kota ini, dengan perubahannya."""
    profile = kernel().profiles.get(profile_id, current_tenant().slug, name)
    if profile is None or profile.plugin != name:
        raise NotFound("profil_tidak_ditemukan", f"Profil '{profile_id}' tidak ditemukan untuk plugin {name}.")
    return profile_view(kernel(), profile)
