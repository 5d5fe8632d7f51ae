"""How the LKS service's list endpoint and daily work grow with a kabupaten's LKS.

In one run, on an embedded SQLite database, a tenant is filled twice — a small one (baseline)
and one ten times larger — with applications declared complete (deadline warnings to watch)
and foreign LKS with a missed report (a sanctions ladder to climb). Printed per size:
  - SQL statements and time of one page of `GET /lks/pendaftaran` (should not grow: no N+1);
  - time of the plugin's daily work for one day, ticked twice (the second finds nothing to do).

Run: .venv/bin/python bench/lks_scale.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select  # noqa: E402

from core import migrate  # noqa: E402
from core.app import create_app  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.db import tenant_context  # noqa: E402
from core.staff import passwords  # noqa: E402
from core.tenancy.models import Tenant  # noqa: E402
from tests.factories import Factory  # noqa: E402

passwords._N = 2**10  # staff accounts are not what is measured


def _fill(kernel, officer, n_applications: int, n_foreign: int) -> None:
    import io

    from plugins.lks.dokumen import Berkas
    from plugins.lks.pendaftaran import ajukan, catat_lembaga, unggah
    from plugins.lks.access import Lingkup
    from plugins.lks.models import Izin, Pendaftaran
    from core.sdk import advance_case

    pdf = b"%PDF-1.4\n%%EOF\n"
    with kernel.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "balangan"))
        with tenant_context(tenant.id, s):
            scope = Lingkup(True, user_id=officer.user_id)
            body = {
                "berbadan_hukum": False, "alamat": "Jl. Uji No. 1", "kode_wilayah": "63.11", "npwp": None,
                "pengurus": [{"nama": "Ketua", "jabatan": "Ketua"}], "kegiatan": ["uji"], "wilayah_kerja": ["63.11"],
            }
            for i in range(n_applications):
                case = ajukan(s, kernel, tenant, {"lembaga": body | {"nama": f"LKS Uji {i:05d}"}}, scope, officer.user_id)
                p = s.get(Pendaftaran, (tenant.id, case.id))
                for code in ("anggaran_dasar_art", "surat_keterangan_domisili", "npwp"):
                    unggah(s, kernel, tenant, case, p, code, Berkas(f"{code}.pdf", io.BytesIO(pdf)), officer.user_id)
                advance_case(s, kernel, tenant, case, to_stage="lengkap", data={}, expected_version=case.version, actor_id=officer.user_id)
            start = date.today() - timedelta(days=70)
            for i in range(n_foreign):
                org, _ = catat_lembaga(s, body | {"nama": f"LKS Asing {i:05d}", "berbadan_hukum": True, "periode_laporan_bulan": 1}, asing=True, within=None)
                for jenis in ("kemenlu", "operasional", "teknis"):
                    s.add(Izin(organization_id=org.id, jenis=jenis, keputusan="diberikan", nomor=f"{jenis}-{i}", tanggal=start,
                               berlaku_mulai=start, berlaku_sampai=start + timedelta(days=1000)))
                s.flush()
            for izin in s.scalars(select(Izin)):
                izin.dicatat_pada = izin.dicatat_pada - timedelta(days=80)  # entered when issued


def _measure(kernel, client, officer) -> dict[str, float]:
    from plugins.lks.jobs import daily

    statements = []

    def count(*_a) -> None:
        statements.append(1)

    event.listen(kernel.db.engine, "before_cursor_execute", count)
    t0 = time.perf_counter()
    for _ in range(20):
        assert client.get("/api/v1/tenants/balangan/lks/pendaftaran", headers=officer.headers).status_code == 200
    list_ms = (time.perf_counter() - t0) / 20 * 1000
    event.remove(kernel.db.engine, "before_cursor_execute", count)
    per_page = len(statements) / 20

    out = {"list_ms": list_ms, "list_sql": per_page}
    day = date.today()
    for label in ("tick_first_ms", "tick_again_ms"):
        with kernel.db.unit_of_work() as s:
            tenant = s.scalar(select(Tenant).where(Tenant.slug == "balangan"))
            with tenant_context(tenant.id, s):
                t0 = time.perf_counter()
                daily(s, kernel, tenant, day)
                out[label] = (time.perf_counter() - t0) * 1000
    return out


def run(n_applications: int, n_foreign: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/kesos.db"
        settings = load_settings(environ={}, instance_dir=Path(d), tenants_dir=Path(d) / "tenants", database_url=url, migration_database_url=url)
        from core.plugins import PluginRegistry

        migrate.upgrade(url, PluginRegistry.discover().migration_dirs)
        app = create_app(settings)
        kernel = app.extensions["kesos"]
        make = Factory(kernel)
        make.tenant("balangan", "63.11")
        make.enable("balangan", "lks")
        officer = make.user("petugas.balangan", {"balangan": ["officer"]})
        client = app.test_client()
        _fill(kernel, officer, n_applications, n_foreign)
        result = _measure(kernel, client, officer)
        kernel.db.dispose()
        return result


def main() -> None:
    small = run(20, 5)
    large = run(200, 50)
    print("                                   20 apps / 5 foreign   200 apps / 50 foreign   ratio")
    for key, label in (
        ("list_sql", "SQL statements per list page"),
        ("list_ms", "ms per list page (20 per page)"),
        ("tick_first_ms", "ms daily work, first tick of a day"),
        ("tick_again_ms", "ms daily work, same day again"),
    ):
        print(f"{label:<34} {small[key]:>18.1f} {large[key]:>23.1f} {large[key] / small[key]:>7.2f}")


if __name__ == "__main__":
    main()
