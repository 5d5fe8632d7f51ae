"""Two clients advance the same case at the same moment with the same If-Match: exactly one
wins, the other gets 412, and nothing is lost — one `advanced` event, the version bumped once.

On PostgreSQL, two threads (two requests, two connections). A barrier inside the requests makes
the race real: both have read the case and passed the If-Match check before either writes, so
only the version predicate of the UPDATE itself can refuse the second."""
from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select

from core.cases.models import Case, CaseEvent
from tests.core.api.helpers import A_KODE, A_SLUG, tenant_id, url
from tests.factories import Factory

pytestmark = pytest.mark.postgres
TIMEOUT = 30  # seconds: bounded waits only


@pytest.fixture
def backend() -> str:
    return "postgres"


def test_two_simultaneous_advances_with_the_same_etag_one_wins_the_other_gets_412(app: Any, kernel: Any, make: Factory) -> None:
    make.tenant(A_SLUG, A_KODE)
    make.enable(A_SLUG, profile_id="fixture-perbup")
    officer = make.user("petugas.balangan", {A_SLUG: ["officer"]})
    peksos = make.user("peksos.balangan", {A_SLUG: ["peksos"]})
    person = make.person(A_SLUG, nama="Ahmad Fauzi", born=date(1975, 1, 12), sex="L")
    client = app.test_client()
    r = client.post(url(A_SLUG, "cases"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)}, headers=officer.headers)
    assert r.status_code == 201, r.get_json()
    case_id, etag = r.get_json()["id"], r.headers["ETag"]

    start = threading.Barrier(2, timeout=TIMEOUT)
    checked = threading.Barrier(2, timeout=TIMEOUT)  # both passed the If-Match check, neither wrote

    def _before_write(session: Any, _context: Any, _instances: Any) -> None:
        if any(isinstance(o, Case) for o in session.dirty) and not session.info.get("uji_menunggu"):
            session.info["uji_menunggu"] = True
            checked.wait()

    event.listen(kernel.db.session_factory, "before_flush", _before_write)
    results: dict[str, Any] = {}

    def advance(actor: Any) -> None:
        c = app.test_client()
        start.wait()
        r = c.post(url(A_SLUG, f"cases/{case_id}/advance"), json={"to_stage": "tangani"}, headers={**actor.headers, "If-Match": etag})
        results[actor.username] = (r.status_code, r.get_json(), r.headers.get("ETag"))

    try:
        threads = [threading.Thread(target=advance, args=(a,)) for a in (officer, peksos)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
        assert not any(t.is_alive() for t in threads)
    finally:
        event.remove(kernel.db.session_factory, "before_flush", _before_write)

    statuses = sorted(status for status, _, _ in results.values())
    assert statuses == [200, 412], results
    (loser,) = [body for status, body, _ in results.values() if status == 412]
    assert loser["code"] == "versi_usang"
    (winner_etag,) = [tag for status, _, tag in results.values() if status == 200]
    assert winner_etag == '"2"'

    with kernel.db.unit_of_work(tenant_id(kernel, A_SLUG)) as s:
        case = s.get(Case, (tenant_id(kernel, A_SLUG), uuid.UUID(case_id)))
        assert case is not None and case.version == 2 and case.stage == "tangani"
        kinds = list(s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at)))
    assert kinds == ["opened", "advanced"]
