"""The daily tick flags open cases whose yearly evaluation (Perbup Balangan 61/2017 Pasal 42
ayat (1)) is overdue — once, and only where the profile sets the duty."""
from __future__ import annotations

from datetime import timedelta

from core.tenancy.calendar import local_today
from core.tick import run_daily_tick
from plugins.rehabilitasi.rules import add_months
from tests.plugins.rehabilitasi.helpers import PERBUP, T, counts, new_case, refused

EVAL = f"{PERBUP} Pasal 42 ayat (1)"


def _peringatan(client, w, **query):
    r = client.get(f"{T}/{w.slug}/rehabilitasi/peringatan", headers=w.officer.headers, query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_an_overdue_evaluation_is_flagged_once_in_balangan_only(client, kernel, world):
    b, t = world["balangan"], world["tabalong"]
    case_b, case_t = new_case(client, b), new_case(client, t)
    today = local_today()
    due = add_months(today, 12)
    # on the due date itself nothing is late yet
    run_daily_tick(today=due, kernel=kernel)
    assert _peringatan(client, b) == []
    later = add_months(today, 13)
    for day in (later, later, later + timedelta(days=1)):  # twice the same day, then the next
        result = run_daily_tick(today=day, kernel=kernel)
        assert result.failed == []
    (p,) = _peringatan(client, b)
    assert p["case_id"] == case_b and p["jenis"] == "evaluasi_terlambat"
    assert p["jatuh_tempo"] == due.isoformat() and p["citation"] == EVAL
    assert "Evaluasi kasus terlambat" in p["pesan"] and "12 bulan" in p["pesan"]
    assert counts(kernel, "balangan")["rehabilitasi_peringatan"] == 1
    assert _peringatan(client, t) == [] and counts(kernel, "tabalong")["rehabilitasi_peringatan"] == 0
    shown = client.get(f"{T}/balangan/rehabilitasi/kasus/{case_b}", headers=b.auditor.headers).get_json()
    assert [x["jenis"] for x in shown["peringatan"]] == ["evaluasi_terlambat"]
    assert case_t  # Tabalong's case is just as old, but the PP sets no evaluation period


def test_an_evaluation_settles_the_warning_and_restarts_the_clock(client, kernel, world):
    b = world["balangan"]
    case_b = new_case(client, b)
    today = local_today()
    run_daily_tick(today=add_months(today, 13), kernel=kernel)
    assert len(_peringatan(client, b)) == 1
    r = client.post(f"{T}/balangan/rehabilitasi/kasus/{case_b}/evaluasi", json={"tanggal": today.isoformat(), "hasil": "Dievaluasi."}, headers=b.peksos.headers)
    assert r.status_code == 201, r.get_json()
    assert _peringatan(client, b) == []
    (settled,) = _peringatan(client, b, semua="true")
    assert settled["selesai_pada"] is not None
    # the next evaluation falls due 12 months after the last one: the same day flags nothing new
    run_daily_tick(today=add_months(today, 13) + timedelta(days=1), kernel=kernel)
    assert _peringatan(client, b) == []


def test_warnings_need_the_read_permission(client, world):
    b = world["balangan"]
    assert client.get(f"{T}/balangan/rehabilitasi/peringatan", headers=b.auditor.headers).status_code == 200
    r = client.get(f"{T}/balangan/rehabilitasi/peringatan", headers=world["tabalong"].officer.headers)
    refused(r, "tidak_berwenang", None, status=403)
