"""Security headers on every response, the trusted reverse proxies, and the session cookie.

- `Content-Security-Policy`: only this origin's scripts, no framing, no plugins. Inline styles
  are allowed (the printable LKS letters carry their own `<style>`); inline scripts are not,
  except the Swagger UI page's own start-up script, allowed on that route alone by its hash.
- `Strict-Transport-Security` only on HTTPS. Behind a TLS-terminating proxy the request is
  seen as HTTPS only when KESOS_PROXY_FIX trusts that many proxies' X-Forwarded-* headers;
  otherwise anybody could claim HTTPS with a header.
- API answers are not stored by browsers or shared caches (tokens, personal data).
"""
from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import Settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
# flask-smorest's Swagger UI page: its inline script holds only the spec URL and the UI config.
SWAGGER_UI_ENDPOINT = "openapi_swagger_ui"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _script_hashes(html: str) -> list[str]:
    return [
        "'sha256-{}'".format(base64.b64encode(hashlib.sha256(body.encode()).digest()).decode())
        for body in _INLINE_SCRIPT.findall(html)
    ]


def swagger_ui_csp(html: str) -> str:
    return CSP.replace("script-src 'self'", " ".join(["script-src 'self'", *_script_hashes(html)]))


class _SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure also whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def register_security(app: Flask, settings: Settings) -> None:
    if settings.proxy_fix:
        n = settings.proxy_fix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    # The console's session cookie (the API uses bearer tokens, no cookie): HttpOnly (no script
    # reads the login token), SameSite=Lax (no cross-site POST carries it; the console checks a
    # CSRF token too: core/console/csrf.py). Secure on HTTPS and always in production; not on
    # plain-HTTP development: Chromium (156, checked) keeps Secure cookies from
    # http://127.0.0.1 and http://localhost ("potentially trustworthy" origins), but drops them
    # on any other plain-HTTP address, e.g. `kesos run --host 0.0.0.0` opened from a tablet on
    # the office network, where logging in would then silently fail.
    app.config.update(
        SESSION_COOKIE_NAME="kesos_sesi",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.is_production,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.session_interface = _SessionCookie()

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        endpoint = request.endpoint or ""
        if endpoint.rsplit(".", 1)[-1] == SWAGGER_UI_ENDPOINT and response.mimetype == "text/html":
            headers["Content-Security-Policy"] = swagger_ui_csp(response.get_data(as_text=True))
        elif "Content-Security-Policy" not in headers:
            # A view that set a stricter policy of its own (the printable LKS letters:
            # default-src 'none') keeps it.
            headers["Content-Security-Policy"] = CSP
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        # Console pages show personal data too (a shared tablet's back button must not replay them).
        console_page = request.path.startswith("/konsol") and not request.path.startswith("/konsol/aset/")
        if (request.path.startswith("/api/v1/") or console_page) and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response
