"""Importing people from CSV: 10,000 rows (baseline) and 100,000 rows, in one run.

Prints, per size: seconds, rows per second, and the peak of memory Python allocated during the
import (tracemalloc) — streamed and batched, it must grow far less than the file. Every tenth row
is a duplicate NIK, so the rejected-rows file is exercised too. Embedded SQLite, jobs inline.

Run: .venv/bin/python bench/import_persons.py
"""
from __future__ import annotations

import io
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import migrate  # noqa: E402
from core.app import create_app  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.plugins import PluginRegistry  # noqa: E402
from core.staff import passwords  # noqa: E402
from tests.factories import Factory  # noqa: E402

passwords._N = 2**10


def _csv(n: int) -> bytes:
    out = io.StringIO()
    out.write("nik,nama,tanggal_lahir,jenis_kelamin,alamat\n")
    start = date(1950, 1, 1)
    line = ""
    for i in range(n):
        if i % 10 == 9:
            out.write(line)  # every tenth row repeats the one before: a duplicate NIK
            continue
        born = start + timedelta(days=i % 20000)
        serial = (i // 20000) * 1000 + 1 + (i % 997)  # unique with the birth date and sex
        day = born.day + 40 * (i % 2)
        nik = f"631101{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
        line = f"{nik},Penerima {i},{born.isoformat()},{'P' if i % 2 else 'L'},Desa {i % 300}\n"
        out.write(line)
    return out.getvalue().encode()


def run(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/kesos.db"
        migrate.upgrade(url, PluginRegistry.discover().migration_dirs)
        settings = load_settings(environ={}, instance_dir=Path(d), tenants_dir=Path(d) / "t", database_url=url, migration_database_url=url, upload_max_bytes=64 * 1024 * 1024)
        app = create_app(settings)
        kernel = app.extensions["kesos"]
        make = Factory(kernel)
        make.tenant("balangan", "63.11")
        officer = make.user("petugas.balangan", {"balangan": ["officer"]})
        content = _csv(n)
        client = app.test_client()
        tracemalloc.start()
        t0 = time.perf_counter()
        r = client.post(
            "/api/v1/tenants/balangan/imports/persons", data={"berkas": (io.BytesIO(content), "penerima.csv")},
            content_type="multipart/form-data", headers=officer.headers,
        )
        seconds = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert r.status_code == 202, r.get_json()
        run_ = client.get(f"/api/v1/tenants/balangan/imports/{r.get_json()['id']}", headers=officer.headers).get_json()
        assert run_["status"] == "done", run_
        kernel.db.dispose()
        return {"rows": n, "seconds": seconds, "rows_per_s": n / seconds, "peak_mb": peak / 2**20, "file_mb": len(content) / 2**20,
                "diterima": run_["diterima"], "ditolak": run_["ditolak"]}


def main() -> None:
    small, large = run(10_000), run(100_000)
    print(f"{'':24} {'10,000 rows':>14} {'100,000 rows':>14} {'ratio':>7}")
    for key, label in (("file_mb", "file (MB)"), ("seconds", "seconds"), ("rows_per_s", "rows per second"), ("peak_mb", "peak Python memory (MB)")):
        print(f"{label:<24} {small[key]:>14.1f} {large[key]:>14.1f} {large[key] / small[key]:>7.2f}")
    print(f"accepted / rejected      {small['diterima']:>7} / {small['ditolak']:<6} {large['diterima']:>7} / {large['ditolak']}")


if __name__ == "__main__":
    main()
