"""Reports in the console: asked for with the report's own parameter schema, built by the API's
job, followed on a page that polls its status (htmx) or is reloaded by a link, then downloaded."""
from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select

from core.reports import ReportRun
from core.tenancy.models import Tenant
from tests.console.pages import Console, Page
from tests.factories import Factory

LAPORAN = "/konsol/balangan/laporan"
TAHUNAN = f"{LAPORAN}/rehabilitasi.tahunan"
API = "/api/v1/tenants/balangan/reports"


def _runs(kernel: Any) -> list[ReportRun]:
    with kernel.db.unit_of_work() as s:
        tid = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tid) as s:
        runs = list(s.scalars(select(ReportRun)))
        s.expunge_all()
        return runs


def test_a_yearly_report_is_built_then_downloaded(console: Console, client: Any, kernel: Any, make: Factory, people: dict[str, Any]) -> None:
    make.enable("balangan", "rehabilitasi")
    console.login("petugas")
    page = console.get(LAPORAN)
    form = page.form(TAHUNAN, "Buat laporan")
    first = client.post(TAHUNAN, data={**form.fields, "tahun": "2026"})
    assert first.status_code == 303
    again = client.post(TAHUNAN, data={**form.fields, "tahun": "2026"})  # a double click
    assert again.headers["Location"] == first.headers["Location"]
    (run,) = _runs(kernel)
    assert run.params == {"tahun": 2026} and run.requested_by == people["officer"].user_id
    assert first.headers["Location"] == f"{LAPORAN}/proses/{run.id}"

    # Without Redis the job runs as soon as the request commits: the page shows the result.
    done = console.get(first.headers["Location"])
    api = client.get(f"{API}/runs/{run.id}", headers=people["officer"].headers).get_json()
    assert api["status"] == "done"
    assert "Status: Selesai" in done.text()
    assert "hx-trigger" not in done.html  # finished: no more polling
    links = [href for href, _ in done.links if "/berkas/" in href]
    assert [h.rsplit("/", 1)[1] for h in links] == [f["name"] for f in api["files"]] == ["rehabilitasi-2026.csv", "rehabilitasi-2026.xlsx"]
    csv = client.get(links[0])
    assert csv.status_code == 200 and csv.headers["Content-Disposition"] == 'attachment; filename="rehabilitasi-2026.csv"'
    assert csv.data == client.get(f"{API}/runs/{run.id}/files/rehabilitasi-2026.csv", headers=people["officer"].headers).data
    # The list of recent requests shows it too.
    assert console.get(LAPORAN).rows("permintaan")[0][1:] == ["Laporan tahunan rehabilitasi sosial", "tahun: 2026", "Selesai"]


def test_a_run_not_finished_polls_and_can_be_reloaded(console: Console, kernel: Any, make: Factory, people: dict[str, Any]) -> None:
    with kernel.db.unit_of_work() as s:
        tid = s.scalar(select(Tenant.id).where(Tenant.slug == "balangan"))
    with kernel.db.unit_of_work(tid) as s:
        run = ReportRun(report="fixture.ringkasan", params={}, status="running", requested_by=people["officer"].user_id)
        s.add(run)
        s.flush()
        run_id = run.id
    console.login("petugas")
    page = console.get(f"{LAPORAN}/proses/{run_id}")
    assert "Status: Sedang dibuat" in page.text()
    section = re.search(r'<section id="status-laporan"[^>]*>', page.html).group(0)
    assert f'hx-get="{LAPORAN}/proses/{run_id}"' in section and 'hx-trigger="every 3s"' in section
    assert (f"{LAPORAN}/proses/{run_id}", "Perbarui status") in page.links  # without JavaScript


def test_a_bad_year_is_said_next_to_the_field_and_nothing_is_asked(console: Console, kernel: Any, make: Factory, people: dict[str, Any]) -> None:
    make.enable("balangan", "rehabilitasi")
    console.login("admin")
    page = Page(console.submit(LAPORAN, TAHUNAN, "Buat laporan", tahun="1999"))
    assert page.status == 422
    error = re.search(r'id="rehabilitasi.tahunan-kolom-tahun-galat"[^>]*>(.*?)</p>', page.html, re.S)
    assert error is not None and error.group(1).strip() == "Harus antara 2000 dan 2100."
    assert 'value="1999"' in page.html
    assert _runs(kernel) == []


def test_roles_as_the_api(console: Console, client: Any, make: Factory, people: dict[str, Any]) -> None:
    make.enable("balangan", "rehabilitasi")
    auditor = people["auditor"]
    assert client.post(f"{API}/rehabilitasi.tahunan/runs", json={"params": {"tahun": 2026}}, headers=auditor.headers).status_code == 403
    console.login("auditor")
    page = console.get(LAPORAN)
    assert page.status == 200 and "Laporan tahunan rehabilitasi sosial" in page.text()
    assert not [f for f in page.forms if f.action == TAHUNAN]  # reads, may not ask
    refused = client.post(TAHUNAN, data={"csrf_token": page.csrf, "submission_id": str(uuid.uuid4()), "tahun": "2026"})
    assert refused.status_code == 403
    console.client.post("/konsol/keluar", data={"csrf_token": page.csrf})
    console.login("operator")
    assert console.get(LAPORAN).status == 403


def test_unknown_run_is_not_found(console: Console, people: dict[str, Any]) -> None:
    console.login("admin")
    assert console.get(f"{LAPORAN}/proses/{uuid.uuid4()}").status == 404
