"""Helpers of the foreign-LKS and sanctions tests: a foreign LKS with its permits, reports,
the ladder expected from the calendar, and ticks on chosen days."""
from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.db import tenant_context
from core.tenancy.calendar import tenant_calendar
from core.tenancy.models import Tenant
from core.tick import run_daily_tick
from plugins.lks import asing as asing_module
from plugins.lks import sanksi as sanksi_module
from tests.plugins.lks.helpers import (
    PDF,
    T,
    tenant_id,
    today,
)

KEMENLU_DOCS = ("status_badan_hukum", "rekomendasi_perwakilan", "proposal_kerja_sama", "sumber_dana_3_tahun", "rancangan_perjanjian")
OPERASIONAL_DOCS = ("status_badan_hukum", "proposal_kerja_sama", "mitra_kerja_lokal", "rancangan_perjanjian", "izin_kemenlu")
C59_1 = "PP 39/2012 Pasal 59 ayat (1)"
C59_2 = "PP 39/2012 Pasal 59 ayat (2)"
C59_3 = "PP 39/2012 Pasal 59 ayat (3)"
C59_5 = "PP 39/2012 Pasal 59 ayat (5)"
C59_8 = "PP 39/2012 Pasal 59 ayat (8)"
C61 = "PP 39/2012 Pasal 61"
C62 = "PP 39/2012 Pasal 62"
DAY = timedelta(days=1)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def add_months(day: date, months: int) -> date:
    """Written here again (not imported from the plugin): the test's own reading of
    "period k ends add_months(start, k*m) - 1 day"."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def asing_body(w: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "nama": f"Children Hope International {w.slug.title()}",
        "berbadan_hukum": True,
        "alamat": "Jl. A. Yani Km 5 No. 12, Paringin",
        "kode_wilayah": w.kode,
        "npwp": "02.345.678.9-012.000",
        "pengurus": [{"nama": "Margaret Hill", "jabatan": "Country Director", "telepon": "081298765432", "email": "m.hill@childrenhope.org"}],
        "kegiatan": ["perlindungan anak", "pemberdayaan keluarga miskin"],
        "wilayah_kerja": [w.kode],
        "negara_asal": "Britania Raya",
        "hubungan_diplomatik": True,
        "periode_laporan_bulan": 1,
    }
    body.update(overrides)
    return body


def catat_asing(client: Any, w: Any, actor: Any = None, **overrides: Any) -> dict[str, Any]:
    r = client.post(f"{T}/{w.slug}/lks/asing", json=asing_body(w, **overrides), headers=(actor or w.officer).headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def kirim_izin(
    client: Any, w: Any, org_id: str, jenis: str, *, docs: tuple[str, ...] | None = None, files: dict[str, Any] | None = None,
    actor: Any = None, **form: Any,
) -> Any:
    """POST a permit decision as multipart/form-data: form fields plus one file per document."""
    data: dict[str, Any] = {"jenis": jenis, "keputusan": "diberikan", "nomor": f"{jenis.upper()}/001"}
    data.update({k: (v.isoformat() if isinstance(v, date) else v) for k, v in form.items() if v is not None})
    if docs is None:
        docs = (KEMENLU_DOCS if jenis == "kemenlu" else OPERASIONAL_DOCS) if data["keputusan"] == "diberikan" else ("surat_penolakan",)
    for code in docs:
        data[code] = (io.BytesIO(PDF), f"{code}.pdf")
    for code, (content, name) in (files or {}).items():
        data[code] = (io.BytesIO(content), name)
    return client.post(f"{T}/{w.slug}/lks/asing/{org_id}/izin", data=data, content_type="multipart/form-data", headers=(actor or w.officer).headers)


def izin_kemenlu(client: Any, w: Any, org_id: str, tanggal: date, sampai: date | None = None, **form: Any) -> dict[str, Any]:
    r = kirim_izin(client, w, org_id, "kemenlu", tanggal=tanggal, berlaku_sampai=sampai or tanggal + timedelta(days=5 * 365), **form)
    assert r.status_code == 201, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def izin_operasional(client: Any, w: Any, org_id: str, tanggal: date, sampai: date | None = None, **form: Any) -> dict[str, Any]:
    r = kirim_izin(client, w, org_id, "operasional", tanggal=tanggal, berlaku_sampai=sampai or tanggal + timedelta(days=4 * 365), **form)
    assert r.status_code == 201, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def kirim_izin_teknis(client: Any, w: Any, org_id: str, tanggal: date, actor: Any = None, **body: Any) -> Any:
    payload = {"nomor": "503/IT-LKSA/001", "tanggal": tanggal.isoformat()} | {k: (v.isoformat() if isinstance(v, date) else v) for k, v in body.items()}
    return client.post(f"{T}/{w.slug}/lks/asing/{org_id}/izin-teknis", json=payload, headers=(actor or w.officer).headers)


def izin_teknis(client: Any, w: Any, org_id: str, tanggal: date, **body: Any) -> dict[str, Any]:
    r = kirim_izin_teknis(client, w, org_id, tanggal, **body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def berizin(client: Any, w: Any, *, mulai: date | None = None, **overrides: Any) -> str:
    """A foreign LKS holding all three permits; its technical permit (and so its first reporting
    period) starts on `mulai` (default: today), dated no later than today."""
    mulai = mulai or today()
    tanggal = min(mulai, today())
    org = catat_asing(client, w, **overrides)["id"]
    izin_kemenlu(client, w, org, tanggal - timedelta(days=60))
    izin_operasional(client, w, org, tanggal - timedelta(days=30))
    izin_teknis(client, w, org, tanggal, berlaku_mulai=mulai)
    return org  # type: ignore[no-any-return]


def kirim_laporan(client: Any, w: Any, org_id: str, periode_ke: int | None = None, actor: Any = None, content: bytes = PDF, name: str = "laporan.pdf") -> Any:
    data: dict[str, Any] = {"ringkasan": "Kegiatan pendampingan 120 anak di 4 desa berjalan sesuai rencana kerja."}
    if periode_ke is not None:
        data["periode_ke"] = str(periode_ke)
    if content is not None:
        data["berkas"] = (io.BytesIO(content), name)
    return client.post(f"{T}/{w.slug}/lks/asing/{org_id}/laporan", data=data, content_type="multipart/form-data", headers=(actor or w.officer).headers)


def detail(client: Any, w: Any, org_id: str, actor: Any = None) -> dict[str, Any]:
    r = client.get(f"{T}/{w.slug}/lks/asing/{org_id}", headers=(actor or w.officer).headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def tick(kernel: Any, day: date) -> Any:
    result = run_daily_tick(today=day, kernel=kernel)
    assert result.failed == [], result.failed
    return result


def calendar_of(kernel: Any, slug: str) -> Any:
    """The tenant's working-day calendar, as the kernel builds it."""
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return tenant_calendar(s, s.get(Tenant, tid))


def expected_ladder(cal: Any, start: date) -> list[tuple[str, date]]:
    """Pasal 66–68 read from the law: the first warning on the first working day on/after the
    breach began, then 14 working days between each warning, 14 more to the suspension and 14
    more to the fine."""
    day = start
    while not cal.is_working_day(day):
        day += DAY
    out = [("peringatan_tertulis_1", day)]
    for kode in ("peringatan_tertulis_2", "peringatan_tertulis_3", "penghentian_sementara", "denda_administratif"):
        day = cal.add_working_days(day, 14)
        out.append((kode, day))
    return out


def sanksi_list(client: Any, w: Any, actor: Any = None, **query: Any) -> list[dict[str, Any]]:
    r = client.get(f"{T}/{w.slug}/lks/sanksi", headers=(actor or w.officer).headers, query_string={"page_size": 100, **query})
    assert r.status_code == 200, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def pelanggaran_of(client: Any, w: Any, org_id: str, jenis: str | None = None, periode_ke: int | None = None) -> list[dict[str, Any]]:
    return [
        p for p in detail(client, w, org_id)["pelanggaran"]
        if (jenis is None or p["jenis"] == jenis) and (periode_ke is None or p["periode_ke"] == periode_ke)
    ]


def tangga_of(client: Any, w: Any, org_id: str, **which: Any) -> list[tuple[str, date]]:
    """(step, date) of the one breach selected, in order."""
    (pl,) = pelanggaran_of(client, w, org_id, **which)
    return [(s["langkah"], date.fromisoformat(s["tanggal"])) for s in sorted(pl["sanksi"], key=lambda s: s["urutan"])]


def audit(kernel: Any, slug: str, action: str) -> list[AuditEntry]:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.at, AuditEntry.id)))
        s.expunge_all()
        return rows


def stored_files(kernel: Any) -> list[Any]:
    root = kernel.settings.storage_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root and root.exists() else []


def link_operator(client: Any, w: Any, org_id: str, operator: Any) -> None:
    r = client.put(f"{T}/{w.slug}/lks/lembaga/{org_id}/operator", json={"user_id": str(operator.user_id)}, headers=w.officer.headers)
    assert r.status_code == 200, r.get_json()


def travel(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Travel in time: what the LKS service takes as "today" when an officer records something
    (a report received, a permit recorded, a revocation). Ticks take their day as an argument."""

    def set_day(day: date) -> date:
        monkeypatch.setattr(asing_module, "local_today", lambda: day)
        monkeypatch.setattr(sanksi_module, "local_today", lambda: day)
        return day

    return set_day

