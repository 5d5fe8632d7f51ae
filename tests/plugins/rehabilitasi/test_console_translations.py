"""The rehabilitasi console's own catalogue (plugins/rehabilitasi/translations, merged with the
kernel's by ConsoleContribution.translations): every text of its pages has an English
translation, keeps its placeholders, shows no word outside the catalogue, and the committed .mo
is the compiled .po."""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "rehabilitasi"
PO = PLUGIN / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("console.py", "python"), ("console_forms.py", "python"), ("templates/rehabilitasi_konsol/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _extracted() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _c, _ctx in extract_from_dir(str(PLUGIN), METHODS, keywords=KEYWORDS):
        found.setdefault(message[0] if isinstance(message, tuple) else message, f"{filename}:{lineno}")
    return found


def test_the_extraction_finds_the_pages_the_links_and_the_forms() -> None:
    found = _extracted()
    assert found["Simpan rencana"].startswith("templates/rehabilitasi_konsol/")
    assert found["Masuk tahap Terminasi"].startswith("console.py:")  # a case-page link, marked with N_
    assert found["Baris %(n)s: tulis kegiatan; tanggal mulai; tanggal selesai."].startswith("console_forms.py:")


def test_every_text_of_the_rehabilitasi_pages_has_an_english_translation() -> None:
    catalog = _catalog()
    missing = [f"{where}: {msgid!r}" for msgid, where in _extracted().items() if not (catalog.get(msgid) and catalog.get(msgid).string and not catalog.get(msgid).fuzzy)]
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    for message in _catalog():
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_the_committed_mo_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog())
    assert compiled.getvalue() == PO.with_suffix(".mo").read_bytes(), "pybabel compile -d plugins/rehabilitasi/translations"


def test_no_template_text_bypasses_the_catalogue() -> None:
    leftovers = {}
    for path in sorted((PLUGIN / "templates" / "rehabilitasi_konsol").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", path.read_text(encoding="utf-8"), flags=re.S)
        words = set(re.findall(r"[^\W\d_]{2,}", re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S)))
        if words:
            leftovers[path.name] = sorted(words)
    assert leftovers == {}
