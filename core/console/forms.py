"""Console forms on the API's own marshmallow schemas.

A form is validated with the SAME schema the API parses its JSON with (imported from the
domain's schemas), so a value the API refuses the console refuses too, with the same rule. On
error the page is shown again with each field's message next to the field, in the page's
language, what the user typed kept, and status 422: the request cycle rolls back, nothing is
written. A refusal of the law (RuleViolation) is shown with its message and its article.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Response, make_response, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from core.console.csrf import FIELD as CSRF_FIELD
from core.console.submissions import FIELD as SUBMISSION_FIELD
from core.console.submissions import already_done, once
from core.errors import Conflict, InvalidInput, PreconditionFailed
from core.rules import RuleViolation

NOT_FIELDS = frozenset({CSRF_FIELD, SUBMISSION_FIELD})
FORM_KEY = "_form"  # errors not tied to one field (marshmallow's _schema)


# The kernel's marshmallow messages (core/messages.py, Bahasa Indonesia for the API) said again
# through the console's catalogue, so an English page gets English field errors. Messages a
# schema or a service wrote itself are shown as given.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^Minimal (\d+) karakter/butir\.$"), lambda m: _("Minimal %(n)s karakter/butir.", n=m.group(1))),
    (re.compile(r"^Maksimal (\d+) karakter/butir\.$"), lambda m: _("Maksimal %(n)s karakter/butir.", n=m.group(1))),
    (re.compile(r"^Panjang harus antara (\d+) dan (\d+)\.$"), lambda m: _("Panjang harus antara %(a)s dan %(b)s.", a=m.group(1), b=m.group(2))),
    (re.compile(r"^Harus salah satu dari: (.*)\.$"), lambda m: _("Harus salah satu dari: %(pilihan)s.", pilihan=m.group(1))),
    (re.compile(r"^Panjang harus tepat (\d+)\.$"), lambda m: _("Panjang harus tepat %(n)s.", n=m.group(1))),
    # core/staff/passwords.py, with its MIN_LENGTH inside
    (re.compile(r"^Kata sandi minimal (\d+) karakter\.$"), lambda m: _("Kata sandi minimal %(n)s karakter.", n=m.group(1))),
    # validate.Range, as core/messages.py words it: "Harus <op> <min>[ dan <op> <max>]."
    (re.compile(r"^Harus (paling sedikit|lebih dari) (\S+) dan (paling banyak|kurang dari) (\S+)\.$"), lambda m: _range(m.group(1), m.group(2), m.group(3), m.group(4))),
    (re.compile(r"^Harus (paling sedikit|lebih dari|paling banyak|kurang dari) (\S+)\.$"), lambda m: _bound(m.group(1), m.group(2))),
]


def _bound(op: str, n: str) -> str:
    return {
        "paling sedikit": lambda: _("Paling sedikit %(n)s.", n=n),
        "lebih dari": lambda: _("Harus lebih dari %(n)s.", n=n),
        "paling banyak": lambda: _("Paling banyak %(n)s.", n=n),
        "kurang dari": lambda: _("Harus kurang dari %(n)s.", n=n),
    }[op]()


def _range(low_op: str, low: str, high_op: str, high: str) -> str:
    # The common case (inclusive bounds) in one sentence; other bounds as their two halves.
    if (low_op, high_op) == ("paling sedikit", "paling banyak"):
        return _("Harus antara %(a)s dan %(b)s.", a=low, b=high)
    return f"{_bound(low_op, low)} {_bound(high_op, high)}"


def _fixed() -> dict[str, str]:
    return {
        "Wajib diisi.": _("Wajib diisi."),
        "Tidak boleh kosong (null).": _("Wajib diisi."),
        "Nilai tidak sah.": _("Nilai tidak sah."),
        "Harus berupa teks.": _("Harus berupa teks."),
        "Harus berupa angka.": _("Harus berupa angka."),
        "Harus berupa bilangan bulat.": _("Harus berupa bilangan bulat."),
        "Harus berupa true atau false.": _("Pilih ya atau tidak."),
        "Tanggal tidak sah (format YYYY-MM-DD).": _("Tanggal tidak sah (contoh: 2026-12-31)."),
        "Bukan UUID yang sah.": _("Pilihan tidak sah."),
        "Kolom tidak dikenal.": _("Kolom ini tidak dikenal."),
        "Format tidak sesuai.": _("Bentuknya tidak sesuai."),
        "Angka terlalu besar.": _("Angka terlalu besar."),
        "Harus berupa daftar.": _("Harus berupa daftar."),
        "Harus berupa objek.": _("Bentuknya tidak sesuai."),
        "Alamat surel tidak sah.": _("Alamat surel tidak sah."),
        "Teks bukan UTF-8 yang sah.": _("Teks mengandung karakter yang tidak sah."),
        "Waktu tidak sah (format ISO 8601).": _("Waktu tidak sah."),
    }


def say_in_page_language(message: str) -> str:
    fixed = _fixed().get(message)
    if fixed is not None:
        return fixed
    for pattern, say in _PATTERNS:
        match = pattern.match(message)
        if match:
            return say(match)
    # A schema's or a service's own fixed text (e.g. the NIK and password rules), when the
    # catalogue has it; otherwise as given. Never formatted: the text may hold a literal "%".
    return _gettext_as_is(message)


def _gettext_as_is(message: str) -> str:
    from flask_babel import get_translations

    return str(get_translations().ugettext(message))


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages → field name → texts (`_schema` → the form's own)."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = FORM_KEY if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            for field, texts in _flatten(value, name).items():
                out.setdefault(field, []).extend(texts)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            for field, texts in _flatten(item, prefix).items():
                out.setdefault(field, []).extend(texts)
    else:
        out.setdefault(prefix or FORM_KEY, []).append(say_in_page_language(str(messages)))
    return out


class Form:
    """What a user typed into one form, its errors, and the one-time id it is submitted with."""

    def __init__(self, schema: Schema, values: Mapping[str, str] | None = None, submission_id: str | None = None) -> None:
        self.schema = schema
        self.values: dict[str, str] = dict(values or {})
        self.errors: dict[str, list[str]] = {}
        self.violation: RuleViolation | None = None
        self.data: dict[str, Any] = {}
        self.submission_id = submission_id or str(uuid.uuid4())

    @classmethod
    def from_request(cls, schema: Schema) -> Form:
        # Only the schema's fields: a page's own hidden fields (where to go next) are not data.
        loadable = {name for name, f in schema.fields.items() if not f.dump_only}
        values = {k: v for k, v in request.form.items() if k in loadable and k not in NOT_FIELDS}
        return cls(schema, values, request.form.get(SUBMISSION_FIELD) or None)

    def validate(self) -> bool:
        # An empty text box is "not given", so a required field says "required", not "too short".
        given = {k: v for k, v in self.values.items() if v.strip() != ""}
        try:
            self.data = self.schema.load(given)
        except ValidationError as exc:
            self.errors = _flatten(exc.messages)
            return False
        return True

    def refuse(self, exc: RuleViolation | InvalidInput | Conflict) -> None:
        """A service said no: its texts are kept as it gave them (Indonesian, the law's)."""
        if isinstance(exc, RuleViolation):
            self.violation = exc
            if exc.errors:
                for field, texts in _flatten(exc.errors).items():
                    self.errors.setdefault(field, []).extend(texts)
            return
        if exc.errors:
            for field, texts in _flatten(exc.errors).items():
                self.errors.setdefault(field, []).extend(texts)
        else:
            self.errors.setdefault(FORM_KEY, []).append(exc.message)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def field_errors(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    def form_errors(self, shown_fields: Iterable[str] = ()) -> list[str]:
        """Errors with no field of their own on the page (shown above the form)."""
        shown = set(shown_fields)
        return [text for name, texts in self.errors.items() if name not in shown for text in texts]

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.violation)


def submit(form: Form, action: Callable[[dict[str, Any]], str], render: Callable[[Form], str]) -> Response:
    """Validate `form`, run `action(data)` once for its submission id (it returns the URL of
    its result, where the browser goes next), or show the form again with its errors (422;
    409 for a conflict) — the request cycle then rolls back whatever the action began."""
    done = already_done(form.submission_id)
    if done is not None:
        # Sent again (a double click, back and resend): the first one's result, even when the
        # form would no longer validate against what the first one changed.
        return done
    status = 422
    if form.validate():
        try:
            return once(form.submission_id, lambda: action(form.data))
        except (RuleViolation, InvalidInput, Conflict) as exc:
            form.refuse(exc)
            status = getattr(exc, "status", 422)
    return make_response(render(form), status)


# -- the version a page was drawn from (the console's If-Match) ---------------------------------

VERSION_FIELD = "versi"  # a hidden field of every form that changes a versioned record


class StalePage(Conflict):
    """The record changed since the page was drawn: the API's 412, shown above the form."""

    status = 412
    code = PreconditionFailed.code


@contextmanager
def page_version() -> Iterator[int]:
    """The version the submitted page was drawn from, for a service's `expected_version`; a
    stale one (the service's PreconditionFailed, or no version at all) is shown as the page's
    412 above the form, as the API answers a stale If-Match."""
    try:
        version = int(request.form.get(VERSION_FIELD, ""))
    except ValueError:
        raise StalePage(message=PreconditionFailed.message) from None
    try:
        yield version
    except PreconditionFailed as exc:
        raise StalePage(message=exc.message) from exc
