"""The yearly report `rehabilitasi.tahunan` (Perbup Balangan 61/2017 Pasal 44 ayat (3)): requested
per fiscal year, built as a job (inline here), counted per target group, setting, stage, form,
outcome, primary worker and funding source, delivered as XLSX and CSV — per tenant, citing each
tenant's own regulation."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import openpyxl
from sqlalchemy import event, update

from core.db import tenant_context
from core.reports import ReportContext
from core.sdk import Case
from core.tenancy.models import Tenant
from core.tenancy.services import tenant_profile
from plugins.rehabilitasi.reports import XLSX, build
from tests.plugins.rehabilitasi.helpers import STAGES, T, TERMINASI, advance, assign, detail, new_case, rencana, tenant_id

REPORT = "rehabilitasi.tahunan"


def _runs(w: SimpleNamespace) -> str:
    return f"{T}/{w.slug}/reports"


def _request(client: Any, w: SimpleNamespace, params: dict[str, Any] | None, actor: Any = None) -> Any:
    body = {} if params is None else {"params": params}
    return client.post(f"{_runs(w)}/{REPORT}/runs", json=body, headers=(actor or w.officer).headers)


def _walk(client: Any, w: SimpleNamespace, case_id: str, stage: str, plan: dict[str, Any] | None = None, hasil: str = "berhasil") -> None:
    """Move a case stage by stage up to `stage`; `plan` is written at penyusunan rencana."""
    current = STAGES.index(detail(client, w, case_id).get_json()["stage"])
    for target in STAGES[current + 1 : STAGES.index(stage) + 1]:
        if target == "pemecahan_masalah":
            r = rencana(client, w, case_id, **(plan or {}))
            assert r.status_code == 200, r.get_json()
        r = advance(client, w, case_id, target, {**TERMINASI, "hasil": hasil} if target == "terminasi" else {})
        assert r.status_code == 200, r.get_json()


def _backdate(kernel: Any, slug: str, case_id: str, opened: datetime, closed: datetime | None = None) -> None:
    """A case of an earlier year: the service stamps `now`, so move its dates afterwards."""
    tid = tenant_id(kernel, slug)
    values: dict[str, Any] = {"opened_at": opened}
    if closed is not None:
        values |= {"closed_at": closed, "status": "closed"}
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        s.execute(update(Case).where(Case.id == uuid.UUID(case_id)).values(**values))


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def _scenario(client: Any, kernel: Any, world: dict[str, SimpleNamespace]) -> None:
    b, t = world["balangan"], world["tabalong"]
    # Balangan, 2026: in a panti, two target groups, a plan, at pemecahan masalah, with a TKS.
    b1 = new_case(client, b, kelompok_sasaran=["korban_kekerasan", "anak_terlantar"])
    assert assign(client, b, b1, b.tks, "pendukung").status_code == 201
    _walk(client, b, b1, "pemecahan_masalah", {"bentuk": ["perawatan_pengasuhan", "bimbingan_sosial_konseling"], "sumber_dana": "apbd_kabupaten"})
    # with the family, second Peksos, through terminasi (partly successful) and closed in 2026
    b2 = new_case(client, b, with_worker=False, kelompok_sasaran=["cacat_fisik"], tempat="luar_lembaga", lembaga_id=None, lingkup="keluarga")
    assert assign(client, b, b2, b.peksos2, "utama").status_code == 201
    _walk(client, b, b2, "bimbingan_lanjut", {"bentuk": ["bimbingan_sosial_konseling"], "sumber_dana": "apbn"}, hasil="sebagian_berhasil")
    etag = client.get(f"{T}/balangan/cases/{b2}", headers=b.officer.headers).headers["ETag"]
    r = client.post(f"{T}/balangan/cases/{b2}/close", json={"catatan": "selesai"}, headers={**b.officer.headers, "If-Match": etag})
    assert r.status_code == 200 and r.get_json()["status"] == "closed", r.get_json()
    # no primary worker yet
    new_case(client, b, with_worker=False)
    # opened and closed in 2025: not in 2026's report
    b4 = new_case(client, b, kelompok_sasaran=["anak_terlantar"])
    _backdate(kernel, "balangan", b4, _utc(2025, 2, 3, 2), _utc(2025, 10, 1, 3))
    # opened in 2025, still open: in both years
    b5 = new_case(client, b, kelompok_sasaran=["cacat_fisik"])
    _backdate(kernel, "balangan", b5, _utc(2025, 6, 2, 1))
    # Tabalong, 2026: one case, never counted in Balangan
    t1 = new_case(client, t, kelompok_sasaran=["anak_terlantar"], tempat="luar_lembaga", lembaga_id=None, lingkup="masyarakat")
    _walk(client, t, t1, "pengungkapan_pemahaman_masalah")


def _run(client: Any, w: SimpleNamespace, tahun: int) -> dict[str, Any]:
    r = _request(client, w, {"tahun": tahun})
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["status"] == "queued"
    r = client.get(f"{_runs(w)}/runs/{r.get_json()['id']}", headers=w.officer.headers)
    assert r.status_code == 200
    run = r.get_json()
    assert run["status"] == "done" and run["error"] is None, run
    return run


def test_yearly_report_counts_files_and_tenants(client: Any, kernel: Any, world: dict[str, SimpleNamespace]) -> None:
    _scenario(client, kernel, world)
    b, t = world["balangan"], world["tabalong"]

    run = _run(client, b, 2026)
    assert run["result"] == {
        "tahun": 2026,
        "kabupaten": "Kabupaten Balangan",
        "profil": "perbup-balangan-61-2017",
        "citation": "Perbup Balangan 61/2017 Pasal 44 ayat (3)",
        "jumlah_kasus": 4,
        "per_kelompok_sasaran": {"anak_terlantar": 1, "cacat_fisik": 2, "korban_kekerasan": 2},
        "per_tempat": {"dalam_lembaga": 3, "luar_lembaga": 1},
        "per_tahap": {"bimbingan_lanjut": 1, "pemecahan_masalah": 1, "pendekatan_awal": 2},
        "per_bentuk": {"bimbingan_sosial_konseling": 2, "perawatan_pengasuhan": 1},
        "per_hasil": {"belum_terminasi": 3, "sebagian_berhasil": 1},
        "per_petugas_utama": {"Peksos.Balangan": 2, "Peksos2.Balangan": 1, "tanpa_petugas_utama": 1},
        "per_sumber_dana": {"apbd_kabupaten": 1, "apbn": 1},
    }
    assert [(f["name"], f["media_type"]) for f in run["files"]] == [
        ("rehabilitasi-2026.csv", "text/csv; charset=utf-8"),
        ("rehabilitasi-2026.xlsx", XLSX),
    ]
    assert all(f["size"] > 0 for f in run["files"])

    # XLSX: a summary sheet, then one sheet per dimension (Kode, Uraian, Jumlah; bold header)
    r = client.get(f"{_runs(b)}/runs/{run['id']}/files/rehabilitasi-2026.xlsx", headers=b.officer.headers)
    assert r.status_code == 200 and r.mimetype == XLSX
    assert 'filename="rehabilitasi-2026.xlsx"' in r.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == [
        "Ringkasan", "Kelompok sasaran", "Tempat pelaksanaan", "Tahap", "Bentuk rehabilitasi", "Hasil terminasi",
        "Petugas utama", "Sumber dana",
    ]
    summary = {row[0]: row[1] for row in wb["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Kabupaten/Kota"] == "Kabupaten Balangan"
    assert summary["Tahun anggaran"] == 2026
    assert summary["Dasar hukum"] == "Perbup Balangan 61/2017 Pasal 44 ayat (3)"
    assert summary["Jumlah kasus"] == 4
    assert "perbup-balangan-61-2017" in summary["Profil regulasi"]
    sheet = wb["Kelompok sasaran"]
    assert [c.value for c in sheet[1]] == ["Kode", "Uraian", "Jumlah"] and all(c.font.bold for c in sheet[1])
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["korban_kekerasan"] == ("korban tindak kekerasan", 2)
    assert rows["cacat_fisik"] == ("penyandang cacat fisik", 2)
    assert rows["anak_berhadapan_hukum"] == ("anak yang berhadapan dengan hukum", 0)  # the Perbup's own group, listed
    assert len(rows) == 15  # every group of the Perbup
    petugas = list(wb["Petugas utama"].iter_rows(min_row=2, values_only=True))
    assert petugas == [
        ("peksos.balangan", "Peksos.Balangan", 2), ("peksos2.balangan", "Peksos2.Balangan", 1),
        ("tanpa_petugas_utama", "tanpa petugas utama", 1),
    ]

    # CSV: UTF-8 with a BOM (Excel), dimensi,kode,uraian,jumlah
    r = client.get(f"{_runs(b)}/runs/{run['id']}/files/rehabilitasi-2026.csv", headers=b.officer.headers)
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.mimetype_params["charset"] == "utf-8"
    assert r.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert table[0] == ["dimensi", "kode", "uraian", "jumlah"]
    got = {(d, k): (u, int(n)) for d, k, u, n in table[1:]}
    assert got[("tahap", "pendekatan_awal")] == ("pendekatan awal", 2)
    assert got[("tahap", "resosialisasi")] == ("resosialisasi", 0)
    assert got[("tempat", "luar_lembaga")] == ("di luar lembaga", 1)
    assert got[("hasil", "sebagian_berhasil")] == ("sebagian berhasil", 1)
    assert got[("hasil", "belum_terminasi")] == ("belum sampai terminasi", 3)
    assert got[("bentuk", "perawatan_pengasuhan")] == ("perawatan dan pengasuhan", 1)
    assert got[("sumber_dana", "apbn")] == ("anggaran pendapatan belanja negara", 1)
    assert got[("sumber_dana", "sumbangan_masyarakat")] == ("sumbangan masyarakat", 0)
    assert got[("petugas_utama", "peksos2.balangan")] == ("Peksos2.Balangan", 1)
    for key, counts in run["result"].items():  # the CSV's non-zero rows are the JSON's counts
        if key.startswith("per_") and key != "per_petugas_utama":  # (workers: by username, above)
            assert {k: n for (d, k), (_, n) in got.items() if d == key[4:] and n} == counts

    # 2025: the case opened and closed in 2025 and the one still open since 2025
    old = _run(client, b, 2025)["result"]
    assert old["jumlah_kasus"] == 2
    assert old["per_kelompok_sasaran"] == {"anak_terlantar": 1, "cacat_fisik": 1}
    assert old["per_tahap"] == {"pendekatan_awal": 2}
    assert _run(client, b, 2024)["result"]["jumlah_kasus"] == 0

    # Tabalong: its own case only, citing the PP (its profile gives no article for the report)
    tab = _run(client, t, 2026)
    assert tab["result"]["jumlah_kasus"] == 1
    assert tab["result"]["citation"] == "PP 39/2012"
    assert tab["result"]["profil"] == "pp-39-2012"
    assert tab["result"]["per_kelompok_sasaran"] == {"anak_terlantar": 1}
    assert tab["result"]["per_tempat"] == {"luar_lembaga": 1}
    assert tab["result"]["per_tahap"] == {"pengungkapan_pemahaman_masalah": 1}
    assert tab["result"]["per_petugas_utama"] == {"Peksos.Tabalong": 1}
    assert tab["result"]["per_bentuk"] == {} and tab["result"]["per_sumber_dana"] == {}
    # a run of one tenant is not visible in the other
    assert client.get(f"{_runs(t)}/runs/{run['id']}", headers=t.officer.headers).status_code == 404
    assert client.get(f"{_runs(t)}/runs/{run['id']}/files/rehabilitasi-2026.csv", headers=t.officer.headers).status_code == 404


def test_parameters_and_permissions(client: Any, world: dict[str, SimpleNamespace]) -> None:
    b = world["balangan"]
    listed = client.get(_runs(b), headers=b.auditor.headers).get_json()
    assert {"name": REPORT, "plugin": "rehabilitasi", "title": "Laporan tahunan rehabilitasi sosial", "citation": None} in listed
    for params in (None, {}, {"tahun": 1999}, {"tahun": 2101}, {"tahun": "dua ribu"}):
        r = _request(client, b, params)
        assert r.status_code == 422, (params, r.get_json())
        assert "tahun" in r.get_json()["errors"]["params"]
    assert client.get(f"{_runs(b)}/runs", headers=b.officer.headers).get_json() == []  # nothing kept

    run_id = _request(client, b, {"tahun": 2026}).get_json()["id"]
    # the auditor reads runs and downloads files, but may not request one
    r = client.get(f"{_runs(b)}/runs/{run_id}", headers=b.auditor.headers)
    assert r.status_code == 200 and r.get_json()["result"]["jumlah_kasus"] == 0
    assert client.get(f"{_runs(b)}/runs/{run_id}/files/rehabilitasi-2026.xlsx", headers=b.auditor.headers).status_code == 200
    r = _request(client, b, {"tahun": 2026}, actor=b.auditor)
    assert r.status_code == 403
    assert _request(client, b, {"tahun": 2026}, actor=b.admin).status_code == 202


def test_the_build_runs_a_fixed_number_of_queries(client: Any, kernel: Any, world: dict[str, SimpleNamespace]) -> None:
    b = world["balangan"]

    def statements() -> int:
        tid = tenant_id(kernel, "balangan")
        seen: list[str] = []
        engine = kernel.db.engine

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
            tenant = s.get(Tenant, tid)
            ctx = ReportContext(s, tenant, tenant_profile(s, kernel, tenant, "rehabilitasi"), {"tahun": 2026})
            s.flush()
            event.listen(engine, "before_cursor_execute", count)
            try:
                result = build(ctx)
            finally:
                event.remove(engine, "before_cursor_execute", count)
        assert result["jumlah_kasus"] == cases
        return len(seen)

    cases = 1
    case_id = new_case(client, b)
    _walk(client, b, case_id, "pemecahan_masalah")
    few = statements()
    for _ in range(3):
        case_id = new_case(client, b)
        assert assign(client, b, case_id, b.tks, "pendukung").status_code == 201
        _walk(client, b, case_id, "terminasi")
    cases = 4
    assert statements() == few <= 5
