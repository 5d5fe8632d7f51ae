"""The same form sent twice at the same moment (a double click on a slow network): on
PostgreSQL the second request blocks on the submission's primary key until the first commits,
then goes to the first one's result — one note, not two.

Two threads, two connections. The first request is held right after it inserted its
submission row (its transaction open) until the second is seen waiting for that row's lock in
pg_stat_activity; only then does the first go on and commit."""
from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, pool, select, text
from sqlalchemy.engine import make_url

from core.console.models import ConsoleSubmission
from tests.console.pages import Console
from tests.pg import PG_ADMIN_URL

pytestmark = pytest.mark.postgres
TIMEOUT = 30  # seconds: bounded waits only
CATATAN = "/konsol/balangan/fixture/catatan"


@pytest.fixture
def backend() -> str:
    return "postgres"


def _lock_waiters(database: str) -> int:
    engine = create_engine(make_url(PG_ADMIN_URL).set(database=database), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
            ), {"db": database}))
    finally:
        engine.dispose()


def test_two_simultaneous_submissions_of_one_form_create_one_record(app: Any, kernel: Any, pg_database: Any, people: dict[str, Any]) -> None:
    first = Console(app.test_client())
    first.login("petugas")
    second = Console(app.test_client())
    second.client.set_cookie("kesos_sesi", first.client.get_cookie("kesos_sesi").value)  # the same browser
    form = first.get(CATATAN).form(CATATAN)
    data = {**form.fields, "tanggal": "2026-03-02", "isi": "klik ganda"}

    inserted, go_on = threading.Event(), threading.Event()

    def _hold_first(session: Any, _context: Any, _instances: Any) -> None:
        if any(isinstance(o, ConsoleSubmission) for o in session.new) and not inserted.is_set():
            session.info["uji_ditahan"] = True

    def _after(session: Any, _context: Any) -> None:
        if session.info.pop("uji_ditahan", False):
            inserted.set()
            assert go_on.wait(TIMEOUT), "the test never released the first request"

    event.listen(kernel.db.session_factory, "before_flush", _hold_first)
    event.listen(kernel.db.session_factory, "after_flush", _after)
    results: dict[str, Any] = {}

    def post(name: str, console: Console) -> None:
        r = console.client.post(CATATAN, data=data)
        results[name] = (r.status_code, r.headers.get("Location"))

    try:
        one = threading.Thread(target=post, args=("first", first))
        one.start()
        assert inserted.wait(TIMEOUT), "the first request never inserted its submission"
        two = threading.Thread(target=post, args=("second", second))
        two.start()
        deadline = threading.Event()
        for _ in range(TIMEOUT * 20):  # poll, bounded: the second must be waiting on the row lock
            if _lock_waiters(pg_database.name) >= 1:
                break
            deadline.wait(0.05)
        else:
            pytest.fail("the second request never waited for the first one's submission row")
        go_on.set()
        one.join(TIMEOUT)
        two.join(TIMEOUT)
        assert not one.is_alive() and not two.is_alive()
    finally:
        go_on.set()
        event.remove(kernel.db.session_factory, "before_flush", _hold_first)
        event.remove(kernel.db.session_factory, "after_flush", _after)

    assert results["first"] == (303, CATATAN)
    assert results["second"] == (303, CATATAN)
    notes = app.test_client().get("/api/v1/tenants/balangan/fixture/notes", headers=people["officer"].headers).get_json()
    assert [n["isi"] for n in notes] == ["klik ganda"]
    with kernel.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleSubmission)) == 1
