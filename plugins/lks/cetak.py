"""Printable documents: the tanda pendaftaran and the letter of each sanction, as self-contained
HTML (print to paper or PDF from any browser; nothing is fetched from anywhere). Rendered from
the stored records on request, so a reprint is always identical to the first print."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select

from core.sdk import Organization, case_profile, get_owned, tenant_calendar, tenant_profile

from . import sanksi as sanksi_rules
from .sanksi import rupiah
from .lembaga import wilayah_out
from .models import Lembaga, Pelanggaran, Sanksi

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)
_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember")


def tgl(value: date | None) -> str:
    return "-" if value is None else f"{value.day} {_BULAN[value.month - 1]} {value.year}"


def _render(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(tgl=tgl, rupiah=rupiah, **context)


def tanda_pendaftaran(session: Any, kernel: Any, tenant: Any, case: Any, p: Any) -> str:
    from core.sdk import NotFound

    if p.nomor is None:
        raise NotFound("tanda_pendaftaran_belum_terbit", "Tanda pendaftaran untuk permohonan ini belum diterbitkan.")
    profile = case_profile(session, kernel, tenant, case)
    org = get_owned(session, Organization, p.organization_id)
    lembaga = session.scalar(select(Lembaga).where(Lembaga.organization_id == org.id))
    kewenangan = profile.citation("kewenangan_pendaftaran")
    return _render(
        "tanda_pendaftaran.html", judul="Tanda Pendaftaran LKS", tenant=tenant, p=p, org=org, lembaga=lembaga,
        wilayah=wilayah_out(p.wilayah_kerja), batas=profile.value("batas_tanda_pendaftaran_hari_kerja"),
        cite={
            "wajib": f"{kewenangan.regulation} Pasal {kewenangan.pasal} ayat (1)",
            "kewenangan": f"{kewenangan} huruf c",
            "persyaratan": str(profile.citation("dokumen_pendaftaran")),
            "biaya": str(profile.citation("tanpa_biaya")),
            "batas": str(profile.citation("batas_tanda_pendaftaran_hari_kerja")),
        },
        tanggal_teks=tgl(p.tanggal_terbit), penandatangan=f"Kepala Dinas Sosial {tenant.nama}",
    )


def surat_sanksi(session: Any, kernel: Any, tenant: Any, s: Sanksi, pl: Pelanggaran) -> str:
    profile = tenant_profile(session, kernel, tenant, "lks")
    org = get_owned(session, Organization, s.organization_id)
    lembaga = session.scalar(select(Lembaga).where(Lembaga.organization_id == org.id))
    nxt = _langkah_sesudah(profile, tenant_calendar(session, tenant), s, pl)
    label = sanksi_rules.langkah_label(s.langkah)
    return _render(
        "sanksi.html", judul=label, tenant=tenant, s=s, pl=pl, org=org, lembaga=lembaga,
        pelanggaran_label=sanksi_rules.PELANGGARAN_LABELS[pl.jenis], langkah_label=label,
        berikutnya=nxt if nxt is not None and nxt.tanggal > s.tanggal else None,
        penetap=profile.value("penetap_sanksi"), cite_penetap=str(profile.citation("penetap_sanksi")),
        tanggal_teks=tgl(s.tanggal), penandatangan=f"a.n. {profile.value('penetap_sanksi')} — Kepala Dinas Sosial {tenant.nama}",
    )


def _langkah_sesudah(profile: Any, calendar: Any, s: Sanksi, pl: Pelanggaran) -> Any:
    """The ladder's step after this one, as the letter announced it when it was sent: whether
    the LKS complied since does not change what the letter said (a reprint is the same letter)."""
    if pl.jenis not in sanksi_rules.LADDER_KINDS:
        return None
    ladder = sanksi_rules.tangga(profile, calendar, pl)
    kodes = [langkah.kode for langkah in ladder]
    if s.langkah not in kodes:
        return None
    i = kodes.index(s.langkah)
    return ladder[i + 1] if i + 1 < len(ladder) else None
