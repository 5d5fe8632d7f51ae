"""The access matrix: every operation of the served OpenAPI spec, called by every role, in its
own tenant and in another, without a token and with an expired one — and the same 404 for
another tenant's ids as for ids that exist nowhere (DESIGN.md principle 4 and "HTTP API").

One world is built per module (the demo of both repo tenants, plus a report run, an import run
and a day off in each), so thousands of requests stay fast. Requests that change data send an
empty JSON body and no If-Match: an allowed role is then refused for its input (422/428/404),
never for who it is; nothing here can disable a plugin or revoke a shared token.
"""
from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.app import create_app
from core.cases.documents import CaseDocument
from core.cases.models import Case, CaseAssignment
from core.config import load_settings
from core.db import utcnow
from core.demo import DEMO_PASSWORD, load_demo
from core.imports import ImportRun
from core.kernel import set_process_kernel
from core.registry.models import Household, Organization, Person
from core.reports import ReportFile, ReportRun
from core.staff.models import ApiToken, User
from core.tenancy.models import Tenant, TenantDayOff
from plugins.jaminan.models import Penyaluran as PenyaluranJaminan
from plugins.lks.models import Dokumen, Lembaga, Operator, Pelanggaran, Pendaftaran, Sanksi
from plugins.pemberdayaan.models import Anggota
from plugins.perlindungan.models import Kejadian
from plugins.perlindungan.models import Penyaluran as PenyaluranBantuan
from tests.factories import Factory
from tests.security.access_matrix import (
    ACCESS,
    AUTHENTICATED,
    DECIDED_BY_THE_CASE,
    PLATFORM_ADMIN,
    PUBLIC,
    TENANT_ROLES,
    is_tenant_scoped,
)

REPO_TENANTS = Path(__file__).resolve().parents[2] / "tenants"
A, B = "balangan", "tabalong"  # tenant A (the caller's) and tenant B (someone else's)
METHODS = ("get", "post", "put", "patch", "delete")
ACTORS = (*TENANT_ROLES, "platform_admin")
# Demo accounts (core/demo.py): one per role per tenant, each with that role there only.
DEMO_USER = {
    "tenant_admin": "admin", "officer": "petugas", "peksos": "peksos", "tks": "tks",
    "lks_operator": "operator", "auditor": "auditor",
}
# Operations that end the caller's sessions (this token, or all of the account's): each call is
# made by an account of its own with the same role, so the shared tokens stay alive.
TOKEN_ENDING = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/logout-semua")}


# ---------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    app: Any
    client: Any
    kernel: Any
    spec: dict[str, Any]
    headers: dict[str, dict[str, str]]  # actor (a role in A only, or platform_admin) → headers
    expired: dict[str, str]  # tenant_admin in A and platform admin, token expired
    admin_a_operator_b: dict[str, str]  # tenant_admin in A, lks_operator in B
    values: dict[str, dict[str, str]]  # tenant slug → kind of path value → value
    spec_ops: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    disposable: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def disposable_headers(self, actor: str) -> dict[str, str]:
        """A new account holding just `actor`'s role in A (or platform admin)."""
        with _cheap_hashes():
            username = f"sekali-pakai.{next(self.disposable)}"
            if actor == "platform_admin":
                return Factory(self.kernel).user(username, platform_admin=True).headers
            return Factory(self.kernel).user(username, {A: [actor]}).headers


@contextlib.contextmanager
def _cheap_hashes() -> Iterator[None]:
    """Accounts made here hash at a low cost (hashes record their cost: logins stay cheap)."""
    from core.staff import passwords

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_N", 2**10)
        yield


def _login(client: Any, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, (username, r.status_code, r.get_json())
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def _expire_tokens_of(kernel: Any, user_id: Any) -> None:
    """The user's sessions ended an hour ago (their ApiToken rows, as login wrote them)."""
    with kernel.db.unit_of_work() as s:
        s.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(expires_at=utcnow() - timedelta(hours=1)))


def _setup_requests(client: Any, admin: dict[str, str], slug: str) -> None:
    """What the demo does not make: a report run with files, an import run with a rejected
    row, a day off (Tabalong declares none)."""
    base = f"/api/v1/tenants/{slug}"
    r = client.post(f"{base}/reports/rehabilitasi.tahunan/runs", json={"params": {"tahun": 2026}}, headers=admin)
    assert r.status_code == 202, r.get_json()
    csv = "nik,nama,tanggal_lahir,jenis_kelamin\n123,NIK Terlalu Pendek,1990-01-01,L\n".encode()
    r = client.post(f"{base}/imports/persons", data={"berkas": (io.BytesIO(csv), "penerima.csv")},
                    content_type="multipart/form-data", headers=admin)
    assert r.status_code == 202, r.get_json()
    r = client.post(f"{base}/calendar/days-off", json={"tanggal": "2026-12-28", "keterangan": "Hari jadi kabupaten"}, headers=admin)
    assert r.status_code in (201, 409), r.get_json()


def _assigned_case(s: Any) -> Any:
    """The rehabilitasi case the `case` values name (its first assignment: the demo's Peksos)."""
    return s.execute(
        select(CaseAssignment.case_id, CaseAssignment.user_id)
        .join(Case, (Case.id == CaseAssignment.case_id) & (Case.tenant_id == CaseAssignment.tenant_id))
        .where(Case.plugin == "rehabilitasi").order_by(CaseAssignment.case_id, CaseAssignment.user_id).limit(1)
    ).one()


def _documents_case(s: Any) -> Any:
    """The rehabilitasi case the case-file document operations act on: one with its Peksos
    alone assigned, and not the `case` whose assignment the DELETE operation releases (so who
    may open its documents does not depend on the order the operations run in)."""
    return s.scalars(
        select(CaseAssignment.case_id)
        .join(Case, (Case.id == CaseAssignment.case_id) & (Case.tenant_id == CaseAssignment.tenant_id))
        .where(Case.plugin == "rehabilitasi", Case.id != _assigned_case(s).case_id)
        .group_by(CaseAssignment.case_id).having(func.count() == 1).order_by(CaseAssignment.case_id).limit(1)
    ).one()


def _upload_case_document(kernel: Any, client: Any, admin: dict[str, str], slug: str) -> None:
    """A document in that case's file (the demo makes none)."""
    with kernel.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
    with kernel.db.unit_of_work(tenant.id) as s:
        case_id = _documents_case(s)
    r = client.post(f"/api/v1/tenants/{slug}/cases/{case_id}/dokumen", data={"keterangan": "surat rujukan",
                    "berkas": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "rujukan.pdf")}, content_type="multipart/form-data", headers=admin)
    assert r.status_code == 201, r.get_json()


def _values_of(kernel: Any, slug: str) -> dict[str, str]:
    """One real object of every kind a path parameter names, in tenant `slug`."""
    with kernel.db.unit_of_work() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
    with kernel.db.unit_of_work(tenant.id) as s:
        def one(stmt: Any) -> Any:
            value = s.scalars(stmt.limit(1)).first()
            assert value is not None, f"{slug}: nothing for {stmt}"
            return value

        def case_of(**where: Any) -> Any:
            stmt = select(Case.id).order_by(Case.opened_at, Case.id)
            for key, value in where.items():
                stmt = stmt.where(getattr(Case, key) == value)
            return one(stmt)

        operator_org = one(select(Operator.organization_id))
        assigned = _assigned_case(s)
        run = one(select(ReportRun).order_by(ReportRun.requested_at))
        values: dict[str, Any] = {
            "slug": slug,
            "person": one(select(Person.id).order_by(Person.nama)),
            "household": one(select(Household.id)),
            "organization": operator_org,
            "case": assigned.case_id,
            "assigned_user": assigned.user_id,
            "staff_user": one(select(User.id).where(User.username == f"cadangan.{slug}")),
            "leaving_user": one(select(User.id).where(User.username == f"pindah.{slug}")),
            "jaminan_case": one(select(PenyaluranJaminan.case_id)),
            "lks_case": one(select(Pendaftaran.case_id).where(Pendaftaran.organization_id == operator_org)),
            "lks_case_terdaftar": one(select(Pendaftaran.case_id).where(Pendaftaran.nomor.is_not(None))),
            "pemberdayaan_case": one(select(Anggota.case_id)),
            "bantuan_case": one(select(PenyaluranBantuan.case_id).where(PenyaluranBantuan.case_id.is_not(None))),
            "perlindungan_case": case_of(case_type="advokasi_sosial"),
            "rehabilitasi_case": assigned.case_id,
            "dokumen": one(select(Dokumen.id).where(Dokumen.organization_id == operator_org)),
            "documents_case": _documents_case(s),
            "case_dokumen": one(select(CaseDocument.id).where(CaseDocument.case_id == _documents_case(s))),
            "lks_lembaga": operator_org,
            "lks_asing": one(select(Lembaga.organization_id).where(Lembaga.asing.is_(True))),
            "sanksi": one(select(Sanksi.id).order_by(Sanksi.urutan)),
            "pelanggaran": one(select(Pelanggaran.id)),
            "kejadian": one(select(Kejadian.id)),
            "report": run.report,
            "report_run": run.id,
            "report_file": one(select(ReportFile.name).where(ReportFile.run_id == run.id).order_by(ReportFile.name)),
            "import_run": one(select(ImportRun.id).where(ImportRun.kunci_ditolak.is_not(None))),
            "importer": "persons",
            "plugin": "rehabilitasi",
            "profile": "pp-39-2012",
            "day_off": one(select(TenantDayOff.tanggal).order_by(TenantDayOff.tanggal)).isoformat(),
        }
        assert s.scalar(select(Organization.id).where(Organization.id == operator_org)) is not None
    return {k: str(v) for k, v in values.items()}


@pytest.fixture(scope="module")
def world(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("access-matrix")
    tenants_dir = tmp / "tenants"
    tenants_dir.mkdir()
    for slug in (A, B):
        shutil.copy(REPO_TENANTS / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    db_path = tmp / "kesos.db"
    shutil.copy(sqlite_template, db_path)
    url = f"sqlite:///{db_path}"
    # The product's plugins only: the test suite's fixture plugin is not part of the API.
    settings = load_settings(environ={}, instance_dir=tmp / "instance", tenants_dir=tenants_dir,
                             database_url=url, migration_database_url=url, blocked_plugins=("fixture",))
    app = create_app(settings)
    app.testing = True
    kernel = app.extensions["kesos"]
    client = app.test_client()
    with _cheap_hashes():
        load_demo(kernel)
        make = Factory(kernel)
        both = make.user("dua.peran", {A: ["tenant_admin"], B: ["lks_operator"]})
        # The staff member the /staff/{user_id} operations act on (cabut-token revokes their
        # tokens): none of the actors.
        for slug in (A, B):
            make.user(f"cadangan.{slug}", {slug: ["tks"]})
            # POST .../keluarkan takes its staff member off the tenant: one of its own, so the
            # other /staff/{user_id} operations still find theirs whatever the order.
            make.user(f"pindah.{slug}", {slug: ["tks"]})
        stale = make.user("kedaluwarsa", {A: ["tenant_admin"]}, platform_admin=True)
        _expire_tokens_of(kernel, stale.user_id)
        headers = {role: _login(client, f"{DEMO_USER[role]}.{A}") for role in TENANT_ROLES}
        headers["platform_admin"] = _login(client, "platform")
        for slug in (A, B):
            admin = _login(client, f"admin.{slug}")
            _setup_requests(client, admin, slug)
            _upload_case_document(kernel, client, admin, slug)
    spec = client.get("/api/openapi.json").get_json()
    spec_ops = {
        (method.upper(), path): {**op, "parameters": [*item.get("parameters", []), *op.get("parameters", [])]}
        for path, item in spec["paths"].items() for method, op in item.items() if method in METHODS
    }
    w = World(app, client, kernel, spec, headers, stale.headers, both.headers,
              {slug: _values_of(kernel, slug) for slug in (A, B)}, spec_ops)
    yield w
    kernel.db.dispose()


@pytest.fixture(autouse=True)
def _this_worlds_kernel(world: World) -> None:
    # Jobs run inline through the process kernel: make it this module's (other modules' apps
    # replace it between their tests).
    set_process_kernel(world.kernel)


# ---------------------------------------------------------------------------------------------
# Filling path templates
# ---------------------------------------------------------------------------------------------

_SIMPLE = {
    "tenant": "slug", "slug": "slug", "person_id": "person", "household_id": "household",
    "org_id": "organization", "dokumen_id": "dokumen", "sanksi_id": "sanksi",
    "pelanggaran_id": "pelanggaran", "kejadian_id": "kejadian", "profile_id": "profile", "tanggal": "day_off",
    "doc_id": "case_dokumen",
}
# (path fragment, kind): the first fragment found in the path decides.
_BY_PATH = {
    "case_id": [("/tanda-pendaftaran", "lks_case_terdaftar"), ("/jaminan/", "jaminan_case"), ("/lks/", "lks_case"),
                ("/pemberdayaan/", "pemberdayaan_case"), ("/perlindungan/bantuan/", "bantuan_case"),
                ("/perlindungan/kasus/", "perlindungan_case"), ("/rehabilitasi/", "rehabilitasi_case"),
                ("/cases/{case_id}/dokumen", "documents_case"), ("/cases/", "case")],
    "user_id": [("/keluarkan", "leaving_user"), ("/staff/", "staff_user"), ("/cases/", "assigned_user")],
    "run_id": [("/reports/", "report_run"), ("/imports/", "import_run")],
    "organization_id": [("/lks/asing/", "lks_asing"), ("/lks/lembaga/", "lks_lembaga")],
    "name": [("/plugins/", "plugin"), ("/files/", "report_file"), ("/reports/", "report"), ("/imports/", "importer")],
}


# Kinds that are the id of a tenant's object (a uuid in the spec); the others are names.
NAME_KINDS = {"slug", "plugin", "profile", "report", "report_file", "importer", "day_off"}
OBJECT_KINDS = {k for k in [*_SIMPLE.values(), *(kind for rules in _BY_PATH.values() for _, kind in rules)]} - NAME_KINDS


def kind_of(path: str, param: str) -> str:
    if param in _SIMPLE:
        return _SIMPLE[param]
    for fragment, kind in _BY_PATH.get(param, []):
        if fragment in path:
            return kind
    raise LookupError(
        f"{path}: no real value known for path parameter {{{param}}} — add it to _SIMPLE or _BY_PATH "
        "in tests/security/test_access_matrix.py (and an object of that kind to the world)"
    )


def params_of(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)


def uuid_params(world: World, method: str, path: str) -> set[str]:
    return {
        p["name"] for p in world.spec_ops[(method, path)]["parameters"]
        if p.get("in") == "path" and p.get("schema", {}).get("format") == "uuid"
    }


def fill(world: World, path: str, url_slug: str, values_slug: str, overrides: dict[str, str] | None = None) -> str:
    """`path` with {tenant} = url_slug and every other parameter a real value of tenant
    `values_slug` (or `overrides`)."""
    def value(m: re.Match[str]) -> str:
        param = m.group(1)
        if param == "tenant":
            return url_slug
        if overrides and param in overrides:
            return overrides[param]
        return world.values[values_slug][kind_of(path, param)]

    return re.sub(r"\{([^}]+)\}", value, path)


# ---------------------------------------------------------------------------------------------
# Calling and judging
# ---------------------------------------------------------------------------------------------


def call(world: World, method: str, url: str, headers: dict[str, str] | None) -> Any:
    kwargs: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return world.client.open(url, method=method, headers=headers or {}, **kwargs)


def code_of(r: Any) -> str | None:
    body = r.get_json(silent=True)
    return body.get("code") if isinstance(body, dict) else None


class Verdicts:
    """Collects every mismatch of one operation, so one failure lists them all."""

    def __init__(self, method: str, path: str) -> None:
        self.method, self.path, self.problems, self.requests = method, path, [], 0

    def _note(self, who: str, check: str, url: str, r: Any, expected: str) -> None:
        self.problems.append(f"{self.method} {url} [{who}] ({check}): got {r.status_code} code={code_of(r)!r}, expected {expected}")

    def allowed(self, who: str, check: str, url: str, r: Any) -> None:
        self.requests += 1
        if r.status_code in (401, 403) or r.status_code >= 500:
            self._note(who, check, url, r, "allowed (no 401/403, no 5xx)")

    def refused(self, who: str, check: str, url: str, r: Any, status: int, code: str) -> None:
        self.requests += 1
        if r.status_code != status or code_of(r) != code:
            self._note(who, check, url, r, f"{status} {code}")

    def not_served(self, who: str, check: str, url: str, r: Any) -> None:
        """Another tenant's ids: never a success, never a crash."""
        self.requests += 1
        if r.status_code < 300 or r.status_code >= 500:
            self._note(who, check, url, r, "no 2xx and no 5xx")

    def check(self) -> None:
        assert not self.problems, f"{len(self.problems)} of {self.requests} checks failed:\n" + "\n".join(self.problems)


def allows(access: Any, actor: str) -> bool:
    if access in (PUBLIC, AUTHENTICATED):
        return True
    if access == PLATFORM_ADMIN:
        return actor == "platform_admin"
    return actor in access


# ---------------------------------------------------------------------------------------------
# The matrix is complete
# ---------------------------------------------------------------------------------------------


def test_every_operation_of_the_spec_has_an_entry_and_every_entry_an_operation(world: World) -> None:
    served = set(world.spec_ops)
    missing = sorted(served - set(ACCESS))
    stale = sorted(set(ACCESS) - served)
    assert not missing, "operations without an entry in tests/security/access_matrix.py ACCESS:\n" + "\n".join(
        f"  {m} {p}" for m, p in missing)
    assert not stale, "entries in ACCESS naming no operation of /api/openapi.json:\n" + "\n".join(f"  {m} {p}" for m, p in stale)


def test_every_entry_is_a_known_kind_of_access(world: World) -> None:
    roles = set(TENANT_ROLES)
    for (method, path), access in ACCESS.items():
        if isinstance(access, frozenset):
            assert access and access <= roles, (method, path, access)
            assert is_tenant_scoped(path), f"{method} {path}: tenant roles on a route outside /api/v1/tenants/{{tenant}}"
        else:
            assert access in (PUBLIC, AUTHENTICATED, PLATFORM_ADMIN), (method, path, access)


def test_every_path_parameter_has_a_real_value_in_both_tenants(world: World) -> None:
    for method, path in sorted(world.spec_ops):
        for param in params_of(path):
            kind = kind_of(path, param)
            assert world.values[A][kind] and world.values[B][kind], (method, path, param)
        ids = {p for p in params_of(path) if kind_of(path, p) in OBJECT_KINDS}
        assert uuid_params(world, method, path) == ids, f"{method} {path}: uuid parameters in the spec vs object ids here"
        for param in ids:
            kind = kind_of(path, param)
            assert world.values[A][kind] != world.values[B][kind], (method, path, param)


def test_the_declared_permission_of_each_view_grants_exactly_the_expected_roles(world: World) -> None:
    """The same truth read from the code (the view's @require and the permission map) — a
    mismatch here names the permission to look at."""
    adapter = world.app.url_map.bind("localhost")
    permissions = world.kernel.plugins.permissions
    wrong = []
    for (method, path), access in sorted(ACCESS.items()):
        endpoint, _ = adapter.match(fill(world, path, A, A), method=method)
        declared = getattr(world.app.view_functions[endpoint], "__kesos_permission__", None)
        if (method, path) in DECIDED_BY_THE_CASE:
            # @require lets a wider set in; the case's own rule narrows it (the access test proves it).
            granted = frozenset(permissions.get(declared, ())) if declared else frozenset()
            if declared != DECIDED_BY_THE_CASE[(method, path)] or not access <= granted:
                wrong.append(f"{method} {path}: @require({declared!r}) grants {sorted(granted)}, expected "
                             f"@require({DECIDED_BY_THE_CASE[(method, path)]!r}) covering {sorted(access)}")
        elif isinstance(access, frozenset):
            granted = frozenset(permissions.get(declared, ())) if declared else None
            if granted != access:
                wrong.append(f"{method} {path}: @require({declared!r}) grants {sorted(granted or [])}, expected {sorted(access)}")
        elif access == PLATFORM_ADMIN and declared != access:
            wrong.append(f"{method} {path}: declared {declared!r}, expected {access}")
        elif access == PUBLIC and is_tenant_scoped(path) and declared != PUBLIC:
            # A tenant route is open to anonymous callers only when marked @public.
            wrong.append(f"{method} {path}: declared {declared!r}, expected @public")
        elif access == PUBLIC and not is_tenant_scoped(path) and declared not in (None, PUBLIC):
            wrong.append(f"{method} {path}: declared {declared!r}, expected no permission (public)")
        elif access == AUTHENTICATED and not is_tenant_scoped(path) and declared is not None:
            wrong.append(f"{method} {path}: declared {declared!r}, expected any logged-in user")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------------------------
# Every operation × every role
# ---------------------------------------------------------------------------------------------

OPERATIONS = sorted(ACCESS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_access(world: World, method: str, path: str) -> None:
    assert (method, path) in world.spec_ops, f"{method} {path} is not in /api/openapi.json"
    access = ACCESS[(method, path)]
    v = Verdicts(method, path)
    own = fill(world, path, A, A)

    def headers_of(actor: str) -> dict[str, str]:
        return world.disposable_headers(actor) if (method, path) in TOKEN_ENDING else world.headers[actor]

    # (a) each role, in its own tenant: allowed, or 403 tidak_berwenang.
    for actor in ACTORS:
        r = call(world, method, own, headers_of(actor))
        if allows(access, actor):
            v.allowed(actor, "own tenant", own, r)
        else:
            v.refused(actor, "own tenant", own, r, 403, "tidak_berwenang")
    # (c) no token; (d) an expired token — of a user who would otherwise be allowed anything.
    r = call(world, method, own, None)
    if access == PUBLIC:
        v.allowed("anonymous", "no token", own, r)
    else:
        v.refused("anonymous", "no token", own, r, 401, "belum_masuk")
        v.refused("expired", "expired token", own, call(world, method, own, world.expired), 401, "token_kedaluwarsa")

    if is_tenant_scoped(path):
        other = fill(world, path, B, B)
        # (b) the same users on tenant B's URL, with B's real ids: no role there → 403, always.
        for actor in ACTORS:
            r = call(world, method, other, world.headers[actor])
            if access == PUBLIC:
                v.allowed(actor, "other tenant", other, r)
            else:
                v.refused(actor, "other tenant", other, r, 403, "tidak_berwenang")
        # Roles are per tenant: tenant_admin in A, only lks_operator in B.
        r = call(world, method, other, world.admin_a_operator_b)
        if allows(access, "lks_operator"):
            v.allowed("admin in A, lks_operator in B", "other tenant", other, r)
        else:
            v.refused("admin in A, lks_operator in B", "other tenant", other, r, 403, "tidak_berwenang")
        # (e) tenant B's ids on tenant A's URL, by the roles allowed there: never served.
        ids = uuid_params(world, method, path)
        if ids and access != PUBLIC:
            foreign = fill(world, path, A, A, {p: world.values[B][kind_of(path, p)] for p in ids})
            for actor in ACTORS:
                if allows(access, actor):
                    v.not_served(actor, "other tenant's ids", foreign, call(world, method, foreign, world.headers[actor]))
    v.check()


# ---------------------------------------------------------------------------------------------
# Uniform 404: another tenant's id is indistinguishable from one that exists nowhere
# ---------------------------------------------------------------------------------------------

GETS_BY_ID = [(m, p) for m, p in OPERATIONS if m == "GET" and any(kind_of(p, x) in OBJECT_KINDS for x in params_of(p))]


def _normalised(r: Any, ids: list[str]) -> Any:
    text = r.get_data(as_text=True)
    for value in ids:
        text = text.replace(value, "<id>")
    try:
        return json.loads(text)
    except ValueError:
        return text


@pytest.mark.parametrize(("method", "path"), GETS_BY_ID, ids=[f"{m} {p}" for m, p in GETS_BY_ID])
def test_another_tenants_id_answers_exactly_like_an_id_that_exists_nowhere(world: World, method: str, path: str) -> None:
    access = ACCESS[(method, path)]
    assert isinstance(access, frozenset), (method, path)
    ids = sorted(uuid_params(world, method, path))
    assert ids, f"{method} {path}: no uuid path parameter in the spec"
    # The route does serve its own tenant's object (so the 404s below are not vacuous).
    own = fill(world, path, A, A)
    r = call(world, method, own, world.headers["tenant_admin"])
    assert r.status_code == 200, (own, r.status_code, r.get_json(silent=True))

    problems = []
    for actor in sorted(access):
        theirs = {p: world.values[B][kind_of(path, p)] for p in ids}
        nowhere = {p: str(uuid.uuid4()) for p in ids}
        url_theirs = fill(world, path, A, B, theirs)
        url_nowhere = fill(world, path, A, B, nowhere)
        r_theirs = call(world, method, url_theirs, world.headers[actor])
        r_nowhere = call(world, method, url_nowhere, world.headers[actor])
        for label, url, r in (("tenant B's id", url_theirs, r_theirs), ("an id of nowhere", url_nowhere, r_nowhere)):
            if r.status_code != 404 or r.mimetype != "application/json" or not isinstance(r.get_json(silent=True), dict):
                problems.append(f"{method} {url} [{actor}] ({label}): got {r.status_code} {r.mimetype} "
                                f"code={code_of(r)!r}, expected a JSON 404")
        body_theirs = _normalised(r_theirs, list(theirs.values()))
        body_nowhere = _normalised(r_nowhere, list(nowhere.values()))
        if body_theirs != body_nowhere:
            problems.append(f"{method} {path} [{actor}]: tenant B's id answers {body_theirs!r}, an id of nowhere {body_nowhere!r}")
    assert not problems, "\n".join(problems)
