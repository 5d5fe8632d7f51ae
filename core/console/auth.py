"""Who is using the console: the login token kept in the session cookie.

The token is the same bearer token the API issues (core/staff/services.py `login`), so lockout,
expiry, revocation and audit are the API's; the console only keeps it in a signed, HttpOnly
cookie instead of an Authorization header.
"""
from __future__ import annotations

from flask import session
from sqlalchemy.orm import Session

from core.console.i18n import SESSION_KEY as LANGUAGE_KEY
from core.errors import Unauthorized
from core.staff.models import User
from core.staff.services import IssuedToken, revoke_token, user_for_token

TOKEN_KEY = "token"
EXPIRED_KEY = "sesi_berakhir"


def console_user(db: Session) -> User | None:
    """The user of the session's token; None without one, or when it expired or was revoked
    (then the token is forgotten and the login page says the session ended)."""
    token = session.get(TOKEN_KEY)
    if not token:
        return None
    try:
        return user_for_token(db, str(token))
    except Unauthorized:
        session.pop(TOKEN_KEY, None)
        session[EXPIRED_KEY] = True
        return None


def start_session(issued: IssuedToken) -> None:
    """After a successful login: a fresh session (nothing of the anonymous one but its
    language), holding the new token."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    session[TOKEN_KEY] = issued.token


def end_session(db: Session) -> None:
    """Logout: the token is revoked in the database (it is useless even if the cookie was
    copied), then the session is emptied but for its language."""
    token = session.get(TOKEN_KEY)
    if token:
        revoke_token(db, str(token))
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
