"""Input every view refuses, checked once for the whole API before any view runs.

- The NUL character (U+0000) in any text — JSON strings and keys, query and form fields:
  PostgreSQL cannot store it in text, so it would fail as a server error deep in a write (SQLite
  would keep it). No name, address or note contains it: 422 `karakter_nul`, naming the field; in
  the path (a tenant, an id) 404, since nothing is named so. An uploaded file's name is cleaned
  by whoever keeps it instead (an odd name should not cost the upload).
- A JSON body nested deeper than MAX_JSON_DEPTH: no form of this API nests more than a few
  levels, and 10,000 `[` would exhaust Python's recursion while parsed (a RecursionError, so
  a 500) — 422 `json_terlalu_dalam`.
- A body that is not JSON (`text/plain`, a form) sent to a view that reads JSON: 415, rather
  than every field reported missing.

Other control characters are stored and returned as sent (JSON escapes them).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from core.api.common import upload_limit
from core.errors import InvalidInput, KesosError, NotFound

MAX_JSON_DEPTH = 32
NUL = "\x00"
NUL_MESSAGE = "Teks tidak boleh memuat karakter NUL (\\u0000)."
UNNAMED_PART = "Ada bagian formulir yang namanya tidak dapat dibaca."
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


class JsonTooDeep(KesosError):
    status = 422
    code = "json_terlalu_dalam"
    message = f"Badan permintaan JSON bersarang terlalu dalam (paling dalam {MAX_JSON_DEPTH} tingkat)."


class NulCharacter(InvalidInput):
    code = "karakter_nul"

    def __init__(self, field: str) -> None:
        super().__init__({field.replace(NUL, "\\u0000") or "json": [NUL_MESSAGE]}, NUL_MESSAGE)


def _walk(document: Any) -> Iterator[tuple[str, Any, int]]:
    """(path, value, depth) of every value and key of a parsed JSON document, without recursion."""
    stack: list[tuple[str, Any, int]] = [("", document, 1)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                yield child, key, depth  # keys are text too
                stack.append((child, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item, depth + 1) for i, item in enumerate(value))


def check_json(body: bytes) -> None:
    try:
        document = json.loads(body)
    except RecursionError as exc:
        raise JsonTooDeep() from exc
    except ValueError:
        return  # malformed: the view's parser answers 422 json_tidak_sah
    for path, value, depth in _walk(document):
        if depth > MAX_JSON_DEPTH:
            raise JsonTooDeep()
        if isinstance(value, str) and NUL in value:
            raise NulCharacter(path)


def _view() -> Any:
    return current_app.view_functions.get(request.endpoint or "")


def _reads_json(view: Any) -> bool:
    """Whether the view parses a JSON body (flask-smorest's @blp.arguments, location json)."""
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" for p in parameters)


def check_path() -> None:
    """Before the tenant in the path is looked up."""
    if NUL in request.path:
        raise NotFound()


def check_content() -> None:
    """After authentication: a stranger's body is not read."""
    for key, value in request.args.items(multi=True):
        if NUL in key or NUL in value:
            raise NulCharacter(key)
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if not has_body:
        return
    view = _view()
    if request.mimetype in FORMS:
        files = getattr(view, "__kesos_upload_files__", None)
        if files:
            request.max_content_length = upload_limit(files)  # as the view would (accepts_upload)
        # file names are not checked: whoever keeps one cleans it (e.g. plugins/lks/dokumen.py)
        for key, value in [*request.form.items(multi=True), *((key, "") for key in request.files)]:
            if key is None:  # a part whose name werkzeug cannot read (e.g. a CR in it)
                raise InvalidInput({"form": [UNNAMED_PART]}, UNNAMED_PART)
            if NUL in key or NUL in value:
                raise NulCharacter(key)
    if request.is_json:
        check_json(request.get_data(cache=True))
    elif request.method in ("POST", "PUT", "PATCH") and _reads_json(view):
        raise UnsupportedMediaType()
