"""The registry: penerima pelayanan, households, organizations."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from core.api.common import etag, expected_version, paginate, require, session, tenant_blueprint
from core.errors import PreconditionFailed
from core.registry.models import Household
from core.registry.schemas import (
    HouseholdSchema,
    OrganizationQuerySchema,
    OrganizationSchema,
    PersonCreateSchema,
    PersonDetailSchema,
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


def _person_out(person: Any, warnings: list[str] | None = None) -> Any:
    person.warnings = warnings or []
    return person


@persons.get("")
@require("persons.read")
@persons.arguments(PersonQuerySchema, location="query")
@persons.response(200, PersonSchema(many=True))
@persons.paginate()
def list_persons(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar penerima pelayanan; NIK disamarkan."""
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
def show_person(person_id: uuid.UUID) -> Any:
    person = get_person(session(), person_id)
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
@households.response(200, HouseholdSchema(many=True))
@households.paginate()
def list_households(pagination_parameters: Any) -> Any:
    return paginate(select(Household).order_by(Household.nomor_kk), pagination_parameters)


@households.post("")
@require("persons.write")
@households.arguments(HouseholdSchema)
@households.response(201, HouseholdSchema)
def add_household(body: dict[str, Any]) -> Any:
    return create_household(session(), body)


@households.get("/<uuid:household_id>")
@require("persons.read")
@households.response(200, HouseholdSchema)
def show_household(household_id: uuid.UUID) -> Any:
    return get_household(session(), household_id)


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
