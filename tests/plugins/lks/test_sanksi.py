"""Sanctions of PP 39/2012 Pasal 65–68: the ladder for a foreign LKS that misses a report or
operates without its permits — dated by the law's working-day intervals, created by the daily
tick idempotently and catching up, stopped by compliance — fines within their caps, revocation
after the fine, the sanctions an officer imposes on an unregistered LKS, the printable letters
and the audit trail; and the tick run as a job on a real RQ worker."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import holidays
import pytest
from sqlalchemy import select

from core.tenancy.models import Tenant
from core.tenancy.services import update_tenant
from tests.plugins.lks.asing_helpers import (
    DAY,
    add_months,
    audit,
    berizin,
    calendar_of,
    catat_asing,
    detail,
    expected_ladder,
    izin_kemenlu,
    izin_operasional,
    izin_teknis,
    kirim_laporan,
    pelanggaran_of,
    sanksi_list,
    tangga_of,
    tick,
)
from tests.plugins.lks.helpers import (
    T,
    ajukan,
    counts,
    lembaga,
    refused,
    registered,
    today,
)
from tests.rq_helpers import redis_settings, work

C65_1 = "PP 39/2012 Pasal 65 ayat (1)"
C65_2 = "PP 39/2012 Pasal 65 ayat (2)"
C65_3 = "PP 39/2012 Pasal 65 ayat (3)"
C65_4 = "PP 39/2012 Pasal 65 ayat (4)"
C65_5 = "PP 39/2012 Pasal 65 ayat (5)"
CITE = {
    "peringatan_tertulis_1": "PP 39/2012 Pasal 66",
    "peringatan_tertulis_2": "PP 39/2012 Pasal 66",
    "peringatan_tertulis_3": "PP 39/2012 Pasal 66",
    "penghentian_sementara": "PP 39/2012 Pasal 67",
    "denda_administratif": "PP 39/2012 Pasal 68",
}
LABEL = {
    "peringatan_tertulis_1": "Peringatan tertulis pertama",
    "peringatan_tertulis_2": "Peringatan tertulis kedua",
    "peringatan_tertulis_3": "Peringatan tertulis ketiga",
    "penghentian_sementara": "Penghentian sementara dari kegiatan",
    "denda_administratif": "Denda administratif",
}
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember")


def tgl(d: date) -> str:
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def first_period_end() -> date:
    """The last day of the first one-month reporting period of a technical permit from today."""
    return add_months(today(), 1) - DAY


def expected_until(cal: Any, day: date) -> set[tuple[int, str, str, str]]:
    """Every step dated up to `day` of an LKS reporting monthly from today and never reporting."""
    out, k = set(), 1
    while (end := add_months(today(), k) - DAY) < day:
        out |= {(k, "tidak_melapor", kode, on.isoformat()) for kode, on in expected_ladder(cal, end + DAY) if on <= day}
        k += 1
    return out


def set_tenant(kernel: Any, slug: str, **values: Any) -> None:
    with kernel.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
        update_tenant(s, tenant, values)


def set_active(kernel: Any, slug: str, aktif: bool) -> None:
    set_tenant(kernel, slug, aktif=aktif)


def same_calendar(kernel: Any) -> None:
    """Tabalong does not count cuti bersama as days off, Balangan does; tests comparing the two
    tenants' dates give Tabalong Balangan's calendar first."""
    set_tenant(kernel, "tabalong", cuti_bersama_libur=True)
    assert calendar_of(kernel, "tabalong").cuti_bersama_libur is calendar_of(kernel, "balangan").cuti_bersama_libur is True


def all_steps(client: Any, w: Any) -> set[tuple[Any, str, str, str]]:
    """(periode_ke, breach, step, date) of every sanction of a tenant."""
    out = set()
    for org in client.get(f"{T}/{w.slug}/lks/asing", headers=w.officer.headers).get_json():
        for pl in detail(client, w, org["id"])["pelanggaran"]:
            out |= {(pl["periode_ke"], pl["jenis"], s["langkah"], s["tanggal"]) for s in pl["sanksi"]}
    return out


def catat_pelanggaran(client: Any, w: Any, org: str, jenis: str = "tanpa_izin_operasional", tanggal: date | None = None, actor: Any = None, **extra: Any) -> Any:
    body = {"jenis": jenis, "tanggal_temuan": (tanggal or today()).isoformat(),
            "uraian": extra.get("uraian", "Ditemukan menyalurkan bantuan di Desa Batu Piring, Kecamatan Paringin, tanpa izin.")}
    return client.post(f"{T}/{w.slug}/lks/asing/{org}/pelanggaran", json=body, headers=(actor or w.officer).headers)


def put_denda(client: Any, w: Any, sanksi_id: str, jumlah: Any, actor: Any = None) -> Any:
    return client.put(f"{T}/{w.slug}/lks/sanksi/{sanksi_id}/denda", json={"jumlah": jumlah}, headers=(actor or w.officer).headers)


def cabut(client: Any, w: Any, pl_id: str, actor: Any = None) -> Any:
    return client.post(f"{T}/{w.slug}/lks/pelanggaran/{pl_id}/pencabutan", json={"uraian": "Tidak melapor meskipun telah didenda."}, headers=(actor or w.officer).headers)


def surat(client: Any, w: Any, sanksi_id: str, actor: Any = None) -> str:
    r = client.get(f"{T}/{w.slug}/lks/sanksi/{sanksi_id}/dokumen", headers=(actor or w.auditor).headers)
    assert r.status_code == 200, r.get_json()
    assert r.content_type.startswith("text/html")
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    return r.get_data(as_text=True)


def sanksi_of(client: Any, w: Any, org: str, langkah: str, **which: Any) -> dict[str, Any]:
    (pl,) = pelanggaran_of(client, w, org, **which)
    (s,) = [s for s in pl["sanksi"] if s["langkah"] == langkah]
    return s  # type: ignore[no-any-return]


# -- the ladder for a missed report (Pasal 65 ayat (4), 66–68) ---------------------------------


def test_the_whole_ladder_for_a_missed_report(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    end = first_period_end()
    steps = expected_ladder(calendar_of(kernel, "balangan"), end + DAY)
    tick(kernel, end)  # the last day of the period: not late yet
    assert detail(client, b, org)["pelanggaran"] == []
    tick(kernel, end + DAY)
    (pl,) = pelanggaran_of(client, b, org)
    assert (pl["jenis"], pl["periode_ke"], pl["citation"], pl["dipatuhi_pada"]) == ("tidak_melapor", 1, C65_4, None)
    assert pl["tanggal_mulai"] == (end + DAY).isoformat() and pl["label"] == "LKS Asing tidak melaporkan kegiatannya secara berkala"
    assert f"periode ke-1 ({today().isoformat()} s.d. {end.isoformat()})" in pl["uraian"]
    assert pl["langkah_berikutnya"]["langkah"] == "peringatan_tertulis_1" and pl["langkah_berikutnya"]["tanggal"] == steps[0][1].isoformat()

    for i, (kode, on) in enumerate(steps):
        tick(kernel, on - DAY)
        assert tangga_of(client, b, org, periode_ke=1) == steps[:i], f"{kode} before {on}"
        tick(kernel, on)
        assert tangga_of(client, b, org, periode_ke=1) == steps[: i + 1], f"{kode} on {on}"
        s = sanksi_of(client, b, org, kode, periode_ke=1)
        assert (s["citation"], s["label"], s["urutan"], s["otomatis"], s["pelanggaran"]) == (CITE[kode], LABEL[kode], i + 1, True, "tidak_melapor")
        assert "Children Hope International Balangan" in s["uraian"]
        nxt = pelanggaran_of(client, b, org, periode_ke=1)[0]["langkah_berikutnya"]
        if i + 1 < len(steps):
            assert (nxt["langkah"], nxt["tanggal"], nxt["citation"]) == (steps[i + 1][0], steps[i + 1][1].isoformat(), CITE[steps[i + 1][0]])
        else:
            assert nxt is None
    assert "tidak mematuhi 3 kali peringatan tertulis" in sanksi_of(client, b, org, "penghentian_sementara", periode_ke=1)["uraian"]
    denda = sanksi_of(client, b, org, "denda_administratif", periode_ke=1)
    assert denda["denda_maksimum"] == 100_000_000 and denda["jumlah_denda"] is None
    assert f"paling banyak Rp100.000.000 ({C65_5})" in denda["uraian"]
    # nothing climbs past the fine by itself: revocation is an officer's decision
    tick(kernel, steps[-1][1] + timedelta(days=30))
    assert tangga_of(client, b, org, periode_ke=1) == steps

    # each step is audited as the tick's (no actor), with its date and article
    ids = {s["id"] for s in pelanggaran_of(client, b, org, periode_ke=1)[0]["sanksi"]}
    entries = [e for e in audit(kernel, "balangan", "lks.sanksi.terbit") if e.summary["sanksi_id"] in ids]
    assert [(e.summary["langkah"], e.summary["tanggal"], e.summary["citation"], e.actor_id) for e in entries] == [
        (kode, on.isoformat(), CITE[kode], None) for kode, on in steps
    ]
    assert all(e.target_type == "organization" and e.target_id == org for e in entries)


def test_the_ladder_counts_working_days_around_christmas_and_new_year(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    year = t0.year if date(t0.year, 12, 10) >= t0 else t0.year + 1
    natal = date(year, 12, 25)
    # a one-month period ending 10 December: the breach begins on the 11th
    org = berizin(client, b, mulai=date(year, 11, 11))
    t = world["tabalong"]
    org_t = berizin(client, t, mulai=date(year, 11, 11))  # the same in Tabalong (see below)
    steps = dict(expected_ladder(calendar_of(kernel, "balangan"), date(year, 12, 11)))
    tick(kernel, steps["denda_administratif"])
    assert dict(tangga_of(client, b, org, periode_ke=1)) == steps

    # read the law once more, by hand: 14 days that are neither weekend nor holiday
    off = holidays.Indonesia(years=[year, year + 1], categories=("public", "government"), language="id")
    assert natal in off and date(year + 1, 1, 1) in off
    w1, w2, w3 = steps["peringatan_tertulis_1"], steps["peringatan_tertulis_2"], steps["peringatan_tertulis_3"]
    assert w1 < natal < w2, (w1, w2)
    for a, z in ((w1, w2), (w2, w3)):
        counted = [a + timedelta(days=i) for i in range(1, (z - a).days + 1) if (a + timedelta(days=i)).weekday() < 5 and a + timedelta(days=i) not in off]
        assert len(counted) == 14 and counted[-1] == z
    weekdays_only, day, n = w1, w1, 0
    while n < 14:
        day += DAY
        n += day.weekday() < 5
    weekdays_only = day
    assert w2 > weekdays_only  # Christmas (and its cuti bersama) pushed the second warning back

    # Tabalong does not count cuti bersama as days off: the same breach climbs on its own dates
    cal_t = calendar_of(kernel, "tabalong")
    assert cal_t.cuti_bersama_libur is False
    steps_t = dict(expected_ladder(cal_t, date(year, 12, 11)))
    assert steps_t["denda_administratif"] <= steps["denda_administratif"]
    assert dict(tangga_of(client, t, org_t, periode_ke=1)) == steps_t
    cuti = [d for d, name in off.items() if w1 < d <= steps["denda_administratif"] and d.weekday() < 5 and "Cuti Bersama" in name]
    if cuti:  # e.g. the cuti bersama of Christmas Eve
        assert steps_t["denda_administratif"] < steps["denda_administratif"]


def test_ticking_the_same_day_twice_changes_nothing(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    berizin(client, b)
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    day = steps[2][1]
    tick(kernel, day)
    once = counts(kernel, "balangan")
    assert once["lks_sanksi"] == len(expected_until(calendar_of(kernel, "balangan"), day)) >= 3
    assert tick(kernel, day).ran == []  # the kernel knows the day ran
    assert counts(kernel, "balangan") == once
    # and the plugin's work itself is idempotent, were it run again for that day
    from core.db import tenant_context
    from plugins.lks.jobs import daily
    from tests.plugins.lks.helpers import tenant_id

    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        daily(s, kernel, s.get(Tenant, tid), day)
        daily(s, kernel, s.get(Tenant, tid), day - timedelta(days=3))
    assert counts(kernel, "balangan") == once


def test_one_tick_after_missed_days_gives_what_daily_ticks_give(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b, t = world["balangan"], world["tabalong"]
    same_calendar(kernel)
    org_b, org_t = berizin(client, b), berizin(client, t)
    cal = calendar_of(kernel, "balangan")
    steps = expected_ladder(cal, first_period_end() + DAY)
    last = steps[-1][1] + timedelta(days=2)
    # period 2 is reported late in both, between its first and second warning
    late = expected_ladder(cal, add_months(today(), 2))[0][1] + timedelta(days=2)
    assert late < last
    # Balangan ticks every day; Tabalong's server is down all that time and ticks once at the end
    set_active(kernel, "tabalong", False)
    day = first_period_end() - DAY
    while day <= last:
        tick(kernel, day)
        if day == late:
            hari(late)
            set_active(kernel, "tabalong", True)  # its web server works; its tick does not
            for w, org in ((b, org_b), (t, org_t)):
                assert kirim_laporan(client, w, org, periode_ke=2).status_code == 201
            set_active(kernel, "tabalong", False)
        day += DAY
    set_active(kernel, "tabalong", True)
    result = tick(kernel, last)
    assert result.ran == [("tabalong", "lks", last)]  # one day: the ladder itself catches up
    daily = all_steps(client, b)
    assert {(p, j, k) for p, j, k, _ in daily} >= {(1, "tidak_melapor", k) for k, _ in steps}
    assert {(1, "tidak_melapor", k, d.isoformat()) for k, d in steps} <= daily
    assert all_steps(client, t) == daily
    assert len(daily) > len(steps)  # later periods were missed too, and climbed alike
    stopped = {(k, d) for p, _, k, d in daily if p == 2}
    assert stopped == {(k, d.isoformat()) for k, d in expected_ladder(cal, add_months(today(), 2))[:1]}


# -- compliance stops the ladder ------------------------------------------------------------------


def test_a_report_after_the_first_warning_stops_the_ladder(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    w1 = steps[0][1]
    tick(kernel, w1)
    assert tangga_of(client, b, org, periode_ke=1) == steps[:1]
    hari(w1 + DAY)
    r = kirim_laporan(client, b, org, periode_ke=1)
    assert r.status_code == 201, r.get_json()
    (pl,) = pelanggaran_of(client, b, org, periode_ke=1)
    assert pl["dipatuhi_pada"] == (w1 + DAY).isoformat() and pl["langkah_berikutnya"] is None
    assert detail(client, b, org)["periode_laporan"][0]["status"] == "dilaporkan_terlambat"
    (entry,) = audit(kernel, "balangan", "lks.pelanggaran.dipatuhi")
    assert entry.summary["pelanggaran_id"] == pl["id"] and entry.summary["tanggal"] == (w1 + DAY).isoformat()
    for day in (steps[1][1], steps[-1][1], steps[-1][1] + timedelta(days=40)):
        tick(kernel, day)
        assert tangga_of(client, b, org, periode_ke=1) == steps[:1]  # no second warning, ever


def test_a_late_report_before_any_tick_gives_the_steps_up_to_that_day(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    # the report of period 1 comes in on the day of the second warning; no tick ran meanwhile
    hari(steps[1][1])
    assert kirim_laporan(client, b, org, periode_ke=1).status_code == 201
    tick(kernel, steps[-1][1] + DAY)
    (pl,) = pelanggaran_of(client, b, org, periode_ke=1)
    assert pl["dipatuhi_pada"] == steps[1][1].isoformat()
    assert tangga_of(client, b, org, periode_ke=1) == steps[:2]


def test_a_report_on_time_is_no_breach(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    assert kirim_laporan(client, b, org).status_code == 201
    tick(kernel, first_period_end() + timedelta(days=20))
    assert pelanggaran_of(client, b, org, periode_ke=1) == []


# -- without permits (Pasal 65 ayat (2)) ----------------------------------------------------------


def test_operating_without_an_operational_permit_until_it_is_recorded(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    izin_kemenlu(client, b, org, t0 - timedelta(days=60))
    before = counts(kernel, "balangan")
    r = catat_pelanggaran(client, b, org, tanggal=t0 + DAY)
    assert r.status_code == 422 and "tanggal_temuan" in r.get_json()["errors"], r.get_json()
    assert counts(kernel, "balangan") == before
    r = catat_pelanggaran(client, b, org, tanggal=t0 - timedelta(days=5))
    assert r.status_code == 201, r.get_json()
    pl = r.get_json()
    steps = expected_ladder(calendar_of(kernel, "balangan"), t0)  # from the day it is recorded, not the finding
    assert (pl["jenis"], pl["citation"], pl["tanggal_mulai"], pl["periode_ke"]) == ("tanpa_izin_operasional", C65_2, t0.isoformat(), None)
    assert pl["label"] == "LKS Asing tidak mempunyai izin operasional"
    assert f"(temuan {(t0 - timedelta(days=5)).isoformat()})" in pl["uraian"] and "Desa Batu Piring, Kecamatan Paringin," in pl["uraian"]
    # a written warning at once when today is a working day
    assert [(s["langkah"], s["tanggal"]) for s in pl["sanksi"]] == [(k, d.isoformat()) for k, d in steps if d <= t0]
    assert pl["langkah_berikutnya"]["langkah"] == steps[len(pl["sanksi"])][0]
    before = counts(kernel, "balangan")
    refused(catat_pelanggaran(client, b, org), "pelanggaran_sudah_tercatat", None, status=409)
    assert counts(kernel, "balangan") == before

    tick(kernel, steps[1][1])
    assert tangga_of(client, b, org, jenis="tanpa_izin_operasional") == steps[:2]
    # the Minister's permit is recorded the next day: the ladder stops there
    hari(steps[1][1] + DAY)
    izin_operasional(client, b, org, steps[1][1])
    (pl,) = pelanggaran_of(client, b, org, jenis="tanpa_izin_operasional")
    assert pl["dipatuhi_pada"] == (steps[1][1] + DAY).isoformat() and pl["langkah_berikutnya"] is None
    tick(kernel, steps[-1][1] + DAY)
    assert tangga_of(client, b, org, jenis="tanpa_izin_operasional") == steps[:2]
    # now it holds the permit: no new breach of that kind can be recorded on a day it is valid
    before = counts(kernel, "balangan")
    refused(catat_pelanggaran(client, b, org, tanggal=steps[1][1] + DAY), "izin_ada", C65_2, "OPERASIONAL/001")
    assert counts(kernel, "balangan") == before


def test_operating_without_a_technical_permit_and_its_fine(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    izin_kemenlu(client, b, org, t0 - timedelta(days=60))
    izin_operasional(client, b, org, t0 - timedelta(days=30))
    uraian = "Membuka posko, membagikan paket sembako, di Kecamatan Juai."
    assert catat_pelanggaran(client, b, org, "tanpa_izin_teknis", uraian=uraian).status_code == 201
    steps = expected_ladder(calendar_of(kernel, "balangan"), t0)
    tick(kernel, steps[-1][1])
    assert tangga_of(client, b, org, jenis="tanpa_izin_teknis") == steps
    denda = sanksi_of(client, b, org, "denda_administratif", jenis="tanpa_izin_teknis")
    assert denda["denda_maksimum"] == 50_000_000
    assert f"paling banyak Rp50.000.000 ({C65_3})" in denda["uraian"]
    assert uraian in denda["uraian"]  # the officer's words as written, commas and all

    before = counts(kernel, "balangan")
    refused(put_denda(client, b, denda["id"], 50_000_001), "denda_melebihi_batas", C65_3, "paling banyak Rp50.000.000", "Rp50.000.001 ditolak")
    assert counts(kernel, "balangan") == before
    r = put_denda(client, b, denda["id"], 50_000_000)
    assert r.status_code == 200 and r.get_json()["jumlah_denda"] == 50_000_000, r.get_json()
    assert "sebesar Rp50.000.000" in surat(client, b, denda["id"])
    # revocation is no sanction for operating without a permit
    before = counts(kernel, "balangan")
    refused(cabut(client, b, denda["pelanggaran_id"]), "pencabutan_tidak_berlaku", C65_2, "LKS Asing tidak mempunyai izin teknis")
    assert counts(kernel, "balangan") == before

    # the technical permit recorded later settles the breach
    hari(steps[-1][1] + DAY)
    izin_teknis(client, b, org, t0)
    (pl,) = pelanggaran_of(client, b, org, jenis="tanpa_izin_teknis")
    assert pl["dipatuhi_pada"] == (steps[-1][1] + DAY).isoformat()


def test_only_a_permit_in_force_settles_a_breach_of_operating_without_it(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    izin_kemenlu(client, b, org, t0 - timedelta(days=500), sampai=t0 - timedelta(days=90), nomor="KEMENLU/LAMA")
    assert catat_pelanggaran(client, b, org).status_code == 201
    # the LKS's old operational permit, long expired, is entered for the record: no compliance
    izin_operasional(client, b, org, t0 - timedelta(days=400), sampai=t0 - timedelta(days=100), nomor="OPERASIONAL/LAMA")
    (pl,) = pelanggaran_of(client, b, org, jenis="tanpa_izin_operasional")
    assert pl["dipatuhi_pada"] is None and pl["langkah_berikutnya"] is not None
    steps = expected_ladder(calendar_of(kernel, "balangan"), t0)
    tick(kernel, steps[1][1])
    assert tangga_of(client, b, org, jenis="tanpa_izin_operasional") == steps[:2]

    # the same for the technical permit; one that comes into force later settles it from that day
    other = catat_asing(client, b, nama="Hope Across Borders")["id"]
    izin_kemenlu(client, b, other, t0 - timedelta(days=400))
    izin_operasional(client, b, other, t0 - timedelta(days=300))
    assert catat_pelanggaran(client, b, other, "tanpa_izin_teknis").status_code == 201
    izin_teknis(client, b, other, t0 - timedelta(days=200), berlaku_sampai=t0 - timedelta(days=100), nomor="503/IT-LAMA")
    assert pelanggaran_of(client, b, other, jenis="tanpa_izin_teknis")[0]["dipatuhi_pada"] is None
    starts = t0 + timedelta(days=5)
    izin_teknis(client, b, other, t0, berlaku_mulai=starts)
    (pl,) = pelanggaran_of(client, b, other, jenis="tanpa_izin_teknis")
    assert pl["dipatuhi_pada"] == starts.isoformat()
    tick(kernel, steps[-1][1])
    assert tangga_of(client, b, other, jenis="tanpa_izin_teknis") == [(k, d) for k, d in steps if d <= starts]


# -- fines and revocation for a missed report (Pasal 65 ayat (4)–(5)) ----------------------------


def test_fines_stay_within_the_cap_and_are_whole_rupiah(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    tick(kernel, steps[-1][1])
    denda = sanksi_of(client, b, org, "denda_administratif", periode_ke=1)
    w1 = sanksi_of(client, b, org, "peringatan_tertulis_1", periode_ke=1)
    before = counts(kernel, "balangan")
    refused(put_denda(client, b, denda["id"], 100_000_001), "denda_melebihi_batas", C65_5, "paling banyak Rp100.000.000", "Rp100.000.001 ditolak")
    for bad in (0, -5_000_000, 1_500_000.5, 2_000_000.0, "2000000", True, None):
        r = put_denda(client, b, denda["id"], bad)
        assert r.status_code == 422 and list(r.get_json()["errors"]) == ["jumlah"], (bad, r.get_json())
    refused(put_denda(client, b, w1["id"], 1_000_000), "bukan_denda", "PP 39/2012 Pasal 68", "Peringatan tertulis pertama bukan denda administratif")
    refused(put_denda(client, b, denda["id"], 1_000_000, actor=b.auditor), "tidak_berwenang", None, status=403)
    refused(put_denda(client, b, str(uuid.uuid4()), 1_000_000), "sanksi_tidak_ditemukan", None, status=404)
    assert counts(kernel, "balangan") == before

    r = put_denda(client, b, denda["id"], 100_000_000)
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["jumlah_denda"], r.get_json()["denda_maksimum"]) == (100_000_000, 100_000_000)
    (entry,) = audit(kernel, "balangan", "lks.sanksi.denda")
    assert entry.summary == {"sanksi_id": denda["id"], "jumlah": 100_000_000, "citation": C65_5} and entry.actor_id == b.officer.user_id
    before = counts(kernel, "balangan")
    refused(put_denda(client, b, denda["id"], 75_000_000), "denda_sudah_ditetapkan", None, "Rp100.000.000", status=409)
    assert counts(kernel, "balangan") == before
    assert "Denda administratif sebesar Rp100.000.000" in surat(client, b, denda["id"])


def test_revocation_comes_only_after_the_fine(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    steps = dict(expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY))
    tick(kernel, steps["penghentian_sementara"])
    (pl,) = pelanggaran_of(client, b, org, periode_ke=1)
    hari(steps["penghentian_sementara"] + DAY)
    before = counts(kernel, "balangan")
    refused(cabut(client, b, pl["id"]), "belum_tahap_denda", C65_4, "setelah peringatan tertulis, penghentian sementara dan denda administratif")
    refused(cabut(client, b, pl["id"], actor=b.auditor), "tidak_berwenang", None, status=403)
    refused(cabut(client, b, str(uuid.uuid4())), "pelanggaran_tidak_ditemukan", None, status=404)
    assert counts(kernel, "balangan") == before

    tick(kernel, steps["denda_administratif"])
    on = hari(steps["denda_administratif"] + timedelta(days=3))
    r = cabut(client, b, pl["id"])
    assert r.status_code == 201, r.get_json()
    s = r.get_json()
    assert (s["langkah"], s["label"], s["urutan"], s["tanggal"], s["otomatis"]) == ("pencabutan_izin", "Pencabutan izin", 6, on.isoformat(), False)
    assert s["citation"] == f"{C65_4} huruf d" and "Izin teknis Children Hope International Balangan dicabut." in s["uraian"]
    shown = detail(client, b, org)
    (teknis,) = [i for i in shown["izin"] if i["jenis"] == "teknis"]
    assert teknis["dicabut_pada"] == on.isoformat()
    assert [i["dicabut_pada"] for i in shown["izin"] if i["jenis"] != "teknis"] == [None, None]  # the Minister's permits are the Minister's
    revoked = [e for e in audit(kernel, "balangan", "lks.sanksi.terbit") if e.summary["langkah"] == "pencabutan_izin"]
    assert [(e.summary["izin_dicabut"], e.actor_id) for e in revoked] == [(["503/IT-LKSA/001"], b.officer.user_id)]
    html = surat(client, b, s["id"])
    assert "PENCABUTAN IZIN" in html and f"Dasar sanksi</td><td>: {C65_4} huruf d" in html and f"Tanggal: {tgl(on)}" in html
    assert "Apabila tidak dipatuhi" not in html
    before = counts(kernel, "balangan")
    refused(cabut(client, b, pl["id"]), "izin_sudah_dicabut", None, status=409)
    assert counts(kernel, "balangan") == before
    # no reporting period begins after the revocation
    hari(on + timedelta(days=200))
    assert max(date.fromisoformat(x["mulai"]) for x in detail(client, b, org)["periode_laporan"]) <= on
    # and revocation ends every ladder still climbing: the later periods' breaches climb no more,
    # and the period running on the revocation day owes no report
    before_steps = all_steps(client, b)
    tick(kernel, on + timedelta(days=200))
    after = all_steps(client, b)
    assert {x for x in after - before_steps if date.fromisoformat(x[3]) > on} == set()
    ended = [p for p in detail(client, b, org)["pelanggaran"] if p["dipatuhi_pada"] is None]
    assert ended and all(p["berakhir_pada"] == on.isoformat() and p["langkah_berikutnya"] is None for p in ended)
    last_judged = max(p["periode_ke"] for p in detail(client, b, org)["pelanggaran"])
    running = [x for x in detail(client, b, org)["periode_laporan"] if date.fromisoformat(x["mulai"]) <= on <= date.fromisoformat(x["selesai"])]
    assert running == [] or running[0]["periode_ke"] > last_judged


def test_a_breach_already_complied_with_is_not_revoked_for(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b)
    steps = dict(expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY))
    hari(steps["denda_administratif"] + DAY)
    assert kirim_laporan(client, b, org, periode_ke=1).status_code == 201  # very late, but in
    tick(kernel, steps["denda_administratif"] + DAY)
    (pl,) = pelanggaran_of(client, b, org, periode_ke=1)
    assert [s["langkah"] for s in pl["sanksi"]][-1] == "denda_administratif"
    refused(cabut(client, b, pl["id"]), "sudah_dipatuhi", C65_4, (steps["denda_administratif"] + DAY).isoformat())


# -- an LKS that did not register (Pasal 65 ayat (1)) --------------------------------------------


def test_an_unregistered_lks_gets_a_warning_or_a_suspension(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    # found operating, recorded by an officer; it never applied
    r = client.post(f"{T}/balangan/lks/lembaga", json=lembaga(b), headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    org = r.get_json()["id"]
    url = f"{T}/balangan/lks/lembaga/{org}/sanksi"
    before = counts(kernel, "balangan")
    r = client.post(url, json={"jenis": "denda_administratif", "uraian": "Menampung anak tanpa tanda pendaftaran."}, headers=b.officer.headers)
    refused(r, "sanksi_tidak_dikenal", C65_1, "peringatan tertulis", "penghentian sementara dari kegiatan")
    for actor in (b.operator, b.auditor):
        refused(client.post(url, json={"jenis": "peringatan_tertulis", "uraian": "Temuan."}, headers=actor.headers), "tidak_berwenang", None, status=403)
    r = client.post(url, json={"jenis": "peringatan_tertulis"}, headers=b.officer.headers)
    assert r.status_code == 422 and "uraian" in r.get_json()["errors"]
    assert counts(kernel, "balangan") == before

    r = client.post(url, json={"jenis": "peringatan_tertulis", "uraian": "Menampung 12 anak tanpa tanda pendaftaran."}, headers=b.officer.headers)
    assert r.status_code == 201, r.get_json()
    w = r.get_json()
    assert (w["langkah"], w["label"], w["citation"], w["pelanggaran"], w["urutan"], w["tanggal"], w["otomatis"]) == (
        "peringatan_tertulis", "Peringatan tertulis", C65_1, "tidak_terdaftar", 1, today().isoformat(), False,
    )
    assert "tanpa mendaftar" in w["uraian"] and "Menampung 12 anak" in w["uraian"]
    before = counts(kernel, "balangan")
    refused(client.post(url, json={"jenis": "peringatan_tertulis", "uraian": "Lagi."}, headers=b.officer.headers), "sanksi_sudah_dikenakan", None, status=409)
    assert counts(kernel, "balangan") == before
    r = client.post(url, json={"jenis": "penghentian_sementara", "uraian": "Tetap beroperasi setelah diperingatkan."}, headers=b.admin.headers)
    assert r.status_code == 201, r.get_json()
    stop = r.get_json()
    assert (stop["langkah"], stop["urutan"], stop["pelanggaran_id"]) == ("penghentian_sementara", 2, w["pelanggaran_id"])
    entries = audit(kernel, "balangan", "lks.sanksi.terbit")
    assert [(e.summary["langkah"], e.summary["pelanggaran"], e.summary["citation"], e.actor_id) for e in entries] == [
        ("peringatan_tertulis", "tidak_terdaftar", C65_1, b.officer.user_id),
        ("penghentian_sementara", "tidak_terdaftar", C65_1, b.admin.user_id),
    ]
    html = surat(client, b, stop["id"])
    assert "PENGHENTIAN SEMENTARA DARI KEGIATAN" in html and "Lembaga Kesejahteraan Sosial tidak melakukan pendaftaran" in html
    assert C65_1 in html and "Yayasan Peduli Anak Balangan" in html and "Lembaga Kesejahteraan Sosial Asing" not in html
    assert "Apabila tidak dipatuhi" not in html  # no ladder for this breach
    # the unregistered LKS's sanctions never climb by themselves
    tick(kernel, today() + timedelta(days=120))
    assert counts(kernel, "balangan")["lks_sanksi"] == 2

    # an LKS that applied (its application under way), a registered one and a foreign one are
    # not sanctioned as unregistered
    applying = ajukan(client, b, nama="Yayasan Bina Insani").get_json()["lembaga"]["id"]
    reg = registered(client, b, b.operator2, nama="Panti Asuhan Nur Iman")["lembaga"]["id"]
    foreign = catat_asing(client, b)["id"]
    before = counts(kernel, "balangan")
    r = client.post(f"{T}/balangan/lks/lembaga/{applying}/sanksi", json={"jenis": "peringatan_tertulis", "uraian": "Temuan."}, headers=b.officer.headers)
    refused(r, "lks_sudah_mendaftar", C65_1, "Yayasan Bina Insani sudah mengajukan permohonan pendaftaran")
    r = client.post(f"{T}/balangan/lks/lembaga/{reg}/sanksi", json={"jenis": "peringatan_tertulis", "uraian": "Temuan."}, headers=b.officer.headers)
    refused(r, "lks_sudah_terdaftar", C65_1, "Panti Asuhan Nur Iman sudah memiliki tanda pendaftaran")
    r = client.post(f"{T}/balangan/lks/lembaga/{foreign}/sanksi", json={"jenis": "peringatan_tertulis", "uraian": "Temuan."}, headers=b.officer.headers)
    refused(r, "lks_asing", C65_2, "memerlukan izin")
    assert counts(kernel, "balangan") == before


# -- letters and the list -------------------------------------------------------------------------


def test_the_letter_of_a_sanction_names_the_lks_the_breach_the_step_and_the_article(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    org = berizin(client, b, nama="Hope & <Care> International")
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    tick(kernel, steps[0][1])
    w1 = sanksi_of(client, b, org, "peringatan_tertulis_1", periode_ke=1)
    html = surat(client, b, w1["id"])
    for fragment in (
        "PERINGATAN TERTULIS PERTAMA",
        f"Tanggal: {tgl(steps[0][1])}",
        "Hope &amp; &lt;Care&gt; International (Lembaga Kesejahteraan Sosial Asing, Britania Raya)",
        "Jl. A. Yani Km 5 No. 12, Paringin",
        "LKS Asing tidak melaporkan kegiatannya secara berkala — laporan periode ke-1",
        f"Dasar pelanggaran</td><td>: {C65_4}",
        "Dasar sanksi</td><td>: PP 39/2012 Pasal 66",
        f"Apabila tidak dipatuhi, pada tanggal {tgl(steps[1][1])} dikenakan Peringatan tertulis kedua (PP 39/2012 Pasal 66).",
        "ditetapkan oleh Bupati/Walikota sesuai kewenangannya (PP 39/2012 Pasal 65 ayat (6))",
        "Pemerintah Kabupaten Balangan",
        f"Balangan, {tgl(steps[0][1])}",
    ):
        assert fragment in html, fragment
    assert "<Care>" not in html
    # a reprint is the letter as it was sent, whatever happened since
    hari(steps[0][1] + DAY)
    assert kirim_laporan(client, b, org, periode_ke=1).status_code == 201
    tick(kernel, steps[1][1])
    assert surat(client, b, w1["id"]) == html
    assert surat(client, b, w1["id"], b.officer) == html


def test_the_list_of_sanctions_newest_first_and_filtered(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    one = berizin(client, b)
    two = berizin(client, b, nama="Hope Across Borders")
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    tick(kernel, steps[1][1])
    rows = sanksi_list(client, b, b.auditor)
    assert [(r["tanggal"], r["urutan"]) for r in rows] == sorted(((r["tanggal"], r["urutan"]) for r in rows), reverse=True)
    assert {r["organization_id"] for r in rows} == {one, two}
    mine = sanksi_list(client, b, organization_id=two)
    assert {r["nama_lembaga"] for r in mine} == {"Hope Across Borders"} and len(mine) == 2
    assert {r["organization_id"] for r in sanksi_list(client, b, langkah="peringatan_tertulis_2")} == {one, two}


# -- the tick as a job on a real RQ worker ----------------------------------------------------


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest, tmp_path: Any) -> dict[str, Any]:
    # as tests/plugins/lks/conftest.py, plus Redis for the test marked so
    base = {"upload_max_bytes": 64 * 1024, "storage_dir": tmp_path / "berkas"}
    if request.node.get_closest_marker("redis") is None:
        return base
    return base | redis_settings()


@pytest.mark.redis
def test_the_daily_tick_as_a_job_on_an_rq_worker_finds_the_same_sanctions(client: Any, kernel: Any, world: Any, rq_queue: Any) -> None:
    assert not kernel.settings.jobs_inline
    b, t = world["balangan"], world["tabalong"]
    same_calendar(kernel)
    berizin(client, b)
    berizin(client, t)
    steps = expected_ladder(calendar_of(kernel, "balangan"), first_period_end() + DAY)
    day = steps[2][1]
    # Balangan's tick on the worker, Tabalong's inline in this process
    set_active(kernel, "tabalong", False)
    job = rq_queue.enqueue("core.tick.run_daily_tick", today=day)
    assert counts(kernel, "balangan")["lks_sanksi"] == 0  # queued, not run
    work(rq_queue)
    job.refresh()
    assert job.get_status() == "finished", job.exc_info
    result = job.return_value()
    assert result.failed == [] and result.ran == [("balangan", "lks", day)]
    set_active(kernel, "tabalong", True)
    set_active(kernel, "balangan", False)
    assert tick(kernel, day).ran == [("tabalong", "lks", day)]
    set_active(kernel, "balangan", True)
    on_worker = all_steps(client, b)
    assert on_worker == expected_until(calendar_of(kernel, "balangan"), day)
    assert {(1, "tidak_melapor", k, d.isoformat()) for k, d in steps[:3]} <= on_worker
    assert all_steps(client, t) == on_worker
    assert rq_queue.count == 0
