"""The documents of a case file, for any case type: a referral letter, a scanned statement, a
photo of the home visit.

The bytes live in the kernel's document store (core/storage.py), written in the request's
transaction, so a refused or failed upload leaves neither a row nor a file. The kernel's upload
limits apply (core/uploads.py: PDF, JPEG or PNG judged by their first bytes, at most
`KESOS_UPLOAD_MAX_MB`).

Confidentiality (Perbup Balangan 61/2017 Pasal 29 huruf b, kerahasiaan): the documents are part
of the case file. Their list (name, kind, date, who) is metadata, shown to whoever may read the
case; their content only to those who may read its notes (`can_read_notes`: the assigned workers
and the roles granted `cases.notes.read`). Every upload and every download is audited.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import IO

from flask import Response
from sqlalchemy import BigInteger, ForeignKey, Index, Select, String, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit
from core.cases.models import Case, CaseEvent
from core.cases.services import can_read_notes
from core.db import Base, TenantEntity, UTCDateTime, get_owned, tenant_fk, utcnow
from core.errors import Conflict, Forbidden, NotFound
from core.kernel import Kernel
from core.storage import new_key, store
from core.tenancy.models import Tenant
from core.uploads import Berkas, check_berkas

STORAGE_AREA = "kasus"  # keys are <tenant_id>/kasus/<uuid>
NOT_FOR_YOU = (
    "Isi dokumen kasus hanya dapat dibuka oleh petugas yang ditugaskan pada kasus ini dan peran "
    "yang berwenang membaca catatan kasus (kerahasiaan); Anda hanya melihat daftarnya."
)


class CaseDocument(TenantEntity, Base):
    """A document of a case file. The bytes are in the document store under `kunci`; the row
    keeps their type (as sniffed, not as the client claimed), size and SHA-256."""

    __tablename__ = "case_documents"
    __table_args__ = (
        tenant_fk(["case_id"], "cases"),
        # The case page and the API list a case's documents, newest first.
        Index("ix_case_documents_tenant_id_case_id_diunggah_pada", "tenant_id", "case_id", "diunggah_pada"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    nama_berkas: Mapped[str] = mapped_column(String(200))  # the client's name, sanitised
    keterangan: Mapped[str] = mapped_column(String(200))  # what it is, e.g. "surat rujukan"
    content_type: Mapped[str] = mapped_column(String(100))
    ukuran: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    kunci: Mapped[str] = mapped_column(String(300))
    diunggah_oleh: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    diunggah_pada: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def documents_query(case: Case) -> Select[tuple[CaseDocument]]:
    """A case's documents, newest first (to paginate)."""
    return (
        select(CaseDocument)
        .where(CaseDocument.case_id == case.id)
        .order_by(CaseDocument.diunggah_pada.desc(), CaseDocument.id.desc())
    )


def add_document(
    session: Session, kernel: Kernel, tenant: Tenant, case: Case, *, keterangan: str, berkas: Berkas | None, actor_id: uuid.UUID
) -> CaseDocument:
    """Check, store and record one document of an open case; recorded in the case history and
    the audit log. A closed case's file is complete: nothing is added to it (409)."""
    if case.status != "open":
        raise Conflict("kasus_sudah_ditutup", "Kasus sudah ditutup; dokumen tidak dapat ditambahkan.")
    content_type, nama, _ = check_berkas(berkas, kernel.settings.upload_max_bytes)
    assert berkas is not None
    stored = store(session, kernel.storage, new_key(tenant.id, STORAGE_AREA), berkas.stream)
    document = CaseDocument(
        case_id=case.id, nama_berkas=nama, keterangan=keterangan, content_type=content_type,
        ukuran=stored.size, sha256=stored.sha256, kunci=stored.key, diunggah_oleh=actor_id,
    )
    session.add(document)
    session.flush()
    session.add(CaseEvent(
        case_id=case.id, actor_id=actor_id, kind="document_added",
        data={"dokumen_id": str(document.id), "nama_berkas": nama, "keterangan": keterangan},
    ))
    session.flush()
    audit.record(
        session, "case.dokumen.unggah", "case", case.id,
        {"dokumen_id": document.id, "sha256": stored.sha256, "ukuran": stored.size},
    )
    return document


def get_document(session: Session, case: Case, document_id: uuid.UUID) -> CaseDocument:
    """A document of this case (another case's or tenant's id: 404, as if it did not exist)."""
    document = get_owned(session, CaseDocument, document_id)
    if document is None or document.case_id != case.id:
        raise NotFound("dokumen_tidak_ditemukan", "Dokumen tidak ditemukan.")
    return document


def open_document(
    session: Session,
    kernel: Kernel,
    case: Case,
    document: CaseDocument,
    *,
    user_id: uuid.UUID | None,
    roles: frozenset[str],
    permissions: dict[str, frozenset[str]],
) -> IO[bytes]:
    """The document's bytes for a reader who may read the case's notes (else 403); the read
    is audited."""
    if not can_read_notes(session, case, user_id, roles, permissions):  # the notes' right: Pasal 29 huruf b
        raise Forbidden(message=NOT_FOR_YOU)
    try:
        stream: IO[bytes] = kernel.storage.open(document.kunci)
    except FileNotFoundError as exc:
        raise NotFound("berkas_hilang", "Berkas dokumen tidak ada di penyimpanan; hubungi admin platform.") from exc
    audit.record(session, "case.dokumen.unduh", "case", case.id, {"dokumen_id": document.id})
    return stream


def download(
    session: Session, kernel: Kernel, case: Case, document_id: uuid.UUID, *,
    user_id: uuid.UUID | None, roles: frozenset[str], permissions: dict[str, frozenset[str]],
) -> Response:
    """The download of GET /cases/<id>/dokumen/<doc_id> and of the console's link: always an
    attachment, never shown inline (a PDF or image of a case opens outside the console's
    pages), and the browser is told not to guess another type."""
    document = get_document(session, case, document_id)
    stream = open_document(session, kernel, case, document, user_id=user_id, roles=roles, permissions=permissions)
    response = Response(stream, content_type=document.content_type, direct_passthrough=True)
    response.headers.update({
        "Content-Disposition": f'attachment; filename="{document.nama_berkas}"',
        "X-Content-Type-Options": "nosniff",
        "X-Content-SHA256": document.sha256,
    })
    return response