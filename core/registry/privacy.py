"""The personal data of the people served (UU 27/2022 tentang Pelindungan Data Pribadi; the
principle of kerahasiaan, Perbup Balangan 61/2017 Pasal 29 huruf b): who sees a full NIK or KK
number, the audited full read, the export of all of one person's data, and anonymisation where
the law lets the data go.

Who sees what (permission `persons.nik.read`, core/permissions.py):
- `tenant_admin`, `officer` and `peksos` see the full NIK and KK number of one person or
  household: they check identity against the KTP/KK and hand it to other agencies (e.g. the
  official register of PP 39/2012 Pasal 13). Every such read is audited (`person.nik_dibaca`,
  `household.kk_dibaca`) with the record's id, never the number.
- `tks` (in the field, beside the person) see them masked, like everyone in lists.
- `auditor` and `lks_operator` do not read the registry at all (`persons.read`).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, inspect as sa_inspect, or_, select
from sqlalchemy.orm import Session

from core import audit
from core.cases.models import Case, CaseAssignment, CaseEvent, CaseReferral
from core.cases.documents import CaseDocument
from core.db import get_owned, utcnow
from core.errors import Conflict
from core.registry.models import Household, Person
from core.registry.nik import mask_nik
from core.rules import Citation, RuleViolation

FULL_READ_PERMISSION = "persons.nik.read"

# The right to erasure (Pasal 8) does not apply where the data serves "kepentingan umum dalam
# rangka penyelenggaraan negara": the record of a public service still being delivered, and of
# the state's money and goods given to someone, which the state must be able to account for.
RETENTION_CITATION = Citation("UU 27/2022", 15, 1, "c")
# The right to access and obtain a copy (Pasal 7) in a commonly used, machine-readable form
# (Pasal 13 ayat (1)).
EXPORT_BASIS = "UU 27/2022 Pasal 7 dan Pasal 13 ayat (1)"

ANONYMOUS_NAME = "Dianonimkan"


class Shown:
    """A person or household as one reader may see it: the NIK and KK number masked unless
    `full`; everything else read from the row."""

    def __init__(self, row: Any, *, full: bool, warnings: list[str] | None = None) -> None:
        self._row = row
        self.full = full
        self.warnings = warnings or []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)

    @property
    def nik(self) -> str:
        return self._row.nik if self.full else mask_nik(self._row.nik)  # type: ignore[no-any-return]

    @property
    def nomor_kk(self) -> str | None:
        value = self._row.nomor_kk
        return value if self.full or value is None else mask_nik(value)


def show_person(session: Session, person: Person, *, full: bool, warnings: list[str] | None = None, audited: bool = True) -> Shown:
    """The person for one reader; a full read is audited unless the reader just typed the
    numbers in (`audited=False`, when the record is created)."""
    if full and audited:
        shown = ["nik"] + (["nomor_kk"] if person.nomor_kk else [])
        audit.record(session, "person.nik_dibaca", "person", person.id, {"kolom": shown})
    return Shown(person, full=full, warnings=warnings)


def show_household(session: Session, household: Household, *, full: bool, audited: bool = True) -> Shown:
    if full and audited:
        audit.record(session, "household.kk_dibaca", "household", household.id, {"kolom": ["nomor_kk"]})
    return Shown(household, full=full)


# -- export ------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def export_row(row: Any) -> dict[str, Any]:
    """A model row as JSON values: every mapped column except the tenant and blind indexes
    (which mean nothing outside the database), dates as ISO 8601, ids as text."""
    out: dict[str, Any] = {}
    for attr in sa_inspect(row).mapper.column_attrs:
        if attr.key == "tenant_id" or attr.key.endswith("_index"):
            continue
        out[attr.key] = _jsonable(getattr(row, attr.key))
    return out


def export_person(session: Session, kernel: Any, tenant: Any, person: Person) -> dict[str, Any]:
    """All of one person's data (UU 27/2022 Pasal 7, Pasal 13 ayat (1)): the person, their
    household, the cases of which they or their household are the subject (with history,
    assigned staff, referrals and the list of the case file's documents), and what each
    installed plugin holds about them — asked even of plugins the tenant has disabled, since
    their data stays. Audited."""
    household = get_owned(session, Household, person.household_id)
    subjects = [Case.person_id == person.id]
    if person.household_id is not None:
        subjects.append(Case.household_id == person.household_id)
    cases = list(session.scalars(select(Case).where(or_(*subjects)).order_by(Case.opened_at, Case.id)))
    ids = [c.id for c in cases]
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.at, CaseEvent.id))
    assignments = session.scalars(select(CaseAssignment).where(CaseAssignment.case_id.in_(ids)).order_by(CaseAssignment.assigned_at))
    referrals = session.scalars(select(CaseReferral).where(CaseReferral.case_id.in_(ids)).order_by(CaseReferral.dibuat_pada, CaseReferral.id))
    documents = session.scalars(select(CaseDocument).where(CaseDocument.case_id.in_(ids)).order_by(CaseDocument.diunggah_pada, CaseDocument.id))
    per_case: dict[uuid.UUID, dict[str, list[dict[str, Any]]]] = {c.id: {"riwayat": [], "petugas": [], "rujukan": [], "dokumen": []} for c in cases}
    for key, rows in (("riwayat", events), ("petugas", assignments), ("rujukan", referrals)):
        for row in rows:
            per_case[row.case_id][key].append(export_row(row))
    for document in documents:
        # What each document is (name, kind, type, size, checksum, who and when), not the
        # storage key, which means nothing outside Kesos; the content is asked for separately.
        per_case[document.case_id]["dokumen"].append({k: v for k, v in export_row(document).items() if k != "kunci"})

    services: dict[str, Any] = {}
    for name in kernel.plugins.installed:
        results = kernel.plugins.hook_for_plugin(name, "kesos_person_exported")(session=session, tenant=tenant, person=person)
        data = next((r for r in results if r is not None), None)
        if data is not None:
            services[name] = _jsonable(data)

    audit.record(session, "person.diekspor", "person", person.id, {"layanan": sorted(services)})
    return {
        "dasar_hukum": EXPORT_BASIS,
        "diekspor_pada": utcnow().isoformat(),
        "kabupaten_kota": tenant.nama,
        "orang": export_row(person),
        "keluarga": export_row(household) if household is not None else None,
        "kasus": [export_row(c) | per_case[c.id] for c in cases],
        "layanan": services,
    }


# -- anonymisation -----------------------------------------------------------------------------


def anonymise_person(session: Session, kernel: Any, tenant: Any, person: Person, *, alasan: str) -> Person:
    """Replace who the person is with anonymous values, where the law lets the data go
    (UU 27/2022 Pasal 8, the right to erasure).

    Refused with `RuleViolation` citing UU 27/2022 Pasal 15 ayat (1) huruf c while the data is
    still needed "untuk kepentingan umum dalam rangka penyelenggaraan negara": while a case of
    theirs is open (a public service is being delivered), and — through the
    `kesos_person_anonymising` hook of every installed plugin, enabled or not — while a plugin
    holds a payment or aid ledger entry for them, which the state must keep to account for its
    money and goods. (Archives law may set retention periods of its own; none is encoded here.)

    Otherwise the row stays, with every case, event and audit entry pointing at it (nothing is
    lost, DESIGN.md principle 8), but name, NIK (and its index), KK, household, address and day
    and month of birth are replaced; the year of birth, sex and kabupaten code stay for the
    statistics. Free text others wrote in case histories is history and is not rewritten, and
    for the same reason a case file's documents (core/cases/documents.py) are kept: they are
    the record of the service delivered, still readable only by those who may read its notes.
    """
    if person.dianonimkan_pada is not None:
        raise Conflict("sudah_dianonimkan", "Data orang ini sudah dianonimkan.")
    open_cases = session.scalar(select(func.count()).select_from(Case).where(Case.person_id == person.id, Case.status == "open"))
    if open_cases:
        raise RuleViolation(
            "data_masih_diperlukan",
            f"Data orang ini masih diperlukan: {open_cases} kasus layanannya masih berjalan. "
            "Tutup kasusnya terlebih dahulu; data yang diperlukan untuk penyelenggaraan layanan tidak dapat dihapus.",
            RETENTION_CITATION,
        )
    kernel.plugins.pm.hook.kesos_person_anonymising(session=session, tenant=tenant, person=person)
    person.nama = ANONYMOUS_NAME
    # Unique per tenant like a NIK (the index stays unique) yet never a NIK: it has letters.
    person.nik = "ANONIM" + person.id.hex[-10:]
    person.nomor_kk = None
    person.household_id = None
    person.alamat = None
    person.tanggal_lahir = date(person.tanggal_lahir.year, 1, 1)
    if person.kode_wilayah:
        person.kode_wilayah = ".".join(person.kode_wilayah.split(".")[:2])
    person.dianonimkan_pada = utcnow()
    session.flush()
    audit.record(session, "person.dianonimkan", "person", person.id, {"alasan": alasan})
    return person
