"""Production smoke test (issue 7): the processes the Helm chart runs, started on this machine
the way the chart starts them — the migration job as the table owner, gunicorn, an RQ worker and
the cron scheduler as the app role, KESOS_ENV=production with real random keys — driven over
HTTP only, like a user: a platform admin opens a kabupaten, its admin switches services on and
adds an officer, the officer registers a person, works a case and gets the yearly report built
by the worker. Then the deployment is stopped as Kubernetes stops pods (SIGTERM) and must leave
no process behind.

On failure the assertion shows the end of the gunicorn, worker and scheduler logs."""
from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from core.scheduler import lock_key
from tests.factories import nik_for
from tests.smoke import processes as p
from tests.smoke.deployment import PLATFORM_ADMIN, Deployment
from tests.smoke.http import Client

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

API = "/api/v1"
SLUG, KODE = "balangan", "63.11"
TENANT = f"{API}/tenants/{SLUG}"
ADMIN, OFFICER = f"admin.{SLUG}", f"petugas.{SLUG}"
TAHUN = date.today().year
REPORT = "jaminan.tahunan"
REPORT_DEADLINE = 60.0  # seconds for the worker to build a one-case report (measured: ~1 s)
LOG_DEADLINE = 10.0
# core/rq_cron.py: the daily tick and the re-dispatch of lost jobs.
CRON_JOBS = {"kesos-daily-tick": "30 0 * * *", "kesos-kirim-ulang-pekerjaan": "*/5 * * * *"}


def test_a_kabupaten_works_a_case_on_a_production_deployment(deployment: Deployment) -> None:
    d = deployment
    web = Client(d.base_url)
    open_kabupaten(d, web)
    officer = web.login(OFFICER, d.passwords[OFFICER])
    case_id, nik = work_a_case(d, officer)
    yearly_report(d, officer)
    probes_and_scheduler(d, web)
    request_id_is_logged(d, officer, case_id)
    stop_leaves_nothing(d)
    for s in d.services.values():
        # Confidentiality (Perbup Balangan 61/2017 Pasal 29): the logs shipped off the pods
        # never hold a NIK in clear.
        assert nik not in s.log.read_text(errors="replace"), f"NIK tertulis utuh di log {s.name}"


def open_kabupaten(d: Deployment, web: Client) -> None:
    """Platform admin opens the kabupaten; the operator gives it an admin (`kesos users
    create`, as for the first platform admin: a platform admin holds no role in a tenant); that
    admin switches on jaminan and rehabilitasi with their profiles and adds an officer."""
    platform = web.login(PLATFORM_ADMIN, d.passwords[PLATFORM_ADMIN])
    r = platform.post(f"{API}/tenants", {"slug": SLUG, "kode_wilayah": KODE, "nama": "Kabupaten Balangan", "provinsi": "Kalimantan Selatan"})
    assert r.status == 201, d.explain(f"membuat kabupaten: {r}")
    assert r.json()["slug"] == SLUG and r.json()["aktif"] is True

    d.create_user(ADMIN, "--tenant", SLUG, "--role", "tenant_admin")
    admin = web.login(ADMIN, d.passwords[ADMIN])
    for plugin, profile in (("jaminan", "pp-39-2012"), ("rehabilitasi", "perbup-balangan-61-2017")):
        r = admin.put(f"{TENANT}/plugins/{plugin}", {"enabled": True, "profile_id": profile})
        assert r.status == 200, d.explain(f"mengaktifkan {plugin}: {r}")
        assert (r.json()["enabled"], r.json()["profile"]["id"]) == (True, profile), r
    states = {s["plugin"]: s for s in admin.get(f"{TENANT}/plugins").json()}
    assert states["rehabilitasi"]["profile"]["id"] == "perbup-balangan-61-2017"
    assert states["jaminan"]["enabled"] and not states["lks"]["enabled"]

    password = d.passwords[OFFICER] = new_password()
    r = admin.post(f"{TENANT}/staff", {"username": OFFICER, "nama": "Petugas Balangan", "password": password, "roles": ["officer"]})
    assert r.status == 201, d.explain(f"menambah petugas: {r}")
    assert r.json()["roles"] == ["officer"]


def new_password() -> str:
    # Passes the password policy: long, random, never the username.
    return f"Uji-{uuid.uuid4().hex}"


def work_a_case(d: Deployment, officer: Client) -> tuple[str, str]:
    """Register a person, open a jaminan sosial case, advance it with If-Match; a second
    advance with the ETag seen before the first is refused with 412 and changes nothing."""
    born = date(1980, 5, 17)
    nik = nik_for(KODE, born, "P", serial=1)
    r = officer.post(f"{TENANT}/persons", {"nik": nik, "nama": "Siti Aminah", "tanggal_lahir": born.isoformat(),
                                           "jenis_kelamin": "P", "kode_wilayah": KODE})
    assert r.status == 201, d.explain(f"mendaftarkan penerima: {r}")
    person = r.json()
    # An officer sees the full NIK (sealed at rest with the production key, read back here).
    assert (person["nik"], person["warnings"]) == (nik, []), r

    evidence = {"jenis": "surat_keterangan_tidak_mampu", "keterangan": "SKTM 470/015/Desa Uji", "tanggal": date.today().isoformat()}
    r = officer.post(f"{TENANT}/jaminan/kasus", {"person_id": person["id"], "data": {
        "program": "asuransi_kesejahteraan_sosial", "kategori": "fakir_miskin", "ketidakmampuan": evidence}})
    assert r.status == 201, d.explain(f"membuka kasus jaminan: {r}")
    case_id = r.json()["id"]

    r = officer.get(f"{TENANT}/cases/{case_id}")
    assert r.status == 200 and r.json()["stage"] == "permohonan", r
    seen = r.headers["ETag"]
    r = officer.post(f"{TENANT}/cases/{case_id}/advance", {"to_stage": "verifikasi", "data": {}}, headers={"If-Match": seen})
    assert r.status == 200, d.explain(f"memajukan kasus: {r}")
    assert r.json()["stage"] == "verifikasi" and r.headers["ETag"] != seen, r

    stale = officer.post(f"{TENANT}/cases/{case_id}/advance", {"to_stage": "penerima", "data": {}}, headers={"If-Match": seen})
    assert stale.status == 412, d.explain(f"If-Match usang harus ditolak: {stale}")
    assert stale.json()["code"] == "versi_usang"
    assert stale.json()["message"] == "Data telah diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."
    assert officer.get(f"{TENANT}/cases/{case_id}").json()["stage"] == "verifikasi"
    return case_id, nik


def yearly_report(d: Deployment, officer: Client) -> None:
    """The request answers 202 at once; the worker process builds the report (as the app role,
    under RLS, in the tenant) and its XLSX and CSV count the case just advanced."""
    r = officer.post(f"{TENANT}/reports/{REPORT}/runs", {"params": {"tahun": TAHUN}})
    assert r.status == 202, d.explain(f"meminta laporan: {r}")
    run_url = f"{TENANT}/reports/runs/{r.json()['id']}"

    def finished() -> Any:
        run = officer.get(run_url).json()
        return run if run["status"] in ("done", "failed") else None

    run = p.wait_until(finished, REPORT_DEADLINE, every=0.5)
    assert run, d.explain(f"worker tidak menyelesaikan laporan dalam {REPORT_DEADLINE:.0f} s: {officer.get(run_url)}")
    assert run["status"] == "done", d.explain(f"laporan gagal: {run}")
    assert (run["result"]["jumlah_kasus"], run["result"]["per_tahap"]) == (1, {"verifikasi": 1}), run

    files = {f["name"]: f for f in run["files"]}
    assert set(files) == {f"jaminan-{TAHUN}.xlsx", f"jaminan-{TAHUN}.csv"}, run
    xlsx = officer.get(f"{run_url}/files/jaminan-{TAHUN}.xlsx")
    assert xlsx.status == 200 and len(xlsx.body) == files[f"jaminan-{TAHUN}.xlsx"]["size"] > 0, xlsx.status
    assert zipfile.is_zipfile(io.BytesIO(xlsx.body)), "XLSX yang diunduh bukan berkas zip"
    sheet = load_workbook(io.BytesIO(xlsx.body)).active
    assert ("tahap", "verifikasi", 1, None) in [tuple(row) for row in sheet.iter_rows(values_only=True)]
    table = officer.get(f"{run_url}/files/jaminan-{TAHUN}.csv")
    assert table.status == 200 and table.headers["Content-Type"].startswith("text/csv"), table
    assert ["tahap", "verifikasi", "1", ""] in list(csv.reader(io.StringIO(table.body.decode("utf-8"))))


def probes_and_scheduler(d: Deployment, web: Client) -> None:
    """Readiness sees the database and Redis; exactly one cron scheduler, the leader, holds
    this queue's jobs, with the schedules of core/rq_cron.py."""
    assert web.get("/healthz").status == 200
    r = web.get("/readyz")
    assert r.status == 200 and r.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}, r
    schedulers = d.cron_schedulers()
    assert len(schedulers) == 1, d.explain(f"penjadwal cron untuk antrean {d.queue}: {[s.name for s in schedulers]}")
    jobs = {j.name: (j.cron, j.queue_name) for j in schedulers[0].get_jobs()}
    assert jobs == {name: (cron, d.queue) for name, cron in CRON_JOBS.items()}, jobs
    with d.redis() as conn:
        # The deployment's leader lock is held (RQ lists a scheduler only while it leads): a
        # second scheduler pod would stand by.
        assert conn.get(lock_key(d.queue)) is not None, d.explain(f"kunci pemimpin {lock_key(d.queue)} tidak dipegang")


def request_id_is_logged(d: Deployment, officer: Client, case_id: str) -> None:
    """A request's id is echoed to the client and carried, with tenant and user, by the JSON
    line gunicorn's app writes — what an operator greps for when a user quotes an error."""
    request_id = f"smoke-{uuid.uuid4().hex}"
    r = officer.get(f"{TENANT}/cases/{case_id}", headers={"X-Request-ID": request_id})
    assert r.status == 200 and r.headers.get("X-Request-ID") == request_id, r.headers
    assert Client(d.base_url).get("/healthz").headers.get("X-Request-ID"), "tanpa X-Request-ID masuk: server harus membuat satu"

    def logged() -> Any:
        for line in d.services["gunicorn"].log.read_text(errors="replace").splitlines():
            if request_id in line:
                try:
                    return json.loads(line)
                except ValueError:
                    pass
        return None

    entry = p.wait_until(logged, LOG_DEADLINE)
    assert entry, d.explain(f"tidak ada baris JSON dengan request_id {request_id} di log gunicorn")
    assert (entry["request_id"], entry["tenant"], entry["user"]) == (request_id, SLUG, OFFICER), entry


def stop_leaves_nothing(d: Deployment) -> None:
    """SIGTERM, as Kubernetes sends it: each process exits cleanly before the grace period
    (no SIGKILL needed), its whole group with it, and the worker and scheduler sign out of
    Redis — the scheduler releasing its leader lock — so the next pod starts clean."""
    d.stop()
    for s in d.services.values():
        assert s.signals == ["SIGTERM"], d.explain(f"{s.name}: {s.signals or 'sudah berhenti sebelum SIGTERM'}")
        assert s.proc.returncode == 0, d.explain(f"{s.name} keluar dengan kode {s.proc.returncode}")
        assert not p.group_members(s.pgid), f"{s.name}: proses tersisa {p.group_members(s.pgid)}"
    assert not d.workers(), d.explain("worker masih terdaftar di Redis setelah berhenti")
    assert not d.cron_schedulers(), d.explain("penjadwal cron masih terdaftar di Redis setelah berhenti")
    with d.redis() as conn:
        # Released, not left to expire: the next scheduler pod takes over at its next poll.
        assert conn.get(lock_key(d.queue)) is None, d.explain("kunci pemimpin tidak dilepas saat berhenti")
