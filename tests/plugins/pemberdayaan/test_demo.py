"""`kesos demo` with the real tenant files: each kabupaten gets a family at persiapan with its
evidence, a kelompok nelayan of the demo people at pelaksanaan with stimulus, and an LKS — all
through the plugin's services and the kernel's workflow; running it again adds nothing."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db import tenant_context
from core.demo import load_demo
from core.registry.models import Organization, Person
from core.sdk import Case, CaseEvent
from core.tenancy.models import Tenant
from plugins.pemberdayaan.models import Anggota, Stimulan

REPO_TENANTS = Path(__file__).resolve().parents[3] / "tenants"


def _snapshot(kernel: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with kernel.db.unit_of_work() as s:
        for t in s.scalars(select(Tenant).order_by(Tenant.slug)).all():
            with tenant_context(t.id, s):
                orgs = {o.id: (o.nama, o.jenis) for o in s.scalars(select(Organization))}
                cases = {c.data["sasaran"]: {
                    "id": c.id, "stage": c.stage, "subject": c.subject_type, "profile": c.profile_id, "kelompok": c.community_name,
                    "lembaga": orgs.get(c.organization_id), "kk": c.household_id is not None, "bentuk": c.data["bentuk"],
                    "kriteria": [k["kode"] for k in c.data["kriteria"]], "bukti": all(len(k["bukti"]) > 10 for k in c.data["kriteria"]),
                } for c in s.scalars(select(Case).where(Case.case_type == "pemberdayaan_sosial"))}
                out[t.slug] = {
                    "cases": cases,
                    "anggota": sorted(s.execute(select(Person.nama, Anggota.peran).join(Anggota, Anggota.person_id == Person.id)).all()),
                    "stimulan": sorted(s.execute(select(Stimulan.jenis, Stimulan.nilai, Stimulan.sumber_dana)).all()),
                    "events": sorted(s.execute(select(CaseEvent.kind, CaseEvent.to_stage).where(
                        CaseEvent.case_id.in_([c["id"] for c in cases.values()]))).all()),
                }
    return out


def test_demo_loads_empowerment_cases_once(kernel: Any, tenants_dir: Path) -> None:
    for slug in ("balangan", "tabalong"):
        shutil.copy(REPO_TENANTS / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    load_demo(kernel)
    first = _snapshot(kernel)

    assert set(first) == {"balangan", "tabalong"}
    for slug, got in first.items():
        cases = got["cases"]
        assert set(cases) == {"keluarga", "kelompok", "lembaga"}, slug
        assert {c["profile"] for c in cases.values()} == {"pp-39-2012"}
        assert all(c["bukti"] for c in cases.values())  # every criterion with its evidence
        keluarga, kelompok, lembaga = cases["keluarga"], cases["kelompok"], cases["lembaga"]
        assert (keluarga["stage"], keluarga["subject"], keluarga["kk"]) == ("persiapan", "household", True)
        assert keluarga["kriteria"] == ["miskin", "penghasilan_tidak_mencukupi"]
        assert (kelompok["stage"], kelompok["subject"]) == ("pelaksanaan", "community")
        assert kelompok["kelompok"] == f"Kelompok Nelayan Sungai {slug.title()}" and "stimulan_usaha" in kelompok["bentuk"]
        assert got["anggota"] == [("Ahmad Fauzi", "ketua"), ("Siti Aminah", "anggota")]
        assert got["stimulan"] == [("modal", 10000000, "apbd"), ("peralatan_usaha", 7500000, "apbn")]
        assert (lembaga["stage"], lembaga["subject"], lembaga["lembaga"]) == ("persiapan", "organization", ("LKS Bina Karya Mandiri", "lks"))
        assert lembaga["kriteria"] == ["potensi_kemauan_kemampuan", "komitmen_mitra_pemerintah"]
        # opened ×3 and the group advanced once, through the kernel's workflow
        assert got["events"] == [("advanced", "pelaksanaan"), ("opened", "persiapan"), ("opened", "persiapan"), ("opened", "persiapan")]

    load_demo(kernel)
    assert _snapshot(kernel) == first
