"""The console's catalogue: every text of core/console goes through it, has an English
translation, and the committed .mo is the compiled .po."""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CONSOLE = Path(__file__).resolve().parents[2] / "core" / "console"
PO = CONSOLE / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _extracted() -> dict[str, str]:
    """msgid → where it is, for every translatable text of core/console (Python and templates)."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(str(CONSOLE), METHODS, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_the_extraction_finds_the_console_texts() -> None:
    # Templates and Python are both read (a broken method map would find nothing and pass).
    found = _extracted()
    assert "Masuk ke Kesos" in found and found["Masuk ke Kesos"].startswith("templates/konsol/masuk.html:")
    assert "Formulir kedaluwarsa, muat ulang halaman." in found and ".py" in found["Formulir kedaluwarsa, muat ulang halaman."]


def test_every_console_text_has_an_english_translation() -> None:
    catalog = _catalog()
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(_extracted().items(), key=lambda kv: kv[1])
        if not (catalog.get(msgid) and catalog.get(msgid).string and not catalog.get(msgid).fuzzy)
    ]
    assert missing == [], "untranslated (see docs/console.md, 'Terjemahan'):\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    # A translation that drops or renames %(name)s would raise (or lose the value) on the page.
    for message in _catalog():
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_the_committed_mo_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog())
    committed = PO.with_suffix(".mo").read_bytes()
    assert compiled.getvalue() == committed, (
        "messages.mo is out of date: pybabel compile -d core/console/translations (docs/console.md)"
    )


# Words a template may show as they are: the product's name.
UNTRANSLATED_WORDS = {"Kesos"}


def test_no_template_text_bypasses_the_catalogue() -> None:
    # What is left of a template once Jinja's tags, expressions and comments and the HTML tags
    # are removed is text shown as is: it may hold punctuation, never words.
    leftovers = {}
    for path in sorted((CONSOLE / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S)
        words = {w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in UNTRANSLATED_WORDS}
        if words:
            leftovers[path.name] = sorted(words)
    assert leftovers == {}
