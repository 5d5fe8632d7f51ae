"""Languages of the console (Flask-Babel): Bahasa Indonesia by default, English available.

The locale is the one chosen with the language switch (kept in the session), else the
browser's Accept-Language, else Indonesian. Message ids are the Indonesian texts themselves; the
English catalogue is translations/en/LC_MESSAGES/messages.po (compiled .mo committed). Texts
coming from services — a RuleViolation's message, a citation, a service's refusal — are shown as
the services give them: Indonesian, the language of the law.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"
SESSION_KEY = "bahasa"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def init_babel(app: Flask, plugin_catalogues: Iterable[Path] = ()) -> None:
    # Flask-Babel merges the directories in order, a later one winning on the same text: the
    # kernel's catalogue last, so a plugin cannot change the kernel's words.
    directories = [str(d) for d in plugin_catalogues] + [str(TRANSLATIONS)]
    Babel(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT,
        default_timezone="Asia/Jakarta",
        default_translation_directories=";".join(directories),
    )
