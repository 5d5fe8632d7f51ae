"""Bulk imports from CSV or XLSX, as a background job: people into a tenant's registry (the
kernel's own `persons` importer), and whatever a plugin contributes through
`kesos_register_importers` (e.g. an official welfare register), with the same engine.

The file is uploaded (kept in the document store), checked for its header at once (a missing
column, an empty file or a file that is not UTF-8 text is refused with 422 before any job runs),
then read as a stream in batches: each row is validated like a person entered by hand (NIK
structure and consistency with birth date and sex), deduplicated against the file itself and
the tenant's registry, and inserted in batches. A row that fails never stops the job: it goes
to a downloadable CSV of rejected rows with the reason. All accepted rows are written in the
job's one transaction (all or nothing); progress is committed separately, batch by batch, so
the API shows it while the job runs. 100,000 rows need a few MB: nothing but the NIKs seen so
far is kept in memory (bench/import_persons.py measures it).
"""
from __future__ import annotations

import csv
import io
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from marshmallow import ValidationError
from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit
from core.db import Base, TenantEntity, UTCDateTime, get_owned, new_id, utcnow
from core.errors import InvalidInput
from core.jobs import JobContext, enqueue
from core.registry.models import Person
from core.registry.nik import check_nik
from core.storage import measure, new_key, store

BATCH = 1000
REQUIRED = ("nik", "nama", "tanggal_lahir", "jenis_kelamin")
OPTIONAL = ("alamat", "kode_wilayah", "nomor_kk")
_SEX = {"l": "L", "laki-laki": "L", "laki laki": "L", "p": "P", "perempuan": "P"}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
_EXACT_INT = 2**53  # a NIK stored as a number beyond this has already lost digits


@dataclass(frozen=True)
class Importer:
    """What can be imported, and how one row becomes one record.

    - `parse(raw)`: a row (column → cell, names lower-case) as the values to write, or
      ValueError whose text (Bahasa Indonesia) goes into the rejected-rows file;
    - `key(values)`: what makes two rows the same record (e.g. the NIK) — duplicates in the file
      and `existing(session, keys)` (those already stored, tenant-scoped) are rejected;
    - `write(session, tenant_id, rows)`: insert one batch (in the job's transaction);
    - `duplicate` / `exists`: the reasons given for those two rejections.
    """

    name: str
    plugin: str | None
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    parse: Callable[[dict[str, Any]], dict[str, Any]]
    key: Callable[[dict[str, Any]], str]
    existing: Callable[[Session, list[str]], set[str]]
    write: Callable[[Session, uuid.UUID, list[dict[str, Any]]], None]
    duplicate: str = "Baris yang sama disebut lebih dari sekali dalam berkas ini."
    exists: str = "Data ini sudah ada di kabupaten/kota ini."


class ImportRun(TenantEntity, Base):
    """One import of a file: where it stands, what it accepted and rejected."""

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_tenant_id_requested_at", "tenant_id", "requested_at"),)

    jenis: Mapped[str] = mapped_column(String(40))  # the importer's name, e.g. "persons"
    nama_berkas: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(10))  # csv / xlsx
    kunci_berkas: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued/running/done/failed
    baris_dibaca: Mapped[int] = mapped_column(Integer, default=0)
    diterima: Mapped[int] = mapped_column(Integer, default=0)
    ditolak: Mapped[int] = mapped_column(Integer, default=0)
    kunci_ditolak: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# -- reading a file ---------------------------------------------------------------------------


def _column(name: Any) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _text_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        # Indonesian spreadsheets often export with ";" (the decimal separator is ",").
        delimiter = ";" if first.count(";") > first.count(",") else ","
        yield next(csv.reader([first], delimiter=delimiter), [])
        yield from csv.reader(text, delimiter=delimiter)
    finally:
        text.detach()  # the caller's stream stays open (a wrapper closes what it wraps)


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def rows_of(stream: IO[bytes], fmt: str) -> Iterator[list[Any]]:
    """The file's rows, the header first, read as a stream."""
    return _xlsx_rows(stream) if fmt == "xlsx" else _text_rows(stream)


def check_header(stream: IO[bytes], fmt: str, importer: Importer) -> list[str]:
    """The file's columns, or 422 naming what is wrong with it."""
    rows = rows_of(stream, fmt)
    try:
        header = [_column(c) for c in next(rows, [])]
    except UnicodeDecodeError as exc:
        raise InvalidInput({"berkas": ["Berkas CSV harus berkode UTF-8 (simpan ulang sebagai 'CSV UTF-8')."]}) from exc
    except Exception as exc:  # noqa: BLE001 — a file openpyxl cannot read is not a spreadsheet
        raise InvalidInput({"berkas": [f"Berkas tidak dapat dibaca sebagai {fmt.upper()}."]}) from exc
    finally:
        rows.close()
        stream.seek(0)
    if not any(header):
        raise InvalidInput({"berkas": ["Berkas kosong: baris pertama harus berisi nama kolom."]})
    missing = [c for c in importer.required if c not in header]
    if missing:
        known = ", ".join(importer.required + importer.optional)
        raise InvalidInput({"berkas": [f"Kolom wajib tidak ada: {', '.join(missing)} (kolom yang dikenal: {known})."]})
    return header


# -- one row ----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _nik(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if value >= _EXACT_INT:
            raise ValueError("NIK tersimpan sebagai angka sehingga digitnya bisa berubah; simpan kolom NIK sebagai teks.")
        return str(value)
    return _text(value)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Tanggal lahir '{text}' tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT.")


def parse_row(raw: dict[str, Any]) -> dict[str, Any]:
    """One row as the registry's fields, or ValueError with the reason in Bahasa Indonesia."""
    from core.registry.schemas import PersonCreateSchema

    sex = _SEX.get((_text(raw.get("jenis_kelamin")) or "").lower())
    values = {
        "nik": _nik(raw.get("nik")), "nama": _text(raw.get("nama")), "tanggal_lahir": _date(raw.get("tanggal_lahir")),
        "jenis_kelamin": sex or _text(raw.get("jenis_kelamin")),
        "alamat": _text(raw.get("alamat")), "kode_wilayah": _text(raw.get("kode_wilayah")), "nomor_kk": _nik(raw.get("nomor_kk")),
    }
    as_text = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v is not None}
    try:
        loaded = PersonCreateSchema().load(as_text)
    except ValidationError as exc:
        field, messages = next(iter(exc.messages.items()))  # type: ignore[union-attr]
        raise ValueError(f"{field}: {messages[0] if isinstance(messages, list) else messages}") from exc
    result = check_nik(loaded["nik"], birth_date=loaded["tanggal_lahir"], sex=loaded["jenis_kelamin"], region_code=loaded.get("kode_wilayah"))
    if not result.ok:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in result.errors.items()))
    loaded.pop("household_id", None)
    return loaded


def _existing_niks(session: Session, niks: list[str]) -> set[str]:
    return set(session.scalars(select(Person.nik).where(Person.nik.in_(niks))))


def _insert_persons(session: Session, tenant_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    # Core insert in batches: the ORM's per-object bookkeeping is what would exhaust memory.
    now = utcnow()
    session.execute(insert(Person), [r | {"id": new_id(), "tenant_id": tenant_id, "version": 1, "created_at": now} for r in rows])


PERSONS = Importer(
    name="persons", plugin=None, title="Penerima pelayanan", required=REQUIRED, optional=OPTIONAL,
    parse=parse_row, key=lambda values: values["nik"], existing=_existing_niks, write=_insert_persons,
    duplicate="NIK disebut lebih dari sekali dalam berkas ini.", exists="NIK sudah terdaftar di kabupaten/kota ini.",
)


# -- the request and the job ------------------------------------------------------------------


def request_import(session: Session, kernel: Any, tenant: Any, importer: Importer, upload: Any, actor_id: uuid.UUID) -> ImportRun:
    """Store the file, check its header, record the run and queue the job (after commit)."""
    if upload is None or not getattr(upload, "filename", None):
        raise InvalidInput({"berkas": ["Berkas wajib diunggah."]})
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    fmt = "xlsx" if name.lower().endswith(".xlsx") else "csv" if name.lower().endswith(".csv") else None
    if fmt is None:
        raise InvalidInput({"berkas": ["Unggah berkas .csv atau .xlsx."]})
    size, _ = measure(upload.stream)
    if size == 0:
        raise InvalidInput({"berkas": ["Berkas kosong."]})
    if size > kernel.settings.upload_max_bytes:
        raise InvalidInput({"berkas": [f"Berkas terlalu besar: paling besar {kernel.settings.upload_max_bytes // (1024 * 1024)} MB."]})
    check_header(upload.stream, fmt, importer)
    stored = store(session, kernel.storage, new_key(tenant.id, "impor"), upload.stream)
    run = ImportRun(jenis=importer.name, nama_berkas=name, format=fmt, kunci_berkas=stored.key, requested_by=actor_id)
    session.add(run)
    session.flush()
    audit.record(session, "import.request", "import_run", run.id, {"jenis": run.jenis, "berkas": name, "sha256": stored.sha256})
    enqueue(session, run_import, str(run.id), tenant_id=tenant.id, actor_id=actor_id)
    return run


def _progress(ctx: JobContext, run_id: uuid.UUID, **values: Any) -> None:
    """Committed at once in a transaction of its own, so the API shows it while the job's own
    transaction is still open (the job itself does not touch the run's row until the end).
    SQLite has one writer at a time and the job's transaction is it: there, progress shows at
    the end only."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return
    with ctx.kernel.db.unit_of_work(ctx.tenant.id) as s:
        run = get_owned(s, ImportRun, run_id)
        if run is not None:
            for key, value in values.items():
                setattr(run, key, value)


def _mark_running(ctx: JobContext, run_id: str) -> None:
    run = get_owned(ctx.session, ImportRun, uuid.UUID(run_id))
    if run is not None and run.status == "queued":
        run.status = "running"


def run_import(ctx: JobContext, run_id: str) -> None:
    """The job: read the stored file and import its rows in one transaction."""
    rid = uuid.UUID(run_id)
    run = get_owned(ctx.session, ImportRun, rid)
    if run is None or run.status not in ("queued", "running"):
        return  # already imported: a retried job must not import twice
    importer = ctx.kernel.plugins.importers.get(run.jenis)
    meta = (run.kunci_berkas, run.format)
    ctx.session.expunge(run)  # the progress transactions update this row; this one must not hold it
    counts = {"baris_dibaca": 0, "diterima": 0, "ditolak": 0}
    rejected = tempfile.TemporaryFile()
    rejected_csv = io.TextIOWrapper(rejected, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(rejected_csv)
    try:
        if importer is None or (importer.plugin is not None and importer.plugin not in ctx.kernel.enabled_plugins(ctx.session, ctx.tenant)):
            raise LookupError("Layanan impor ini tidak aktif di kabupaten/kota ini.")
        with ctx.session.begin_nested():
            _import(ctx, importer, rid, meta, counts, writer)
        error = None
    except UnicodeDecodeError:
        error = f"Berkas tidak berkode UTF-8 (sekitar baris {counts['baris_dibaca'] + 1}); simpan ulang sebagai 'CSV UTF-8'."
    except Exception as exc:  # noqa: BLE001 — a file that cannot be read fails the run, recorded
        error = f"Baris {counts['baris_dibaca'] + 1}: {exc}"[:2000]
    run = get_owned(ctx.session, ImportRun, rid)
    assert run is not None
    run.baris_dibaca, run.diterima, run.ditolak = counts["baris_dibaca"], counts["diterima"], counts["ditolak"]
    if error is not None:
        run.status, run.error, run.diterima = "failed", error, 0
    else:
        run.status = "done"
        if counts["ditolak"]:
            rejected_csv.flush()
            rejected.seek(0)
            run.kunci_ditolak = store(ctx.session, ctx.kernel.storage, new_key(ctx.tenant.id, "impor"), rejected).key
    run.finished_at = utcnow()
    audit.record(ctx.session, "import.done" if error is None else "import.failed", "import_run", run.id, dict(counts, error=error))
    rejected_csv.close()


run_import.prepare = _mark_running  # type: ignore[attr-defined]


def _import(ctx: JobContext, importer: Importer, rid: uuid.UUID, meta: tuple[str, str], counts: dict[str, int], writer: Any) -> None:
    key, fmt = meta
    seen: set[str] = set()
    with ctx.kernel.storage.open(key) as stream:
        rows = rows_of(stream, fmt)
        header = [_column(c) for c in next(rows, [])]
        writer.writerow([*header, "alasan_ditolak"])
        batch: list[tuple[list[Any], dict[str, Any]]] = []
        for cells in rows:
            if not any(c not in (None, "") for c in cells):
                continue  # blank lines are not rows
            counts["baris_dibaca"] += 1
            raw = dict(zip(header, cells))
            try:
                batch.append((cells, importer.parse(raw)))
            except ValueError as exc:
                writer.writerow([*cells, str(exc)])
                counts["ditolak"] += 1
            if len(batch) >= BATCH:
                _write(ctx, importer, batch, seen, counts, writer)
                batch = []
                _progress(ctx, rid, **counts)
        _write(ctx, importer, batch, seen, counts, writer)


def _write(
    ctx: JobContext, importer: Importer, batch: list[tuple[list[Any], dict[str, Any]]], seen: set[str], counts: dict[str, int], writer: Any
) -> None:
    if not batch:
        return
    existing = importer.existing(ctx.session, [importer.key(values) for _, values in batch])
    rows = []
    for cells, values in batch:
        key = importer.key(values)
        if key in existing:
            reason = importer.exists
        elif key in seen:
            reason = importer.duplicate
        else:
            seen.add(key)
            rows.append(values)
            continue
        writer.writerow([*cells, reason])
        counts["ditolak"] += 1
    if rows:
        importer.write(ctx.session, ctx.tenant.id, rows)
        counts["diterima"] += len(rows)
