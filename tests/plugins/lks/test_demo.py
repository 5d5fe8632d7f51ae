"""`kesos demo` with the real tenant files: each kabupaten gets LKS at several steps of
registration, a referral, and a foreign LKS part-way up the sanctions ladder — all through the
plugin's services; running it again adds nothing."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db import tenant_context
from core.demo import load_demo
from core.registry.models import Organization
from core.sdk import Case
from core.tenancy.models import Tenant
from plugins.lks.models import Dokumen, Pelanggaran, Pendaftaran, Sanksi

REPO_TENANTS = Path(__file__).resolve().parents[3] / "tenants"


def _snapshot(kernel: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with kernel.db.unit_of_work() as s:
        for t in s.scalars(select(Tenant).order_by(Tenant.slug)).all():
            with tenant_context(t.id, s):
                rows = s.execute(
                    select(Organization.nama, Case.stage, Pendaftaran.kewenangan, Pendaftaran.nomor)
                    .join(Pendaftaran, Pendaftaran.case_id == Case.id).join(Organization, Organization.id == Pendaftaran.organization_id)
                    .order_by(Organization.nama)
                ).all()
                ladder = s.execute(select(Pelanggaran.jenis, Sanksi.langkah, Sanksi.tanggal).join(Sanksi, Sanksi.pelanggaran_id == Pelanggaran.id).order_by(Sanksi.urutan)).all()
                out[t.slug] = {
                    "pendaftaran": [tuple(r) for r in rows],
                    "ladder": [tuple(r) for r in ladder],
                    "dokumen": len(s.scalars(select(Dokumen.id)).all()),
                }
    return out


def test_demo_loads_lks_at_several_steps_once(kernel: Any, tenants_dir: Path, client: Any) -> None:
    for slug in ("balangan", "tabalong"):
        shutil.copy(REPO_TENANTS / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    load_demo(kernel)
    first = _snapshot(kernel)
    for slug, got in first.items():
        stages = {nama: (stage, kewenangan, bool(nomor)) for nama, stage, kewenangan, nomor in got["pendaftaran"]}
        assert stages["Yayasan Harapan Bangsa"] == ("terdaftar", "kabupaten_kota", True), slug
        assert stages["LKS Cahaya Umat"] == ("lengkap", "kabupaten_kota", False)
        assert any(stage == "permohonan" for stage, _, _ in stages.values())
        assert stages["Yayasan Banua Peduli"] == ("dirujuk", "provinsi", False)
        steps = [langkah for jenis, langkah, _ in got["ladder"]]
        assert {jenis for jenis, _, _ in got["ladder"]} == {"tidak_melapor"}
        assert steps == ["peringatan_tertulis_1", "peringatan_tertulis_2"], slug  # part-way up
        assert got["dokumen"] > 10
    # the demo operator follows the application being assembled, and the register is public

    token = client.post("/api/v1/auth/login", json={"username": "operator.balangan", "password": "kesos-demo-2026"}).get_json()["token"]
    mine = client.get("/api/v1/tenants/balangan/lks/pendaftaran", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [(a["nama_lembaga"], a["stage"]) for a in mine] == [("Panti Asuhan Al-Falah Balangan", "permohonan")]
    public = client.get("/api/v1/tenants/balangan/lks/publik/terdaftar").get_json()
    assert [p["nama"] for p in public] == ["Yayasan Harapan Bangsa"]

    load_demo(kernel)
    assert _snapshot(kernel) == first
