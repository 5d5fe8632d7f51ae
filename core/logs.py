"""Process logs on stdout: one JSON object per line (KESOS_LOG_FORMAT=json, the production
default) or plain text, each line carrying the request id, tenant and user of the request it was
written in — or the job id and tenant of the RQ job.

- `configure_logging(settings)`: the root logger's handler and level (idempotent: calling it
  again replaces what it installed, nothing else).
- `install(app, settings)`: that, plus an id per request (a sane incoming X-Request-ID, else a
  new one) echoed in the X-Request-ID response header, and one line per request at its end.

Never logged: headers (Authorization), the query string (it may carry a NIK search), bodies
(passwords). A run of exactly 16 digits — the shape of a NIK or a KK number — is masked in
every message, traceback and extra field, whoever wrote it.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is echoed into our logs and headers: only a short, plain token is taken.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_NIK_LIKE = re.compile(r"(?<!\d)\d{16}(?!\d)")
NIK_MASK = "****************"
_SENSITIVE_KEYS = frozenset({
    "password", "kata_sandi", "token", "access_token", "authorization", "cookie", "secret", "secret_key",
    "nik", "no_kk", "nomor_kk", "kk",
})
_SENSITIVE_SUFFIXES = ("_password", "_token", "_secret", "_nik")
HIDDEN = "[disembunyikan]"
# What every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_RECORD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}

request_log = logging.getLogger("kesos.request")


def _mask(text: str) -> str:
    return _NIK_LIKE.sub(NIK_MASK, text)


def _sensitive(key: str) -> bool:
    key = key.lower()
    return key in _SENSITIVE_KEYS or key.endswith(_SENSITIVE_SUFFIXES)


def _username(user: Any) -> str | None:
    # The instance dict only: a log line must never load an attribute from the database (the
    # request's rollback expired the user; the database may be the very thing that is down).
    return getattr(user, "__dict__", {}).get("username") if user is not None else None


def log_context() -> dict[str, Any]:
    """request_id, tenant (slug), user (username) of the current request, and job_id and
    tenant_id of the current RQ job or tenant scope — None where unknown.

    Modules are looked up in sys.modules, not imported: a process that never loaded Flask, RQ
    or the database layer (gunicorn's master) has no such context to report."""
    ctx: dict[str, Any] = {"request_id": None, "tenant": None, "user": None}
    flask = sys.modules.get("flask")
    if flask is not None and flask.has_request_context():
        g = flask.g
        ctx["request_id"] = request_id()
        ctx["tenant"] = g.get("tenant_slug")
        ctx["user"] = g.get("_log_user") or _username(g.get("user"))
    rq_job = sys.modules.get("rq.job")
    job = rq_job.get_current_job() if rq_job is not None else None
    if job is not None:
        ctx["job_id"] = job.id
    db = sys.modules.get("core.db")
    tenant_id = db.current_tenant_id() if db is not None else None
    if tenant_id is not None:
        ctx["tenant_id"] = str(tenant_id)
    return ctx


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in record.__dict__.items():
        if key in _RECORD_ATTRS or key.startswith("_"):
            continue
        if _sensitive(key):
            value = HIDDEN
        elif isinstance(value, str):
            value = _mask(value)
        fields[key] = value
    return fields


def _utc_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO-8601, UTC), level, logger, message, request_id,
    tenant, user, the record's extra fields, and exc_info as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": _mask(record.getMessage()),
        }
        line.update(log_context())
        for key, value in _extras(record).items():
            line.setdefault(key, value)  # an extra never overwrites the fields above
        if record.exc_info:
            line["exc_info"] = _mask(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exc_info"] = _mask(record.exc_text)
        if record.stack_info:
            line["stack_info"] = _mask(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a person at a terminal: time, level, logger, [request id tenant user], message."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = log_context()
        where = " ".join(str(ctx[k]) for k in ("request_id", "tenant", "user", "job_id") if ctx.get(k))
        text = f"{_utc_time(record)} {record.levelname} {record.name}{f' [{where}]' if where else ''} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return _mask(text)


class KesosHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler on the process's own stdout, looked up at each line (as logging's
    last-resort handler does): a command run under a replaced sys.stdout (click's test runner,
    a closed capture) neither swallows these lines nor breaks on a closed stream. Marked by its
    class, so that configure_logging replaces only what it installed."""

    def __init__(self, stream: Any = None) -> None:
        logging.Handler.__init__(self)  # not StreamHandler's: it would fix sys.stderr as the stream
        self._stream = stream

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return self._stream or sys.__stdout__ or sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        self._stream = value


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(settings: Any, *, stream: Any = None) -> None:
    """Root logger → one KesosHandler in the settings' format and level (idempotent). `stream`
    (default: stdout) is for tests that read the lines."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, KesosHandler)]:
        root.removeHandler(handler)
    handler = KesosHandler(stream)
    handler.setFormatter(formatter_for(settings.log_format))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.captureWarnings(True)  # warnings.warn (e.g. the development keys) as log lines too


# -- requests -----------------------------------------------------------------------------------


def request_id() -> str:
    """The current request's id: its sane X-Request-ID, else a new uuid4 hex (fixed on first use)."""
    from flask import g, request

    rid = g.get("request_id")
    if rid is None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_id = rid
    return rid  # type: ignore[no-any-return]


def _started(sender: Any, **_extra: Any) -> None:
    # request_started fires before any before_request function: the clock and the id are set
    # before authentication, whatever order the hooks were registered in.
    from flask import g

    g._log_started = time.perf_counter()
    request_id()


def _respond(response: Any) -> Any:
    from flask import g

    response.headers[REQUEST_ID_HEADER] = request_id()
    g._log_status = response.status_code  # a later pass (an error while finishing) overwrites it
    if "_log_user" not in g:
        # Taken now, before the request's rollback expires the user it authenticated.
        g._log_user = _username(g.get("user"))
    return response


def _finished(_exc: BaseException | None) -> None:
    from flask import g, request

    started = g.get("_log_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    status = g.get("_log_status", 500)  # no response was finished: the server failed it
    request_log.info(
        "%s %s %s", request.method, request.path, status,
        # request.path: never the query string; remote_addr: the client once ProxyFix trusted
        # the proxies in front (KESOS_PROXY_FIX), else the nearest hop.
        extra={"method": request.method, "path": request.path, "status": status,
               "duration_ms": duration_ms, "remote_addr": request.remote_addr},
    )


def install(app: Any, settings: Any) -> None:
    """configure_logging, then the request hooks on `app`. Call after the hooks that commit or
    roll back (core/app.py): after_request functions run in reverse order, so the user is
    read before the rollback."""
    from flask import request_started

    configure_logging(settings)
    request_started.connect(_started, app)
    app.after_request(_respond)
    app.teardown_request(_finished)
