"""The registration form of the console: flat boxes a person can fill in, loaded into the API's
own body (`PermohonanSchema`), so the console refuses exactly what the API refuses.

The API takes a nested body (a board of several people, a list of activities, a list of
kabupaten/kota codes); a form has one box each. The boxes are put together into that body, and
the schema's (or the service's) errors are put back next to the box they came from.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields

from .schemas import PermohonanSchema

PENGURUS = ("nama", "jabatan", "telepon", "email")
BOXES = (
    "nama", "berbadan_hukum", "alamat", "kode_wilayah", "npwp",
    *(f"pengurus_{k}" for k in PENGURUS), "kegiatan", "wilayah_kerja",
)
_LISTS = {"kegiatan": re.compile(r"[;\n]"), "wilayah_kerja": re.compile(r"[,;\s]+")}


def _texts(messages: Any) -> list[str]:
    if isinstance(messages, Mapping):
        return [t for v in messages.values() for t in _texts(v)]
    if isinstance(messages, (list, tuple)):
        return [t for v in messages for t in _texts(v)]
    return [str(messages)]


def to_boxes(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    """{"lembaga": {"pengurus": {0: {"nama": [...]}}, "wilayah_kerja": {1: [...]}}} → the boxes'
    names ("pengurus_nama", "wilayah_kerja"); what names no box stays with the form."""
    inner = messages.get("lembaga", messages)
    if not isinstance(inner, Mapping):
        return {"_schema": _texts(inner)}
    out: dict[str, list[str]] = {}
    for key, value in inner.items():
        if key == "pengurus" and isinstance(value, Mapping):
            for person in value.values():
                for sub, texts in (person.items() if isinstance(person, Mapping) else [("nama", person)]):
                    out.setdefault(f"pengurus_{sub}", []).extend(_texts(texts))
        elif key == "pengurus":
            out.setdefault("pengurus_nama", []).extend(_texts(value))
        else:
            out.setdefault(str(key) if str(key) in BOXES else "_schema", []).extend(_texts(value))
    return out


def body_of(boxes: Mapping[str, str]) -> dict[str, Any]:
    """The API's `lembaga` body from what was typed (a box left empty is not given)."""
    body: dict[str, Any] = {k: v for k, v in boxes.items() if k in BOXES and not k.startswith("pengurus_")}
    for name, sep in _LISTS.items():
        if name in body:
            body[name] = [part.strip() for part in sep.split(body[name]) if part.strip()]
    person = {k: boxes[f"pengurus_{k}"] for k in PENGURUS if f"pengurus_{k}" in boxes}
    if person:
        body["pengurus"] = [person]
    return body


class LembagaFormSchema(Schema):
    """The boxes of the form (what Form.from_request reads); `load` gives the API's body."""

    nama = fields.String()
    berbadan_hukum = fields.String()
    alamat = fields.String()
    kode_wilayah = fields.String()
    npwp = fields.String()
    pengurus_nama = fields.String()
    pengurus_jabatan = fields.String()
    pengurus_telepon = fields.String()
    pengurus_email = fields.String()
    kegiatan = fields.String()
    wilayah_kerja = fields.String()

    def load(self, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:  # type: ignore[override]
        try:
            return PermohonanSchema().load({"lembaga": body_of(data)})  # type: ignore[no-any-return]
        except ValidationError as exc:
            raise ValidationError(to_boxes(exc.messages)) from None  # type: ignore[arg-type]
