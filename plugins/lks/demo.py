"""Demo data of the LKS service for `kesos demo` / `make run`.

Per demo tenant, through the plugin's own services (so every rule applies and all is audited):

- Yayasan Harapan Bangsa — registered: documents, declared complete, tanda pendaftaran issued
  (it shows in the public register);
- LKS Cahaya Umat — declared complete, its tanda pendaftaran due in 14 working days;
- Panti Asuhan Al-Falah — an application being assembled, two of its four documents uploaded,
  submitted by the demo LKS operator (`operator.<kabupaten>`), who is linked to it;
- Yayasan Banua Peduli — working in two kabupaten of Kalimantan Selatan: referred to the
  province (Pasal 57 ayat (2) huruf b);
- Families Together International — a foreign LKS with its foreign-minister permission,
  operational permit and this bupati's technical permit, which missed its first quarterly report
  and is part-way up the sanctions ladder (the second written warning issued).

Idempotent: a tenant that already has any LKS gets nothing.
"""
from __future__ import annotations

import io
import uuid
from datetime import datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select

from core.sdk import Case, advance_case, get_kernel, local_today, tenant_calendar, tenant_profile

from . import asing, pendaftaran, sanksi
from .access import Lingkup
from .dokumen import Berkas
from .models import Lembaga

PDF = b"%PDF-1.4\n% Kesos demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_DOCS = ("anggaran_dasar_art", "akta_pendirian", "surat_keterangan_domisili", "npwp")


def _pdf(name: str) -> Berkas:
    return Berkas(f"{name}.pdf", io.BytesIO(PDF))


def _lembaga(tenant: Any, nama: str, wilayah: list[str], ketua: str, berbadan_hukum: bool = True) -> dict[str, Any]:
    return {
        "nama": nama, "berbadan_hukum": berbadan_hukum,
        "alamat": f"Jl. Ahmad Yani No. {len(nama)}, {tenant.nama.removeprefix('Kabupaten ')}", "kode_wilayah": tenant.kode_wilayah,
        "npwp": "01.234.567.8-901.000" if berbadan_hukum else None,
        "pengurus": [{"nama": ketua, "jabatan": "Ketua", "telepon": "081200000000", "email": None}],
        "kegiatan": ["pengasuhan dan perlindungan anak", "pendampingan keluarga rentan"], "wilayah_kerja": wilayah,
    }


class _Demo:
    def __init__(self, session: Any, tenant: Any, staff: dict[str, uuid.UUID]) -> None:
        self.session, self.tenant, self.kernel = session, tenant, get_kernel()
        self.officer = staff["petugas"]
        self.operator = staff.get("operator")

    def apply(self, body: dict[str, Any], actor: uuid.UUID, scope: Lingkup) -> Case:
        return pendaftaran.ajukan(self.session, self.kernel, self.tenant, {"lembaga": body, "organization_id": None}, scope, actor)

    def docs(self, case: Case, codes: tuple[str, ...], actor: uuid.UUID) -> None:
        p = self.session.get(pendaftaran.Pendaftaran, (self.tenant.id, case.id))
        for code in codes:
            pendaftaran.unggah(self.session, self.kernel, self.tenant, case, p, code, _pdf(code), actor)

    def move(self, case: Case, stage: str) -> None:
        advance_case(self.session, self.kernel, self.tenant, case, to_stage=stage, data={}, expected_version=case.version, actor_id=self.officer)


def load(session: Any, tenant: Any, staff: dict[str, uuid.UUID]) -> None:
    if session.scalar(select(Lembaga.organization_id).limit(1)) is not None:
        return  # already loaded (or real LKS exist): add nothing
    demo = _Demo(session, tenant, staff)
    staff_scope = Lingkup(True, user_id=demo.officer)
    kab = tenant.nama.removeprefix("Kabupaten ")

    terdaftar = demo.apply(_lembaga(tenant, "Yayasan Harapan Bangsa", [tenant.kode_wilayah], "H. Abdul Gani"), demo.officer, staff_scope)
    demo.docs(terdaftar, ALL_DOCS, demo.officer)
    demo.move(terdaftar, "lengkap")
    demo.move(terdaftar, "terdaftar")

    lengkap = demo.apply(_lembaga(tenant, "LKS Cahaya Umat", [tenant.kode_wilayah], "Siti Rahmah", berbadan_hukum=False), demo.officer, staff_scope)
    demo.docs(lengkap, ("anggaran_dasar_art", "surat_keterangan_domisili", "npwp"), demo.officer)
    demo.move(lengkap, "lengkap")

    if demo.operator is not None:
        scope = Lingkup(False, None, demo.operator)
        permohonan = demo.apply(_lembaga(tenant, f"Panti Asuhan Al-Falah {kab}", [tenant.kode_wilayah], "Ustadz Rahman"), demo.operator, scope)
        demo.docs(permohonan, ("anggaran_dasar_art", "surat_keterangan_domisili"), demo.operator)

    province = tenant.kode_wilayah.split(".")[0]
    neighbour = next(c for c in (f"{province}.09", f"{province}.11", f"{province}.08") if c != tenant.kode_wilayah)
    demo.apply(_lembaga(tenant, "Yayasan Banua Peduli", [tenant.kode_wilayah, neighbour], "Drs. Masrani"), demo.officer, staff_scope)

    _foreign(demo)


def _foreign(demo: _Demo) -> None:
    """A foreign LKS reporting quarterly whose first report is missing, dated so that today the
    ladder stands between the second and the third written warning."""
    session, kernel, tenant = demo.session, demo.kernel, demo.tenant
    today = local_today()
    calendar = tenant_calendar(session, tenant)
    gap = 14
    end = today - timedelta(days=1)
    while True:  # the latest period end whose second warning is already due
        first = end + timedelta(days=1)
        while not calendar.is_working_day(first):
            first += timedelta(days=1)
        if calendar.add_working_days(first, gap) <= today:
            break
        end -= timedelta(days=1)
    start = asing.add_months(end + timedelta(days=1), -3)
    body = _lembaga(tenant, "Families Together International", [tenant.kode_wilayah], "Ms. Jane Cooper") | {
        "negara_asal": "Australia", "hubungan_diplomatik": True, "periode_laporan_bulan": 3,
    }
    org = asing.catat(session, kernel, tenant, body)
    lembaga = session.scalar(select(Lembaga).where(Lembaga.organization_id == org.id))
    until = start + timedelta(days=3 * 365)
    profile = tenant_profile(session, kernel, tenant, "lks")
    kemenlu_docs = {d["kode"]: _pdf(d["kode"]) for d in profile.value("dokumen_izin_kemenlu")}
    operasional_docs = {d["kode"]: _pdf(d["kode"]) for d in profile.value("dokumen_izin_operasional")}
    for jenis, docs, issued in (("kemenlu", kemenlu_docs, start - timedelta(days=90)), ("operasional", operasional_docs, start - timedelta(days=30))):
        asing.catat_izin(session, kernel, tenant, org, {
            "jenis": jenis, "keputusan": "diberikan", "nomor": f"DEMO/{jenis.upper()}/{issued.year}", "tanggal": issued,
            "berlaku_mulai": issued, "berlaku_sampai": until, "penerbit": None, "alasan": None,
        }, _as_uploads(docs), demo.officer)
    teknis = asing.terbitkan_izin_teknis(session, kernel, tenant, org, lembaga, {
        "nomor": f"503/IT-LKSA/{start.year}", "tanggal": start, "berlaku_mulai": start, "berlaku_sampai": until, "catatan": None,
    }, demo.officer)
    # As if the permit had been entered when it was issued (paper records keyed in at go-live):
    # the missed report is then judged, and the ladder is at the date the law puts it.
    teknis.dicatat_pada = datetime.combine(start, time(9), tzinfo=timezone(timedelta(hours=7)))
    session.flush()
    asing.catat_laporan_terlewat(session, kernel, tenant, today)
    sanksi.eskalasi(session, kernel, tenant, today)


class _Upload:
    """What the API hands the service: a werkzeug FileStorage-like object."""

    def __init__(self, berkas: Berkas) -> None:
        self.filename, self.stream = berkas.filename, berkas.stream


def _as_uploads(docs: dict[str, Berkas]) -> dict[str, Any]:
    return {k: _Upload(v) for k, v in docs.items()}
