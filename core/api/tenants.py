"""Platform resource: the tenants (platform_admin)."""
from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select

from core.api.common import paginate, require_platform_admin, session
from core.tenancy.models import Tenant
from core.tenancy.schemas import TenantSchema, TenantUpdateSchema
from core.tenancy.services import create_tenant, get_tenant, update_tenant

blp = Blueprint("tenants", __name__, url_prefix="/api/v1/tenants", description="Kabupaten/kota (admin platform)")
BLUEPRINTS = [blp]




@blp.get("")
@require_platform_admin
@blp.response(200, TenantSchema(many=True))
@blp.paginate()
def list_tenants(pagination_parameters: Any) -> Any:
    """Daftar kabupaten/kota di platform."""
    return paginate(select(Tenant).order_by(Tenant.slug), pagination_parameters)


@blp.post("")
@require_platform_admin
@blp.arguments(TenantSchema)
@blp.response(201, TenantSchema)
def add_tenant(body: dict[str, Any]) -> Any:
    """Daftarkan kabupaten/kota baru."""
    return create_tenant(session(), body)


@blp.get("/<slug>")
@require_platform_admin
@blp.response(200, TenantSchema)
def show_tenant(slug: str) -> Any:
    return get_tenant(session(), slug)


@blp.patch("/<slug>")
@require_platform_admin
@blp.arguments(TenantUpdateSchema)
@blp.response(200, TenantSchema)
def patch_tenant(body: dict[str, Any], slug: str) -> Any:
    """Ubah data kabupaten/kota (nonaktifkan, bukan hapus: data tidak pernah hilang)."""
    return update_tenant(session(), get_tenant(session(), slug), body)
