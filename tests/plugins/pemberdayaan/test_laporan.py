"""The yearly report `pemberdayaan.tahunan`: requested per year (WIB), built as a job (inline
here), cases open in the year counted per target, form and stage, the stimulus given in the year
per kind and funding source with its rupiah, as CSV and XLSX — per tenant, in a fixed number of
queries."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone
from typing import Any

import openpyxl
import pytest
from sqlalchemy import event, update

from core.db import tenant_context
from core.reports import ReportContext
from core.sdk import Case
from core.tenancy.models import Tenant
from core.tenancy.services import tenant_profile
from plugins.pemberdayaan.reports import build
from tests.core.api.helpers import tenant_id
from tests.plugins.pemberdayaan.test_pemberdayaan import (
    PP,
    T,
    _advance,
    _household,
    _k,
    _kelompok,
    _open,
)

REPORT = "pemberdayaan.tahunan"


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def _backdate(kernel: Any, slug: str, case_id: str, opened: datetime, closed: datetime | None = None) -> None:
    """A case of an earlier year: the service stamps `now`, so move its dates afterwards."""
    tid = tenant_id(kernel, slug)
    values: dict[str, Any] = {"opened_at": opened} | ({"closed_at": closed, "status": "closed"} if closed else {})
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.execute(update(Case).where(Case.id == uuid.UUID(case_id)).values(**values))


def _give(client: Any, w: Any, case_id: str, jenis: str, nilai: int, sumber_dana: str, tanggal: str) -> None:
    r = client.post(f"{T}/{w.slug}/pemberdayaan/kasus/{case_id}/stimulan",
                    json={"jenis": jenis, "nilai": nilai, "sumber_dana": sumber_dana, "tanggal": tanggal}, headers=w.officer.headers)
    assert r.status_code == 201, r.get_json()


def _perseorangan(client: Any, w: Any, bentuk: str) -> str:
    r = _open(client, w, person_id=w.siti.id, data={"sasaran": "perseorangan", "kriteria": _k("miskin", "masalah_sosial_psikologis"),
                                                 "bentuk": [bentuk]})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _run(client: Any, w: Any, tahun: int) -> dict[str, Any]:
    r = client.post(f"{T}/{w.slug}/reports/{REPORT}/runs", json={"params": {"tahun": tahun}}, headers=w.officer.headers)
    assert r.status_code == 202, r.get_json()
    run = client.get(f"{T}/{w.slug}/reports/runs/{r.get_json()['id']}", headers=w.officer.headers).get_json()
    assert run["status"] == "done" and run["error"] is None, run
    return run


def _scenario(client: Any, kernel: Any, world: dict[str, Any]) -> None:
    b, t = world["balangan"], world["tabalong"]
    # a fishing group opened late in 2025, carried out with stimulus on both sides of New Year
    kelompok = _kelompok(client, b).get_json()["id"]
    assert _advance(client, b, kelompok, "pelaksanaan").status_code == 200
    _give(client, b, kelompok, "modal", 1000000, "apbn", "2025-12-31")
    _give(client, b, kelompok, "peralatan_usaha", 15000000, "apbd", "2026-01-01")
    _give(client, b, kelompok, "modal", 5000000, "apbd", "2026-03-02")
    _give(client, b, kelompok, "modal", 2500000, "csr_badan_usaha", "2026-11-30")
    _backdate(kernel, "balangan", kelompok, _utc(2025, 11, 3, 2))
    # a family at persiapan, opened now
    r = _open(client, b, household_id=_household(client, b),
              data={"sasaran": "keluarga", "kriteria": _k("miskin", "penghasilan_tidak_mencukupi"), "bentuk": ["diagnosis_motivasi", "pendampingan"]})
    assert r.status_code == 201, r.get_json()
    # closed at 00:30 WIB on 1 January 2026 (17:30 UTC the day before): open in 2025 and in 2026
    late = _perseorangan(client, b, "pelatihan_keterampilan")
    for to in ("pelaksanaan", "pendayagunaan_berkelanjutan"):
        assert _advance(client, b, late, to).status_code == 200
    _backdate(kernel, "balangan", late, _utc(2025, 2, 3, 1), _utc(2025, 12, 31, 17, 30))
    # closed at 23:59 WIB on 31 December 2025: 2025 only
    early = _perseorangan(client, b, "pendampingan")
    _backdate(kernel, "balangan", early, _utc(2025, 2, 3, 1), _utc(2025, 12, 31, 16, 59))
    # Tabalong's group and stimulus are never counted in Balangan
    other = _kelompok(client, t).get_json()["id"]
    assert _advance(client, t, other, "pelaksanaan").status_code == 200
    _give(client, t, other, "tempat_usaha", 40000000, "apbn", "2026-06-01")


def test_the_yearly_report_counts_cases_and_the_stimulus_given(client, kernel, world):
    _scenario(client, kernel, world)
    b, t = world["balangan"], world["tabalong"]

    run = _run(client, b, 2026)
    assert run["result"] == {
        "tahun": 2026,
        "jumlah_kasus": 3,
        "per_sasaran": {"keluarga": 1, "kelompok": 1, "perseorangan": 1},
        "per_bentuk": {"diagnosis_motivasi": 1, "pelatihan_keterampilan": 2, "pendampingan": 1, "stimulan_usaha": 1},
        "per_tahap": {"pelaksanaan": 1, "pendayagunaan_berkelanjutan": 1, "persiapan": 1},
        "stimulan": {"modal": {"kali": 2, "rupiah": 7500000}, "peralatan_usaha": {"kali": 1, "rupiah": 15000000}},
        "sumber_dana": {"apbd": {"kali": 2, "rupiah": 20000000}, "csr_badan_usaha": {"kali": 1, "rupiah": 2500000}},
        "jumlah_stimulan": {"kali": 3, "rupiah": 22500000},
        "citation": f"{PP} Pasal 15",
    }
    assert {f["name"] for f in run["files"]} == {"pemberdayaan-2026.csv", "pemberdayaan-2026.xlsx"}
    files = f"{T}/balangan/reports/runs/{run['id']}/files"

    r = client.get(f"{files}/pemberdayaan-2026.csv", headers=b.auditor.headers)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert table[0] == ["dimensi", "kode", "jumlah", "rupiah"]
    got = {(d, k): (int(n), int(rp) if rp else None) for d, k, n, rp in table[1:]}
    assert got == {
        ("sasaran", "keluarga"): (1, None), ("sasaran", "kelompok"): (1, None), ("sasaran", "perseorangan"): (1, None),
        ("bentuk", "diagnosis_motivasi"): (1, None), ("bentuk", "pelatihan_keterampilan"): (2, None),
        ("bentuk", "pendampingan"): (1, None), ("bentuk", "stimulan_usaha"): (1, None),
        ("tahap", "pelaksanaan"): (1, None), ("tahap", "pendayagunaan_berkelanjutan"): (1, None), ("tahap", "persiapan"): (1, None),
        ("stimulan", "modal"): (2, 7500000), ("stimulan", "peralatan_usaha"): (1, 15000000),
        ("sumber_dana", "apbd"): (2, 20000000), ("sumber_dana", "csr_badan_usaha"): (1, 2500000),
    }

    r = client.get(f"{files}/pemberdayaan-2026.xlsx", headers=b.officer.headers)
    assert r.status_code == 200 and 'filename="pemberdayaan-2026.xlsx"' in r.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    ws = wb.active
    assert ws.title == "Pemberdayaan 2026"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == f"Laporan tahunan pemberdayaan sosial 2026 ({PP} Pasal 15)"
    assert rows[1] == ("dimensi", "kode", "jumlah", "rupiah")
    sheet = {(d, k): (n, rp) for d, k, n, rp in rows[2:]}
    assert sheet == got  # the same figures as the CSV, numbers as numbers
    assert sheet[("sumber_dana", "apbd")] == (2, 20000000)

    # 2025: the group (opened in November), both closed individual cases, the New Year's Eve stimulus
    old = _run(client, b, 2025)["result"]
    assert (old["jumlah_kasus"], old["per_sasaran"]) == (3, {"kelompok": 1, "perseorangan": 2})
    assert old["stimulan"] == {"modal": {"kali": 1, "rupiah": 1000000}}
    assert old["sumber_dana"] == {"apbn": {"kali": 1, "rupiah": 1000000}}
    assert _run(client, b, 2024)["result"] == {
        "tahun": 2024, "jumlah_kasus": 0, "per_sasaran": {}, "per_bentuk": {}, "per_tahap": {}, "stimulan": {}, "sumber_dana": {},
        "jumlah_stimulan": {"kali": 0, "rupiah": 0}, "citation": f"{PP} Pasal 15",
    }

    # Tabalong: its own group and stimulus only; Balangan's run is not visible there
    tab = _run(client, t, 2026)["result"]
    assert (tab["jumlah_kasus"], tab["per_sasaran"]) == (1, {"kelompok": 1})
    assert tab["stimulan"] == {"tempat_usaha": {"kali": 1, "rupiah": 40000000}}
    assert client.get(f"{T}/tabalong/reports/runs/{run['id']}", headers=t.officer.headers).status_code == 404


@pytest.mark.parametrize("params", [None, {}, {"tahun": "abc"}, {"tahun": "2026"}, {"tahun": 2011}, {"tahun": 2101}])
def test_a_report_without_a_valid_year_is_refused(client, world, params):
    b = world["balangan"]
    body = {} if params is None else {"params": params}
    r = client.post(f"{T}/balangan/reports/{REPORT}/runs", json=body, headers=b.officer.headers)
    assert r.status_code == 422, (params, r.get_json())
    assert "tahun" in r.get_json()["errors"]["params"]
    assert client.get(f"{T}/balangan/reports/runs", headers=b.officer.headers).get_json() == []  # nothing kept


def test_the_report_is_listed_and_only_staff_who_report_may_run_it(client, world):
    b = world["balangan"]
    listed = client.get(f"{T}/balangan/reports", headers=b.auditor.headers).get_json()
    assert {"name": REPORT, "plugin": "pemberdayaan", "title": "Laporan tahunan pemberdayaan sosial", "citation": f"{PP} Pasal 15–27"} in listed
    for actor in (b.auditor, b.tks):
        r = client.post(f"{T}/balangan/reports/{REPORT}/runs", json={"params": {"tahun": 2026}}, headers=actor.headers)
        assert r.status_code == 403, r.get_json()


def test_the_build_runs_a_fixed_number_of_queries(client, kernel, world):
    b = world["balangan"]

    def statements(expected: int) -> int:
        tid = tenant_id(kernel, "balangan")
        seen: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
            tenant = s.get(Tenant, tid)
            ctx = ReportContext(s, tenant, tenant_profile(s, kernel, tenant, "pemberdayaan"), {"tahun": 2026})
            s.flush()
            event.listen(kernel.db.engine, "before_cursor_execute", count)
            try:
                result = build(ctx)
            finally:
                event.remove(kernel.db.engine, "before_cursor_execute", count)
        assert result["jumlah_kasus"] == expected
        return len(seen)

    first = _kelompok(client, b).get_json()["id"]
    assert _advance(client, b, first, "pelaksanaan").status_code == 200
    _give(client, b, first, "modal", 1000000, "apbd", "2026-02-02")
    few = statements(1)
    for i in range(3):
        case = _kelompok(client, b).get_json()["id"]
        assert _advance(client, b, case, "pelaksanaan").status_code == 200
        _give(client, b, case, "peralatan_usaha", 2000000, ("apbn", "sumbangan_masyarakat", "apbd")[i], "2026-05-04")
    assert statements(4) == few <= 3
