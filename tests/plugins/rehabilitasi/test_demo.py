"""`kesos demo` with the real tenant files: both kabupaten get rehabilitation cases at several
stages, opened through the plugin's workflow (rules and audit apply); running it again adds
nothing."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.cases.models import CaseAssignment
from core.db import tenant_context
from core.demo import load_demo
from core.registry.models import Organization
from core.sdk import Case
from core.staff.models import User
from core.tenancy.models import Tenant
from plugins.rehabilitasi.models import Rencana

REPO_TENANTS = Path(__file__).resolve().parents[3] / "tenants"


def _snapshot(kernel: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with kernel.db.unit_of_work() as s:
        for t in s.scalars(select(Tenant).order_by(Tenant.slug)).all():
            with tenant_context(t.id, s):
                cases = s.scalars(select(Case).where(Case.case_type == "rehabilitasi_sosial").order_by(Case.id)).all()
                assignments = s.execute(
                    select(CaseAssignment.case_id, User.username, CaseAssignment.peran).join(User, User.id == CaseAssignment.user_id)
                ).all()
                out[t.slug] = {
                    "cases": [(c.id, c.stage, c.profile_id, tuple(c.data["kelompok_sasaran"]), c.data["tempat"]) for c in cases],
                    "assignments": sorted((str(a), u, p) for a, u, p in assignments),
                    "plans": s.scalar(select(func.count()).select_from(Rencana)),
                    "panti": s.scalars(select(Organization.nama).where(Organization.jenis == "panti_pemerintah")).all(),
                    "lembaga": {c.data.get("lembaga_id") for c in cases if c.data["tempat"] == "dalam_lembaga"},
                }
    return out


def test_demo_loads_rehabilitation_cases_once(kernel: Any, tenants_dir: Path) -> None:
    for slug in ("balangan", "tabalong"):
        shutil.copy(REPO_TENANTS / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    load_demo(kernel)
    first = _snapshot(kernel)

    assert set(first) == {"balangan", "tabalong"}
    profiles = {"balangan": "perbup-balangan-61-2017", "tabalong": "pp-39-2012"}
    for slug, got in first.items():
        cases = got["cases"]
        assert 3 <= len(cases) <= 4, slug
        assert len({stage for _, stage, *_ in cases}) >= 2, slug
        assert {profile for _, _, profile, *_ in cases} == {profiles[slug]}
        # the demo Peksos leads every case; the demo TKS supports at least one
        leads = [(a, u) for a, u, p in got["assignments"] if p == "utama"]
        assert sorted(a for a, _ in leads) == sorted(str(c[0]) for c in cases)
        assert {u for _, u in leads} == {f"peksos.{slug}"}
        assert any(u == f"tks.{slug}" and p == "pendukung" for _, u, p in got["assignments"])
        # in-institution cases point at the demo panti; a plan exists for cases past planning
        assert len(got["panti"]) == 1 and got["panti"][0].startswith("UPTD Panti Sosial")
        assert got["lembaga"] and all(lembaga is not None for lembaga in got["lembaga"])
        assert got["plans"] >= 1

    load_demo(kernel)
    assert _snapshot(kernel) == first
