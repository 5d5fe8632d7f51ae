"""The document store: files bound to the transaction that wrote them (kept on commit, deleted
on rollback — a savepoint's rollback deletes only its own), keys that cannot leave the store's
directory, and a clear refusal of a backend that does not exist."""
from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from core.config import ConfigError, load_settings
from core.storage import LocalStorage, build_storage, check_key, new_key, store


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_committed_file_stays_and_a_rolled_back_one_goes(kernel, tmp_path):
    storage = LocalStorage(tmp_path / "berkas")
    tid = uuid.uuid4()
    kept, gone = new_key(tid, "uji"), new_key(tid, "uji")
    with kernel.db.session_factory() as s:
        with s.begin():
            stored = store(s, storage, kept, io.BytesIO(b"%PDF-1.4 satu"))
        with s.begin():
            store(s, storage, gone, io.BytesIO(b"%PDF-1.4 dua"))
            s.rollback()
    assert stored.size == len(b"%PDF-1.4 satu") and len(stored.sha256) == 64
    assert storage.exists(kept) and not storage.exists(gone)
    assert storage.open(kept).read() == b"%PDF-1.4 satu"


def test_a_savepoint_rollback_deletes_only_what_it_wrote(kernel, tmp_path):
    storage = LocalStorage(tmp_path / "berkas")
    tid = uuid.uuid4()
    outer, inner = new_key(tid, "uji"), new_key(tid, "uji")
    with kernel.db.session_factory() as s, s.begin():
        store(s, storage, outer, io.BytesIO(b"luar"))
        nested = s.begin_nested()
        store(s, storage, inner, io.BytesIO(b"dalam"))
        nested.rollback()
        assert storage.exists(outer) and not storage.exists(inner)
    assert storage.exists(outer)


def test_a_session_closed_without_commit_leaves_nothing(kernel, tmp_path):
    storage = LocalStorage(tmp_path / "berkas")
    key = new_key(uuid.uuid4(), "uji")
    s = kernel.db.session_factory()
    s.begin()
    store(s, storage, key, io.BytesIO(b"setengah jalan"))
    s.close()
    assert _files(tmp_path / "berkas") == []


@pytest.mark.parametrize("key", ["../luar", "/etc/passwd", "a/../../b", "A/B", "satu", "a//b", ""])
def test_keys_cannot_leave_the_store(key, tmp_path):
    with pytest.raises(ValueError):
        check_key(key)
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put(key, io.BytesIO(b"x"))


def test_an_unknown_backend_stops_start_up_with_a_clear_message(tmp_path):
    with pytest.raises(ConfigError, match="KESOS_STORAGE tidak dikenal: 's3'"):
        load_settings(environ={"KESOS_STORAGE": "s3", "KESOS_INSTANCE_DIR": str(tmp_path)})
    settings = load_settings(environ={"KESOS_INSTANCE_DIR": str(tmp_path)})
    assert settings.document_dir == tmp_path / "berkas"
    assert isinstance(build_storage(settings), LocalStorage)
    assert load_settings(environ={"KESOS_STORAGE_DIR": str(tmp_path / "pv"), "KESOS_UPLOAD_MAX_MB": "3"}).upload_max_bytes == 3 * 1024 * 1024
