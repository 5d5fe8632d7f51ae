"""The web process: gunicorn's settings from KESOS_WEB_*, refused when wrong, and a real
gunicorn on this checkout that answers /healthz, logs JSON and stops on SIGTERM."""
from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from core.config import ConfigError
from core.gunicorn_conf import log_config, web_settings
from tests.deploy.processes import BIN, base_environ, free_port, running, wait_for

GRACEFUL = 5  # seconds: KESOS_WEB_GRACEFUL_TIMEOUT of the real gunicorn below


def _conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    for name in [n for n in os.environ if n.startswith(("KESOS_WEB_", "KESOS_LOG_", "KESOS_ENV"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The module configures this process's logging as gunicorn's master; not the test run's.
    monkeypatch.setattr("core.logs.configure_logging", lambda settings: None)
    import core.gunicorn_conf as conf

    return importlib.reload(conf)


def test_the_defaults_are_the_agreed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _conf(monkeypatch)
    assert conf.bind == ["0.0.0.0:8000"]
    assert (conf.workers, conf.worker_class, conf.threads) == (2, "gthread", 4)
    assert (conf.timeout, conf.graceful_timeout, conf.keepalive) == (60, 30, 75)
    assert conf.accesslog is None and conf.errorlog == "-" and conf.preload_app is False
    assert (conf.max_requests, conf.max_requests_jitter) == (0, 0)
    assert conf.logconfig_dict == {}  # development: gunicorn's plain text


def test_the_environment_sets_every_value(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _conf(
        monkeypatch, KESOS_WEB_BIND="127.0.0.1:9000", KESOS_WEB_WORKERS="5", KESOS_WEB_WORKER_CLASS="SYNC",
        KESOS_WEB_THREADS="8", KESOS_WEB_TIMEOUT="120", KESOS_WEB_GRACEFUL_TIMEOUT="20", KESOS_WEB_KEEPALIVE="90",
        KESOS_WEB_MAX_REQUESTS="1000", KESOS_WEB_MAX_REQUESTS_JITTER="100", KESOS_LOG_FORMAT="json", KESOS_LOG_LEVEL="warning",
    )
    assert conf.bind == ["127.0.0.1:9000"]
    assert (conf.workers, conf.worker_class, conf.threads) == (5, "sync", 8)
    assert (conf.timeout, conf.graceful_timeout, conf.keepalive) == (120, 20, 90)
    assert (conf.max_requests, conf.max_requests_jitter) == (1000, 100)
    assert conf.loglevel == "warning"
    assert conf.logconfig_dict["loggers"]["gunicorn.error"]["handlers"] == ["kesos"]
    assert conf.logconfig_dict["formatters"]["json"] == {"()": "core.logs.JsonFormatter"}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("KESOS_WEB_WORKERS", "dua", "KESOS_WEB_WORKERS harus bilangan bulat positif, bukan 'dua'."),
    ("KESOS_WEB_WORKERS", "0", "KESOS_WEB_WORKERS harus bilangan bulat positif, bukan '0'."),
    ("KESOS_WEB_THREADS", "-4", "KESOS_WEB_THREADS harus bilangan bulat positif, bukan '-4'."),
    ("KESOS_WEB_TIMEOUT", "60s", "KESOS_WEB_TIMEOUT harus bilangan bulat positif, bukan '60s'."),
    ("KESOS_WEB_GRACEFUL_TIMEOUT", "1.5", "KESOS_WEB_GRACEFUL_TIMEOUT harus bilangan bulat positif, bukan '1.5'."),
    ("KESOS_WEB_KEEPALIVE", "lama", "KESOS_WEB_KEEPALIVE harus bilangan bulat positif, bukan 'lama'."),
    ("KESOS_WEB_MAX_REQUESTS", "-1", "KESOS_WEB_MAX_REQUESTS harus bilangan bulat 0 atau lebih, bukan '-1'."),
    ("KESOS_WEB_WORKER_CLASS", "gevent", "KESOS_WEB_WORKER_CLASS tidak dikenal: 'gevent'. Gunakan salah satu dari: gthread, sync."),
    ("KESOS_WEB_BIND", "8000", "KESOS_WEB_BIND harus berbentuk HOST:PORT (mis. 0.0.0.0:8000) atau unix:PATH, bukan '8000'."),
    ("KESOS_WEB_BIND", "0.0.0.0:99999", "KESOS_WEB_BIND harus berbentuk HOST:PORT (mis. 0.0.0.0:8000) atau unix:PATH, bukan '0.0.0.0:99999'."),
    ("KESOS_WEB_MAX_REQUESTS_JITTER", "50", "KESOS_WEB_MAX_REQUESTS_JITTER hanya berarti bila KESOS_WEB_MAX_REQUESTS diisi (lebih dari 0)."),
])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        web_settings({name: value})
    assert str(raised.value) == message
    with pytest.raises(SystemExit) as stopped:  # as gunicorn imports the module
        _conf(monkeypatch, **{name: value})
    assert str(stopped.value) == f"kesos: konfigurasi ditolak: {message}"


def test_an_unsafe_app_configuration_stops_the_master_too(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as stopped:
        _conf(monkeypatch, KESOS_ENV="production")  # no SECRET_KEY
    assert "KESOS_ENV=production membutuhkan SECRET_KEY" in str(stopped.value)


def test_text_mode_leaves_gunicorn_its_own_lines() -> None:
    assert log_config("text", "INFO") == {}
    assert log_config("json", "DEBUG")["root"] == {"level": "DEBUG", "handlers": ["kesos"]}


def test_gunicorn_refuses_to_start_on_a_bad_value(tmp_path: Path) -> None:
    env = base_environ(tmp_path, KESOS_WEB_WORKERS="banyak")
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "python:core.gunicorn_conf", "wsgi:app"],
        cwd=tmp_path.parent, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert "kesos: konfigurasi ditolak: KESOS_WEB_WORKERS harus bilangan bulat positif, bukan 'banyak'." in done.stderr
    assert "Traceback" not in done.stderr


def _get(url: str, headers: dict[str, str] | None = None) -> Any:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except OSError:
        return None


def test_gunicorn_serves_healthz_logs_json_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = base_environ(
        tmp_path, KESOS_WEB_BIND=f"127.0.0.1:{port}", KESOS_WEB_WORKERS="1", KESOS_WEB_THREADS="2",
        KESOS_WEB_GRACEFUL_TIMEOUT=str(GRACEFUL), KESOS_LOG_FORMAT="json",
    )
    log = tmp_path / "gunicorn.log"
    with running([str(BIN / "gunicorn"), "-c", "python:core.gunicorn_conf", "wsgi:app"], env, log) as proc:
        url = f"http://127.0.0.1:{port}/healthz"
        status, headers, body = wait_for(lambda: _get(url, {"X-Request-ID": "uji-gunicorn-1"}), 90, "/healthz", proc, log)
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert headers["X-Request-ID"] == "uji-gunicorn-1"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=GRACEFUL) == 0  # stopped within the graceful timeout
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]  # every line is JSON
    [request] = [line for line in lines if line["logger"] == "kesos.request"]
    assert (request["request_id"], request["path"], request["status"]) == ("uji-gunicorn-1", "/healthz", 200)
    gunicorn = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    assert any(m.startswith("Booting worker") for m in gunicorn), gunicorn
    assert any("Shutting down" in m for m in gunicorn), gunicorn
