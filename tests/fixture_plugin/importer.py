"""The fixture plugin's importer: notes from a CSV/XLSX (columns tanggal, isi)."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import insert, select

from core.sdk import Importer, new_id

from .models import FixtureNote


def _parse(raw: dict[str, Any]) -> dict[str, Any]:
    isi = str(raw.get("isi") or "").strip()
    if not isi:
        raise ValueError("isi: wajib diisi.")
    try:
        tanggal = date.fromisoformat(str(raw.get("tanggal") or "").strip())
    except ValueError as exc:
        raise ValueError("tanggal: tulis TTTT-BB-HH.") from exc
    return {"tanggal": tanggal, "isi": isi[:300]}


def _key(values: dict[str, Any]) -> str:
    return f"{values['tanggal'].isoformat()}|{values['isi']}"


def _refuse(session: Any, rows: list[dict[str, Any]], _parameter: dict[str, Any]) -> dict[str, str]:
    isi = [r["isi"] for r in rows]
    return {f"{n.tanggal.isoformat()}|{n.isi}": "Catatan sudah ada." for n in session.scalars(select(FixtureNote).where(FixtureNote.isi.in_(isi)))}


def _write(session: Any, tenant_id: uuid.UUID, rows: list[dict[str, Any]], _parameter: dict[str, Any]) -> None:
    session.execute(insert(FixtureNote), [r | {"id": new_id(), "tenant_id": tenant_id} for r in rows])


NOTES = Importer(
    name="fixture.catatan", plugin="fixture", title="Catatan uji", required=("tanggal", "isi"), optional=(),
    parse=_parse, key=_key, refuse=_refuse, write=_write, duplicate="Catatan ganda dalam berkas.",
)
