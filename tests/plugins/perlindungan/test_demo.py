"""`kesos demo` with the real tenant files: each kabupaten gets a flood coordinated with BNPB and
the demo people affected by it, temporary aid with its ledger, a temporary aid finished and
followed by sustained aid, an advokasi sosial case and a bantuan hukum case for a child, with
their activities — all through the plugin's services; running it again adds nothing."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db import tenant_context
from core.demo import load_demo
from core.sdk import Case, Person, local_today
from core.tenancy.models import Tenant
from plugins.perlindungan.models import Kegiatan, Kejadian, Penyaluran, Terdampak
from plugins.perlindungan.reports import CASE_TYPES

REPO_TENANTS = Path(__file__).resolve().parents[3] / "tenants"


def _snapshot(kernel: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with kernel.db.unit_of_work() as s:
        for t in s.scalars(select(Tenant).order_by(Tenant.slug)).all():
            with tenant_context(t.id, s):
                names = dict(s.execute(select(Person.id, Person.nama)).all())
                cases = s.scalars(select(Case).where(Case.case_type.in_(CASE_TYPES))).all()
                out[t.slug] = {
                    "kejadian": [(k.jenis, k.status, k.koordinasi_bnpb_tanggal is not None, k.tanggal_mulai)
                                 for k in s.scalars(select(Kejadian)).all()],
                    "terdampak": sorted(names[p] for p in s.scalars(select(Terdampak.person_id)).all()),
                    "kasus": sorted((c.case_type, names[c.person_id], c.stage, c.data.get("sifat", "")) for c in cases),
                    "penyaluran": sorted(tuple(r) for r in s.execute(
                        select(Penyaluran.penerima, Penyaluran.sifat, Penyaluran.jenis, Penyaluran.jumlah, Penyaluran.satuan,
                               Penyaluran.nilai_rupiah)).all()),
                    "kegiatan": sorted(tuple(r) for r in s.execute(select(Kegiatan.kegiatan, Kegiatan.status_anak)).all()),
                }
    return out


def test_demo_loads_an_event_with_its_aid_and_cases_once(kernel: Any, tenants_dir: Path, client: Any) -> None:
    for slug in ("balangan", "tabalong"):
        shutil.copy(REPO_TENANTS / f"{slug}.yaml", tenants_dir / f"{slug}.yaml")
    load_demo(kernel)
    first = _snapshot(kernel)
    today = local_today()
    # the demo child (born 30 March 2010) is accompanied while under 18 (Pasal 36 huruf f)
    hukum = ("pendampingan_anak", "saksi") if today < date(2028, 3, 30) else ("informasi_nasihat_hukum", None)
    assert set(first) == {"balangan", "tabalong"}
    for slug, got in first.items():
        [(jenis, status, koordinasi, mulai)] = got["kejadian"]
        assert (jenis, status, koordinasi) == ("bencana", "berlangsung", True), slug
        assert mulai < today
        assert got["terdampak"] == ["Ahmad Fauzi", "Rahmawati", "Siti Aminah"]
        assert got["kasus"] == [
            ("advokasi_sosial", "Ahmad Fauzi", "pelaksanaan", ""),
            ("bantuan_hukum", "Rahmawati", "pelaksanaan", ""),
            ("bantuan_sosial", "Ahmad Fauzi", "penyaluran", "sementara"),
            ("bantuan_sosial", "Siti Aminah", "penyaluran", "berkelanjutan"),
            ("bantuan_sosial", "Siti Aminah", "selesai", "sementara"),
        ], slug
        assert got["penyaluran"] == [
            ("Ahmad Fauzi", "sementara", "sandang_pangan_papan", 1, "paket", None),
            ("Ahmad Fauzi", "sementara", "sandang_pangan_papan", 1, "paket", None),
            ("Siti Aminah", "berkelanjutan", "uang_tunai", None, None, 300000),
            ("Siti Aminah", "sementara", "sandang_pangan_papan", 2, "paket", None),
            ("Siti Aminah", "sementara", "uang_tunai", None, None, 500000),
        ]
        assert got["kegiatan"] == sorted([("penyuluhan", None), hukum], key=str)
    # the demo officer sees the event and its ledger through the API
    token = client.post("/api/v1/auth/login", json={"username": "petugas.balangan", "password": "kesos-demo-2026"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    mulai = first["balangan"]["kejadian"][0][3]
    [banjir] = client.get("/api/v1/tenants/balangan/perlindungan/kejadian", headers=headers).get_json()
    assert (banjir["nama"], banjir["tanggal_mulai"]) == (f"Banjir Kabupaten Balangan {mulai.year}", mulai.isoformat())
    assert len(client.get(f"/api/v1/tenants/balangan/perlindungan/kejadian/{banjir['id']}/penyaluran", headers=headers).get_json()) == 5

    load_demo(kernel)
    assert _snapshot(kernel) == first
