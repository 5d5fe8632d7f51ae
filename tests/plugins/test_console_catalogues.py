"""The plugins' own console catalogues (plugins/<plugin>/translations, merged with the kernel's
by ConsoleContribution.translations): every text of their pages has an English translation,
keeps its placeholders, shows no word outside the catalogue, and the committed .mo is the
compiled .po. One set of checks for every plugin that ships console pages."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
KEYWORDS = {"_": None, "gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Catalogue:
    plugin: str
    sources: tuple[str, ...]  # the plugin's Python modules holding console texts
    templates: str  # its templates' folder
    expected: tuple[tuple[str, str], ...]  # texts the extraction must find, and where

    @property
    def root(self) -> Path:
        return PLUGINS / self.plugin

    @property
    def po(self) -> Path:
        return self.root / "translations" / "en" / "LC_MESSAGES" / "messages.po"

    def read(self):  # type: ignore[no-untyped-def]
        with self.po.open("rb") as f:
            return read_po(f, locale="en")

    def extracted(self) -> dict[str, str]:
        methods = [(s, "python") for s in self.sources] + [(f"templates/{self.templates}/**.html", "jinja2.ext:babel_extract")]
        found: dict[str, str] = {}
        for filename, lineno, message, _c, _ctx in extract_from_dir(str(self.root), methods, keywords=KEYWORDS):
            found.setdefault(message[0] if isinstance(message, tuple) else message, f"{filename}:{lineno}")
        return found


CATALOGUES = [
    Catalogue("lks", ("console.py",), "lks_konsol", (
        ("TERLAMBAT", "templates/lks_konsol/"),
        ("Daftarkan LKS", "console.py:"),  # a menu entry, marked with N_
    )),
    Catalogue("rehabilitasi", ("console.py", "console_forms.py"), "rehabilitasi_konsol", (
        ("Simpan rencana", "templates/rehabilitasi_konsol/"),
        ("Masuk tahap Terminasi", "console.py:"),  # a case-page link, marked with N_
        ("Baris %(n)s: tulis kegiatan; tanggal mulai; tanggal selesai.", "console_forms.py:"),
    )),
]
each = pytest.mark.parametrize("catalogue", CATALOGUES, ids=[c.plugin for c in CATALOGUES])


@each
def test_the_extraction_finds_the_pages_and_the_marked_texts(catalogue: Catalogue) -> None:
    found = catalogue.extracted()
    for text, where in catalogue.expected:
        assert found[text].startswith(where), (text, found.get(text))


@each
def test_every_text_of_the_plugins_pages_has_an_english_translation(catalogue: Catalogue) -> None:
    po = catalogue.read()
    missing = [
        f"{where}: {msgid!r}" for msgid, where in catalogue.extracted().items()
        if not (po.get(msgid) and po.get(msgid).string and not po.get(msgid).fuzzy)
    ]
    assert missing == []


@each
def test_translations_keep_their_placeholders(catalogue: Catalogue) -> None:
    for message in catalogue.read():
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


@each
def test_the_committed_mo_is_the_compiled_po(catalogue: Catalogue) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue.read())
    assert compiled.getvalue() == catalogue.po.with_suffix(".mo").read_bytes(), f"pybabel compile -d plugins/{catalogue.plugin}/translations"


@each
def test_no_template_text_bypasses_the_catalogue(catalogue: Catalogue) -> None:
    leftovers = {}
    for path in sorted((catalogue.root / "templates" / catalogue.templates).rglob("*.html")):
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", path.read_text(encoding="utf-8"), flags=re.S)
        words = set(re.findall(r"[^\W\d_]{2,}", re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S)))
        if words:
            leftovers[path.name] = sorted(words)
    assert leftovers == {}
