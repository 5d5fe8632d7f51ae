"""The daily tick watches the 14 working days of PP 39/2012 Pasal 58: the assigned officer is
warned when 3 working days are left, and an application still without its mark after the due
date is flagged overdue — once each, dated by the law's calendar, whichever days the tick ran."""
from __future__ import annotations

from datetime import date

import pytest

from core.tick import run_daily_tick
from tests.plugins.lks.helpers import PP, T, counts, etag, lengkap, new_application, terbitkan, unggah_semua

PASAL_58 = f"{PP} Pasal 58"
DECLARED, DUE = date(2026, 8, 10), date(2026, 9, 1)  # 14 working days, 17 and 25 August skipped
REMINDER = date(2026, 8, 27)  # Thu: 28 Aug, 31 Aug and 1 Sep are the last 3 working days


@pytest.fixture
def declared(client, kernel, world, monkeypatch):
    """An application declared complete on 10 August 2026 in each kabupaten."""
    import plugins.lks.pendaftaran as svc

    monkeypatch.setattr(svc, "local_today", lambda: DECLARED)
    out = {}
    for slug, w in world.items():
        app = new_application(client, w)
        unggah_semua(client, w, app["id"])
        r = lengkap(client, w, app["id"])
        assert r.get_json()["jatuh_tempo"] == DUE.isoformat(), r.get_json()
        out[slug] = app["id"]
    return out


def _warnings(client, w, actor=None, **query):
    r = client.get(f"{T}/{w.slug}/lks/peringatan", headers=(actor or w.officer).headers, query_string=query)
    assert r.status_code == 200, r.get_json()
    return [(x["jenis"], x["tanggal"], x["untuk_user_id"]) for x in r.get_json()]


def test_the_officer_is_warned_three_working_days_before_and_then_of_the_delay(client, kernel, world, declared):
    b = world["balangan"]
    me = str(b.officer.user_id)
    run_daily_tick(today=date(2026, 8, 26), kernel=kernel)
    assert _warnings(client, b) == []
    for day in (REMINDER, REMINDER):  # the same day twice
        assert run_daily_tick(today=day, kernel=kernel).failed == []
    assert _warnings(client, b, untuk_saya="true") == [("mendekati_jatuh_tempo", REMINDER.isoformat(), me)]
    assert _warnings(client, b, actor=b.officer2, untuk_saya="true") == []
    run_daily_tick(today=DUE, kernel=kernel)
    assert len(_warnings(client, b)) == 1  # on the due date itself it is not late yet
    run_daily_tick(today=date(2026, 9, 2), kernel=kernel)
    assert _warnings(client, b) == [("terlambat", "2026-09-02", me), ("mendekati_jatuh_tempo", REMINDER.isoformat(), me)]
    detail = client.get(f"{T}/balangan/lks/pendaftaran/{declared['balangan']}", headers=b.officer.headers).get_json()
    late = next(x for x in detail["peringatan"] if x["jenis"] == "terlambat")
    assert late["citation"] == PASAL_58 and "melewati batas 2026-09-01" in late["pesan"] and "14 hari kerja" in late["pesan"]
    assert counts(kernel, "balangan")["lks_peringatan"] == 2


def _tick_one(kernel, slug, day):
    """The LKS plugin's daily work for one tenant and day (what the kernel's tick calls)."""
    from sqlalchemy import select

    from core.db import tenant_context
    from core.tenancy.models import Tenant
    from plugins.lks.jobs import daily

    with kernel.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
        with tenant_context(tenant.id, s):
            daily(s, kernel, tenant, day)


def test_a_tick_after_missed_days_dates_the_warnings_as_daily_ticks_would(client, kernel, world, declared):
    from datetime import timedelta

    # Balangan's work runs every day from 20 August; Tabalong's only once, on 7 September.
    day = date(2026, 8, 20)
    while day <= date(2026, 9, 7):
        _tick_one(kernel, "balangan", day)
        day += timedelta(days=1)
    _tick_one(kernel, "tabalong", date(2026, 9, 7))
    _tick_one(kernel, "tabalong", date(2026, 9, 7))
    daily = _warnings(client, world["balangan"])
    once = _warnings(client, world["tabalong"])
    assert [(j, d) for j, d, _ in daily] == [("terlambat", "2026-09-02"), ("mendekati_jatuh_tempo", REMINDER.isoformat())]
    assert [(j, d) for j, d, _ in once] == [(j, d) for j, d, _ in daily]


def test_a_mark_issued_in_time_raises_no_warning_and_lists_show_the_delay(client, kernel, world, declared, monkeypatch):
    b, t = world["balangan"], world["tabalong"]
    r = client.post(
        f"{T}/balangan/lks/pendaftaran/{declared['balangan']}/terbitkan", json={},
        headers={**b.officer.headers, "If-Match": etag(client, b, declared["balangan"])},
    )
    assert r.status_code == 200, r.get_json()
    run_daily_tick(today=date(2026, 9, 10), kernel=kernel)
    assert _warnings(client, b) == []
    import plugins.lks.pendaftaran as svc

    monkeypatch.setattr(svc, "local_today", lambda: date(2026, 9, 10))
    late = client.get(f"{T}/tabalong/lks/pendaftaran", headers=t.officer.headers, query_string={"terlambat": "true"}).get_json()
    assert [(x["id"], x["terlambat"]) for x in late] == [(declared["tabalong"], True)]
    # issued late: the mark still comes, and it says it was late
    issued = terbitkan(client, t, declared["tabalong"]).get_json()
    assert issued["terlambat"] is True and issued["nomor"]
