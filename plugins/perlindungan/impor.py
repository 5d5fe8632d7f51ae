"""Importing the people affected by an event (`perlindungan.terdampak`) from the list the field
teams bring back (CSV/XLSX), through the kernel's import engine, for one event named in the
form (`kejadian_id`).

A row is a NIK. A person already in the tenant's registry is attached as they are (the registry
is not overwritten by a field list); a NIK not yet registered is registered first when the row
also gives nama, tanggal_lahir and jenis_kelamin — checked as if entered by hand — and is
refused otherwise. A person already attached to the event is refused, so importing the same
list twice attaches nobody twice.
"""
from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import insert, select

from core.sdk import NIK, Importer, Person, blind_index, insert_persons, new_id, parse_nik, parse_person_row, registered_niks, utcnow

from . import services
from .models import Terdampak

PERSON_FIELDS = ("nama", "tanggal_lahir", "jenis_kelamin")
OPTIONAL = (*PERSON_FIELDS, "alamat", "kode_wilayah", "nomor_kk")


class TerdampakParams(Schema):
    kejadian_id = fields.UUID(required=True, metadata={"description": "kejadian yang berlaku (GET /perlindungan/kejadian)"})


def _check(session: Any, parameter: dict[str, Any]) -> None:
    """The event exists here and is still running (404 / 409 otherwise)."""
    services.ensure_berlangsung(services.get_kejadian(session, uuid.UUID(str(parameter["kejadian_id"]))))


def _parse(raw: dict[str, Any]) -> dict[str, Any]:
    if any(raw.get(f) not in (None, "") for f in PERSON_FIELDS):
        person = parse_person_row(raw)  # all of the person's data, checked against the NIK
        return {"nik": person["nik"], "person": person}
    return {"nik": parse_nik(raw.get("nik")), "person": None}


def _attached(session: Any, kejadian_id: uuid.UUID, niks: list[str]) -> set[str]:
    by_index = {blind_index(nik, NIK): nik for nik in niks}  # the NIK column is encrypted
    return {by_index[index] for index in session.scalars(
        select(Person.nik_index).join(Terdampak, Terdampak.person_id == Person.id)
        .where(Terdampak.kejadian_id == kejadian_id, Person.nik_index.in_(by_index))
    )}


def _refuse(session: Any, rows: list[dict[str, Any]], parameter: dict[str, Any]) -> dict[str, str]:
    niks = [r["nik"] for r in rows]
    registered = registered_niks(session, niks)
    attached = _attached(session, uuid.UUID(str(parameter["kejadian_id"])), niks)
    refused = {nik: "Sudah tercatat sebagai terdampak kejadian ini." for nik in attached}
    for row in rows:
        if row["nik"] not in registered and row["person"] is None:
            refused[row["nik"]] = ("NIK belum terdaftar di kabupaten/kota ini: isi juga nama, tanggal_lahir dan jenis_kelamin "
                                   "agar didaftarkan sebagai penerima pelayanan.")
    return refused


def _write(session: Any, tenant_id: uuid.UUID, rows: list[dict[str, Any]], parameter: dict[str, Any]) -> None:
    niks = [r["nik"] for r in rows]
    registered = registered_niks(session, niks)
    new_people = [r["person"] for r in rows if r["nik"] not in registered]
    if new_people:
        insert_persons(session, tenant_id, new_people)
        registered = registered_niks(session, niks)
    kejadian_id, now = uuid.UUID(str(parameter["kejadian_id"])), utcnow()
    session.execute(insert(Terdampak), [
        {"id": new_id(), "tenant_id": tenant_id, "kejadian_id": kejadian_id, "person_id": registered[nik], "household_id": None,
         "dicatat_pada": now}
        for nik in niks
    ])


TERDAMPAK = Importer(
    name="perlindungan.terdampak", plugin="perlindungan",
    title="Penerima terdampak suatu kejadian (bencana, krisis) — PP 39/2012 Pasal 28–29",
    required=("nik",), optional=OPTIONAL, parse=_parse, key=lambda v: v["nik"], refuse=_refuse, write=_write,
    duplicate="NIK disebut lebih dari sekali dalam berkas ini.", params=TerdampakParams, check=_check,
)
