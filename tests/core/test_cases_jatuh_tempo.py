"""The case list's due dates (`GET /api/v1/tenants/<t>/cases`), on SQLite and PostgreSQL: each
case carries its next open deadline as its service computed it (rehabilitasi's overdue-evaluation
warning, Perbup Balangan 61/2017 Pasal 42 ayat (1); the LKS tanda pendaftaran due in 14 hari kerja,
PP 39/2012 Pasal 58), the list filters by it (`jatuh_tempo_sampai`, `terlambat`) most urgent
first, only the tenant's own cases and only enabled plugins, in a fixed number of queries."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update

from core.cases.models import Case
from core.db import tenant_context
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant
from plugins.lks import pendaftaran
from plugins.rehabilitasi.jobs import flag_overdue_evaluations
from plugins.rehabilitasi.rules import add_months
from tests.plugins.lks import helpers as lks
from tests.plugins.rehabilitasi.helpers import T, build_world, new_case, tenant_id
from tests.queries import statements

KODE = {"balangan": "63.11", "tabalong": "63.09"}


@pytest.fixture
def settings_overrides(tmp_path: Any) -> dict[str, Any]:
    return {"upload_max_bytes": 64 * 1024, "storage_dir": tmp_path / "berkas"}


@pytest.fixture
def world(make: Any, kernel: Any) -> dict[str, SimpleNamespace]:
    """Balangan (Perbup: evaluation at least yearly) and Tabalong (PP: no such duty), both also
    registering LKS; each with two LKS operators."""
    world = build_world(make, kernel)
    for slug, w in world.items():
        make.enable(slug, "lks")
        w.kode = KODE[slug]
        w.operator = make.user(f"operator.{slug}", {slug: ["lks_operator"]})
        w.operator2 = make.user(f"operator2.{slug}", {slug: ["lks_operator"]})
    return world


def late_rehabilitasi(client: Any, kernel: Any, w: SimpleNamespace, n: int = 1) -> list[str]:
    """`n` rehabilitasi cases opened 13 months ago; the plugin's daily job then raises their
    overdue-evaluation warnings (due 12 months after opening)."""
    ids = [new_case(client, w) for _ in range(n)]
    opened = datetime.combine(add_months(local_today(), -13), datetime.min.time(), timezone.utc) + timedelta(hours=3)
    tid = tenant_id(kernel, w.slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.execute(update(Case).where(Case.id.in_([uuid.UUID(i) for i in ids])).values(opened_at=opened))
        assert flag_overdue_evaluations(s, kernel, s.get(Tenant, tid), local_today()) == n
    return ids


def lks_complete(client: Any, monkeypatch: pytest.MonkeyPatch, w: SimpleNamespace, operator: Any, nama: str, on: date) -> str:
    """An LKS application applied for and declared complete on `on`: the plugin computes its
    due date in the tenant's hari kerja and stores it."""
    real = pendaftaran.local_today
    monkeypatch.setattr(pendaftaran, "local_today", lambda: on)
    try:
        app = lks.new_application(client, w, operator, nama=nama)
        lks.unggah_semua(client, w, app["id"], actor=operator)
        r = lks.lengkap(client, w, app["id"])
        assert r.status_code == 200, r.get_json()
    finally:
        monkeypatch.setattr(pendaftaran, "local_today", real)
    return app["id"]


def listed(client: Any, actor: Any, slug: str = "balangan", **query: Any) -> list[dict[str, Any]]:
    r = client.get(f"{T}/{slug}/cases", query_string=query, headers=actor.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


@pytest.fixture
def cases(client: Any, kernel: Any, monkeypatch: pytest.MonkeyPatch, world: dict[str, SimpleNamespace]) -> SimpleNamespace:
    b, t = world["balangan"], world["tabalong"]
    today = local_today()
    return SimpleNamespace(
        rehab_late=late_rehabilitasi(client, kernel, b)[0],
        rehab_none=new_case(client, b),
        lks_late=lks_complete(client, monkeypatch, b, b.operator, "Yayasan Lama", today - timedelta(days=60)),
        lks_due=lks_complete(client, monkeypatch, b, b.operator2, "Yayasan Baru", today),
        other_tenant=lks_complete(client, monkeypatch, t, t.operator, "Yayasan Tabalong", today - timedelta(days=60)),
    )


def _due(client: Any, w: SimpleNamespace, case_id: str) -> date:
    """The due date the LKS service itself shows for the application."""
    r = client.get(f"{T}/{w.slug}/lks/pendaftaran/{case_id}", headers=w.officer.headers)
    return date.fromisoformat(r.get_json()["jatuh_tempo"])


def test_each_case_carries_its_next_due_date_as_its_service_computed_it(client, world, cases) -> None:
    b = world["balangan"]
    shown = {c["id"]: c["jatuh_tempo"] for c in listed(client, b.officer)}
    assert set(shown) == {cases.rehab_late, cases.rehab_none, cases.lks_late, cases.lks_due}  # never Tabalong's
    assert shown[cases.rehab_none] is None
    # rehabilitasi: the evaluation was due 12 months after opening (Perbup Balangan Pasal 42 ayat (1))
    assert shown[cases.rehab_late] == add_months(add_months(local_today(), -13), 12).isoformat()
    # LKS: the very date the plugin computed in hari kerja, not a second computation
    assert shown[cases.lks_due] == _due(client, b, cases.lks_due).isoformat()
    assert shown[cases.lks_late] == _due(client, b, cases.lks_late).isoformat()
    single = client.get(f"{T}/balangan/cases/{cases.lks_due}", headers=b.auditor.headers).get_json()
    assert single["jatuh_tempo"] == shown[cases.lks_due]


def test_the_overdue_filter_lists_the_late_cases_oldest_deadline_first(client, world, cases) -> None:
    b, t = world["balangan"], world["tabalong"]
    late = listed(client, b.officer, terlambat="true")
    assert ids(late) == [cases.lks_late, cases.rehab_late]
    assert [c["jatuh_tempo"] for c in late] == sorted(c["jatuh_tempo"] for c in late)
    assert all(date.fromisoformat(c["jatuh_tempo"]) < local_today() for c in late)
    assert ids(listed(client, b.officer, terlambat="false")) == [cases.lks_due, cases.rehab_none]
    # The other kabupaten sees its own late application only.
    assert ids(listed(client, t.officer, slug="tabalong", terlambat="true")) == [cases.other_tenant]


def test_due_on_or_before_a_day(client, world, cases) -> None:
    b = world["balangan"]
    lks_late_due = _due(client, b, cases.lks_late)
    assert ids(listed(client, b.officer, jatuh_tempo_sampai=lks_late_due.isoformat())) == [cases.lks_late]  # the day itself counts
    assert ids(listed(client, b.officer, jatuh_tempo_sampai=(lks_late_due - timedelta(days=1)).isoformat())) == []
    soon = listed(client, b.officer, jatuh_tempo_sampai=(local_today() + timedelta(days=60)).isoformat())
    assert ids(soon) == [cases.lks_late, cases.rehab_late, cases.lks_due]
    # combined with the other filters, as the API's filters always combine
    assert ids(listed(client, b.officer, jatuh_tempo_sampai=(local_today() + timedelta(days=60)).isoformat(), plugin="lks")) == [cases.lks_late, cases.lks_due]
    assert ids(listed(client, b.officer, terlambat="true", plugin="rehabilitasi")) == [cases.rehab_late]


def test_a_deadline_met_leaves_the_list_and_a_disabled_service_takes_its_cases_along(client, make, world, cases) -> None:
    b = world["balangan"]
    r = lks.terbitkan(client, b, cases.lks_due)  # the tanda pendaftaran issued: the deadline is met
    assert r.status_code == 200, r.get_json()
    soon = (local_today() + timedelta(days=60)).isoformat()
    assert ids(listed(client, b.officer, jatuh_tempo_sampai=soon)) == [cases.lks_late, cases.rehab_late]
    shown = {c["id"]: c["jatuh_tempo"] for c in listed(client, b.officer)}
    assert shown[cases.lks_due] is None
    make.enable("balangan", "lks", enabled=False)
    assert ids(listed(client, b.officer, terlambat="true")) == [cases.rehab_late]
    make.enable("balangan", "lks")
    assert ids(listed(client, b.officer, terlambat="true")) == [cases.lks_late, cases.rehab_late]


@pytest.mark.parametrize("query, message", [
    ({"jatuh_tempo_sampai": "besok"}, "Tanggal tidak sah (format YYYY-MM-DD)."),
    ({"jatuh_tempo_sampai": "2026-02-30"}, "Tanggal tidak sah (format YYYY-MM-DD)."),
    ({"terlambat": "mungkin"}, "Harus berupa true atau false."),
])
def test_an_unreadable_due_date_filter_is_a_field_error_in_indonesian(client, world, query, message) -> None:
    r = client.get(f"{T}/balangan/cases", query_string=query, headers=world["balangan"].officer.headers)
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert body["code"] == "data_tidak_valid"
    assert body["errors"] == {next(iter(query)): [message]}


def test_the_filter_is_refused_to_a_role_the_list_is_refused_to(client, world, cases) -> None:
    b, t = world["balangan"], world["tabalong"]
    assert client.get(f"{T}/balangan/cases?terlambat=true", headers=b.operator.headers).status_code == 403
    assert client.get(f"{T}/balangan/cases?terlambat=true", headers=t.officer.headers).status_code == 403


def test_hook_kesos_case_due_dates(kernel, world, cases) -> None:
    # Each enabled plugin with deadlines answers a statement of (case id, due date) for the
    # tenant's open deadlines; the plugins without deadlines answer nothing.
    from sqlalchemy import Select

    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        tenant = s.get(Tenant, tid)
        answers = kernel.hooks(s, tenant).kesos_case_due_dates(tenant=tenant)
        assert len(answers) == 2 and all(isinstance(a, Select) for a in answers)
        rows = {str(cid): due for a in answers for cid, due in s.execute(a)}
    assert set(rows) == {cases.rehab_late, cases.lks_late, cases.lks_due}
    assert all(isinstance(d, date) for d in rows.values())


def _statements(client: Any, kernel: Any, actor: Any, **query: Any) -> int:
    listed(client, actor, **query)  # warm the per-tenant caches: only the list's own queries count
    with statements(kernel.db.engine) as seen:
        listed(client, actor, **query)
    return len(seen)


def test_the_list_with_due_dates_takes_a_fixed_number_of_queries(client, kernel, world) -> None:
    b = world["balangan"]
    soon = (local_today() + timedelta(days=60)).isoformat()
    late_rehabilitasi(client, kernel, b, 1)
    new_case(client, b)
    few = (_statements(client, kernel, b.officer), _statements(client, kernel, b.officer, jatuh_tempo_sampai=soon))
    assert len(listed(client, b.officer, jatuh_tempo_sampai=soon)) == 1
    late_rehabilitasi(client, kernel, b, 5)
    for _ in range(3):
        new_case(client, b)
    many = (_statements(client, kernel, b.officer), _statements(client, kernel, b.officer, jatuh_tempo_sampai=soon))
    assert len(listed(client, b.officer, jatuh_tempo_sampai=soon)) == 6
    assert all(c["jatuh_tempo"] for c in listed(client, b.officer, jatuh_tempo_sampai=soon))
    assert many == few
