"""Generated requests against the OpenAPI spec (schemathesis + hypothesis).

Every operation of /api/openapi.json gets requests generated from its documented parameters and
bodies — valid ones (positive) and ones that break the schema (negative) — sent as a tenant
admin, an officer, the platform admin or nobody, with the path's ids drawn from the demo data
of the repository's tenants (or left as generated, which must answer 404). Every response must:

- not be a server error (5xx);
- have a status the operation documents (core/api/openapi.py documents the errors centrally);
- have a documented content type, and a JSON body that matches the documented schema.

The run is derandomized (the same requests every time) and counts its requests: the total must
stay at least MIN_REQUESTS, so the guarantee cannot shrink silently. No operation is excluded.
"""
from __future__ import annotations

import io
import itertools
import re
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, strategies as st
from schemathesis import DataGenerationMethod
from schemathesis.checks import not_a_server_error
from schemathesis.exceptions import CheckFailed
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance
from sqlalchemy import select

from core.cases.models import Case as CaseRow
from core.db import tenant_context
from core.imports import ImportRun
from core.registry.models import Household, Organization, Person
from core.reports import ReportFile, ReportRun
from core.staff.models import Membership
from core.tenancy.models import Tenant, TenantDayOff
from plugins.lks.models import Dokumen, Pelanggaran, Sanksi
from plugins.perlindungan.models import Kejadian
from tests.factories import Factory

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)

# Examples per operation and generation method. SQLite runs the full set; PostgreSQL a smaller
# one: it rejects what SQLite stores (NUL bytes in text, over-long strings), so it still meets
# every operation with generated text, at a fraction of the time.
EXAMPLES = {
    "sqlite": {DataGenerationMethod.positive: 8, DataGenerationMethod.negative: 4},
    "postgres": {DataGenerationMethod.positive: 3, DataGenerationMethod.negative: 2},
}
# Operations that end sessions: each request gets a session of its own to end.
SESSION_OPERATIONS = ("/api/v1/auth/logout", "/api/v1/auth/logout-semua", "/api/v1/auth/kata-sandi")
UNKNOWN = "00000000-0000-4000-8000-000000000000"  # an id (or name) no record has
MIN_REQUESTS = {"sqlite": 1000, "postgres": 300}
# Operations that must answer 2xx at least once (of ~125; the others need inputs too specific
# to be generated at random, e.g. a structurally valid NIK with its birth date).
MIN_SUCCEEDED_OPERATIONS = 60

# Operations that change what every later request depends on — the tenant itself, which
# services it runs, the roles of the demo staff — run last, in this order, so they cannot switch
# the rest of the run into 403/404 answers.
LAST = (
    ("PUT", "/api/v1/tenants/{tenant}/plugins/{name}"),
    ("PATCH", "/api/v1/tenants/{tenant}/staff/{user_id}"),
    ("POST", "/api/v1/tenants/{tenant}/staff/{user_id}/atur-ulang-sandi"),
    ("POST", "/api/v1/tenants/{tenant}/staff/{user_id}/keluarkan"),
    ("PATCH", "/api/v1/tenants/{slug}"),
)


def _settings(max_examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=max_examples,
        derandomize=True,  # the same requests on every run: CI is reproducible
        database=None,  # no example database: nothing carried over from an earlier run
        deadline=None,  # a request's time depends on the machine, not on the input
        # no shrinking: a failure is reported with its request (curl) as generated, and a
        # failing run stays as short as a passing one
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[
            # schemathesis' strategies for large request bodies are legitimately big and slow to
            # draw (nested LKS applications, multipart uploads); the inputs are what we want
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            # negative bodies are drawn by filtering out what the schema accepts
            HealthCheck.filter_too_much,
        ],
    )


def _pools(kernel: Any) -> dict[str, list[str]]:
    """Real ids by path parameter (keyed `segment/name` where a name means different things
    under different segments, e.g. `plugins/name` and `reports/name`), from Balangan — plus one
    of each from Tabalong, which the Balangan staff must get 404 for."""
    pools: dict[str, list[str]] = {
        "tenant": ["balangan", "balangan", "balangan", "tabalong"],
        # not Balangan: deactivating it would turn the rest of the run into 404s
        "slug": ["tabalong"],
        "plugins/name": sorted(kernel.plugins.installed),
        "reports/name": sorted(kernel.plugins.reports),
        "imports/name": sorted(kernel.plugins.importers),
        "profiles/profile_id": ["pp-39-2012", "perbup-balangan-61-2017"],
    }
    lists: dict[str, list[str]] = {}
    with kernel.db.unit_of_work() as s:
        tenants = {t.slug: t.id for t in s.scalars(select(Tenant)).all()}
    for slug in ("balangan", "tabalong"):
        tid = tenants[slug]
        with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
            found = {
                "person_id": s.scalars(select(Person.id).order_by(Person.created_at, Person.id)),
                "household_id": s.scalars(select(Household.id).order_by(Household.created_at, Household.id)),
                "org_id": s.scalars(select(Organization.id).order_by(Organization.created_at, Organization.id)),
                "organization_id": s.scalars(select(Organization.id).order_by(Organization.created_at, Organization.id)),
                "dokumen_id": s.scalars(select(Dokumen.id).order_by(Dokumen.id)),
                "sanksi_id": s.scalars(select(Sanksi.id).order_by(Sanksi.id)),
                "pelanggaran_id": s.scalars(select(Pelanggaran.id).order_by(Pelanggaran.id)),
                "kejadian_id": s.scalars(select(Kejadian.id).order_by(Kejadian.id)),
                "reports/run_id": s.scalars(select(ReportRun.id).order_by(ReportRun.id)),
                "imports/run_id": s.scalars(select(ImportRun.id).order_by(ImportRun.id)),
                "files/name": s.scalars(select(ReportFile.name).order_by(ReportFile.name)),
                # the demo staff without the roles this run logs in with: changing those would
                # leave the rest of the run with 403s
                "user_id": s.scalars(
                    select(Membership.user_id).where(Membership.tenant_id == tid, Membership.role.notin_(["tenant_admin", "officer"]))
                    .order_by(Membership.user_id)
                ),
                "calendar/tanggal": (d.isoformat() for d in s.scalars(select(TenantDayOff.tanggal).order_by(TenantDayOff.tanggal))),
                "cases/case_id": s.scalars(select(CaseRow.id).order_by(CaseRow.opened_at, CaseRow.id)),
            }
            for plugin in ("lks", "jaminan", "pemberdayaan", "perlindungan", "rehabilitasi"):
                found[f"{plugin}/case_id"] = s.scalars(
                    select(CaseRow.id).where(CaseRow.plugin == plugin).order_by(CaseRow.opened_at, CaseRow.id)
                )
            for key, values in found.items():
                values = [str(v) for v in values]
                lists.setdefault(key, []).extend(values if slug == "balangan" else values[:1])
    for key, values in lists.items():
        pools[key] = pools.get(key, []) + list(dict.fromkeys(values))
    return {k: v for k, v in pools.items() if v}


def _pool_for(pools: dict[str, list[str]], path: str, name: str) -> list[str]:
    """The pool of the parameter `name` in `path`: by the plugin or segment before it, else by name."""
    segments = [s for s in path.split("/") if s]
    index = segments.index(f"{{{name}}}")
    before = segments[index - 1] if index else ""
    plugin = segments[4] if len(segments) > 4 and segments[:4] == ["api", "v1", "tenants", "{tenant}"] else ""
    for key in (f"{plugin}/{name}", f"{before}/{name}", name):
        if key in pools:
            return pools[key]
    return []


def _seed_runs(client: Any, tokens: dict[str, str]) -> None:
    """A finished report run (with files) and an import with a rejected row, so their ids and
    downloads exist for the generated requests."""
    headers = {"Authorization": f"Bearer {tokens['admin.balangan']}"}
    r = client.post("/api/v1/tenants/balangan/reports/rehabilitasi.tahunan/runs", json={"params": {"tahun": 2026}}, headers=headers)
    assert r.status_code == 202, r.get_json()
    csv = "nik,nama,tanggal_lahir,jenis_kelamin\n6311014509870099,Siti Aminah,1987-09-05,P\n123,Salah,1990-01-01,L\n"
    r = client.post(
        "/api/v1/tenants/balangan/imports/persons", data={"berkas": (io.BytesIO(csv.encode()), "orang.csv")},
        content_type="multipart/form-data", headers=headers,
    )
    assert r.status_code == 202, r.get_json()


def _negatable(operation: Any) -> bool:
    """Whether schemathesis has something to break besides the path: a body or a query."""
    return len(operation.body) > 0 or len(operation.query) > 0


def _actors(path: str, tokens: dict[str, str]) -> list[str | None]:
    """Who sends the request: the tenant's admin and officer on tenant routes (the platform admin
    on platform routes), or nobody (None: the generated credentials, which must answer 401)."""
    if path.startswith("/api/v1/tenants/{tenant}"):
        return [tokens["admin.balangan"], tokens["admin.balangan"], tokens["petugas.balangan"], tokens["petugas.balangan"], None]
    return [tokens["platform"], tokens["admin.balangan"], tokens["petugas.balangan"], None]


def _operations(schema: Any) -> list[Any]:
    operations = [result.ok() for result in schema.get_all_operations()]
    last = {key: i for i, key in enumerate(LAST)}
    return sorted(operations, key=lambda op: last.get((op.method.upper(), op.path), -1))


@dataclass
class Run:
    """One run over every operation: who sends, which ids, what was sent and what failed."""

    make: Factory
    tokens: dict[str, str]
    pools: dict[str, list[str]]
    serial: Iterator[int] = field(default_factory=itertools.count)
    sent: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    answered: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def operation(self, operation: Any, examples: dict[DataGenerationMethod, int]) -> None:
        name = f"{operation.method.upper()} {operation.path}"
        self.sent[name] += 0
        for method, max_examples in examples.items():
            if method.is_negative and not _negatable(operation):
                continue  # only path parameters to break: their wrong values are the unknown ids below
            try:
                hypothesis.given(data=st.data())(_settings(max_examples)(self._sender(operation, method, name)))()
            except CheckFailed as exc:  # every failing operation is reported, not only the first
                self.failures.append(f"{name} ({method.name}): {exc}")
            except Exception:  # noqa: BLE001 — an error of the run itself, with where it happened
                self.failures.append(f"{name} ({method.name}):\n{traceback.format_exc()}")

    def _sender(self, operation: Any, method: DataGenerationMethod, name: str) -> Any:
        actors = _actors(operation.path, self.tokens)
        # Negative requests break the body or the query; their path parameters are given (as an
        # unknown id): schemathesis cannot break a free-text path segment, and a wrong id is just
        # an unknown one. Positive requests keep schemathesis' own path values as the unknown ids.
        explicit = {p.name: UNKNOWN for p in operation.path_parameters} if method.is_negative else None
        strategy = operation.as_strategy(data_generation_method=method, **({"path_parameters": explicit} if explicit else {}))

        def send(data: Any) -> None:
            case = data.draw(strategy, label="case")
            if case.media_type == "multipart/form-data" and not isinstance(case.body, dict):
                # a negative multipart body that is not an object (e.g. `true`) has no form fields
                # to encode: schemathesis 3 cannot send it, and no client could
                hypothesis.reject()
            for param, value in list((case.path_parameters or {}).items()):
                case.path_parameters[param] = data.draw(st.sampled_from([*_pool_for(self.pools, operation.path, param), value]), label=param)
            token = data.draw(st.sampled_from(actors), label="actor")
            if token is not None and operation.path in SESSION_OPERATIONS:
                token = self.fresh_token()  # ending a session (or all of a user's) must not end the run's
            if token is not None:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call()
            self.sent[name] += 1
            self.answered[name].add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        return send

    def fresh_token(self) -> str:
        return self.make.user(f"fuzz.sesi{next(self.serial)}", {"balangan": ["officer"]}).token  # type: ignore[no-any-return]


def test_generated_requests_get_documented_answers(
    backend: str, app: Any, client: Any, kernel: Any, make: Factory, demo: dict[str, str]
) -> None:
    _seed_runs(client, demo)
    run = Run(make, demo, _pools(kernel))
    started = time.monotonic()
    for operation in _operations(schemathesis.from_wsgi("/api/openapi.json", app)):
        run.operation(operation, EXAMPLES[backend])
    elapsed = time.monotonic() - started
    total = sum(run.sent.values())
    succeeded = sorted(op for op, codes in run.answered.items() if any(200 <= c < 300 for c in codes))
    print(f"\nschemathesis ({backend}): {total} requests to {len(run.sent)} operations in {elapsed:.0f} s, {len(succeeded)} of them answered 2xx")
    assert not run.failures, "\n\n".join(re.sub(r"\n{3,}", "\n\n", f) for f in run.failures)
    assert total >= MIN_REQUESTS[backend], f"only {total} generated requests"
    assert not [op for op, n in run.sent.items() if n == 0], "operations that got no request"
    # A run answered only 401/403/404 (a token gone, ids that resolve nothing) would pass every
    # check above and test nothing: the requests must reach the views.
    assert len(succeeded) >= MIN_SUCCEEDED_OPERATIONS, f"only {len(succeeded)} operations ever answered 2xx: {succeeded}"
