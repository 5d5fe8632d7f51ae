"""Helpers of the LKS tests: two kabupaten of Kalimantan Selatan side by side, their staff, an
LKS operator, documents as real (tiny) PDF/PNG files, and short API calls."""
from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from core.audit import AuditEntry
from core.cases.models import Case, CaseEvent
from core.db import tenant_context
from core.registry.models import Organization
from core.tenancy.models import Tenant
from plugins.lks.models import MODELS
from tests.refusals import refused  # noqa: F401  (re-exported for the tests)

T = "/api/v1/tenants"
PP = "PP 39/2012"
TENANTS = {"balangan": "63.11", "tabalong": "63.09"}
# Balangan closes its offices on cuti bersama, Tabalong does not: the same 14 working days end
# on different dates around Idul Fitri.
CUTI_BERSAMA_LIBUR = {"balangan": True, "tabalong": False}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOKUMEN = ("anggaran_dasar_art", "akta_pendirian", "surat_keterangan_domisili", "npwp")


def tenant_id(kernel: Any, slug: str) -> Any:
    with kernel.db.unit_of_work() as s:
        return s.scalar(select(Tenant.id).where(Tenant.slug == slug))


def build_world(make: Any, kernel: Any) -> dict[str, SimpleNamespace]:
    world = {}
    for slug, kode in TENANTS.items():
        make.tenant(slug, kode, cuti_bersama_libur=CUTI_BERSAMA_LIBUR[slug])
        make.enable(slug, "lks")
    for slug in TENANTS:
        world[slug] = SimpleNamespace(
            slug=slug,
            kode=TENANTS[slug],
            admin=make.user(f"admin.{slug}", {slug: ["tenant_admin"]}),
            officer=make.user(f"petugas.{slug}", {slug: ["officer"]}),
            officer2=make.user(f"petugas2.{slug}", {slug: ["officer"]}),
            auditor=make.user(f"auditor.{slug}", {slug: ["auditor"]}),
            peksos=make.user(f"peksos.{slug}", {slug: ["peksos"]}),
            operator=make.user(f"operator.{slug}", {slug: ["lks_operator"]}),
            operator2=make.user(f"operator2.{slug}", {slug: ["lks_operator"]}),
        )
    return world


def lembaga(w: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    body = {
        "nama": f"Yayasan Peduli Anak {w.slug.title()}",
        "berbadan_hukum": True,
        "alamat": "Jl. Jenderal Sudirman No. 10, Paringin",
        "kode_wilayah": w.kode,
        "npwp": "01.234.567.8-901.000",
        "pengurus": [{"nama": "Hj. Rusmini", "jabatan": "Ketua", "telepon": "081234567890", "email": "ketua@peduli.or.id"}],
        "kegiatan": ["pengasuhan anak terlantar", "bimbingan sosial keluarga"],
        "wilayah_kerja": [w.kode],
    }
    body.update(overrides)
    return body


def ajukan(client: Any, w: SimpleNamespace, actor: Any = None, **overrides: Any) -> Any:
    return client.post(f"{T}/{w.slug}/lks/pendaftaran", json={"lembaga": lembaga(w, **overrides)}, headers=(actor or w.operator).headers)


def new_application(client: Any, w: SimpleNamespace, actor: Any = None, **overrides: Any) -> dict[str, Any]:
    r = ajukan(client, w, actor, **overrides)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def unggah(client: Any, w: SimpleNamespace, case_id: str, jenis: str, content: bytes = PDF, name: str = "dokumen.pdf", actor: Any = None) -> Any:
    data = {"jenis": jenis, "berkas": (io.BytesIO(content), name)}
    return client.post(
        f"{T}/{w.slug}/lks/pendaftaran/{case_id}/dokumen", data=data, content_type="multipart/form-data",
        headers=(actor or w.operator).headers,
    )


def unggah_semua(client: Any, w: SimpleNamespace, case_id: str, jenis: tuple[str, ...] = DOKUMEN, actor: Any = None) -> None:
    for j in jenis:
        r = unggah(client, w, case_id, j, actor=actor)
        assert r.status_code == 201, r.get_json()


def etag(client: Any, w: SimpleNamespace, case_id: str, actor: Any = None) -> str:
    return client.get(f"{T}/{w.slug}/lks/pendaftaran/{case_id}", headers=(actor or w.officer).headers).headers["ETag"]


def lengkap(client: Any, w: SimpleNamespace, case_id: str, actor: Any = None, **body: Any) -> Any:
    actor = actor or w.officer
    return client.post(
        f"{T}/{w.slug}/lks/pendaftaran/{case_id}/lengkap", json=body,
        headers={**actor.headers, "If-Match": etag(client, w, case_id, actor)},
    )


def terbitkan(client: Any, w: SimpleNamespace, case_id: str, actor: Any = None) -> Any:
    actor = actor or w.officer
    return client.post(
        f"{T}/{w.slug}/lks/pendaftaran/{case_id}/terbitkan", json={},
        headers={**actor.headers, "If-Match": etag(client, w, case_id, actor)},
    )


def registered(client: Any, w: SimpleNamespace, actor: Any = None, **overrides: Any) -> dict[str, Any]:
    """An LKS taken through the whole registration: applied, documents, complete, issued."""
    app = new_application(client, w, actor, **overrides)
    unggah_semua(client, w, app["id"], DOKUMEN if app["lembaga"]["berbadan_hukum"] else DOKUMEN[:1] + DOKUMEN[2:], actor=actor)
    r = lengkap(client, w, app["id"])
    assert r.status_code == 200, r.get_json()
    r = terbitkan(client, w, app["id"])
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def counts(kernel: Any, slug: str) -> dict[str, int]:
    """Rows of each LKS table (and of cases, events, organizations, audit) in a tenant."""
    tid = tenant_id(kernel, slug)
    out = {}
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        for model in (Case, CaseEvent, Organization, AuditEntry, *MODELS):
            out[model.__tablename__] = s.scalar(select(func.count()).select_from(model).where(model.tenant_id == tid))
    return out



def today() -> date:
    from core.tenancy.calendar import local_today

    return local_today()
