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
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from flask import Response
from marshmallow import Schema, ValidationError
from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit
from core.crypto import NIK, blind_index
from core.db import Base, CrossTenantWrite, JSONDoc, TenantEntity, UTCDateTime, current_tenant_id, get_owned, new_id, utcnow
from core.errors import InvalidInput, KesosError, NotFound
from core.jobs import JobContext, enqueue
from core.registry.models import Person
from core.registry.nik import check_nik
from core.rules import RuleViolation
from core.storage import delete_when_committed, measure, new_key, store

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
    - `key(values)`: what makes two rows the same record (e.g. the NIK) — a second row with the
      same key in the file is rejected with `duplicate`;
    - `refuse(session, rows, parameter)`: for one batch of parsed rows, the keys the tenant's
      data refuses, each with its reason (e.g. "NIK sudah terdaftar"), in one query or a few;
    - `write(session, tenant_id, rows, parameter)`: insert one batch (in the job's transaction);
    - `params` / `check(session, parameter)`: for an import that applies to something (e.g. the
      event whose affected people the file lists), the form fields beside the file, and the
      check that they name something the import may apply to — run when the file is uploaded
      and again when the job starts (it may have changed in between).
    """

    name: str
    plugin: str | None
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    parse: Callable[[dict[str, Any]], dict[str, Any]]
    key: Callable[[dict[str, Any]], str]
    refuse: Callable[[Session, list[dict[str, Any]], dict[str, Any]], dict[str, str]]
    write: Callable[[Session, uuid.UUID, list[dict[str, Any]], dict[str, Any]], None]
    duplicate: str = "Baris yang sama disebut lebih dari sekali dalam berkas ini."
    params: type[Schema] | None = None
    check: Callable[[Session, dict[str, Any]], None] | None = None


class ImportRun(TenantEntity, Base):
    """One import of a file: where it stands, what it accepted and rejected."""

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_tenant_id_requested_at", "tenant_id", "requested_at"),)

    jenis: Mapped[str] = mapped_column(String(40))  # the importer's name, e.g. "persons"
    nama_berkas: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(10))  # csv / xlsx
    kunci_berkas: Mapped[str] = mapped_column(String(300))
    parameter: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)  # what the import applies to
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


# An XLSX is a zip archive that openpyxl inflates as it reads: a file of a few hundred KB can
# unpack to gigabytes (a "zip bomb") and exhaust the worker's memory. The archive's directory
# states each part's sizes before anything is inflated, and Python's zipfile never yields more
# than the stated size, so the directory is checked first. A registry export of 100,000 rows
# unpacks to ~50 MB at ~13:1; deflate bombs run near its 1032:1 maximum.
XLSX_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
XLSX_MAX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024  # tiny parts (styles, a blank sheet) may compress better


def _refuse_zip_bomb(stream: IO[bytes]) -> None:
    """422 for an archive that would unpack too large; anything not a zip is left to openpyxl."""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        stream.seek(0)
    unpacked = sum(p.file_size for p in parts)
    # per part: a bomb beside incompressible padding must not pass on the archive's average
    bomb = any(p.file_size > _RATIO_FROM_BYTES and p.file_size > XLSX_MAX_RATIO * max(p.compress_size, 1) for p in parts)
    if unpacked > XLSX_MAX_UNPACKED_BYTES or bomb:
        reason = (f"Berkas XLSX terurai menjadi {unpacked // (1024 * 1024)} MB; paling besar "
                  f"{XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)} MB, dan tiap bagiannya paling besar {XLSX_MAX_RATIO} kali "
                  "ukuran terkompresinya. Simpan ulang sebagai CSV atau bagi menjadi beberapa berkas.")
        raise InvalidInput({"berkas": [reason]}, message=reason)


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    _refuse_zip_bomb(stream)
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
    except InvalidInput:
        raise  # its own reason (e.g. an XLSX that unpacks too large)
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
    if "\x00" in text:  # PostgreSQL cannot store it: the row is refused, not the whole import
        raise ValueError("Teks memuat karakter NUL (\\u0000), yang tidak dapat disimpan.")
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


def parse_nik(value: Any) -> str:
    """A NIK cell on its own (no birth date or sex to compare it with): its structure checked,
    or ValueError with the reason."""
    nik = _nik(value)
    if nik is None:
        raise ValueError("nik: wajib diisi.")
    result = check_nik(nik, birth_date=None, sex=None)
    if not result.ok:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in result.errors.items()))
    return nik


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


def registered_niks(session: Session, niks: list[str]) -> dict[str, uuid.UUID]:
    """The NIKs of the tenant's registry among these, with the person's id (found through
    their blind index: the NIK column itself is encrypted)."""
    by_index = {blind_index(nik, NIK): nik for nik in niks}
    found = session.execute(select(Person.nik_index, Person.id).where(Person.nik_index.in_(by_index)))
    return {by_index[index]: pid for index, pid in found}


def insert_persons(session: Session, tenant_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    """Rows of `parse_row` into the registry. Core insert in batches: the ORM's per-object
    bookkeeping is what would exhaust memory. The NIK and KK are encrypted by their column type
    for the current tenant, so the rows must be that tenant's; the blind index is set here (the
    ORM's attribute events do not run for a Core insert, and the column refuses NULL)."""
    if tenant_id != current_tenant_id():
        raise CrossTenantWrite("insert_persons for a tenant other than the current one")
    now = utcnow()
    session.execute(insert(Person), [
        r | {"id": new_id(), "tenant_id": tenant_id, "nik_index": blind_index(r["nik"], NIK, tenant_id), "version": 1, "created_at": now}
        for r in rows
    ])


def _refuse_registered(session: Session, rows: list[dict[str, Any]], _parameter: dict[str, Any]) -> dict[str, str]:
    return {nik: "NIK sudah terdaftar di kabupaten/kota ini." for nik in registered_niks(session, [r["nik"] for r in rows])}


PERSONS = Importer(
    name="persons", plugin=None, title="Penerima pelayanan", required=REQUIRED, optional=OPTIONAL,
    parse=parse_row, key=lambda values: values["nik"], refuse=_refuse_registered,
    write=lambda session, tenant_id, rows, _parameter: insert_persons(session, tenant_id, rows),
    duplicate="NIK disebut lebih dari sekali dalam berkas ini.",
)


# -- the request and the job ------------------------------------------------------------------


def available_importers(session: Session, kernel: Any, tenant: Any) -> dict[str, Importer]:
    """What may be imported here: the kernel's importers and those of the plugins enabled for
    this tenant (a disabled plugin's importer is not offered; its runs are kept). One place for
    the API (core/api/imports.py) and the console (core/console/views/impor.py)."""
    enabled = kernel.enabled_plugins(session, tenant)
    return {n: i for n, i in kernel.plugins.importers.items() if i.plugin is None or i.plugin in enabled}


def available_importer(session: Session, kernel: Any, tenant: Any, name: str) -> Importer:
    """One importer available here, or 404."""
    importer = available_importers(session, kernel, tenant).get(name)
    if importer is None:
        raise NotFound("impor_tidak_tersedia", f"Impor '{name}' tidak tersedia di kabupaten/kota ini.")
    return importer


def get_run(session: Session, run_id: uuid.UUID) -> ImportRun:
    """A run of the current tenant; 404 for another tenant's (ids cannot be probed)."""
    run = get_owned(session, ImportRun, run_id)
    if run is None:
        raise NotFound("impor_tidak_ditemukan", "Impor tidak ditemukan.")
    return run


def rejected_rows_response(kernel: Any, run: ImportRun) -> Response:
    """The rejected rows as written in the file, with `alasan_ditolak`, streamed from the
    document store as a CSV download; 404 when the run rejected nothing."""
    if run.kunci_ditolak is None:
        raise NotFound("tidak_ada_baris_ditolak", "Impor ini tidak memiliki baris yang ditolak.")
    response = Response(kernel.storage.open(run.kunci_ditolak), content_type="text/csv; charset=utf-8", direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="ditolak-{run.id}.csv"'
    return response


def load_parameter(session: Session, importer: Importer, form: dict[str, Any]) -> dict[str, Any] | None:
    """The form fields beside the file, loaded by the importer's `params` schema (422 naming
    the field) and checked against the tenant's data; None for an importer that takes none."""
    if importer.params is None:
        if form:
            raise InvalidInput({k: ["Impor ini tidak memakai isian ini."] for k in form})
        return None
    try:
        parameter = importer.params().dump(importer.params().load(form))
    except ValidationError as exc:
        raise InvalidInput(exc.messages) from exc  # type: ignore[arg-type]
    if importer.check is not None:
        importer.check(session, parameter)
    return parameter


def request_import(
    session: Session, kernel: Any, tenant: Any, importer: Importer, upload: Any, actor_id: uuid.UUID, form: dict[str, Any] | None = None
) -> ImportRun:
    """Check the form and the file's header, store the file, record the run and queue the job
    (after commit)."""
    parameter = load_parameter(session, importer, form or {})
    if upload is None or not getattr(upload, "filename", None):
        raise InvalidInput({"berkas": ["Berkas wajib diunggah."]})
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200]  # no NUL (PostgreSQL refuses it) nor other controls
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
    run = ImportRun(jenis=importer.name, nama_berkas=name, format=fmt, kunci_berkas=stored.key, parameter=parameter, requested_by=actor_id)
    session.add(run)
    session.flush()
    audit.record(session, "import.request", "import_run", run.id,
                 {"jenis": run.jenis, "berkas": name, "sha256": stored.sha256, "parameter": parameter})
    enqueue(session, run_import, str(run.id), tenant_id=tenant.id, actor_id=actor_id, idempotency_key=f"import_run:{run.id}")
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
    meta = (run.kunci_berkas, run.format, run.parameter or {})
    ctx.session.expunge(run)  # the progress transactions update this row; this one must not hold it
    counts = {"baris_dibaca": 0, "diterima": 0, "ditolak": 0}
    rejected = tempfile.TemporaryFile()
    rejected_csv = io.TextIOWrapper(rejected, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(rejected_csv)
    try:
        if importer is None or (importer.plugin is not None and importer.plugin not in ctx.kernel.enabled_plugins(ctx.session, ctx.tenant)):
            raise LookupError("Layanan impor ini tidak aktif di kabupaten/kota ini.")
        if importer.check is not None:
            importer.check(ctx.session, meta[2])
        with ctx.session.begin_nested():
            _import(ctx, importer, rid, meta, counts, writer)
        error = None
    except UnicodeDecodeError:
        error = f"Berkas tidak berkode UTF-8 (sekitar baris {counts['baris_dibaca'] + 1}); simpan ulang sebagai 'CSV UTF-8'."
    except (KesosError, RuleViolation) as exc:  # what it applies to no longer allows it (e.g. the event closed)
        error = (f"{exc.message} ({exc.citation})" if isinstance(exc, RuleViolation) else exc.message)[:2000]
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
    # The upload's rows are in the registry now (or the run failed for good and is not re-run):
    # the file, full of NIKs, goes when this commits. The rejected rows keep their own file.
    delete_when_committed(ctx.session, ctx.kernel.storage, meta[0])
    audit.record(ctx.session, "import.done" if error is None else "import.failed", "import_run", run.id, dict(counts, error=error))
    rejected_csv.close()


run_import.prepare = _mark_running  # type: ignore[attr-defined]


def _import(
    ctx: JobContext, importer: Importer, rid: uuid.UUID, meta: tuple[str, str, dict[str, Any]], counts: dict[str, int], writer: Any
) -> None:
    key, fmt, parameter = meta
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
                _write(ctx, importer, parameter, batch, seen, counts, writer)
                batch = []
                _progress(ctx, rid, **counts)
        _write(ctx, importer, parameter, batch, seen, counts, writer)


def _write(
    ctx: JobContext, importer: Importer, parameter: dict[str, Any], batch: list[tuple[list[Any], dict[str, Any]]], seen: set[str],
    counts: dict[str, int], writer: Any,
) -> None:
    if not batch:
        return
    refused = importer.refuse(ctx.session, [values for _, values in batch], parameter)
    rows = []
    for cells, values in batch:
        key = importer.key(values)
        if key in refused:
            reason = refused[key]
        elif key in seen:
            reason = importer.duplicate
        else:
            seen.add(key)
            rows.append(values)
            continue
        writer.writerow([*cells, reason])
        counts["ditolak"] += 1
    if rows:
        importer.write(ctx.session, ctx.tenant.id, rows, parameter)
        counts["diterima"] += len(rows)
