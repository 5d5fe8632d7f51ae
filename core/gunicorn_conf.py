"""gunicorn's settings for the web pods: `gunicorn -c python:core.gunicorn_conf wsgi:app`.

Read from KESOS_WEB_* (and KESOS_LOG_* through core/config.py). A bad value stops gunicorn at
start with a message naming the variable — gunicorn itself would ignore a misspelt setting.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.config import ConfigError, Settings, load_settings, log_options
from core.logs import configure_logging

WORKER_CLASSES = ("gthread", "sync")


@dataclass(frozen=True)
class WebSettings:
    bind: str = "0.0.0.0:8000"
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    timeout: int = 60
    graceful_timeout: int = 30
    # Longer than an ingress's upstream idle timeout (nginx: 60 s): the proxy closes an idle
    # connection first, never gunicorn under a request the proxy is just sending.
    keepalive: int = 75
    max_requests: int = 0  # 0: workers are never recycled
    max_requests_jitter: int = 0


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        kind = "bilangan bulat positif" if minimum > 0 else "bilangan bulat 0 atau lebih"
        raise ConfigError(f"{name} harus {kind}, bukan {environ[name]!r}.")
    return int(raw)


def _bind(environ: Mapping[str, str]) -> str:
    raw = (environ.get("KESOS_WEB_BIND") or "").strip()
    if not raw:
        return WebSettings.bind
    if raw.startswith("unix:") and len(raw) > len("unix:"):
        return raw
    host, sep, port = raw.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"KESOS_WEB_BIND harus berbentuk HOST:PORT (mis. 0.0.0.0:8000) atau unix:PATH, bukan {raw!r}.")
    return raw


def web_settings(environ: Mapping[str, str] | None = None) -> WebSettings:
    """KESOS_WEB_* read and checked; ConfigError names the variable that is wrong."""
    env = os.environ if environ is None else environ
    worker_class = (env.get("KESOS_WEB_WORKER_CLASS") or WebSettings.worker_class).strip().lower()
    if worker_class not in WORKER_CLASSES:
        raise ConfigError(
            f"KESOS_WEB_WORKER_CLASS tidak dikenal: {worker_class!r}. Gunakan salah satu dari: {', '.join(WORKER_CLASSES)}."
        )
    web = WebSettings(
        bind=_bind(env),
        workers=_int(env, "KESOS_WEB_WORKERS", WebSettings.workers, 1),
        worker_class=worker_class,
        threads=_int(env, "KESOS_WEB_THREADS", WebSettings.threads, 1),
        timeout=_int(env, "KESOS_WEB_TIMEOUT", WebSettings.timeout, 1),
        graceful_timeout=_int(env, "KESOS_WEB_GRACEFUL_TIMEOUT", WebSettings.graceful_timeout, 1),
        keepalive=_int(env, "KESOS_WEB_KEEPALIVE", WebSettings.keepalive, 1),
        max_requests=_int(env, "KESOS_WEB_MAX_REQUESTS", 0, 0),
        max_requests_jitter=_int(env, "KESOS_WEB_MAX_REQUESTS_JITTER", 0, 0),
    )
    if web.max_requests_jitter and not web.max_requests:
        raise ConfigError("KESOS_WEB_MAX_REQUESTS_JITTER hanya berarti bila KESOS_WEB_MAX_REQUESTS diisi (lebih dari 0).")
    return web


def log_config(log_format: str, log_level: str) -> dict[str, Any]:
    """gunicorn's own log (master and workers: boot, worker timeouts, signals) in the app's
    format. Empty in text mode: gunicorn's plain lines suit a terminal."""
    if log_format != "json":
        return {}
    handler = {"class": "core.logs.KesosHandler", "formatter": "json"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
        "handlers": {"kesos": handler},
        "root": {"level": log_level, "handlers": ["kesos"]},
        "loggers": {
            "gunicorn.error": {"level": log_level, "handlers": ["kesos"], "propagate": False},
            # The app writes its own line per request (core/logs.py); a logging config turns
            # gunicorn's access log on, so it is silenced here.
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


try:
    _web = web_settings()
    _log_format, _log_level = log_options()
    # Before the settings are read: a warning while reading them is a line in the logs' format.
    configure_logging(Settings(log_format=_log_format, log_level=_log_level))
    # All of the app's settings checked here, in the master, before any worker starts: a
    # refused production configuration stops gunicorn once, not each worker in a loop.
    load_settings()
except ConfigError as exc:
    sys.exit(f"kesos: konfigurasi ditolak: {exc}")  # the message, not a traceback

bind = [_web.bind]
workers = _web.workers
worker_class = _web.worker_class
threads = _web.threads
timeout = _web.timeout
graceful_timeout = _web.graceful_timeout
keepalive = _web.keepalive
max_requests = _web.max_requests
max_requests_jitter = _web.max_requests_jitter
# Not preloaded: each worker runs create_app itself after the fork, so it opens its own
# database pool (SQLAlchemy connections must not cross a fork) and builds its own plugin
# registry; a recycled worker (max_requests) starts clean the same way.
preload_app = False
accesslog = None  # the app writes one line per request, with its request id, tenant and user
errorlog = "-"
loglevel = _log_level.lower()
logconfig_dict = log_config(_log_format, _log_level)
# gunicorn trusts X-Forwarded-Proto only from these; the proxies in front are trusted by the
# app instead (KESOS_PROXY_FIX, werkzeug ProxyFix), so gunicorn keeps its loopback-only default.
forwarded_allow_ips = "127.0.0.1,::1"
# The heartbeat files of the workers in memory, not on the container's (possibly read-only or
# slow overlay) disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn >= 25 opens a control socket under $HOME by default: the image's user has no home,
# and nothing here uses gunicornc. (Older gunicorns ignore the unknown name.)
control_socket_disable = True
proc_name = "kesos-web"
