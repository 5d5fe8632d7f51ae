"""Uploaded documents: type and size limits, checksum, the uploader, and the bytes kept in the
kernel's document store (bound to the request's transaction: a refused request leaves no file).

A document's type is judged by its first bytes, not by the name or the Content-Type the client
sent: a renamed executable is not a PDF.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from typing import IO, Any

from sqlalchemy import select

from core.sdk import InvalidInput, NotFound, get_owned, new_storage_key, record_audit, store_file

from .access import Lingkup
from .models import Dokumen

# Scans and exports a Dinas Sosial receives: PDF, JPEG, PNG.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
ALLOWED = ", ".join(sorted({ext.upper() for _, _, ext in _MAGIC}))


class Berkas:
    """One uploaded file as the service sees it: its name and a seekable stream."""

    def __init__(self, filename: str | None, stream: IO[bytes]) -> None:
        self.filename = filename or ""
        self.stream = stream

    @classmethod
    def of(cls, upload: Any) -> Berkas | None:
        """From a werkzeug FileStorage (None when the field was sent empty)."""
        if upload is None or not getattr(upload, "filename", None):
            return None
        return cls(upload.filename, upload.stream)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, media_type, ext in _MAGIC:
        if head.startswith(magic):
            return media_type, ext
    return None


def safe_name(filename: str, ext: str) -> str:
    """The client's file name without any path, control characters or odd punctuation: it is
    shown back and used in Content-Disposition, never as a path."""
    base = re.split(r"[\\/]", filename)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .")[:150]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'dokumen'}.{ext}"


def check_berkas(berkas: Berkas | None, max_bytes: int, field: str = "berkas") -> tuple[str, str, int]:
    """(media_type, safe file name, size) of an acceptable file, or 422 naming `field`."""
    if berkas is None:
        raise InvalidInput({field: ["Berkas wajib diunggah."]})
    stream = berkas.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise InvalidInput({field: ["Berkas kosong."]})
    if size > max_bytes:
        raise InvalidInput({field: [f"Berkas terlalu besar: {size:,} bita; paling besar {max_bytes:,} bita.".replace(",", ".")]})
    kind = sniff(stream.read(16))
    stream.seek(0)
    if kind is None:
        raise InvalidInput({field: [f"Jenis berkas tidak didukung; unggah {ALLOWED}."]})
    media_type, ext = kind
    return media_type, safe_name(berkas.filename, ext), size


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
