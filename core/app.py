"""create_app(): config → database → plugin manager → profiles → blueprints → error handlers."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import swagger_ui_bundle
from flask import Flask, Response, g, jsonify, redirect, request, send_from_directory, url_for
from flask_smorest import Api
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from core.api.common import is_public
from core.api.headers import register_security
from core.api.input_guard import check_content, check_path
from core.api.openapi import build_api
from core.auth_context import set_actor
from core.config import PROJECT_ROOT, Settings, data_keyring, load_settings
from core.console.setup import is_console_request, register_console
from core.crypto import use_keyring
from core.db import Database, database_unavailable, set_tenant
from core.errors import Forbidden, KesosError, NotFound, Unauthorized
from core.kernel import Kernel, set_process_kernel
from core.logs import install as install_logging
from core.plugins import PluginRegistry
from core.regulations.profiles import ProfileCatalog
from core.rules import RuleViolation

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, extra_plugins: Iterable[tuple[str, object]] = ()) -> Flask:
    settings = settings or load_settings()
    app = Flask("kesos", instance_path=str(settings.instance_dir))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        JSON_SORT_KEYS=False,
        API_TITLE="Kesos API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        # Served from the swagger-ui-bundle package: government networks are often closed.
        OPENAPI_SWAGGER_UI_URL="/api/docs/static/",
        API_SPEC_OPTIONS={
            "info": {"description": "Kesos — layanan kesejahteraan sosial kabupaten/kota (PP 39/2012)."},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )

    import core.models  # noqa: F401  (complete metadata before plugins add theirs)

    registry = PluginRegistry.discover(settings.blocked_plugins, extra_plugins, settings.trace_hooks)
    catalog = ProfileCatalog.load(registry.profile_sources, settings.tenants_dir, root=PROJECT_ROOT)
    kernel = Kernel(settings=settings, db=Database(settings.database_url), plugins=registry, profiles=catalog, app=app)
    app.extensions["kesos"] = kernel
    set_process_kernel(kernel)
    use_keyring(data_keyring(settings))  # NIK/KK encryption keys of this process (core/crypto.py)

    api = build_api(app)  # error responses documented centrally (core/api/openapi.py)
    _register_blueprints(app, api, kernel)
    register_console(app, kernel)  # the web console at /konsol (core/console/)
    app.before_request(check_path)  # NUL in the path: before the tenant is looked up (core/api/input_guard.py)
    _register_request_cycle(app, kernel)
    install_logging(app, settings)  # after the cycle: reads the user before its rollback (core/logs.py)
    app.before_request(check_content)  # NUL, JSON depth, content type: after authentication
    _register_error_handlers(app)
    _register_static_docs(app)
    register_security(app, settings)  # secure headers, trusted proxies, cookie defaults
    registry.pm.hook.kesos_startup(app=app)
    return app


def _register_blueprints(app: Flask, api: Api, kernel: Kernel) -> None:
    from core.api import audit, auth, calendar, cases, dashboard, health, imports, persons, plugins, reports, staff, tenants

    for module in (auth, tenants, plugins, persons, cases, staff, audit, calendar, reports, imports, dashboard):
        for blp in module.BLUEPRINTS:
            api.register_blueprint(blp)
    app.register_blueprint(health.bp)
    plugin_of: dict[str, str] = {}
    for plugin, blueprints in kernel.plugins.blueprints.items():
        for blp in blueprints:
            api.register_blueprint(blp, url_prefix=f"/api/v1/tenants/<tenant>/{plugin}{blp.url_prefix or ''}")
            plugin_of[blp.name] = plugin
    app.config["KESOS_PLUGIN_BLUEPRINTS"] = plugin_of


def _register_request_cycle(app: Flask, kernel: Kernel) -> None:
    from core.console.auth import console_user
    from core.staff.services import roles_in, user_for_token
    from core.tenancy.models import Tenant

    plugin_of: dict[str, str] = app.config["KESOS_PLUGIN_BLUEPRINTS"]
    console_blueprints: frozenset[str] = app.config["KESOS_CONSOLE_BLUEPRINTS"]

    @app.url_value_preprocessor
    def _pop_tenant(endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.tenant_slug = values.pop("tenant", None) if values else None

    @app.before_request
    def _authenticate_and_scope() -> None:
        session = kernel.db.session()
        set_tenant(None)
        set_actor(None)
        g.user, g.roles, g.tenant = None, frozenset(), None
        anonymous = is_public(app.view_functions.get(request.endpoint or ""))
        console = request.blueprint in console_blueprints
        # The console's credential is the login token in its session cookie, never a header.
        auth = "" if console else request.headers.get("Authorization", "")
        if console:
            g.user = console_user(session)  # None when missing, expired or revoked
            if g.user is not None:
                set_actor(g.user.id)
            elif not anonymous:
                raise Unauthorized()  # a console page: the error handler sends to the login page
        if auth:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():  # a malformed header is a client bug: say so
                raise Unauthorized("token_tidak_sah", "Gunakan header Authorization: Bearer <token>.")
            try:
                g.user = user_for_token(session, token.strip())
                set_actor(g.user.id)
            except Unauthorized:
                # A stale token must not lock anyone out of what needs no login (logging in
                # again, the public LKS register): there it counts as no token at all.
                if not anonymous:
                    raise
        slug = g.get("tenant_slug")
        if slug is None:
            return
        if g.user is None and not anonymous:
            raise Unauthorized()
        tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None or not tenant.aktif:
            raise NotFound("tenant_tidak_ditemukan", f"Kabupaten/kota '{slug}' tidak ditemukan.")
        roles = roles_in(session, g.user.id, tenant.id) if g.user is not None else frozenset()
        if not roles and not anonymous:
            raise Forbidden(message=f"Anda tidak memiliki peran di {tenant.nama}.")
        g.tenant, g.roles = tenant, roles
        set_tenant(tenant.id, session)
        plugin = plugin_of.get(request.blueprint or "")
        if plugin is not None and plugin not in kernel.enabled_plugins(session, tenant):
            # Disabled for this tenant: as if the routes did not exist (its data stays).
            raise NotFound()

    @app.after_request
    def _commit(response: Response) -> Response:
        session = kernel.db.session()
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
        return response

    @app.teardown_request
    def _cleanup(_exc: BaseException | None) -> None:
        kernel.db.session.remove()
        set_tenant(None)
        set_actor(None)


def _error(status: int, body: dict[str, Any]) -> Response:
    if is_console_request():  # the console's pages get HTML pages (core/console/errors.py)
        from core.console.errors import error_page

        return error_page(status, body)
    response = jsonify(body)
    response.status_code = status
    return response


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(RuleViolation)
    def _rule(exc: RuleViolation) -> Response:
        return _error(422, exc.to_dict())

    @app.errorhandler(KesosError)
    def _kesos(exc: KesosError) -> Response:
        response = _error(exc.status, exc.to_dict())
        if exc.status == 401 and not is_console_request():
            response.headers["WWW-Authenticate"] = 'Bearer realm="kesos"'  # RFC 6750 §3
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages")
        if messages:
            # webargs/marshmallow: {"json": {...}} or {"query": {...}} → field errors
            errors: dict[str, Any] = {}
            for location, value in messages.items():
                if isinstance(value, dict):
                    errors.update(value)
                else:
                    errors[location] = value
            if exc.code == 400 and "json" in messages and not isinstance(messages["json"], dict):
                # webargs' own words are English ("Invalid JSON body.")
                reason = ["JSON tidak dapat dibaca: periksa tanda kutip, koma dan kurungnya, dan kodenya UTF-8."]
                return _error(422, {"code": "json_tidak_sah", "message": "Badan permintaan bukan JSON yang sah.", "errors": {"json": reason}})
            return _error(422, {"code": "data_tidak_valid", "message": "Data yang dikirim tidak valid.", "errors": errors})
        codes = {
            404: ("tidak_ditemukan", "Data tidak ditemukan."),
            405: ("metode_tidak_diizinkan", "Metode HTTP ini tidak diizinkan untuk alamat ini."),
            413: ("terlalu_besar", "Badan permintaan melebihi batas ukuran."),
            415: ("jenis_konten_tidak_didukung", "Gunakan Content-Type: application/json."),
        }
        code, message = codes.get(exc.code or 500, ("kesalahan_http", exc.description or "Kesalahan."))
        response = _error(exc.code or 500, {"code": code, "message": message})
        for name, value in exc.get_headers():
            if name.lower() != "content-type":  # keep e.g. Allow on a 405
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return _error(500, {"code": "kesalahan_server", "message": "Terjadi kesalahan pada server; tidak ada data yang tersimpan."})

    def _database_down(exc: BaseException) -> Response:
        # The transaction rolled back (or never began): nothing was written. The pool replaces
        # dead connections at checkout (pool_pre_ping), so a retry succeeds once it is back.
        log.warning("database unavailable: %s", exc)
        response = _error(503, {
            "code": "basis_data_tidak_tersedia",
            "message": "Basis data sedang tidak dapat dihubungi; tidak ada data yang tersimpan. Coba lagi beberapa saat lagi.",
        })
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def _database(exc: Exception) -> Response:
        return _database_down(exc) if database_unavailable(exc) else _unexpected(exc)

    @app.errorhandler(InternalServerError)
    def _internal(exc: InternalServerError) -> Response:
        # Raised outside a view (e.g. the commit in after_request when the server went away).
        original = exc.original_exception
        return _database_down(original) if original is not None and database_unavailable(original) else _http(exc)


def _register_static_docs(app: Flask) -> None:
    @app.get("/api/docs/static/<path:filename>")
    def swagger_static(filename: str) -> Response:
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/")
    def index() -> Response:
        # People type the bare address: the console (the API is under /api/v1, its docs /api/docs).
        return redirect(url_for("konsol.index"))  # type: ignore[return-value]
