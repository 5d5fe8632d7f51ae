"""Redis is down (a real unreachable Redis: nothing listens on port 1). The API keeps answering
reads and writes that need no job; an action that needs a job is refused with 503 before
anything is written; /readyz says Redis is down."""
from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from core.audit import AuditEntry
from core.imports import ImportRun
from core.jobs import JobKey
from core.registry.models import Person
from core.reports import ReportRun
from tests.core.api.helpers import A_KODE, A_SLUG, SITI, count_rows, error_of, url
from tests.factories import Factory

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"redis_url": DEAD_REDIS, "queue_name": f"kesos-test-{uuid.uuid4().hex}"}


@pytest.fixture
def officer(make: Factory) -> Any:
    make.tenant(A_SLUG, A_KODE)
    make.enable(A_SLUG)
    return make.user("petugas.balangan", {A_SLUG: ["officer"]})


def test_reads_and_writes_that_need_no_job_still_work(client: Any, kernel: Any, officer: Any) -> None:
    assert not kernel.settings.jobs_inline
    r = client.post(url(A_SLUG, "persons"), json=SITI, headers=officer.headers)
    assert r.status_code == 201, r.get_json()
    r = client.get(url(A_SLUG, "persons"), headers=officer.headers)
    assert r.status_code == 200 and [p["nama"] for p in r.get_json()] == ["Siti Aminah"]
    assert client.get(url(A_SLUG, "reports"), headers=officer.headers).status_code == 200
    assert count_rows(kernel, Person, A_SLUG) == 1


def test_a_report_run_is_refused_with_503_and_nothing_is_written(client: Any, kernel: Any, officer: Any) -> None:
    r = client.post(url(A_SLUG, "reports/fixture.ringkasan/runs"), json={}, headers=officer.headers)
    body = error_of(r, 503, "antrean_tidak_tersedia")
    assert "tidak disimpan" in body["message"]
    assert count_rows(kernel, ReportRun, A_SLUG) == 0
    assert count_rows(kernel, JobKey, A_SLUG) == 0
    assert count_rows(kernel, AuditEntry, A_SLUG, action="report.request") == 0
    assert client.get(url(A_SLUG, "reports/runs"), headers=officer.headers).get_json() == []


def test_an_import_is_refused_with_503_and_its_file_is_not_kept(client: Any, kernel: Any, officer: Any) -> None:
    csv = "nik,nama,tanggal_lahir,jenis_kelamin\n6311014509870001,Siti Aminah,1987-09-05,P\n".encode()
    r = client.post(
        url(A_SLUG, "imports/persons"), data={"berkas": (io.BytesIO(csv), "penerima.csv")},
        content_type="multipart/form-data", headers=officer.headers,
    )
    error_of(r, 503, "antrean_tidak_tersedia")
    assert count_rows(kernel, ImportRun, A_SLUG) == 0
    assert count_rows(kernel, JobKey, A_SLUG) == 0
    assert count_rows(kernel, AuditEntry, A_SLUG, action="import.request") == 0
    assert count_rows(kernel, Person, A_SLUG) == 0
    stored = [p for p in kernel.settings.document_dir.rglob("*") if p.is_file()] if kernel.settings.document_dir.exists() else []
    assert stored == []  # the uploaded file was removed with the rolled-back transaction


def test_readyz_reports_redis_down(client: Any) -> None:
    r = client.get("/readyz")
    assert r.status_code == 503
    body = r.get_json()
    assert body["status"] == "tidak_siap"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("gagal")
    assert client.get("/healthz").status_code == 200  # the process itself is alive
