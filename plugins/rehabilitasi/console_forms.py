"""The rehabilitasi console's forms: flat boxes a person can fill in, loaded into the API's own
bodies (KegiatanCreateSchema, RencanaBodySchema, TerminasiSchema, PemantauanCreateSchema), so the
console refuses exactly what the API refuses.

The API takes nested bodies (a case conference's participants as a list, the plan's forms as a
list of codes, the family visit as an object); a form has one box, textarea or checkbox group
each. The boxes are put together into that body, and the schema's (or the service's) errors are
put back next to the box they came from.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields

from core.sdk import ConsoleForm

from .schemas import (
    KODE_TEMU_BAHAS,
    KegiatanCreateSchema,
    PemantauanCreateSchema,
    RencanaBodySchema,
    TerminasiSchema,
)

FORM = "_schema"  # errors with no box of their own, shown above the form


def lines(text: str | None) -> list[str]:
    """One item per line; blank lines are not items."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _texts(messages: Any) -> list[str]:
    if isinstance(messages, Mapping):
        return [t for v in messages.values() for t in _texts(v)]
    if isinstance(messages, (list, tuple)):
        return [t for v in messages for t in _texts(v)]
    return [str(messages)]


def to_boxes(messages: Mapping[str, Any], boxes: Iterable[str], nested: Mapping[str, Mapping[str, str]] = {}) -> dict[str, list[str]]:
    """The API's (nested) error messages → the boxes' names. `nested` names the box of each
    field of a nested object ({"rincian": {"peserta": "peserta"}}); the errors of a list's
    items go to the list's box; what names no box stays with the form."""
    known = set(boxes)
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        key = str(key).removeprefix("data.")
        if key in nested and isinstance(value, Mapping):
            for sub, texts in value.items():
                out.setdefault(nested[key].get(str(sub), FORM), []).extend(_texts(texts))
        else:
            out.setdefault(key if key in known else FORM, []).extend(_texts(value))
    return out


def rename_errors(exc: Any, rename: Callable[[Mapping[str, Any]], dict[str, list[str]]]) -> Any:
    """A service's refusal with its field errors named after the boxes (its message, code and
    article unchanged)."""
    if getattr(exc, "errors", None):
        exc.errors = rename(exc.errors)
    return exc


class ChecklistForm(ConsoleForm):
    """A form with checkbox groups: a group sends its field once per ticked box. What a form
    keeps is text, so the ticked codes are kept one per line, and split again when loaded."""

    groups: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, schema: Schema) -> ConsoleForm:
        form = super().from_request(schema)
        for name in cls.groups:
            ticked = [v for v in request.form.getlist(name) if v.strip()]
            if ticked:
                form.values[name] = "\n".join(ticked)
            else:
                form.values.pop(name, None)
        return form

    def ticked(self, name: str) -> list[str]:
        return lines(self.value(name))


class RencanaForm(ChecklistForm):
    groups = ("bentuk", "pendekatan", "metode", "teknik")


# -- kegiatan ----------------------------------------------------------------------------------

KEGIATAN_BOXES = ("kode", "tanggal", "catatan", "peserta", "kesimpulan")
_KEGIATAN_NESTED = {"rincian": {"peserta": "peserta", "kesimpulan": "kesimpulan"}}


def kegiatan_boxes(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    return to_boxes(messages, KEGIATAN_BOXES, _KEGIATAN_NESTED)


class KegiatanFormSchema(Schema):
    """An activity of the current stage; a case conference (temu bahas kasus) with its
    participants (one per line) and its conclusion, the API's `rincian`."""

    kode = fields.String()
    tanggal = fields.String()
    catatan = fields.String()
    peserta = fields.String()
    kesimpulan = fields.String()

    def load(self, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:  # type: ignore[override]
        body: dict[str, Any] = {k: data[k] for k in ("kode", "tanggal", "catatan") if k in data}
        rincian: dict[str, Any] = {}
        if "peserta" in data:
            rincian["peserta"] = lines(data["peserta"])
        if "kesimpulan" in data:
            rincian["kesimpulan"] = data["kesimpulan"].strip()
        if rincian or data.get("kode") == KODE_TEMU_BAHAS:
            body["rincian"] = rincian
        try:
            return KegiatanCreateSchema().load(body)  # type: ignore[no-any-return]
        except ValidationError as exc:
            raise ValidationError(kegiatan_boxes(exc.messages)) from None  # type: ignore[arg-type]


# -- rencana -----------------------------------------------------------------------------------

RENCANA_BOXES = ("kebutuhan_prioritas", "bentuk", "sumber_dana", "pendekatan", "metode", "teknik", "rujukan", "jadwal")


def rencana_boxes(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    return to_boxes(messages, RENCANA_BOXES)


def _jadwal(text: str) -> list[dict[str, str]]:
    """'kegiatan; mulai; selesai' per line → the API's schedule items."""
    items = []
    for i, line in enumerate(lines(text), start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3:
            raise ValidationError({"jadwal": [_("Baris %(n)s: tulis kegiatan; tanggal mulai; tanggal selesai.", n=i)]})
        items.append({"kegiatan": parts[0], "mulai": parts[1], "selesai": parts[2]})
    return items


def jadwal_text(jadwal: Iterable[Mapping[str, Any]]) -> str:
    return "\n".join(f"{j['kegiatan']}; {j['mulai']}; {j['selesai']}" for j in jadwal)


class RencanaFormSchema(Schema):
    """The plan: priorities and referrals one per line, the forms of rehabilitation and the
    approaches, methods and techniques as ticked boxes, the schedule as 'kegiatan; mulai;
    selesai' lines, the funding source."""

    kebutuhan_prioritas = fields.String()
    bentuk = fields.String()
    sumber_dana = fields.String()
    pendekatan = fields.String()
    metode = fields.String()
    teknik = fields.String()
    rujukan = fields.String()
    jadwal = fields.String()

    def load(self, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:  # type: ignore[override]
        body: dict[str, Any] = {}
        for name in ("kebutuhan_prioritas", "bentuk", "pendekatan", "metode", "teknik"):
            if name in data:
                body[name] = lines(data[name])
        if "sumber_dana" in data:
            body["sumber_dana"] = data["sumber_dana"].strip()
        body["rujukan"] = [{"tujuan": t} for t in lines(data.get("rujukan"))]
        errors: dict[str, list[str]] = {}
        try:
            body["jadwal"] = _jadwal(data.get("jadwal", ""))
        except ValidationError as exc:
            errors = exc.messages  # type: ignore[assignment]
            body["jadwal"] = []  # the other boxes are still checked, so every error is said at once
        try:
            loaded = RencanaBodySchema().load(body)
        except ValidationError as exc:
            errors = {**rencana_boxes(exc.messages), **errors}  # type: ignore[arg-type]
        if errors:
            raise ValidationError(errors)
        return loaded  # type: ignore[no-any-return]


# -- terminasi ---------------------------------------------------------------------------------

TERMINASI_BOXES = (
    "hasil", "biopsikososial", "spiritual", "kunjungan_tanggal", "kunjungan_pihak", "kunjungan_catatan", "catatan",
    "identifikasi_keberhasilan", "kunjungan_keluarga",  # a missing requirement, said on its group
)
_TERMINASI_NESTED = {
    "identifikasi_keberhasilan": {"biopsikososial": "biopsikososial", "spiritual": "spiritual"},
    "kunjungan_keluarga": {"tanggal": "kunjungan_tanggal", "pihak": "kunjungan_pihak", "catatan": "kunjungan_catatan"},
}


def terminasi_boxes(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    # The kernel says the move's data errors under "data" ({"data": {...}}).
    inner = messages.get("data", messages) if isinstance(messages.get("data"), Mapping) else messages
    return to_boxes(inner, TERMINASI_BOXES, _TERMINASI_NESTED)


class TerminasiFormSchema(Schema):
    """Entering terminasi (Perbup Balangan 61/2017 Pasal 24 ayat (2)): the outcome, the success
    identified (biopsychosocial, spiritual), the family visit (date, who, note) and a note. A
    group left wholly empty is not given: the profile's `syarat_terminasi` then says whether it
    was required."""

    hasil = fields.String()
    biopsikososial = fields.String()
    spiritual = fields.String()
    kunjungan_tanggal = fields.String()
    kunjungan_pihak = fields.String()
    kunjungan_catatan = fields.String()
    catatan = fields.String()

    def load(self, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:  # type: ignore[override]
        body: dict[str, Any] = {k: data[k] for k in ("hasil", "catatan") if k in data}
        identifikasi = {k: data[k] for k in ("biopsikososial", "spiritual") if k in data}
        if identifikasi:
            body["identifikasi_keberhasilan"] = identifikasi
        kunjungan = {k: data[f"kunjungan_{k}"] for k in ("tanggal", "pihak", "catatan") if f"kunjungan_{k}" in data}
        if kunjungan:
            body["kunjungan_keluarga"] = kunjungan
        try:
            TerminasiSchema().load(body)
        except ValidationError as exc:
            raise ValidationError(terminasi_boxes(exc.messages)) from None  # type: ignore[arg-type]
        # The move's data as the API's JSON carries it: the kernel loads it with the same schema.
        return body


# -- pemantauan --------------------------------------------------------------------------------

FREE_BUTIR = "catatan"  # the one box of a profile that lists no monitoring items (PP 39/2012)


def butir_codes(profile: Any) -> list[str]:
    return [item["kode"] for item in profile.value("butir_pemantauan") or []] or [FREE_BUTIR]


def pemantauan_boxes(codes: Iterable[str]) -> Callable[[Mapping[str, Any]], dict[str, list[str]]]:
    boxes = {f"butir_{c}" for c in codes}

    def rename(messages: Mapping[str, Any]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            key = str(key)
            if key == "butir" and isinstance(value, Mapping):
                for sub, texts in value.items():
                    name = f"butir_{sub}"
                    out.setdefault(name if name in boxes else FORM, []).extend(_texts(texts))
                continue
            name = f"butir_{key.removeprefix('butir.')}" if key.startswith("butir.") else key
            out.setdefault(name if name in boxes or name == "tanggal" else FORM, []).extend(_texts(value))
        return out

    return rename


def pemantauan_schema(codes: list[str]) -> Schema:
    """One box per monitoring item of the case's profile (Perbup Balangan 61/2017 Pasal 41)."""
    rename = pemantauan_boxes(codes)

    def load(self: Schema, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"butir": {c: data[f"butir_{c}"] for c in codes if f"butir_{c}" in data}}
        if "tanggal" in data:
            body["tanggal"] = data["tanggal"]
        try:
            return PemantauanCreateSchema().load(body)  # type: ignore[no-any-return]
        except ValidationError as exc:
            raise ValidationError(rename(exc.messages)) from None  # type: ignore[arg-type]

    boxes: dict[str, Any] = {"tanggal": fields.String(), **{f"butir_{c}": fields.String() for c in codes}}
    return type("PemantauanFormSchema", (Schema,), {**boxes, "load": load})()  # type: ignore[no-any-return]
