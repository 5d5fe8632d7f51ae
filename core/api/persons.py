"""The registry: penerima pelayanan, households, organizations."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from core.api.common import current_tenant, etag, expected_version, has_permission, kernel, paginate, require, session, tenant_blueprint
from core.errors import PreconditionFailed
from core.registry.models import Household
from core.registry.privacy import FULL_READ_PERMISSION, Shown, anonymise_person, export_person, show_household, show_person
from core.registry.schemas import (
    AnonymiseSchema,
    HouseholdSchema,
    HouseholdShownSchema,
    OrganizationQuerySchema,
    OrganizationSchema,
    PersonCreateSchema,
    PersonDetailSchema,
    PersonExportSchema,
    PersonQuerySchema,
    PersonSchema,
    PersonUpdateSchema,
)
from core.registry.services import (
    create_household,
    create_organization,
    create_person,
    get_household,
    get_organization,
    get_person,
    organizations_query,
    persons_query,
    update_person,
)

persons = tenant_blueprint("persons", __name__, "persons", "Penerima pelayanan (orang)")
households = tenant_blueprint("households", __name__, "households", "Keluarga (Kartu Keluarga)")
organizations = tenant_blueprint("organizations", __name__, "organizations", "Lembaga (panti, LKS)")
BLUEPRINTS = [persons, households, organizations]


def _full() -> bool:
    return has_permission(FULL_READ_PERMISSION)


def _person_out(person: Any, warnings: list[str] | None = None, *, read: bool = False) -> Any:
    """The person as this reader may see it. Only a read (GET) is audited as one: a create or
    update answers the writer with the record just written, and the write is audited itself."""
    return show_person(session(), person, full=_full(), warnings=warnings, audited=read)


@persons.get("")
@require("persons.read")
@persons.arguments(PersonQuerySchema, location="query")
@persons.response(200, PersonSchema(many=True))
@persons.paginate()
def list_persons(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar penerima pelayanan; NIK disamarkan."""
    return paginate(persons_query(**query), pagination_parameters)


@persons.post("/cari")
@require("persons.read")
@persons.arguments(PersonQuerySchema)
@persons.response(200, PersonSchema(many=True))
@persons.paginate()
def search_persons(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Cari penerima pelayanan dengan NIK atau nama di badan permintaan: NIK tidak masuk ke
    alamat URL, sehingga tidak tercatat di log proxy atau riwayat peramban. Hasilnya sama
    dengan daftar (NIK disamarkan)."""
    return paginate(persons_query(**query), pagination_parameters)


@persons.post("")
@require("persons.write")
@persons.arguments(PersonCreateSchema)
@persons.response(201, PersonDetailSchema)
@persons.alt_response(409, description="NIK sudah terdaftar")
def add_person(body: dict[str, Any]) -> Any:
    """Daftarkan penerima pelayanan. NIK diperiksa (16 digit, tanggal lahir, jenis kelamin);
    kode wilayah yang tidak dikenal hanya menjadi peringatan."""
    person, warnings = create_person(session(), body)
    return _person_out(person, warnings), {"ETag": etag(person.version)}


@persons.get("/<uuid:person_id>")
@require("persons.read")
@persons.response(200, PersonDetailSchema)
def read_person(person_id: uuid.UUID) -> Any:
    """Satu penerima pelayanan. NIK dan nomor KK lengkap hanya untuk tenant_admin, officer dan
    peksos (setiap pembacaan dicatat di log audit); peran lain melihatnya disamarkan."""
    person = get_person(session(), person_id)
    return _person_out(person, read=True), {"ETag": etag(person.version)}


@persons.get("/<uuid:person_id>/ekspor")
@require("persons.export")
@persons.response(200, PersonExportSchema)
def export(person_id: uuid.UUID) -> Any:
    """Seluruh data satu orang (UU 27/2022 Pasal 7, Pasal 13 ayat (1)): data diri, keluarga,
    kasus beserta riwayat, petugas dan rujukan, dan data setiap layanan. Dicatat di log audit."""
    person = get_person(session(), person_id)
    data = export_person(session(), kernel(), current_tenant(), person)
    return data, {"Content-Disposition": f'attachment; filename="data-pribadi-{person.id}.json"'}


@persons.post("/<uuid:person_id>/anonimkan")
@require("persons.anonymise")
@persons.arguments(AnonymiseSchema)
@persons.response(200, PersonDetailSchema)
def anonymise(body: dict[str, Any], person_id: uuid.UUID) -> Any:
    """Anonimkan data diri (UU 27/2022 Pasal 8); wajib If-Match. Ditolak (422, dengan pasalnya)
    selama data masih wajib disimpan: kasus yang masih berjalan, atau catatan penyaluran
    bantuan/pembayaran (UU 27/2022 Pasal 15 ayat (1) huruf c). Baris dan riwayatnya tetap ada."""
    person = get_person(session(), person_id)
    if person.version != expected_version(person.version):
        raise PreconditionFailed()
    person = anonymise_person(session(), kernel(), current_tenant(), person, alasan=body["alasan"])
    return _person_out(person), {"ETag": etag(person.version)}


@persons.patch("/<uuid:person_id>")
@require("persons.write")
@persons.arguments(PersonUpdateSchema)
@persons.response(200, PersonDetailSchema)
def patch_person(body: dict[str, Any], person_id: uuid.UUID) -> Any:
    """Ubah data penerima pelayanan; wajib If-Match dengan ETag terakhir (412 bila usang)."""
    person = get_person(session(), person_id)
    if person.version != expected_version(person.version):
        raise PreconditionFailed()
    person, warnings = update_person(session(), person, body)
    return _person_out(person, warnings), {"ETag": etag(person.version)}


@households.get("")
@require("persons.read")
@households.response(200, HouseholdShownSchema(many=True))
@households.paginate()
def list_households(pagination_parameters: Any) -> Any:
    """Daftar keluarga; nomor KK disamarkan."""
    stmt = select(Household).order_by(Household.created_at, Household.id)
    return [Shown(h, full=False) for h in paginate(stmt, pagination_parameters)]


@households.post("")
@require("persons.write")
@households.arguments(HouseholdSchema)
@households.response(201, HouseholdShownSchema)
def add_household(body: dict[str, Any]) -> Any:
    return show_household(session(), create_household(session(), body), full=_full(), audited=False)


@households.get("/<uuid:household_id>")
@require("persons.read")
@households.response(200, HouseholdShownSchema)
def read_household(household_id: uuid.UUID) -> Any:
    """Satu keluarga: nomor KK lengkap hanya untuk tenant_admin, officer dan peksos (dicatat)."""
    return show_household(session(), get_household(session(), household_id), full=_full())


@organizations.get("")
@require("organizations.read")
@organizations.arguments(OrganizationQuerySchema, location="query")
@organizations.response(200, OrganizationSchema(many=True))
@organizations.paginate()
def list_organizations(query: dict[str, Any], pagination_parameters: Any) -> Any:
    return paginate(organizations_query(**query), pagination_parameters)


@organizations.post("")
@require("organizations.write")
@organizations.arguments(OrganizationSchema)
@organizations.response(201, OrganizationSchema)
def add_organization(body: dict[str, Any]) -> Any:
    return create_organization(session(), body)


@organizations.get("/<uuid:org_id>")
@require("organizations.read")
@organizations.response(200, OrganizationSchema)
def show_organization(org_id: uuid.UUID) -> Any:
    return get_organization(session(), org_id)
