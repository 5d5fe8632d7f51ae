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

from flask import Flask, Response, request
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


def register_security(app: Flask, settings: Settings) -> None:
    if settings.proxy_fix:
        n = settings.proxy_fix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    # Bearer tokens need no cookie; these are the defaults for the console that comes later
    # (which must add CSRF protection when it uses a cookie session).
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Lax")

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
        if request.path.startswith("/api/v1/") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response
