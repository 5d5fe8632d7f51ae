"""The error responses of every operation, documented in one place.

Views document their success response; the errors a request can meet are the same everywhere
and follow from what the view is (core/app.py's request cycle and error handlers), so they are
added here to each operation of the spec instead of being repeated on every view:

- 401 everywhere: a malformed, unknown or expired `Authorization` header is refused on any route;
- 403 on a tenant's non-public routes (no role there) and on views guarded by a permission;
- 404 on every path with parameters (unknown id, another tenant's id, a disabled plugin);
- 409 and 422 on writes (conflicting data, a rule of the law), 422 with query parameters too
  (also for a NUL character or a too deeply nested body: core/api/input_guard.py);
- 413 on operations with a body (over `MAX_CONTENT_LENGTH` or the upload limit), 415 on those
  whose body is JSON (sent as another type);
- 412 and 428 on views that read `If-Match`, which is documented as a required header.

Every error has the body `{"code", "message", ...}` of core.api.common.ErrorSchema, so generated
clients and the schemathesis run (tests/fuzz) hold the API to it.
"""
from __future__ import annotations

import inspect
from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api
from werkzeug.routing import UUIDConverter

from core.api.common import MAX_PAGE, ErrorSchema, is_public

WRITES = frozenset({"post", "put", "patch", "delete"})

ERRORS: dict[int, str] = {
    401: "Belum masuk, atau token tidak sah / kedaluwarsa",
    403: "Peran Anda tidak mencakup tindakan ini",
    404: "Tidak ditemukan (termasuk data milik kabupaten/kota lain dan layanan yang tidak aktif)",
    409: "Bertentangan dengan data yang sudah ada",
    412: "Versi data usang (If-Match tidak cocok dengan ETag terkini)",
    413: "Badan permintaan atau berkas melebihi batas ukuran",
    415: "Badan permintaan bukan JSON (Content-Type: application/json)",
    422: "Data tidak valid, atau ditolak aturan (dengan pasalnya pada `citation`)",
    428: "Header If-Match wajib dikirim",
}

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": 'ETag versi data yang terakhir Anda lihat (mis. "3"), atau * untuk versi mana pun',
    "schema": {"type": "string"},
}


def response_name(status: int) -> str:
    return f"Galat{status}"


def reads_if_match(view: Any) -> bool:
    """Whether the view calls `expected_version()` (core.api.common), i.e. refuses a write
    without a current If-Match. Read from the view's own code so no view has to repeat it."""
    code = getattr(inspect.unwrap(view), "__code__", None)
    return code is not None and "expected_version" in code.co_names


def error_statuses(method: str, path: str, operation: dict[str, Any], view: Any) -> set[int]:
    statuses = {401}
    public = is_public(view)
    if not public and ("{tenant}" in path or getattr(view, "__kesos_permission__", None)):
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    if method in WRITES:
        statuses |= {409, 422}
    if "requestBody" in operation:
        statuses |= {413, 422}
        if "application/json" in operation["requestBody"].get("content", {}):
            statuses.add(415)  # a body of another type (core/api/input_guard.py)
    if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
        statuses.add(422)
    if view is not None and reads_if_match(view):
        statuses |= {412, 428}
    return statuses


class ErrorResponses(BasePlugin):
    """apispec plugin: adds the error responses (and the If-Match header) to each operation."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def init_spec(self, spec: Any) -> None:
        for status, description in ERRORS.items():
            spec.components.response(
                response_name(status), {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}
            )

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        for method, operation in (operations or {}).items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(method, path or "", operation, view)):
                existing = responses.get(status, responses.get(str(status)))  # flask-smorest keys by int
                if existing is None:
                    responses[str(status)] = response_name(status)
                elif isinstance(existing, dict) and "content" not in existing:
                    # a view's own description (e.g. "NIK sudah terdaftar") keeps its words, gains the body
                    existing["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            if view is not None and reads_if_match(view):
                operation.setdefault("parameters", []).append(dict(IF_MATCH))
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and parameter.get("in") == "query" and parameter.get("name") == "page":
                    parameter.setdefault("schema", {})["maximum"] = MAX_PAGE  # enforced by core.api.common.paginate


class KesosApi(Api):
    """flask-smorest's Api with the kernel's error body, and no catch-all `default` response:
    each operation lists the errors it can answer (ErrorResponses), so a status it does not
    document is a bug the generated-request tests (tests/fuzz) report."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None


# werkzeug's UUIDConverter: a path segment that is not a UUID matches no route of that id (it
# may match another route, e.g. POST /imports/<name>, and answer 405), so the spec says exactly
# what a valid one is.
UUID_PATTERN = "^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$"


def build_api(app: Flask) -> KesosApi:
    api = KesosApi(app, spec_kwargs={"extra_plugins": [ErrorResponses(app)]})
    api.register_converter(UUIDConverter, lambda _converter: {"type": "string", "format": "uuid", "pattern": UUID_PATTERN})
    return api
