"""Importing the official register (Pasal 13: "data yang ditetapkan oleh instansi yang
berwenang", e.g. DTKS) from CSV/XLSX through the kernel's import engine: columns nik, nama,
sumber, tahun; one row per NIK per tenant."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select

from core.sdk import NIK, Importer, blind_index, new_id, parse_nik, utcnow

from .models import RegisterPenerima


def _parse(raw: dict[str, Any]) -> dict[str, Any]:
    nik = parse_nik(raw.get("nik"))
    nama = str(raw.get("nama") or "").strip()
    if not nama:
        raise ValueError("nama: wajib diisi.")
    sumber = str(raw.get("sumber") or "").strip()[:100]
    if not sumber:
        raise ValueError("sumber: sebutkan instansi yang menetapkan data (mis. DTKS Kemensos).")
    try:
        tahun = int(str(raw.get("tahun") or "").strip())
    except ValueError as exc:
        raise ValueError("tahun: tulis tahun penetapan data, mis. 2026.") from exc
    if not 2000 <= tahun <= 2100:
        raise ValueError("tahun: tulis tahun penetapan data, mis. 2026.")
    return {"nik": nik, "nama": nama[:200], "sumber": sumber, "tahun": tahun}


def _refuse(session: Any, rows: list[dict[str, Any]], _parameter: dict[str, Any]) -> dict[str, str]:
    by_index = {blind_index(r["nik"], NIK): r["nik"] for r in rows}  # the NIK column is encrypted
    found = session.scalars(select(RegisterPenerima.nik_index).where(RegisterPenerima.nik_index.in_(by_index)))
    return {by_index[index]: "NIK sudah ada dalam data ini." for index in found}


def _write(session: Any, tenant_id: uuid.UUID, rows: list[dict[str, Any]], _parameter: dict[str, Any]) -> None:
    now = utcnow()
    # A Core insert: the NIK is encrypted by its column type, its blind index is set here.
    session.execute(insert(RegisterPenerima), [
        r | {"id": new_id(), "tenant_id": tenant_id, "nik_index": blind_index(r["nik"], NIK, tenant_id), "diimpor_pada": now} for r in rows
    ])


REGISTER = Importer(
    name="jaminan.register", plugin="jaminan", title="Data penerima yang ditetapkan instansi berwenang (PP 39/2012 Pasal 13)",
    required=("nik", "nama", "sumber", "tahun"), optional=(), parse=_parse, key=lambda v: v["nik"], refuse=_refuse, write=_write, duplicate="NIK disebut lebih dari sekali dalam berkas ini.",
)
