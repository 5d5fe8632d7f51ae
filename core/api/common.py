"""What every view needs: the kernel, the request's session, the current tenant and user,
permission checks, pagination and ETags. Views stay thin: parse, call a service, return."""
from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.errors import Forbidden, InvalidInput, PreconditionFailed, PreconditionRequired, Unauthorized
from core.kernel import Kernel
from core.staff.models import User
from core.tenancy.models import Tenant

F = TypeVar("F", bound=Callable[..., Any])

TENANT_PREFIX = "/api/v1/tenants/<tenant>"
# The highest page a list serves (documented in the spec: core/api/openapi.py). 1,000,000 pages
# of 100 are far beyond any kabupaten's registry.
MAX_PAGE = 1_000_000


def kernel() -> Kernel:
    return current_app.extensions["kesos"]  # type: ignore[no-any-return]


def session() -> Session:
    return kernel().db.session()


def current_tenant() -> Tenant:
    return g.tenant  # type: ignore[no-any-return]


def current_user() -> User:
    user = g.get("user")
    if user is None:
        raise Unauthorized()
    return user  # type: ignore[no-any-return]


def current_roles() -> frozenset[str]:
    return g.get("roles", frozenset())  # type: ignore[no-any-return]


def has_permission(permission: str) -> bool:
    granted = kernel().plugins.permissions.get(permission, frozenset())
    return bool(granted & current_roles())


def require(permission: str) -> Callable[[F], F]:
    """Refuse a view unless the user holds a role in the current tenant granting `permission`
    (the permission map comes from the kernel and the plugins through the permissions hook)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            current_user()
            if not has_permission(permission):
                raise Forbidden(message=f"Peran Anda di kabupaten/kota ini tidak mencakup izin '{permission}'.")
            return view(*args, **kwargs)

        wrapper.__kesos_permission__ = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def require_platform_admin(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user().is_platform_admin:
            raise Forbidden(message="Hanya admin platform yang boleh melakukan ini.")
        return view(*args, **kwargs)

    wrapper.__kesos_permission__ = "platform_admin"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def login_required(view: F) -> F:
    """Refuse an anonymous caller (401) before anything else — put it above `@blp.arguments`,
    so that a stranger learns nothing of the form from its field errors."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_user()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def public(view: F) -> F:
    """Serve a tenant route without a login (e.g. the public LKS register): the tenant is still
    resolved and scoped, and a disabled plugin's public routes still answer 404. A public view
    must show only what the law makes public — never personal data."""
    view.__kesos_public__ = True  # type: ignore[attr-defined]
    view.__kesos_permission__ = "public"  # type: ignore[attr-defined]
    return view


def is_public(view: Any) -> bool:
    return bool(getattr(view, "__kesos_public__", False))


def accepts_upload(files: int = 1) -> Callable[[F], F]:
    """Raise the request's size limit for a multipart upload of up to `files` documents of at
    most `KESOS_UPLOAD_MAX_MB` each (JSON bodies keep the small default limit). Put it above
    `@blp.arguments`, which reads the body."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request.max_content_length = upload_limit(files)
            return view(*args, **kwargs)

        # read by core/api/input_guard.py, which checks the form's text before the view runs
        wrapper.__kesos_upload_files__ = files  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def upload_limit(files: int) -> int:
    # 64 KiB for the form fields and multipart boundaries around the files.
    return kernel().settings.upload_max_bytes * files + 64 * 1024


def tenant_blueprint(name: str, import_name: str, path: str, description: str) -> Blueprint:
    """A blueprint for a tenant resource, mounted at /api/v1/tenants/<tenant>/<path>."""
    return Blueprint(name, import_name, url_prefix=f"{TENANT_PREFIX}/{path}", description=description)


def paginate(stmt: Select[Any], pagination_parameters: Any, *, rows: bool = False) -> list[Any]:
    """One COUNT and one page query; sets the item count for flask-smorest's X-Pagination.
    `rows=True` returns whole rows (a select of several entities or columns), not scalars."""
    if pagination_parameters.page > MAX_PAGE:
        # an OFFSET past what the database can count is a 500 there (SQLite: integer overflow)
        raise InvalidInput({"page": [f"Nomor halaman paling besar {MAX_PAGE}."]})
    s = session()
    total = s.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pagination_parameters.item_count = total
    page_stmt = stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    return list(s.execute(page_stmt).all()) if rows else list(s.scalars(page_stmt))


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(current: int | None = None) -> int:
    """The version the client last saw, from If-Match. Missing → 428; unreadable → 412;
    `*` matches whatever version is current (RFC 9110 §13.1.1), given as `current`."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    value = header.strip()
    if value == "*" and current is not None:
        return current
    if value.startswith("W/"):
        value = value[2:]
    try:
        return int(value.strip('"'))
    except ValueError as exc:
        raise PreconditionFailed() from exc


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "kode kesalahan yang stabil"})
    message = fields.String(required=True, metadata={"description": "pesan dalam Bahasa Indonesia"})
    citation = fields.String(metadata={"description": "pasal yang menolak tindakan ini"})
    citation_detail = fields.Dict()
    errors = fields.Dict(metadata={"description": "kesalahan per kolom"})
    warnings = fields.List(fields.String())
