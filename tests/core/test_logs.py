"""Process logs (core/logs.py) as an operator reads them: one JSON line per request, with its
request id (the one in the response header), tenant and user; nothing secret in any line."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from core.config import ConfigError, load_settings
from core.logs import KesosHandler, configure_logging
from tests.core.test_config import DATA_KEYS
from tests.core.api.helpers import A_KODE, A_SLUG, NIK_SITI, url
from tests.factories import PASSWORD, Factory


class Lines:
    """The JSON lines the configured root handler wrote."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.all() if line["logger"] == "kesos.request"]


@pytest.fixture
def lines(app: Any) -> Iterator[Lines]:
    """JSON logs into a buffer, as KESOS_LOG_FORMAT=json writes them to stdout."""
    captured = Lines()
    configure_logging(load_settings(environ={"KESOS_LOG_FORMAT": "json"}), stream=captured.stream)
    yield captured
    configure_logging(load_settings(environ={}))


@pytest.fixture
def officer(make: Factory) -> Any:
    make.tenant(A_SLUG, A_KODE)
    return make.user("petugas.balangan", {A_SLUG: ["officer"]})


def test_a_request_writes_one_json_line_with_the_id_of_its_response_header(client: Any, lines: Lines) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32 and int(rid, 16) >= 0  # a new uuid4 hex
    [line] = lines.all()
    assert line["logger"] == "kesos.request" and line["level"] == "INFO"
    assert line["request_id"] == rid
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["message"] == "GET /healthz 200"
    assert isinstance(line["duration_ms"], float) and line["remote_addr"] == "127.0.0.1"
    assert line["time"].endswith("Z") and line["time"][:4].isdigit()
    assert line["tenant"] is None and line["user"] is None


def test_an_authenticated_tenant_request_names_its_tenant_and_user_but_not_its_query(
    client: Any, lines: Lines, officer: Any
) -> None:
    response = client.get(url(A_SLUG, f"persons?nik={NIK_SITI}"), headers=officer.headers | {"X-Request-ID": "ingress-abc.123_x"})
    assert response.status_code == 200, response.get_json()
    assert response.headers["X-Request-ID"] == "ingress-abc.123_x"  # a sane incoming id is kept
    [line] = lines.requests()
    assert line["request_id"] == "ingress-abc.123_x"
    assert (line["tenant"], line["user"]) == (A_SLUG, "petugas.balangan")
    assert line["path"] == f"/api/v1/tenants/{A_SLUG}/persons"
    raw = lines.stream.getvalue()
    assert NIK_SITI not in raw and "nik=" not in raw
    assert officer.token not in raw


def test_a_refused_request_still_names_its_user_and_carries_the_header(
    client: Any, lines: Lines, officer: Any, make: Factory
) -> None:
    make.tenant("tabalong", "63.09")
    response = client.get(url("tabalong", "persons"), headers=officer.headers)  # no role there
    assert response.status_code == 403
    [line] = lines.requests()
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert (line["status"], line["tenant"], line["user"]) == (403, "tabalong", "petugas.balangan")


@pytest.mark.parametrize("incoming", ["x" * 65, "a b", "../../etc/passwd", "id;DROP TABLE", "<script>", "ünïcode"])
def test_an_incoming_request_id_that_is_not_sane_is_replaced(client: Any, lines: Lines, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    rid = response.headers["X-Request-ID"]
    assert rid != incoming and len(rid) == 32
    [line] = lines.all()
    assert line["request_id"] == rid


def test_lines_written_during_a_request_carry_its_id_tenant_and_user(
    app: Any, client: Any, lines: Lines, officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.api.persons as persons_api

    original = persons_api.persons_query

    def logged_query(**query: Any) -> Any:
        logging.getLogger("core.registry").warning("mencari penerima", extra={"kolom": "nama", "nik": NIK_SITI})
        return original(**query)

    monkeypatch.setattr(persons_api, "persons_query", logged_query)
    response = client.get(url(A_SLUG, "persons"), headers=officer.headers)
    assert response.status_code == 200
    service, request_line = lines.all()
    assert service["message"] == "mencari penerima" and service["level"] == "WARNING"
    assert service["request_id"] == request_line["request_id"] == response.headers["X-Request-ID"]
    assert (service["tenant"], service["user"]) == (A_SLUG, "petugas.balangan")
    assert service["kolom"] == "nama"  # extra fields are fields of the line
    assert service["nik"] == "[disembunyikan]"


def test_a_server_error_logs_its_traceback_as_one_field_and_the_request_as_500(
    app: Any, client: Any, lines: Lines
) -> None:
    def boom() -> Any:
        raise RuntimeError(f"rusak saat memeriksa {NIK_SITI}")

    app.view_functions["health.healthz"] = boom
    response = client.get("/healthz")
    assert response.status_code == 500
    assert response.headers["X-Request-ID"]
    error, request_line = lines.all()
    assert error["level"] == "ERROR" and error["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback (most recent call last)" in error["exc_info"]
    assert "RuntimeError: rusak saat memeriksa ****************" in error["exc_info"]
    assert NIK_SITI not in lines.stream.getvalue()
    assert (request_line["status"], request_line["request_id"]) == (500, error["request_id"])


def test_a_login_never_logs_the_password_or_the_token(client: Any, lines: Lines, officer: Any) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "petugas.balangan", "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    raw = lines.stream.getvalue()
    assert PASSWORD not in raw and response.get_json()["token"] not in raw
    assert [line["path"] for line in lines.requests()] == ["/api/v1/auth/login"]


def test_text_format_names_the_request_for_a_person_at_a_terminal(client: Any) -> None:
    stream = io.StringIO()
    configure_logging(load_settings(environ={"KESOS_LOG_FORMAT": "text"}), stream=stream)
    try:
        response = client.get("/healthz?nik=" + NIK_SITI)
    finally:
        configure_logging(load_settings(environ={}))
    [line] = stream.getvalue().splitlines()
    assert line.endswith(f"INFO kesos.request [{response.headers['X-Request-ID']}] GET /healthz 200")
    assert NIK_SITI not in line


def test_configure_logging_is_idempotent() -> None:
    settings = load_settings(environ={"KESOS_LOG_FORMAT": "json", "KESOS_LOG_LEVEL": "warning"})
    try:
        configure_logging(settings)
        configure_logging(settings)
        root = logging.getLogger()
        assert len([h for h in root.handlers if isinstance(h, KesosHandler)]) == 1
        assert root.level == logging.WARNING
    finally:
        configure_logging(load_settings(environ={}))


def test_json_is_the_default_in_production_and_text_elsewhere() -> None:
    production = {"KESOS_ENV": "production", "SECRET_KEY": "s" * 40, **DATA_KEYS}
    assert load_settings(environ=production).log_format == "json"
    assert load_settings(environ=production | {"KESOS_LOG_FORMAT": "text"}).log_format == "text"
    assert load_settings(environ={}).log_format == "text"
    assert load_settings(environ={"KESOS_LOG_FORMAT": "JSON"}).log_format == "json"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("KESOS_LOG_FORMAT", "xml", "KESOS_LOG_FORMAT tidak dikenal: 'xml'. Gunakan salah satu dari: json, text."),
    ("KESOS_LOG_LEVEL", "verbose", "KESOS_LOG_LEVEL tidak dikenal: 'VERBOSE'. Gunakan salah satu dari: DEBUG, INFO, WARNING, ERROR, CRITICAL."),
])
def test_an_unknown_log_setting_stops_start_up_naming_it(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(environ={name: value})
    assert str(raised.value) == message
