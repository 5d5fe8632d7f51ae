"""The plugin's API is documented with the kernel's and mounted under the tenant."""
from __future__ import annotations

from tests.plugins.rehabilitasi.helpers import T

PATHS = {
    "/api/v1/tenants/{tenant}/rehabilitasi/kasus": {"get", "post"},
    "/api/v1/tenants/{tenant}/rehabilitasi/kasus/{case_id}": {"get"},
    "/api/v1/tenants/{tenant}/rehabilitasi/kasus/{case_id}/kegiatan": {"get", "post"},
    "/api/v1/tenants/{tenant}/rehabilitasi/kasus/{case_id}/rencana": {"put"},
    "/api/v1/tenants/{tenant}/rehabilitasi/kasus/{case_id}/pemantauan": {"post"},
    "/api/v1/tenants/{tenant}/rehabilitasi/kasus/{case_id}/evaluasi": {"post"},
    "/api/v1/tenants/{tenant}/rehabilitasi/peringatan": {"get"},
}


def test_every_plugin_path_is_in_the_openapi_spec(client, app):
    spec = client.get("/api/openapi.json").get_json()
    for path, methods in PATHS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, set(spec["paths"][path]))
    assert app.config["KESOS_PLUGIN_BLUEPRINTS"]["rehabilitasi"] == "rehabilitasi"


def test_the_case_type_and_profiles_are_offered(client, world):
    b = world["balangan"]
    r = client.get(f"{T}/balangan/plugins", headers=b.admin.headers)
    (state,) = [p for p in r.get_json() if p["plugin"] == "rehabilitasi"]
    assert state["profile"]["id"] == "perbup-balangan-61-2017"
    assert {"pp-39-2012", "perbup-balangan-61-2017"} <= {p["id"] for p in state["available_profiles"]}
