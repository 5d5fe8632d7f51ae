"""Bahasa Indonesia for marshmallow's default validation messages.

Field errors reach case workers verbatim ("errors": {"nik": [...]}), so they must be in their
language. Fields compute their messages when they are created (at import of each schema
module), hence this runs from `core/__init__.py`, before any schema exists.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

_FIELDS: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {
        "required": "Wajib diisi.",
        "null": "Tidak boleh kosong (null).",
        "validator_failed": "Nilai tidak sah.",
    },
    fields.String: {"invalid": "Harus berupa teks.", "invalid_utf8": "Teks bukan UTF-8 yang sah."},
    fields.Number: {"invalid": "Harus berupa angka.", "too_large": "Angka terlalu besar."},
    fields.Integer: {"invalid": "Harus berupa bilangan bulat."},
    fields.Float: {"special": "Nilai NaN atau tak hingga tidak diizinkan."},
    fields.Boolean: {"invalid": "Harus berupa true atau false."},
    fields.Date: {"invalid": "Tanggal tidak sah (format YYYY-MM-DD).", "format": '"{input}" tidak dapat ditulis sebagai tanggal.'},
    fields.DateTime: {
        "invalid": "Waktu tidak sah (format ISO 8601).",
        "invalid_awareness": "Waktu harus menyertakan zona waktu.",
        "format": '"{input}" tidak dapat ditulis sebagai waktu.',
    },
    fields.UUID: {"invalid_uuid": "Bukan UUID yang sah."},
    fields.List: {"invalid": "Harus berupa daftar."},
    fields.Mapping: {"invalid": "Harus berupa objek."},
    fields.Nested: {"type": "Harus berupa objek."},
    fields.Email: {"invalid": "Alamat surel tidak sah."},
}


def install() -> None:
    for cls, messages in _FIELDS.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {"type": "Harus berupa objek.", "unknown": "Kolom tidak dikenal."}
    validate.Length.message_min = "Minimal {min} karakter/butir."
    validate.Length.message_max = "Maksimal {max} karakter/butir."
    validate.Length.message_all = "Panjang harus antara {min} dan {max}."
    validate.Length.message_equal = "Panjang harus tepat {equal}."
    validate.Range.message_min = "Harus {min_op} {{min}}."
    validate.Range.message_max = "Harus {max_op} {{max}}."
    validate.Range.message_all = "Harus {min_op} {{min}} dan {max_op} {{max}}."
    validate.Range.message_gt = "lebih dari"
    validate.Range.message_gte = "paling sedikit"
    validate.Range.message_lt = "kurang dari"
    validate.Range.message_lte = "paling banyak"
    validate.OneOf.default_message = "Harus salah satu dari: {choices}."
    validate.Regexp.default_message = "Format tidak sesuai."
    validate.Predicate.default_message = "Nilai tidak sah."
    validate.Equal.default_message = "Harus sama dengan {other}."
