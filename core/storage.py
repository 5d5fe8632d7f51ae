"""Where uploaded documents live: behind one small interface, a local directory by default.

Files are kept outside the database (scanned deeds and decrees run to megabytes each) and named
by an opaque key that a plugin stores on its document row with the file's size and checksum.
`LocalStorage` writes under `KESOS_STORAGE_DIR`; an S3-compatible store (MinIO, a provincial
object store) implements the same four methods (`put`, `open`, `delete`, `exists`) and is chosen
in `build_storage` — nothing else in Kesos knows where the bytes are.

A file is written during the request, before its row is committed. `store()` therefore ties the
file to the transaction: if the transaction (or the savepoint it was written in) rolls back, the
file is deleted, so a refused or failed upload leaves nothing behind.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.config import ConfigError, Settings
from core.db import undone_by

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}(/[a-z0-9][a-z0-9_.-]{0,99}){1,5}$")
_CHUNK = 1024 * 1024
_WRITTEN = "kesos_stored_files"
_UNNEEDED = "kesos_unneeded_files"


class DocumentStorage(Protocol):
    """What Kesos asks of a document store. Keys are relative, lower-case paths such as
    `<tenant_id>/lks/<uuid>`; a store must refuse anything else (no `..`, no absolute paths)."""

    def put(self, key: str, stream: IO[bytes]) -> None:
        """Write the whole stream under `key` (atomically: a reader never sees half a file)."""

    def open(self, key: str) -> IO[bytes]:
        """The stored bytes, for reading; FileNotFoundError when there is none."""

    def delete(self, key: str) -> None:
        """Remove `key` if it exists."""

    def exists(self, key: str) -> bool:
        """Whether `key` is stored."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key) or ".." in key:
        raise ValueError(f"kunci berkas tidak sah: {key!r}")
    return key


class LocalStorage:
    """Files under one directory (a PersistentVolume in Kubernetes)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, stream: IO[bytes]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: atomic on one filesystem.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".unggah-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    out.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def build_storage(settings: Settings) -> DocumentStorage:
    if settings.storage_backend == "local":
        return LocalStorage(settings.document_dir)
    raise ConfigError(
        f"KESOS_STORAGE={settings.storage_backend!r} belum didukung; gunakan 'local' "
        "(penyimpanan S3 cukup mengimplementasikan DocumentStorage di core/storage.py)."
    )


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def measure(stream: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of a seekable stream, read in chunks; the stream is rewound."""
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    for chunk in _chunks(stream):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def new_key(tenant_id: uuid.UUID, area: str) -> str:
    return check_key(f"{tenant_id}/{area}/{uuid.uuid4().hex}")


def store(session: Session, storage: DocumentStorage, key: str, stream: IO[bytes]) -> StoredFile:
    """Write `stream` under `key`, bound to the session's current transaction: a rollback of
    that transaction (or of the savepoint it was written in) deletes the file again."""
    size, sha256 = measure(stream)
    owner = session.get_nested_transaction() or session.get_transaction() or session.begin()
    storage.put(key, stream)
    session.info.setdefault(_WRITTEN, []).append((owner, storage, key))
    return StoredFile(key, size, sha256)


def delete_when_committed(session: Session, storage: DocumentStorage, key: str) -> None:
    """Delete `key` once the session's transaction commits — a file whose row no longer needs
    it (an import's upload once its rows are in the registry, so its NIKs are not kept twice).
    If the transaction rolls back, the file stays: the row that still needs it stays too."""
    session.info.setdefault(_UNNEEDED, []).append((storage, check_key(key)))


@event.listens_for(Session, "after_soft_rollback")
def _delete_on_rollback(session: Session, previous_transaction: Any) -> None:
    written = session.info.get(_WRITTEN)
    if not written:
        return
    kept = []
    for owner, storage, key in written:
        if undone_by(owner, previous_transaction):
            storage.delete(key)
        else:
            kept.append((owner, storage, key))
    session.info[_WRITTEN] = kept


@event.listens_for(Session, "after_commit")
def _keep_on_commit(session: Session) -> None:
    if session.get_nested_transaction() is None:
        session.info.pop(_WRITTEN, None)
        for storage, key in session.info.pop(_UNNEEDED, []):
            storage.delete(key)


@event.listens_for(Session, "after_transaction_end")
def _delete_uncommitted(session: Session, transaction: Any) -> None:
    # A session closed without commit (an error page, a killed request) ends its transaction
    # without a rollback event: what it wrote was never committed, so it goes too.
    if transaction.parent is None:
        for _owner, storage, key in session.info.pop(_WRITTEN, []):
            storage.delete(key)
        session.info.pop(_UNNEEDED, None)  # not committed: the files are still needed
