"""People, households and organizations in a tenant's registry."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core import audit
from core.crypto import KK, NIK, blind_index
from core.db import get_owned
from core.errors import Conflict, InvalidInput, NotFound
from core.registry.models import Household, Organization, Person
from core.registry.nik import check_nik


def _check_person(values: dict[str, Any]) -> list[str]:
    """NIK structure and consistency with the stated birth date and sex (DESIGN.md, Data);
    returns the warnings (an unknown region code is only a warning)."""
    result = check_nik(
        values["nik"],
        birth_date=values.get("tanggal_lahir"),
        sex=values.get("jenis_kelamin"),
        region_code=values.get("kode_wilayah") or None,
    )
    if not result.ok:
        raise InvalidInput({k: [v] for k, v in result.errors.items()}, "NIK tidak valid atau tidak sesuai dengan data diri.")
    return list(result.warnings)


def _require_household(session: Session, household_id: uuid.UUID | None) -> None:
    """A person may only join a household of the same tenant. A missing one is a mistake in
    the form (422 on `household_id`), not a missing resource: the URL itself exists."""
    if household_id is not None and get_owned(session, Household, household_id) is None:
        raise InvalidInput({"household_id": ["Keluarga tidak ditemukan di kabupaten/kota ini."]})


def create_person(session: Session, values: dict[str, Any]) -> tuple[Person, list[str]]:
    warnings = _check_person(values)
    if find_person_id(session, values["nik"]) is not None:
        raise Conflict("nik_sudah_terdaftar", "NIK ini sudah terdaftar di kabupaten/kota ini.")
    _require_household(session, values.get("household_id"))
    person = Person(**values)
    session.add(person)
    session.flush()
    # No name or number: the audit log is append-only, so it could never be anonymised.
    audit.record(session, "person.create", "person", person.id, {})
    return person, warnings


def find_person_id(session: Session, nik: str) -> uuid.UUID | None:
    """The id of the tenant's person with this NIK, found through its blind index."""
    return session.scalar(select(Person.id).where(Person.nik_index == blind_index(nik, NIK)))


def update_person(session: Session, person: Person, values: dict[str, Any]) -> tuple[Person, list[str]]:
    if person.dianonimkan_pada is not None:
        # Writing a name or NIK back would undo the anonymisation.
        raise Conflict("sudah_dianonimkan", "Data orang ini telah dianonimkan dan tidak dapat diubah lagi.")
    merged = {
        "nik": values.get("nik", person.nik),
        "tanggal_lahir": values.get("tanggal_lahir", person.tanggal_lahir),
        "jenis_kelamin": values.get("jenis_kelamin", person.jenis_kelamin),
        "kode_wilayah": values.get("kode_wilayah", person.kode_wilayah),
    }
    warnings = _check_person(merged)
    if "nik" in values and values["nik"] != person.nik:
        if find_person_id(session, values["nik"]) is not None:
            raise Conflict("nik_sudah_terdaftar", "NIK ini sudah terdaftar di kabupaten/kota ini.")
    _require_household(session, values.get("household_id"))
    # The audit entry names the fields changed, never the NIK values themselves.
    changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
    for key, value in values.items():
        setattr(person, key, value)
    session.flush()
    if changed:
        audit.record(session, "person.update", "person", person.id, {"fields": changed})
    return person, warnings


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = get_owned(session, Person, person_id)
    if person is None:
        raise NotFound()
    return person


def persons_query(q: str | None = None, nik: str | None = None) -> Select[tuple[Person]]:
    stmt = select(Person).order_by(Person.nama, Person.id)
    if nik:
        stmt = stmt.where(Person.nik_index == blind_index(nik, NIK))
    if q:
        # autoescape: a "%" or "_" typed by the user is searched for, not a wildcard.
        stmt = stmt.where(Person.nama.icontains(q, autoescape=True))
    return stmt


def create_household(session: Session, values: dict[str, Any]) -> Household:
    if session.scalar(select(Household.id).where(Household.nomor_kk_index == blind_index(values["nomor_kk"], KK))) is not None:
        raise Conflict("kk_sudah_terdaftar", "Nomor KK ini sudah terdaftar di kabupaten/kota ini.")
    household = Household(**values)
    session.add(household)
    session.flush()
    audit.record(session, "household.create", "household", household.id, {})
    return household


def get_household(session: Session, household_id: uuid.UUID) -> Household:
    found = get_owned(session, Household, household_id)
    if found is None:
        raise NotFound("keluarga_tidak_ditemukan", "Keluarga tidak ditemukan.")
    return found


def create_organization(session: Session, values: dict[str, Any]) -> Organization:
    org = Organization(**values)
    session.add(org)
    session.flush()
    audit.record(session, "organization.create", "organization", org.id, {"nama": org.nama, "jenis": org.jenis})
    return org


def get_organization(session: Session, org_id: uuid.UUID) -> Organization:
    found = get_owned(session, Organization, org_id)
    if found is None:
        raise NotFound()
    return found


def organizations_query(q: str | None = None, jenis: str | None = None) -> Select[tuple[Organization]]:
    stmt = select(Organization).order_by(Organization.nama, Organization.id)
    if q:
        stmt = stmt.where(Organization.nama.icontains(q, autoescape=True))
    if jenis:
        stmt = stmt.where(Organization.jenis == jenis)
    return stmt
