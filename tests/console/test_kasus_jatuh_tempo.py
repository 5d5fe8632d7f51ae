"""The case list's due dates in the console (/konsol/<t>/kasus): a "Jatuh tempo" column with each
case's next due date and an overdue mark in words, a due-date filter (a plain GET select) that
means the API's `terlambat` / `jatuh_tempo_sampai` and is kept in the page links, an unknown
filter value said on the page (not a 500), the API's refusal for a role it refuses, and a fixed
number of queries whatever the number of cases."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import update

from core.cases.models import Case
from core.db import tenant_context
from core.tenancy.calendar import local_today
from core.tenancy.models import Tenant
from plugins.rehabilitasi.jobs import flag_overdue_evaluations
from plugins.rehabilitasi.rules import add_months
from tests.console.pages import Console, Page
from tests.plugins.rehabilitasi.helpers import T, build_world, new_case, tenant_id
from tests.queries import statements

LIST = "/konsol/balangan/kasus"
UNKNOWN = "Jatuh tempo: Pilih salah satu saringan jatuh tempo yang tersedia."


@pytest.fixture
def w(make: Any, kernel: Any) -> Any:
    """Balangan on Perbup Balangan 61/2017 (evaluation at least yearly, Pasal 42 ayat (1))."""
    return build_world(make, kernel)["balangan"]


def late(client: Any, kernel: Any, w: Any, n: int = 1) -> list[str]:
    """`n` cases opened 13 months ago, flagged by the plugin's daily job: evaluation overdue."""
    ids = [new_case(client, w) for _ in range(n)]
    opened = datetime.combine(add_months(local_today(), -13), datetime.min.time(), timezone.utc) + timedelta(hours=3)
    tid = tenant_id(kernel, w.slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.execute(update(Case).where(Case.id.in_([uuid.UUID(i) for i in ids])).values(opened_at=opened))
        assert flag_overdue_evaluations(s, kernel, s.get(Tenant, tid), local_today()) == n
    return ids


def _due() -> date:
    return add_months(add_months(local_today(), -13), 12)


def _listed(page: Page) -> list[str]:
    return re.findall(r'href="/konsol/balangan/kasus/([0-9a-f-]{36})"', page.html)


def _column(page: Page) -> dict[str, str]:
    """Each listed case's "Jatuh tempo" cell, as read."""
    return dict(zip(_listed(page), [row[-1] for row in page.rows("daftar-kasus")]))


def test_the_list_shows_each_cases_next_due_date_and_says_when_it_is_late(console: Console, client: Any, kernel: Any, w: Any) -> None:
    (overdue,) = late(client, kernel, w)
    none = new_case(client, w)
    console.login(w.peksos.username)
    page = console.get(LIST)
    assert page.status == 200
    assert re.search(r'<th scope="col">Jatuh tempo</th>', page.html)
    cells = _column(page)
    assert cells[overdue] == f"{_due().strftime('%d-%m-%Y')} ⚠ Terlambat"
    assert cells[none] == "Tidak ada"
    # the same as the API says
    api = {c["id"]: c["jatuh_tempo"] for c in client.get(f"{T}/balangan/cases", headers=w.peksos.headers).get_json()}
    assert api == {overdue: _due().isoformat(), none: None}
    english = console.get(LIST, headers={"Accept-Language": "en"})
    assert "Due date" in english.text() and f"{_due().strftime('%d-%m-%Y')} ⚠ Overdue" in english.text()


def test_the_due_date_filter_lists_what_the_api_lists(console: Console, client: Any, kernel: Any, w: Any) -> None:
    (overdue,) = late(client, kernel, w)
    new_case(client, w)
    console.login(w.peksos.username)
    page = console.get(LIST)
    assert '<select id="saring-tempo" name="tempo">' in page.html
    for label in ("Sudah terlambat", "Dalam 7 hari (termasuk yang terlambat)", "Dalam 30 hari (termasuk yang terlambat)"):
        assert label in page.text()

    page = console.get(f"{LIST}?tempo=terlambat")
    api = client.get(f"{T}/balangan/cases?terlambat=true", headers=w.peksos.headers).get_json()
    assert _listed(page) == [c["id"] for c in api] == [overdue]
    assert '<option value="terlambat" selected>' in page.html  # the choice stays shown
    # "within 7 days" includes what is already late: it is due by then too
    assert _listed(console.get(f"{LIST}?tempo=7")) == [overdue]
    assert _listed(console.get(f"{LIST}?tempo=30&plugin=rehabilitasi&stage=pendekatan_awal")) == [overdue]
    assert _listed(console.get(f"{LIST}?tempo=terlambat&status=closed")) == []


def test_an_unknown_due_date_filter_is_said_not_a_500(console: Console, client: Any, kernel: Any, w: Any) -> None:
    late(client, kernel, w)
    console.login(w.peksos.username)
    page = console.get(f"{LIST}?tempo=besok")
    assert page.status == 200
    assert UNKNOWN in page.text()
    assert _listed(page) == []
    english = console.get(f"{LIST}?tempo=besok", headers={"Accept-Language": "en"})
    assert "Due date: Choose one of the due-date filters offered." in english.text()


def test_the_filter_is_kept_in_the_page_links(console: Console, client: Any, kernel: Any, w: Any) -> None:
    overdue = late(client, kernel, w, 21)  # one more than a page
    new_case(client, w)
    console.login(w.peksos.username)
    first = console.get(f"{LIST}?tempo=terlambat&saya=1")
    assert "21 kasus" in first.text() and len(_listed(first)) == 20
    (nxt,) = [href for href, text in first.links if text == "Berikutnya"]
    assert "tempo=terlambat" in nxt and "saya=1" in nxt and "halaman=2" in nxt
    second = console.get(nxt.replace("&amp;", "&"))
    assert len(_listed(second)) == 1 and set(_listed(first) + _listed(second)) == set(overdue)
    (prev,) = [href for href, text in second.links if text == "Sebelumnya"]
    assert "tempo=terlambat" in prev


def test_the_filtered_list_is_refused_to_a_role_the_api_refuses(console: Console, client: Any, make: Any, w: Any) -> None:
    operator = make.user("operator.balangan", {"balangan": ["lks_operator"]})
    assert client.get(f"{T}/balangan/cases?terlambat=true", headers=operator.headers).status_code == 403
    console.login("operator.balangan")
    page = console.get(f"{LIST}?tempo=terlambat")
    assert page.status == 403 and "cases.read" in page.text()


def _statements(console: Console, kernel: Any, path: str) -> int:
    assert console.get(path).status == 200  # warm the per-tenant caches
    with statements(kernel.db.engine) as seen:
        assert console.get(path).status == 200
    return len(seen)


def test_the_list_takes_a_fixed_number_of_queries_whatever_the_cases(console: Console, client: Any, kernel: Any, w: Any) -> None:
    late(client, kernel, w, 1)
    new_case(client, w)
    console.login(w.peksos.username)
    paths = (LIST, f"{LIST}?tempo=30")
    few = [_statements(console, kernel, p) for p in paths]
    late(client, kernel, w, 6)
    for _ in range(4):
        new_case(client, w)
    many = [_statements(console, kernel, p) for p in paths]
    assert len(_listed(console.get(f"{LIST}?tempo=30"))) == 7
    assert many == few
