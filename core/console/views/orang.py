"""Registering a person (penerima pelayanan): the API's PersonCreateSchema and `create_person`
under `persons.write` (core/api/persons.py), with the NIK checked as the user types — an htmx
request answered with the field's feedback from core/registry/nik.py's `check_nik`, the same
check `create_person` runs. Without JavaScript the whole form is checked on submit."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Response, make_response, render_template, request, url_for

from core.api.common import current_tenant, require, session
from core.console.blueprint import bp
from core.console.forms import Form, submit
from core.registry.nik import FIELD_BIRTH_DATE, FIELD_NIK, FIELD_SEX, check_nik
from core.registry.privacy import show_person
from core.registry.schemas import PersonCreateSchema
from core.registry.services import create_person, get_person
from core.registry.wilayah import is_valid_region_code

# Shown next to their own field; every other error of the form goes above it.
FIELDS = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "kode_wilayah", "nomor_kk")


def _form_page(form: Form) -> str:
    return render_template("konsol/orang/baru.html", tenant=current_tenant(), form=form, fields=FIELDS)


@bp.get("/<tenant>/orang/baru")
@require("persons.write")
def orang_baru() -> Response:
    return make_response(_form_page(Form(PersonCreateSchema())))


@bp.post("/<tenant>/orang/baru")
@require("persons.write")
def orang_simpan() -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        person, _warnings = create_person(session(), data)
        # The warnings are the NIK's: the person's page shows them again from the same check.
        return url_for("konsol.orang_detail", tenant=tenant.slug, person_id=person.id)

    return submit(Form.from_request(PersonCreateSchema()), action, _form_page)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@bp.post("/<tenant>/orang/periksa-nik")
@require("persons.write")
def orang_periksa_nik() -> Response:
    """The NIK field's feedback as the user types (POST: a NIK never goes into a URL, a proxy's
    log or the browser's history). Reads what is filled in so far; nothing is written."""
    nik = request.form.get(FIELD_NIK, "").strip()
    region = request.form.get("kode_wilayah", "").strip()
    sex = request.form.get(FIELD_SEX, "").strip()
    result = None
    if nik:
        result = check_nik(
            nik,
            birth_date=_date(request.form.get(FIELD_BIRTH_DATE, "").strip()),
            sex=sex if sex in ("L", "P") else None,
            region_code=region if region and is_valid_region_code(region) else None,
        )
    return make_response(render_template("konsol/orang/_periksa_nik.html", result=result, nik=nik))


@bp.get("/<tenant>/orang/<uuid:person_id>")
@require("persons.read")
def orang_detail(person_id: uuid.UUID) -> Response:
    person = get_person(session(), person_id)
    # Masked for everyone here (a shared tablet): the full NIK stays with the API's audited read.
    shown = show_person(session(), person, full=False, audited=False)
    warnings: list[str] = []
    if person.dianonimkan_pada is None:
        warnings = check_nik(
            person.nik, birth_date=person.tanggal_lahir, sex=person.jenis_kelamin, region_code=person.kode_wilayah or None
        ).warnings
    return make_response(render_template("konsol/orang/orang.html", tenant=current_tenant(), person=shown, warnings=warnings))
