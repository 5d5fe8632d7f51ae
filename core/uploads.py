"""Uploaded documents as the kernel accepts them, for every service (the case file's documents,
core/cases/documents.py, and the LKS plugin's, plugins/lks/dokumen.py): PDF, JPEG or PNG,
no larger than `KESOS_UPLOAD_MAX_MB`, with a file name that is safe to show back.

A document's type is judged by its first bytes, not by the name or the Content-Type the client
sent: a renamed executable is not a PDF.
"""
from __future__ import annotations

import re
import unicodedata
from typing import IO, Any

from core.errors import InvalidInput

# Scans and exports a Dinas Sosial receives: PDF, JPEG, PNG.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
ALLOWED = ", ".join(sorted({ext.upper() for _, _, ext in _MAGIC}))


class Berkas:
    """One uploaded file as a service sees it: its name and a seekable stream."""

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
    """(media type, extension) of a document by its first bytes, or None."""
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
