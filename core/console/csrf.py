"""CSRF protection of the console: the session cookie alone must never be enough to act.

One random token per session, put in every form (hidden field `csrf_token`) and in every htmx
request (header `X-CSRF-Token`, from `hx-headers` on the page body); checked on every console
request that is not GET/HEAD/OPTIONS, before the view runs, so a refused request writes nothing.
SameSite=Lax on the cookie already stops most cross-site POSTs; the token also covers
same-site attackers (another application on a sibling subdomain) and older browsers.
"""
from __future__ import annotations

import hmac
import secrets

from flask import request, session
from flask_babel import gettext as _

from core.errors import KesosError

SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class FormExpired(KesosError):
    """The form's token is missing or is not this session's (the session ended, the page was
    opened before logging in again, or the request was forged)."""

    status = 400
    code = "formulir_kedaluwarsa"

    def __init__(self) -> None:
        super().__init__(message=_("Formulir kedaluwarsa, muat ulang halaman."))


def csrf_token() -> str:
    """This session's token, created on first use (the login page's GET creates it)."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return str(token)


def renew_csrf_token() -> str:
    """A new token when the session changes hands (login, logout): a token seen before logging
    in is worth nothing after."""
    session.pop(SESSION_KEY, None)
    return csrf_token()


def check_csrf() -> None:
    if request.method in SAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    given = request.form.get(FIELD) or request.headers.get(HEADER)
    if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
        raise FormExpired()
