"""The tenant's staff: accounts, roles and credentials, with a warning for a Peksos certificate
or practice licence that has expired or expires soon; adding a staff member, changing their
roles and credential, revoking all their sessions, resetting a forgotten password and taking
them off the tenant. The same permissions, schemas and service functions as
/api/v1/tenants/<t>/staff (core/api/staff.py): staff.read (tenant_admin, auditor) reads,
staff.manage (tenant_admin) writes, audited by the services as for the API."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, make_response, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import select

from core.api.common import current_tenant, current_user, has_permission, paginate, require, session
from core.console.blueprint import bp
from core.console.forms import NOT_FIELDS, Form, submit
from core.console.submissions import FIELD as SUBMISSION_FIELD
from core.console.views._halaman import Pagination
from core.errors import Conflict, InvalidInput
from core.staff.models import ROLES, Membership, StaffCredential, User
from core.staff.passwords import MIN_LENGTH
from core.staff.schemas import EDUCATION, CredentialSchema, PasswordResetSchema, StaffCreateSchema, StaffUpdateSchema
from core.staff.services import (
    add_staff_member,
    get_staff_member,
    open_assignments,
    remove_staff_member,
    reset_password,
    revoke_all_tokens,
    roles_in,
    save_credential,
    set_roles,
    staff_query,
)
from core.tenancy.calendar import local_today

# How far ahead an expiry is announced: time enough to renew a certificate before a Peksos may
# no longer be assigned (plugins/rehabilitasi/rules.py refuses an expired one).
WARN_DAYS = 60

# The credential's boxes are named after marshmallow's error keys for the nested schema, so an
# error comes back under the very name of the box it belongs to.
CREDENTIAL = "credential"
CREDENTIAL_FIELDS = tuple(CredentialSchema().fields)
CREDENTIAL_NAMES = tuple(f"{CREDENTIAL}.{name}" for name in CREDENTIAL_FIELDS)
CREATE_FIELDS = ("username", "nama", "password", "roles", *CREDENTIAL_NAMES)
UPDATE_FIELDS = ("roles", *CREDENTIAL_NAMES)


@dataclass(frozen=True)
class Expiry:
    """Where one document's validity stands today: "habis" (expired), "segera" (within
    WARN_DAYS) or "berlaku"; `days` left (negative: days since it expired)."""

    until: date
    state: str
    days: int


def expiry(until: date | None, today: date) -> Expiry | None:
    # The staff service keeps the dates but has no expiry function; the rehabilitasi rule reads
    # a document valid through its last day (`berlaku_sampai < today` is expired), as here.
    if until is None:
        return None
    days = (until - today).days
    state = "habis" if days < 0 else "segera" if days <= WARN_DAYS else "berlaku"
    return Expiry(until, state, days)


@dataclass(frozen=True)
class StaffRow:
    user: User
    roles: tuple[str, ...]
    credential: StaffCredential | None
    sertifikat: Expiry | None
    izin: Expiry | None

    @property
    def warnings(self) -> bool:
        return any(e is not None and e.state != "berlaku" for e in (self.sertifikat, self.izin))


def _row(user: User, roles: list[str] | frozenset[str], cred: StaffCredential | None, today: date) -> StaffRow:
    return StaffRow(
        user, tuple(sorted(roles)), cred,
        expiry(cred.sertifikat_berlaku_sampai if cred else None, today),
        expiry(cred.izin_praktik_berlaku_sampai if cred else None, today),
    )


class StaffForm(Form):
    """A form on the API's StaffCreateSchema or StaffUpdateSchema. HTML has neither lists nor
    nested objects: each ticked role box sends one `roles` value, and the credential's boxes
    are named `credential.<field>`; they are put back into the API's JSON shape before the
    schema reads them.

    `whole_credential` (the edit form, drawn with the stored credential filled in): an emptied
    box means the value is gone (null, as the API takes it), not "left as it was"."""

    def __init__(
        self, schema: Schema, values: Mapping[str, str] | None = None, submission_id: str | None = None,
        roles: list[str] | None = None, whole_credential: bool = False,
    ) -> None:
        super().__init__(schema, values, submission_id)
        self.roles: list[str] = list(roles or [])
        self.whole_credential = whole_credential

    @classmethod
    def from_request(cls, schema: Schema, whole_credential: bool = False) -> StaffForm:  # type: ignore[override]
        names = {n for n, f in schema.fields.items() if not f.dump_only and n not in ("roles", CREDENTIAL)}
        names.update(CREDENTIAL_NAMES)
        values = {k: v for k, v in request.form.items() if k in names and k not in NOT_FIELDS}
        return cls(schema, values, request.form.get(SUBMISSION_FIELD) or None,
                   roles=request.form.getlist("roles"), whole_credential=whole_credential)

    def body(self) -> dict[str, Any]:
        """The API's JSON body for what was typed."""
        body: dict[str, Any] = {k: v for k, v in self.values.items() if "." not in k and v.strip() != ""}
        # Always sent: no box ticked is "no role", which the schema refuses (at least one).
        body["roles"] = self.roles
        typed = {name: self.values.get(f"{CREDENTIAL}.{name}", "") for name in CREDENTIAL_FIELDS}
        if self.whole_credential:
            body[CREDENTIAL] = {k: (v if v.strip() != "" else None) for k, v in typed.items()}
        elif any(v.strip() != "" for v in typed.values()):
            body[CREDENTIAL] = {k: v for k, v in typed.items() if v.strip() != ""}
        return body

    def validate(self) -> bool:
        try:
            self.data = self.schema.load(self.body())
        except ValidationError as exc:
            # Through `refuse`, which says marshmallow's messages again in the page's language.
            self.refuse(InvalidInput(exc.messages))  # type: ignore[arg-type]
            return False
        return True

    def refuse(self, exc: Any) -> None:
        super().refuse(exc)
        self.errors = _by_box(self.errors)


def _by_box(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    # A refused role comes back as `roles.<n>`: it is shown next to the role boxes.
    out: dict[str, list[str]] = {}
    for name, texts in errors.items():
        out.setdefault("roles" if name.startswith("roles.") else name, []).extend(texts)
    return out


class RevokeSessionsSchema(Schema):
    """POST .../cabut-token has no body; the console asks for a ticked box first, because the
    act logs the person out of every device at once."""

    yakin = fields.Boolean(load_default=False)


class RemoveStaffSchema(Schema):
    """POST .../keluarkan has no body either; the console asks for its own ticked box (named
    apart from the sessions form's, both being on one page)."""

    yakin_keluarkan = fields.Boolean(load_default=False)


@bp.get("/<tenant>/petugas")
@require("staff.read")
def staf() -> Response:
    tenant = current_tenant()
    pages = Pagination.from_request()
    found = paginate(staff_query(tenant.id), pages, rows=True)
    ids = [u.id for u, _c in found]
    roles: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    if ids:  # the roles of the whole page in one query, as the API does
        for m in session().scalars(select(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id.in_(ids))):
            roles[m.user_id].append(m.role)
    today = local_today()
    rows = [_row(u, roles[u.id], c, today) for u, c in found]
    return make_response(render_template(
        "konsol/staf/staf.html", tenant=tenant, rows=rows, pages=pages, today=today, warn_days=WARN_DAYS,
        warned=[r for r in rows if r.warnings], can_manage=has_permission("staff.manage"),
        removed=request.args.get("dikeluarkan") == "1", revoked=request.args.get("dicabut", type=int),
    ))


def _new_page(form: StaffForm) -> str:
    return render_template(
        "konsol/staf/baru.html", tenant=current_tenant(), form=form, fields=CREATE_FIELDS,
        roles=ROLES, education=EDUCATION, min_length=MIN_LENGTH,
    )


@bp.get("/<tenant>/petugas/baru")
@require("staff.manage")
def petugas_baru() -> Response:
    return make_response(_new_page(StaffForm(StaffCreateSchema())))


@bp.post("/<tenant>/petugas/baru")
@require("staff.manage")
def petugas_simpan() -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        try:
            user, _cred = add_staff_member(session(), tenant, data)
        except Conflict as exc:  # the username is taken: said next to the box it was typed in
            raise InvalidInput({"username": [exc.message]}) from exc
        return url_for("konsol.petugas_detail", tenant=tenant.slug, user_id=user.id)

    return submit(StaffForm.from_request(StaffCreateSchema()), action, _new_page)


def _stored_values(cred: StaffCredential | None) -> dict[str, str]:
    values = {}
    for name in CREDENTIAL_FIELDS:
        value = getattr(cred, name) if cred is not None else None
        values[f"{CREDENTIAL}.{name}"] = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return values


def _member_page(
    user_id: uuid.UUID, form: StaffForm | None = None, revoke_form: Form | None = None,
    password_form: Form | None = None, remove_form: Form | None = None,
) -> str:
    tenant = current_tenant()
    s = session()
    user, cred = get_staff_member(s, tenant, user_id)
    roles = roles_in(s, user.id, tenant.id)
    if form is None:
        form = StaffForm(StaffUpdateSchema(), _stored_values(cred), roles=sorted(roles), whole_credential=True)
    return render_template(
        "konsol/staf/petugas.html", tenant=tenant, row=_row(user, roles, cred, local_today()), warn_days=WARN_DAYS,
        form=form, revoke_form=revoke_form or Form(RevokeSessionsSchema()), fields=UPDATE_FIELDS,
        password_form=password_form or Form(PasswordResetSchema()), remove_form=remove_form or Form(RemoveStaffSchema()),
        roles=ROLES, education=EDUCATION, can_manage=has_permission("staff.manage"), min_length=MIN_LENGTH,
        saved=request.args.get("disimpan") == "1", revoked=request.args.get("dicabut", type=int),
        password_reset=request.args.get("sandi_diatur_ulang", type=int),
    )


@bp.get("/<tenant>/petugas/<uuid:user_id>")
@require("staff.read")
def petugas_detail(user_id: uuid.UUID) -> Response:
    return make_response(_member_page(user_id))


@bp.post("/<tenant>/petugas/<uuid:user_id>")
@require("staff.manage")
def petugas_ubah(user_id: uuid.UUID) -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        s = session()
        user, cred = get_staff_member(s, tenant, user_id)
        set_roles(s, tenant, user, data["roles"])
        # The form shows the whole credential; the API's PATCH is given only what was changed,
        # so the audit entry's before/after names exactly that (and nothing when nothing was).
        changed = {k: v for k, v in data[CREDENTIAL].items() if (getattr(cred, k) if cred is not None else None) != v}
        if changed:
            save_credential(s, user, changed)
        return url_for("konsol.petugas_detail", tenant=tenant.slug, user_id=user.id, disimpan=1)

    form = StaffForm.from_request(StaffUpdateSchema(), whole_credential=True)
    return submit(form, action, lambda f: _member_page(user_id, form=f))  # type: ignore[arg-type]


@bp.post("/<tenant>/petugas/<uuid:user_id>/cabut-sesi")
@require("staff.manage")
def petugas_cabut_sesi(user_id: uuid.UUID) -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        s = session()
        user, _cred = get_staff_member(s, tenant, user_id)
        if not data["yakin"]:
            raise InvalidInput({"yakin": [_("Centang kotak ini untuk memastikan.")]})
        count = revoke_all_tokens(s, user, reason="dicabut_admin")  # the API's reason, audited
        return url_for("konsol.petugas_detail", tenant=tenant.slug, user_id=user.id, dicabut=count)

    return submit(Form.from_request(RevokeSessionsSchema()), action, lambda f: _member_page(user_id, revoke_form=f))


@bp.post("/<tenant>/petugas/<uuid:user_id>/atur-ulang-sandi")
@require("staff.manage")
def petugas_atur_ulang_sandi(user_id: uuid.UUID) -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        s = session()
        user, _cred = get_staff_member(s, tenant, user_id)
        count = reset_password(s, tenant, user, data["password"], actor_id=current_user().id)
        return url_for("konsol.petugas_detail", tenant=tenant.slug, user_id=user.id, sandi_diatur_ulang=count)

    return submit(Form.from_request(PasswordResetSchema()), action, lambda f: _member_page(user_id, password_form=f))


@bp.post("/<tenant>/petugas/<uuid:user_id>/keluarkan")
@require("staff.manage")
def petugas_keluarkan(user_id: uuid.UUID) -> Response:
    tenant = current_tenant()

    def action(data: dict[str, Any]) -> str:
        s = session()
        user, _cred = get_staff_member(s, tenant, user_id)
        if not data["yakin_keluarkan"]:
            raise InvalidInput({"yakin_keluarkan": [_("Centang kotak ini untuk memastikan.")]})
        try:
            removal = remove_staff_member(s, tenant, user, actor_id=current_user().id)
        except Conflict as exc:
            if exc.code != "petugas_masih_ditugaskan":
                raise
            # The service's refusal, said in the page's language (its text holds the count).
            raise Conflict(exc.code, _(
                "%(nama)s masih ditugaskan pada %(n)s kasus yang masih berjalan di kabupaten/kota ini. "
                "Lepaskan atau ganti petugas tersebut di halaman setiap kasus terlebih dahulu.",
                nama=user.nama, n=open_assignments(s, tenant, user.id),
            )) from exc
        return url_for("konsol.staf", tenant=tenant.slug, dikeluarkan=1, dicabut=removal.token_dicabut)

    return submit(Form.from_request(RemoveStaffSchema()), action, lambda f: _member_page(user_id, remove_form=f))
