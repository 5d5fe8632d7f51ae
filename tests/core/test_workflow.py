"""Moving cases through their stages: in order, guarded by the pinned profile (each refusal with
its article), with optimistic locking (If-Match) and an append-only history; lists with filters
and pagination; another tenant's case is a 404."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.cases.services import advance_case, get_case
from core.errors import PreconditionFailed
from core.tenancy.models import Tenant

CASES = "/api/v1/tenants/{slug}/cases"
PP_TAHAPAN = "PP 39/2012 Pasal 7 ayat (2)"
PERBUP_CATATAN = "Perbup Balangan 61/2017 Pasal 24 ayat (2)"


@pytest.fixture
def world(make):
    make.tenant("balangan", "63.11")
    make.tenant("tabalong", "63.09")
    make.enable("balangan", profile_id="fixture-perbup")
    make.enable("tabalong")
    both = make.user("pengawas", {"balangan": ["officer"], "tabalong": ["officer"]})
    return SimpleNamespace(
        officer=make.user("petugas.balangan", {"balangan": ["officer"]}),
        peksos=make.user("peksos.balangan", {"balangan": ["peksos"]}),
        officer_t=make.user("petugas.tabalong", {"tabalong": ["officer"]}),
        both=both,
        ahmad=make.person("balangan", nama="Ahmad Fauzi", born=date(1975, 1, 12), sex="L"),
        siti=make.person("balangan", nama="Siti Aminah", born=date(1987, 9, 5), sex="P"),
        person_t=make.person("tabalong", nama="Budi", born=date(1980, 2, 2), sex="L"),
    )


def _url(slug: str, case_id: str = "", suffix: str = "") -> str:
    return CASES.format(slug=slug) + (f"/{case_id}" if case_id else "") + suffix


def _open(client, actor, person, slug="balangan", **body):
    r = client.post(
        _url(slug), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id), **body},
        headers=actor.headers,
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json(), r.headers["ETag"]


def _advance(client, actor, case_id, to_stage, etag=None, slug="balangan", data=None):
    headers = dict(actor.headers)
    if etag is not None:
        headers["If-Match"] = etag
    body = {"to_stage": to_stage}
    if data is not None:
        body["data"] = data
    return client.post(_url(slug, case_id, "/advance"), json=body, headers=headers)


def _events(client, actor, case_id, slug="balangan"):
    r = client.get(_url(slug, case_id, "/events"), headers=actor.headers)
    assert r.status_code == 200
    return [(e["kind"], e["from_stage"], e["to_stage"]) for e in r.get_json()]


# -- moving in order ------------------------------------------------------------------------


def test_a_case_moves_through_its_stages_in_order_and_closes(client, world):
    case, etag = _open(client, world.officer_t, world.person_t, slug="tabalong")
    r = _advance(client, world.officer_t, case["id"], "tangani", etag, slug="tabalong")
    assert r.status_code == 200, r.get_json()
    moved = r.get_json()
    assert (moved["stage"], moved["status"], moved["closed_at"]) == ("tangani", "open", None)
    assert r.headers["ETag"] != etag and r.headers["ETag"] == f'"{moved["version"]}"'

    # National profile: no closing note needed.
    r = _advance(client, world.officer_t, case["id"], "selesai", r.headers["ETag"], slug="tabalong")
    assert r.status_code == 200, r.get_json()
    closed = r.get_json()
    assert (closed["stage"], closed["status"]) == ("selesai", "closed")
    assert closed["closed_at"] is not None
    assert _events(client, world.officer_t, case["id"], slug="tabalong") == [
        ("opened", None, "daftar"),
        ("advanced", "daftar", "tangani"),
        ("advanced", "tangani", "selesai"),
    ]


def test_skipping_a_stage_is_refused_citing_the_article_that_orders_the_stages(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    r = _advance(client, world.officer, case["id"], "selesai", etag, data={"catatan": "selesai"})
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "tahap_tidak_berurutan"
    # The Perbup variant inherits the stages, and their article, from the national baseline.
    assert body["citation"] == PP_TAHAPAN
    assert body["message"] == (
        "Kasus berada di tahap Pendaftaran; tahap berikutnya yang sah: Penanganan. Tahap tidak boleh dilompati."
    )
    shown = client.get(_url("balangan", case["id"]), headers=world.officer.headers)
    assert shown.get_json()["stage"] == "daftar"
    assert shown.headers["ETag"] == etag  # a refusal changes nothing


def test_moving_back_is_refused(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    etag = _advance(client, world.officer, case["id"], "tangani", etag).headers["ETag"]
    r = _advance(client, world.officer, case["id"], "daftar", etag)
    assert r.status_code == 422
    assert r.get_json()["code"] == "tahap_tidak_berurutan"
    assert r.get_json()["citation"] == PP_TAHAPAN


def test_an_unknown_stage_is_refused(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    r = _advance(client, world.officer, case["id"], "arsip", etag)
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "tahap_tidak_dikenal"
    assert body["message"] == "Tahap 'arsip' tidak dikenal untuk jenis kasus Kasus Uji."
    assert body["citation"] == PP_TAHAPAN


def test_closing_under_the_perbup_needs_a_closing_note(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    etag = _advance(client, world.officer, case["id"], "tangani", etag).headers["ETag"]

    for data in (None, {}, {"catatan": ""}):
        r = _advance(client, world.officer, case["id"], "selesai", etag, data=data)
        assert r.status_code == 422
        body = r.get_json()
        assert body["code"] == "catatan_penutup_wajib"
        assert body["citation"] == PERBUP_CATATAN
        assert body["message"] == "Kasus tidak dapat diselesaikan tanpa catatan penutup."

    # Nothing was written by the refusals: the ETag is still current.
    r = _advance(client, world.officer, case["id"], "selesai", etag, data={"catatan": "Klien mandiri."})
    assert r.status_code == 200, r.get_json()
    closed = r.get_json()
    assert closed["status"] == "closed" and closed["stage"] == "selesai"
    assert closed["closed_at"] is not None
    events = client.get(_url("balangan", case["id"], "/events"), headers=world.officer.headers).get_json()
    assert events[-1]["data"] == {"catatan": "Klien mandiri."}


def test_data_of_a_move_is_validated(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    etag = _advance(client, world.officer, case["id"], "tangani", etag).headers["ETag"]
    r = _advance(client, world.officer, case["id"], "selesai", etag, data={"catatan": "ok", "nilai": 3})
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"data": {"nilai": ["Kolom tidak dikenal."]}}
    # A stage that takes no data refuses data.
    case2, etag2 = _open(client, world.officer, world.siti)
    r = _advance(client, world.officer, case2["id"], "tangani", etag2, data={"catatan": "x"})
    assert r.status_code == 422
    assert "data" in r.get_json()["errors"]


def test_a_closed_case_cannot_move(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    etag = _advance(client, world.officer, case["id"], "tangani", etag).headers["ETag"]
    etag = _advance(client, world.officer, case["id"], "selesai", etag, data={"catatan": "tuntas"}).headers["ETag"]
    for stage in ("selesai", "tangani", "daftar"):
        r = _advance(client, world.officer, case["id"], stage, etag, data={"catatan": "lagi"})
        assert r.status_code == 422
        body = r.get_json()
        assert body["code"] == "kasus_sudah_ditutup"
        assert body["message"] == "Kasus sudah ditutup; tahapnya tidak dapat diubah."
        assert body["citation"] == PP_TAHAPAN
    assert len(_events(client, world.officer, case["id"])) == 3


def test_a_plugin_hook_refusing_a_move_leaves_nothing_written(client, world):
    """The fixture's `kesos_case_advanced` refuses a magic note after the move was flushed:
    the whole request must roll back (one transaction)."""
    case, etag = _open(client, world.officer_t, world.person_t, slug="tabalong")
    etag = _advance(client, world.officer_t, case["id"], "tangani", etag, slug="tabalong").headers["ETag"]
    r = _advance(client, world.officer_t, case["id"], "selesai", etag, slug="tabalong", data={"catatan": "tolak-oleh-hook"})
    assert r.status_code == 422
    assert r.get_json()["code"] == "ditolak_hook"
    shown = client.get(_url("tabalong", case["id"]), headers=world.officer_t.headers)
    assert (shown.get_json()["stage"], shown.get_json()["status"]) == ("tangani", "open")
    assert shown.headers["ETag"] == etag
    assert _events(client, world.officer_t, case["id"], slug="tabalong")[-1] == ("advanced", "daftar", "tangani")


# -- optimistic locking -----------------------------------------------------------------------


def test_if_match_is_required(client, world):
    case, _etag = _open(client, world.officer, world.ahmad)
    r = _advance(client, world.officer, case["id"], "tangani")
    assert r.status_code == 428
    body = r.get_json()
    assert body["code"] == "if_match_diperlukan"
    assert body["message"] == "Header If-Match (ETag versi data) wajib dikirim untuk perubahan ini."


@pytest.mark.parametrize("stale", ['"0"', '"99"', "bukan-etag", 'W/"99"'])
def test_a_stale_or_unreadable_etag_is_refused(client, world, stale):
    case, _etag = _open(client, world.officer, world.ahmad)
    r = _advance(client, world.officer, case["id"], "tangani", stale)
    assert r.status_code == 412
    assert r.get_json()["code"] == "versi_usang"
    assert r.get_json()["message"] == "Data telah diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."
    assert client.get(_url("balangan", case["id"]), headers=world.officer.headers).get_json()["stage"] == "daftar"


def test_a_weak_etag_of_the_current_version_is_accepted(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    r = _advance(client, world.officer, case["id"], "tangani", f"W/{etag}")
    assert r.status_code == 200, r.get_json()


def test_two_clients_with_the_same_etag_one_wins_the_other_gets_412(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    first = _advance(client, world.officer, case["id"], "tangani", etag)
    second = _advance(client, world.peksos, case["id"], "tangani", etag)
    assert first.status_code == 200
    assert second.status_code == 412
    assert second.get_json()["code"] == "versi_usang"
    assert _events(client, world.officer, case["id"]) == [("opened", None, "daftar"), ("advanced", "daftar", "tangani")]


def test_interleaved_writers_do_not_lose_an_update(client, world, kernel):
    """Both read version 1; the first commits; the second's write must fail (412), not overwrite
    the first's move (the version column guards the UPDATE itself, not only the If-Match check)."""
    case, etag = _open(client, world.officer, world.ahmad)
    case_id = uuid.UUID(case["id"])
    with kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tenant_id) as slow:
        slow_tenant = slow.get(Tenant, tenant_id)
        slow_case = get_case(slow, kernel, slow_tenant, case_id)
        assert slow_case.version == 1
        with kernel.db.unit_of_work(tenant_id) as fast:
            fast_tenant = fast.get(Tenant, tenant_id)
            advance_case(
                fast, kernel, fast_tenant, get_case(fast, kernel, fast_tenant, case_id),
                to_stage="tangani", data={}, expected_version=1, actor_id=world.officer.user_id,
            )
        with pytest.raises(PreconditionFailed):
            advance_case(
                slow, kernel, slow_tenant, slow_case,
                to_stage="tangani", data={}, expected_version=1, actor_id=world.peksos.user_id,
            )
        slow.rollback()
    events = client.get(_url("balangan", case["id"], "/events"), headers=world.officer.headers).get_json()
    assert [(e["kind"], e["actor_id"]) for e in events] == [
        ("opened", str(world.officer.user_id)),
        ("advanced", str(world.officer.user_id)),
    ]


def test_concurrent_requests_with_the_same_etag(app, world):
    """Two workers, two threads, the same ETag, at the same time: exactly one move."""
    client = app.test_client()
    case, etag = _open(client, world.officer, world.ahmad)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def move(actor):
        c = app.test_client()
        barrier.wait()
        results.append(_advance(c, actor, case["id"], "tangani", etag).status_code)

    threads = [threading.Thread(target=move, args=(a,)) for a in (world.officer, world.peksos)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [200, 412]
    assert _events(client, world.officer, case["id"]) == [("opened", None, "daftar"), ("advanced", "daftar", "tangani")]


# -- history ----------------------------------------------------------------------------------


def test_events_record_who_moved_the_case_from_which_stage_to_which(client, world):
    case, etag = _open(client, world.officer, world.ahmad)
    etag = _advance(client, world.peksos, case["id"], "tangani", etag).headers["ETag"]
    _advance(client, world.officer, case["id"], "selesai", etag, data={"catatan": "tuntas"})
    r = client.get(_url("balangan", case["id"], "/events"), headers=world.officer.headers)
    events = r.get_json()
    assert [(e["kind"], e["from_stage"], e["to_stage"], e["actor_id"]) for e in events] == [
        ("opened", None, "daftar", str(world.officer.user_id)),
        ("advanced", "daftar", "tangani", str(world.peksos.user_id)),
        ("advanced", "tangani", "selesai", str(world.officer.user_id)),
    ]
    assert all(e["at"] for e in events)


def test_the_history_cannot_be_rewritten_through_the_api(client, world):
    case, _etag = _open(client, world.officer, world.ahmad)
    url = _url("balangan", case["id"], "/events")
    event_id = client.get(url, headers=world.officer.headers).get_json()[0]["id"]
    for method in ("post", "put", "patch", "delete"):
        r = getattr(client, method)(url, json={"kind": "opened"}, headers=world.officer.headers)
        assert r.status_code == 405, method
        r = getattr(client, method)(f"{url}/{event_id}", json={"kind": "x"}, headers=world.officer.headers)
        assert r.status_code in (404, 405), method
    assert len(client.get(url, headers=world.officer.headers).get_json()) == 1


def test_on_postgresql_the_app_role_cannot_rewrite_case_history(client, world, kernel, backend):
    if backend != "postgres":
        pytest.skip("privileges of the app role exist on PostgreSQL only")
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    case, _etag = _open(client, world.officer, world.ahmad)
    with kernel.db.unit_of_work() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    for statement in ("UPDATE case_events SET to_stage = 'selesai'", "DELETE FROM case_events"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            with kernel.db.unit_of_work(tenant_id) as s:
                s.execute(text(statement))
    assert _events(client, world.officer, case["id"]) == [("opened", None, "daftar")]


# -- lists --------------------------------------------------------------------------------------


def test_list_filters(client, world):
    a, etag_a = _open(client, world.officer, world.ahmad, assigned=[{"user_id": str(world.peksos.user_id)}])
    b, etag_b = _open(client, world.officer, world.siti)
    c, etag_c = _open(client, world.officer, world.ahmad)
    _advance(client, world.officer, a["id"], "tangani", etag_a)
    etag_c = _advance(client, world.officer, c["id"], "tangani", etag_c).headers["ETag"]
    _advance(client, world.officer, c["id"], "selesai", etag_c, data={"catatan": "tuntas"})

    def ids(actor=world.officer, **query):
        r = client.get(_url("balangan"), query_string=query, headers=actor.headers)
        assert r.status_code == 200, r.get_json()
        return {x["id"] for x in r.get_json()}

    assert ids() == {a["id"], b["id"], c["id"]}
    assert ids(case_type="fixture_kasus") == {a["id"], b["id"], c["id"]}
    assert ids(case_type="lain") == set()
    assert ids(stage="daftar") == {b["id"]}
    assert ids(stage="tangani") == {a["id"]}
    assert ids(status="closed") == {c["id"]}
    assert ids(status="open") == {a["id"], b["id"]}
    assert ids(person_id=str(world.ahmad.id)) == {a["id"], c["id"]}
    assert ids(person_id=str(world.siti.id), status="closed") == set()
    assert ids(actor=world.peksos, assigned_to="me") == {a["id"]}
    assert ids(assigned_to="me") == set()
    assert ids(assigned_to=str(world.peksos.user_id)) == {a["id"]}

    for bad in ({"assigned_to": "siapa"}, {"status": "arsip"}, {"person_id": "bukan-uuid"}):
        r = client.get(_url("balangan"), query_string=bad, headers=world.officer.headers)
        assert r.status_code == 422, bad
        assert set(bad) <= set(r.get_json()["errors"])

    listed = {x["id"]: x for x in client.get(_url("balangan"), headers=world.officer.headers).get_json()}
    assert listed[a["id"]]["assigned"] == [{"user_id": str(world.peksos.user_id), "peran": "petugas"}]
    assert listed[a["id"]]["summary"] == "Kasus uji di tahap tangani"


def test_list_is_paginated(client, world):
    opened = [_open(client, world.officer, world.ahmad)[0]["id"] for _ in range(5)]
    seen = []
    for page in (1, 2, 3):
        r = client.get(_url("balangan"), query_string={"page": page, "page_size": 2}, headers=world.officer.headers)
        assert r.status_code == 200
        pagination = json.loads(r.headers["X-Pagination"])
        assert pagination["total"] == 5
        assert pagination["total_pages"] == 3
        assert pagination["page"] == page
        seen += [c["id"] for c in r.get_json()]
    assert sorted(seen) == sorted(opened) and len(seen) == 5
    # newest first
    first_page = client.get(_url("balangan"), query_string={"page_size": 2}, headers=world.officer.headers).get_json()
    assert [c["id"] for c in first_page] == list(reversed(opened))[:2]
    r = client.get(_url("balangan"), query_string={"page_size": 0}, headers=world.officer.headers)
    assert r.status_code == 422


# -- tenancy ----------------------------------------------------------------------------------


def test_a_case_of_another_tenant_is_a_404(client, world):
    theirs, etag = _open(client, world.officer_t, world.person_t, slug="tabalong")
    ours, _ = _open(client, world.both, world.ahmad)
    for method, suffix, body in (("get", "", None), ("get", "/events", None), ("post", "/advance", {"to_stage": "tangani"})):
        r = getattr(client, method)(
            _url("balangan", theirs["id"], suffix), json=body, headers={**world.both.headers, "If-Match": etag}
        )
        assert r.status_code == 404, (method, suffix)
        assert r.get_json() == {"code": "kasus_tidak_ditemukan", "message": "Kasus tidak ditemukan."}
    assert [c["id"] for c in client.get(_url("balangan"), headers=world.both.headers).get_json()] == [ours["id"]]
    # ...and it was not moved
    r = client.get(_url("tabalong", theirs["id"]), headers=world.officer_t.headers)
    assert r.get_json()["stage"] == "daftar"


def test_concurrent_first_openings_under_a_profile_both_succeed(app, world):
    """The first case opened under a profile version stores its snapshot; two officers opening
    at the same moment must both succeed (one stores it, the other finds it)."""
    barrier = threading.Barrier(2)
    results: list[tuple[int, object]] = []

    def open_one(actor, person):
        c = app.test_client()
        barrier.wait()
        r = c.post(
            _url("balangan"), json={"case_type": "fixture_kasus", "subject_type": "person", "person_id": str(person.id)},
            headers=actor.headers,
        )
        results.append((r.status_code, r.get_json()))

    threads = [threading.Thread(target=open_one, args=a) for a in ((world.officer, world.ahmad), (world.peksos, world.siti))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [s for s, _ in results] == [201, 201], results
