"""Uploaded documents: type and size limits, checksum, the uploader, and the bytes kept in the
kernel's document store (bound to the request's transaction: a refused request leaves no file).

The limits themselves (PDF, JPEG, PNG judged by their first bytes; the size limit; a safe file
name) are the kernel's, shared with the case file's documents (core/uploads.py through the SDK).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import IO, Any

from sqlalchemy import select

from core.sdk import (
    UPLOAD_TYPES as ALLOWED,
    Berkas,
    NotFound,
    check_berkas,
    get_owned,
    new_storage_key,
    record_audit,
    safe_upload_name as safe_name,
    sniff_upload as sniff,
    store_file,
)

from .access import Lingkup
from .models import Dokumen

# The kernel's names kept here too: the LKS modules (and the demo, bench) say dokumen.Berkas.
__all__ = ["ALLOWED", "Berkas", "buka", "check_berkas", "get_dokumen", "of", "safe_name", "simpan", "simpan_semua", "sniff", "unknown_files"]


def simpan(
    session: Any,
    kernel: Any,
    tenant: Any,
    *,
    organization_id: uuid.UUID,
    jenis: str,
    berkas: Berkas | None,
    actor_id: uuid.UUID,
    field: str = "berkas",
    case_id: uuid.UUID | None = None,
    izin_id: uuid.UUID | None = None,
    laporan_id: uuid.UUID | None = None,
) -> Dokumen:
    """Check, store and record one document (audited). Callers check first that its kind
    (`jenis`) belongs where it is attached."""
    media_type, nama, _ = check_berkas(berkas, kernel.settings.upload_max_bytes, field)
    assert berkas is not None
    stored = store_file(session, kernel.storage, new_storage_key(tenant.id, "lks"), berkas.stream)
    dokumen = Dokumen(
        organization_id=organization_id, case_id=case_id, izin_id=izin_id, laporan_id=laporan_id, jenis=jenis,
        nama_berkas=nama, media_type=media_type, ukuran=stored.size, sha256=stored.sha256, kunci=stored.key,
        diunggah_oleh=actor_id,
    )
    session.add(dokumen)
    session.flush()
    record_audit(
        session, "lks.dokumen.unggah", "organization", organization_id,
        {"dokumen_id": dokumen.id, "jenis": jenis, "sha256": stored.sha256, "ukuran": stored.size, "case_id": case_id},
    )
    return dokumen


def simpan_semua(
    session: Any, kernel: Any, tenant: Any, files: Mapping[str, Berkas], actor_id: uuid.UUID, **attach: Any
) -> list[Dokumen]:
    """Several documents of one decision, each under its own code (the form field's name)."""
    return [
        simpan(session, kernel, tenant, jenis=jenis, berkas=berkas, actor_id=actor_id, field=jenis, **attach)
        for jenis, berkas in sorted(files.items())
    ]


def unknown_files(files: Iterable[str], allowed: Iterable[str]) -> dict[str, list[str]]:
    known = set(allowed)
    return {name: [f"Dokumen '{name}' tidak dikenal; yang dapat dilampirkan: {', '.join(sorted(known))}."] for name in files if name not in known}


def of(session: Any, *, case_id: uuid.UUID | None = None, izin_ids: list[uuid.UUID] | None = None, laporan_ids: list[uuid.UUID] | None = None) -> list[Dokumen]:
    stmt = select(Dokumen).order_by(Dokumen.diunggah_pada, Dokumen.id)
    if case_id is not None:
        stmt = stmt.where(Dokumen.case_id == case_id)
    elif izin_ids is not None:
        stmt = stmt.where(Dokumen.izin_id.in_(izin_ids or [uuid.UUID(int=0)]))
    elif laporan_ids is not None:
        stmt = stmt.where(Dokumen.laporan_id.in_(laporan_ids or [uuid.UUID(int=0)]))
    return list(session.scalars(stmt))


def get_dokumen(session: Any, dokumen_id: uuid.UUID, scope: Lingkup) -> Dokumen:
    dokumen = get_owned(session, Dokumen, dokumen_id)
    if dokumen is None or not scope.boleh(dokumen.organization_id):
        raise NotFound("dokumen_tidak_ditemukan", "Dokumen tidak ditemukan.")
    return dokumen


def buka(kernel: Any, dokumen: Dokumen) -> IO[bytes]:
    try:
        return kernel.storage.open(dokumen.kunci)  # type: ignore[no-any-return]
    except FileNotFoundError as exc:
        raise NotFound("berkas_hilang", "Berkas dokumen tidak ada di penyimpanan; hubungi admin platform.") from exc
