"""The tenant dashboard's figures (core/dashboard.py), on SQLite and PostgreSQL: cases per case
type and stage, new and closed per WIB month, overdue deadlines counted in hari kerja, Peksos/TKS
caseloads — only the tenant's own cases, only enabled plugins, and a fixed number of queries."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, select, update

from core.cases.models import Case
from core.cases.services import advance_case, open_case
from core.dashboard import Dashboard, OverdueDeadline, OverdueDeadlines, case_code, dashboard, month_starts
from core.db import tenant_context
from core.sdk import hookimpl
from core.tenancy.models import Tenant, TenantDayOff
from tests.factories import Factory

WIB = timezone(timedelta(hours=7))
TODAY = date(2026, 2, 11)  # a Wednesday; 2–13 February 2026 hold no national holiday


@pytest.fixture
def world(make: Factory) -> SimpleNamespace:
    make.tenant("balangan", "63.11")
    make.tenant("tabalong", "63.09")
    make.enable("balangan")
    make.enable("tabalong")
    return SimpleNamespace(
        peksos=make.user("peksos.balangan", {"balangan": ["peksos"]}),
        peksos2=make.user("peksos2.balangan", {"balangan": ["peksos"]}),
        tks=make.user("tks.balangan", {"balangan": ["tks"]}),
        officer=make.user("petugas.balangan", {"balangan": ["officer"]}),
        peksos_t=make.user("peksos.tabalong", {"tabalong": ["peksos"]}),
        person=make.person("balangan", nama="Ahmad Fauzi", born=date(1975, 1, 12), sex="L"),
        person_t=make.person("tabalong", nama="Siti Aminah", born=date(1987, 9, 5), sex="P"),
    )


def _tenant_id(kernel: Any, slug: str) -> uuid.UUID:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))


@contextmanager
def as_tenant(kernel: Any, slug: str) -> Iterator[tuple[Any, Tenant]]:
    tid = _tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        yield s, s.get(Tenant, tid)


def open_at(kernel: Any, slug: str, person: Any, opened: datetime, *, assigned: tuple[Any, ...] = (), to: tuple[str, ...] = (), closed: datetime | None = None) -> uuid.UUID:
    """A fixture case opened (through the service) at `opened`, moved through `to`, its
    timestamps then set as if it had happened then."""
    with as_tenant(kernel, slug) as (s, tenant):
        case = open_case(s, kernel, tenant, {
            "case_type": "fixture_kasus", "subject_type": "person", "person_id": person.id,
            "assigned": [{"user_id": a.user_id} for a in assigned],
        }, None)
        for stage in to:
            advance_case(s, kernel, tenant, case, to_stage=stage, data={}, expected_version=case.version, actor_id=None)
        values: dict[str, Any] = {"opened_at": opened}
        if case.status == "closed":
            values["closed_at"] = closed or opened + timedelta(days=1)
        s.execute(update(Case).where(Case.id == case.id).values(**values))
        return case.id


def board(kernel: Any, slug: str = "balangan", **kw: Any) -> Dashboard:
    with as_tenant(kernel, slug) as (s, tenant):
        return dashboard(s, kernel, tenant, today=kw.pop("today", TODAY), **kw)


def wib(y: int, m: int, d: int, hour: int = 9) -> datetime:
    return datetime(y, m, d, hour, tzinfo=WIB)


def stages(d: Dashboard, case_type: str = "fixture_kasus") -> dict[str, tuple[int, int]]:
    (ct,) = [c for c in d.per_jenis if c.case_type == case_type]
    return {s.label: (s.terbuka, s.ditutup) for s in ct.tahap}


# -- cases per case type and stage ------------------------------------------------------------


def test_cases_per_stage_open_and_closed_with_the_workflows_indonesian_labels(kernel, world) -> None:
    for _ in range(2):
        open_at(kernel, "balangan", world.person, wib(2026, 2, 10))
    open_at(kernel, "balangan", world.person, wib(2026, 2, 10), to=("tangani",))
    open_at(kernel, "balangan", world.person, wib(2026, 1, 5), to=("tangani", "selesai"))
    open_at(kernel, "tabalong", world.person_t, wib(2026, 2, 10))  # another tenant's: never counted
    d = board(kernel)
    # Every stage in the workflow's order, an empty one too; a final stage's cases are closed.
    assert list(stages(d).items()) == [("Pendaftaran", (2, 0)), ("Penanganan", (1, 0)), ("Selesai", (0, 1))]
    (ct,) = [c for c in d.per_jenis if c.case_type == "fixture_kasus"]
    assert (ct.plugin, ct.label, ct.terbuka, ct.ditutup) == ("fixture", "Kasus Uji", 3, 1)
    assert stages(board(kernel, "tabalong")) == {"Pendaftaran": (1, 0), "Penanganan": (0, 0), "Selesai": (0, 0)}


def test_a_disabled_plugins_cases_are_not_shown_and_come_back_when_it_is_re_enabled(kernel, make, world) -> None:
    open_at(kernel, "balangan", world.person, wib(2026, 2, 10), assigned=(world.peksos,))
    make.enable("balangan", enabled=False)
    d = board(kernel)
    assert [c.case_type for c in d.per_jenis if c.plugin == "fixture"] == []
    assert sum(m.baru for m in d.per_bulan) == 0
    assert [r.kasus_terbuka for r in d.beban_kerja.rows if r.user_id == world.peksos.user_id] == [0]
    assert d.terlambat_per_layanan == ()
    make.enable("balangan")
    d = board(kernel)
    assert stages(d)["Pendaftaran"] == (1, 0)
    assert [r.kasus_terbuka for r in d.beban_kerja.rows if r.user_id == world.peksos.user_id] == [1]


# -- new and closed per month (WIB) -----------------------------------------------------------


def test_new_and_closed_per_month_are_counted_in_wib_and_zero_filled(kernel, world) -> None:
    # 31 January 18:00 UTC is 1 February 01:00 WIB: a February case.
    open_at(kernel, "balangan", world.person, datetime(2026, 1, 31, 18, tzinfo=timezone.utc))
    # 31 January 16:59 UTC is still 31 January (23:59 WIB).
    open_at(kernel, "balangan", world.person, datetime(2026, 1, 31, 16, 59, tzinfo=timezone.utc))
    # Opened in November, closed in February: a new case of November, a closed one of February.
    open_at(kernel, "balangan", world.person, wib(2025, 11, 3), to=("tangani", "selesai"), closed=wib(2026, 2, 2))
    open_at(kernel, "balangan", world.person, wib(2025, 2, 27))  # 12 months back and one more: outside
    open_at(kernel, "tabalong", world.person_t, wib(2026, 2, 3))
    d = board(kernel, months=4)
    assert [(m.label, m.baru, m.ditutup) for m in d.per_bulan] == [
        ("Nov 2025", 1, 0), ("Des 2025", 0, 0), ("Jan 2026", 1, 0), ("Feb 2026", 1, 1),
    ]
    assert [m.bulan for m in d.per_bulan][-1] == date(2026, 2, 1)
    d = board(kernel)  # 12 months by default: March 2025 to February 2026
    assert len(d.per_bulan) == 12 and d.per_bulan[0].label == "Mar 2025"
    assert sum(m.baru for m in d.per_bulan) == 3


def test_month_starts_cross_the_year() -> None:
    assert month_starts(date(2026, 2, 11), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert month_starts(date(2025, 12, 31), 1) == [date(2025, 12, 1), date(2026, 1, 1)]


def test_months_outside_1_to_36_are_refused(kernel, world) -> None:
    for months in (0, 37):
        with pytest.raises(ValueError, match="1..36"):
            board(kernel, months=months)


# -- overdue deadlines ------------------------------------------------------------------------


def test_overdue_deadlines_are_counted_per_plugin_oldest_first_in_hari_kerja(kernel, world) -> None:
    # The fixture plugin's deadline: a case leaves "daftar" on the working day it was opened.
    oldest = open_at(kernel, "balangan", world.person, wib(2026, 2, 4))  # Wednesday
    newer = open_at(kernel, "balangan", world.person, wib(2026, 2, 9))  # Monday
    open_at(kernel, "balangan", world.person, wib(2026, 2, 3), to=("tangani",))  # moved on: not late
    open_at(kernel, "balangan", world.person, wib(2026, 2, 11))  # today: not late yet
    open_at(kernel, "tabalong", world.person_t, wib(2026, 2, 2))
    d = board(kernel)
    assert [(c.plugin, c.jumlah) for c in d.terlambat_per_layanan] == [("fixture", 2)]
    assert d.terlambat_jumlah == 2
    assert [i.case_id for i in d.terlambat] == [oldest, newer]
    first = d.terlambat[0]
    # 4 → 11 February: Thursday, Friday, Monday, Tuesday, Wednesday — the weekend not counted.
    assert (first.hari_terlambat, first.satuan, first.jatuh_tempo) == (5, "hari kerja", date(2026, 2, 4))
    assert (first.tahap, first.tahap_label, first.jenis_kasus) == ("daftar", "Pendaftaran", "Kasus Uji")
    assert (first.jenis, first.citation) == ("Pendaftaran kasus uji belum diproses", "Peraturan Uji Pasal 2")
    # The label names the case, never the person.
    assert first.kode == case_code(oldest) and "Ahmad" not in first.kode and len(first.kode) == 8
    assert d.terlambat[1].hari_terlambat == 2


def test_a_day_off_of_the_tenant_is_not_counted_as_a_day_overdue(kernel, world) -> None:
    open_at(kernel, "balangan", world.person, wib(2026, 2, 4))
    with as_tenant(kernel, "balangan") as (s, _):
        s.add(TenantDayOff(tanggal=date(2026, 2, 10), keterangan="Hari jadi Kabupaten (uji)"))
    assert board(kernel).terlambat[0].hari_terlambat == 4
    assert board(kernel, "tabalong").terlambat == ()


def test_only_the_oldest_are_listed_but_all_are_counted(kernel, world) -> None:
    ids = [open_at(kernel, "balangan", world.person, wib(2026, 2, 2 + i)) for i in range(4)]
    d = board(kernel, overdue_limit=2)
    assert d.terlambat_jumlah == 4
    assert [i.case_id for i in d.terlambat] == ids[:2]


def test_hook_kesos_overdue_deadlines(kernel, make, world, build_app) -> None:
    # A second plugin with a calendar-day deadline: its days overdue are calendar days, and the
    # oldest items of both plugins are merged by due date. A plugin answering None is left out.
    case_id = open_at(kernel, "balangan", world.person, wib(2026, 2, 9))
    plugin = _deadline_plugin(lambda today, limit: OverdueDeadlines(
        "tenggat", 1, (OverdueDeadline(case_id, "Evaluasi tahunan terlambat", date(2026, 1, 30), False, "Perbup Uji Pasal 9"),)
    ))
    silent = _deadline_plugin(lambda today, limit: None)
    application = build_app(extra_plugins=[("tenggat", plugin), ("diam", silent)])
    other = application.extensions["kesos"]
    Factory(other).enable("balangan", "tenggat")
    Factory(other).enable("balangan", "diam")
    d = board(other)
    assert [(c.plugin, c.jumlah) for c in d.terlambat_per_layanan] == [("fixture", 1), ("tenggat", 1)]
    assert [(i.plugin, i.jatuh_tempo, i.hari_terlambat, i.satuan) for i in d.terlambat] == [
        ("tenggat", date(2026, 1, 30), 12, "hari"), ("fixture", date(2026, 2, 9), 2, "hari kerja"),
    ]
    assert plugin.calls == [(TODAY, 10)]
    Factory(other).enable("balangan", "tenggat", enabled=False)
    assert [c.plugin for c in board(other).terlambat_per_layanan] == ["fixture"]


def _deadline_plugin(answer: Any) -> Any:
    import types

    module = types.ModuleType("deadline_plugin")
    module.calls = []  # type: ignore[attr-defined]

    @hookimpl
    def kesos_overdue_deadlines(session: Any, tenant: Any, today: date, limit: int) -> Any:
        module.calls.append((today, limit))  # type: ignore[attr-defined]
        return answer(today, limit)

    module.kesos_overdue_deadlines = kesos_overdue_deadlines  # type: ignore[attr-defined]
    return module


# -- caseloads --------------------------------------------------------------------------------


def test_caseloads_count_open_cases_per_peksos_and_tks_by_name_busiest_first(kernel, world) -> None:
    for _ in range(3):
        open_at(kernel, "balangan", world.person, wib(2026, 2, 10), assigned=(world.peksos,))
    open_at(kernel, "balangan", world.person, wib(2026, 2, 10), assigned=(world.tks, world.officer))
    open_at(kernel, "balangan", world.person, wib(2026, 1, 10), assigned=(world.tks,), to=("tangani", "selesai"))  # closed
    open_at(kernel, "tabalong", world.person_t, wib(2026, 2, 10), assigned=(world.peksos_t,))
    d = board(kernel)
    rows = [(r.nama, r.peran, r.kasus_terbuka) for r in d.beban_kerja.rows]
    # Names, not ids or NIKs; a Peksos without cases is shown (0); the officer is not a caseload.
    assert rows == [("Peksos.Balangan", ("peksos",), 3), ("Tks.Balangan", ("tks",), 1), ("Peksos2.Balangan", ("peksos",), 0)]
    assert (d.beban_kerja.jumlah_petugas, d.beban_kerja.jumlah_penugasan, d.beban_kerja.lengkap) == (3, 4, True)
    assert [(r.nama, r.kasus_terbuka) for r in board(kernel, "tabalong").beban_kerja.rows] == [("Peksos.Tabalong", 1)]


def test_caseloads_for_one_worker_show_their_own_row_and_the_tenants_totals(kernel, world) -> None:
    open_at(kernel, "balangan", world.person, wib(2026, 2, 10), assigned=(world.peksos,))
    open_at(kernel, "balangan", world.person, wib(2026, 2, 10), assigned=(world.tks,))
    d = board(kernel, caseload_of=world.tks.user_id)
    assert [(r.nama, r.kasus_terbuka) for r in d.beban_kerja.rows] == [("Tks.Balangan", 1)]
    assert (d.beban_kerja.jumlah_petugas, d.beban_kerja.jumlah_penugasan, d.beban_kerja.lengkap) == (3, 2, False)


# -- a fixed number of queries ----------------------------------------------------------------


def _statements(kernel: Any, slug: str) -> int:
    board(kernel, slug)  # warm the per-tenant plugin cache: only the dashboard's own queries count
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with as_tenant(kernel, slug) as (s, tenant):
        event.listen(kernel.db.engine, "before_cursor_execute", count)
        try:
            dashboard(s, kernel, tenant, today=TODAY)
        finally:
            event.remove(kernel.db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_number_of_queries_does_not_grow_with_the_data(kernel, world) -> None:
    empty = _statements(kernel, "balangan")
    for i in range(6):
        open_at(kernel, "balangan", world.person, wib(2025, 6 + i, 2 + i), assigned=(world.peksos, world.tks))
        open_at(kernel, "balangan", world.person, wib(2026, 1, 5 + i), assigned=(world.peksos2,), to=("tangani", "selesai"))
    with as_tenant(kernel, "balangan") as (s, _):
        s.add(TenantDayOff(tanggal=date(2026, 2, 10), keterangan="Libur daerah uji"))
    full = _statements(kernel, "balangan")
    d = board(kernel)
    assert d.terlambat_jumlah == 6 and sum(m.baru for m in d.per_bulan) == 12  # the data is there
    # 6 of the kernel's own and the fixture plugin's 2 (a COUNT and the oldest).
    assert full == empty == 8


# -- the in-tree plugins' deadlines -----------------------------------------------------------


def test_the_demos_lks_and_rehabilitasi_deadlines_show_once_they_are_overdue(kernel, tenants_dir) -> None:
    # The LKS application declared complete (PP 39/2012 Pasal 58: 14 hari kerja) and the open
    # rehabilitation cases without an evaluation (Perbup Balangan 61/2017 Pasal 42: yearly, raised
    # by the daily tick) of the demo, seen a year and a month later.
    import shutil
    from pathlib import Path

    from core.demo import load_demo
    from core.tenancy.calendar import local_today
    from core.tick import run_daily_tick

    for slug in ("balangan", "tabalong"):
        shutil.copy(Path(__file__).resolve().parents[2] / "tenants" / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    load_demo(kernel)
    now = local_today()
    assert [c.jumlah for c in board(kernel, today=now).terlambat_per_layanan] == [0, 0]
    later = now + timedelta(days=400)
    run_daily_tick(today=later, kernel=kernel)
    d = board(kernel, today=later)
    assert [(c.plugin, c.jumlah) for c in d.terlambat_per_layanan] == [("lks", 1), ("rehabilitasi", 3)]
    lks = [i for i in d.terlambat if i.plugin == "lks"]
    assert [(i.jenis, i.satuan, i.citation, i.tahap_label) for i in lks] == [
        ("Tanda pendaftaran belum diterbitkan", "hari kerja", "PP 39/2012 Pasal 58", "Persyaratan Lengkap"),
    ]
    rehab = [i for i in d.terlambat if i.plugin == "rehabilitasi"]
    assert {(i.jenis, i.satuan, i.citation) for i in rehab} == {
        ("Evaluasi kasus terlambat", "hari", "Perbup Balangan 61/2017 Pasal 42 ayat (1)"),
    }
    assert all(i.hari_terlambat == (later - i.jatuh_tempo).days > 0 for i in rehab)
    # Tabalong runs the national baseline: no yearly evaluation duty, so nothing of rehabilitasi.
    assert ("rehabilitasi", 0) in [(c.plugin, c.jumlah) for c in board(kernel, "tabalong", today=later).terlambat_per_layanan]
