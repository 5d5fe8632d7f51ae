"""Importing the people affected by an event from the field teams' list (CSV/XLSX): registered
people are attached, new ones registered first when the row gives their data, the rest come back
in the rejected-rows file with the reason; the event is named in the form and must be here and
still running — also when the job starts."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import tenant_context
from core.registry.models import Person
from plugins.perlindungan.models import Terdampak
from tests.core.api.helpers import tenant_id
from tests.factories import nik_for
from tests.rq_helpers import redis_settings, work

T = "/api/v1/tenants"
IMPOR = "imports/perlindungan.terdampak"


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return redis_settings() if request.node.get_closest_marker("redis") else {}


@pytest.fixture
def b(world: dict[str, Any]) -> Any:
    return world["balangan"]


def _kejadian(client: Any, w: Any) -> str:
    body = {"nama": "Banjir Paringin", "jenis": "bencana", "tanggal_mulai": "2026-01-10", "lokasi": "Kec. Paringin"}
    r = client.post(f"{T}/{w.slug}/perlindungan/kejadian", json=body, headers=w.officer.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _upload(client: Any, w: Any, content: bytes, kejadian_id: str | None, name: str = "terdampak.csv") -> Any:
    form: dict[str, Any] = {"berkas": (io.BytesIO(content), name)}
    if kejadian_id is not None:
        form["kejadian_id"] = kejadian_id
    return client.post(f"{T}/{w.slug}/{IMPOR}", data=form, content_type="multipart/form-data", headers=w.officer.headers)


def _run(client: Any, w: Any, run_id: str) -> dict[str, Any]:
    return client.get(f"{T}/{w.slug}/imports/{run_id}", headers=w.officer.headers).get_json()


def _rejected(client: Any, w: Any, run_id: str) -> dict[str, str]:
    r = client.get(f"{T}/{w.slug}/imports/{run_id}/ditolak", headers=w.officer.headers)
    assert r.status_code == 200
    return {row["nik"]: row["alasan_ditolak"] for row in csv.DictReader(io.StringIO(r.get_data(as_text=True)))}


def _affected(kernel: Any, slug: str) -> list[str]:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return sorted(s.scalars(select(Person.nama).join(Terdampak, Terdampak.person_id == Person.id)))


def _people(kernel: Any, slug: str) -> int:
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        return int(s.scalar(select(func.count()).select_from(Person)))


def test_the_field_list_attaches_registered_people_registers_new_ones_and_explains_the_rest(client, kernel, b, world):
    kejadian = _kejadian(client, b)
    baru = nik_for("63.11", date(1992, 4, 7), "P", 7001)
    rows = [
        "nik,nama,tanggal_lahir,jenis_kelamin,alamat",
        f"{b.siti.nik},,,,",  # registered: attached as she is
        f"{b.ahmad.nik},Nama Lain,{b.ahmad.tanggal_lahir.isoformat()},L,",  # registered: the registry is not overwritten
        f"{baru},Nur Aini,1992-04-07,P,Desa Batu Piring",  # new: registered, then attached
        f"{nik_for('63.11', date(1970, 1, 1), 'L', 7002)},,,,",  # unknown and no data to register
        f"{b.siti.nik},,,,",  # twice in the file
        f"{world['tabalong'].rizky.nik},,,,",  # someone of another kabupaten is unknown here
        "1234,,,,",
    ]
    r = _upload(client, b, "\n".join(rows).encode(), kejadian)
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["parameter"] == {"kejadian_id": kejadian}
    run = _run(client, b, r.get_json()["id"])
    assert (run["status"], run["baris_dibaca"], run["diterima"], run["ditolak"]) == ("done", 7, 3, 4)
    assert _affected(kernel, "balangan") == ["Ahmad Fauzi", "Nur Aini", "Siti Aminah"]
    reasons = _rejected(client, b, run["id"])
    assert "isi juga nama, tanggal_lahir dan jenis_kelamin" in reasons[nik_for("63.11", date(1970, 1, 1), "L", 7002)]
    assert "isi juga nama" in reasons[world["tabalong"].rizky.nik]
    assert reasons[b.siti.nik] == "NIK disebut lebih dari sekali dalam berkas ini."
    assert "16" in reasons["1234"]
    assert _affected(kernel, "tabalong") == []

    listed = client.get(f"{T}/balangan/perlindungan/kejadian/{kejadian}/terdampak", headers=b.officer.headers).get_json()
    assert len(listed) == 3

    # The same list again attaches nobody twice.
    again = _run(client, b, _upload(client, b, "\n".join(rows).encode(), kejadian).get_json()["id"])
    assert (again["diterima"], again["ditolak"]) == (0, 7)
    assert _rejected(client, b, again["id"])[baru] == "Sudah tercatat sebagai terdampak kejadian ini."
    assert len(_affected(kernel, "balangan")) == 3


def test_an_xlsx_list_imports_the_same_way(client, kernel, b):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin"])
    wb.active.append([b.rizky.nik, None, None, None])
    wb.active.append([nik_for("63.11", date(1988, 12, 1), "L", 7003), "Budi", date(1988, 12, 1), "L"])
    out = io.BytesIO()
    wb.save(out)
    run = _run(client, b, _upload(client, b, out.getvalue(), _kejadian(client, b), "terdampak.xlsx").get_json()["id"])
    assert (run["status"], run["diterima"], run["ditolak"]) == ("done", 2, 0)
    assert _affected(kernel, "balangan") == ["Budi", "Rizky Pratama"]


def test_the_event_must_be_named_exist_here_and_be_running(client, kernel, b, world):
    content = f"nik\n{b.siti.nik}\n".encode()
    before = _people(kernel, "balangan")
    r = _upload(client, b, content, None)
    assert r.status_code == 422 and "kejadian_id" in r.get_json()["errors"]
    r = _upload(client, b, content, "bukan-uuid")
    assert r.status_code == 422 and "kejadian_id" in r.get_json()["errors"]
    other = _kejadian(client, world["tabalong"])
    r = _upload(client, b, content, other)  # another kabupaten's event is unknown here
    assert r.status_code == 404 and r.get_json()["code"] == "kejadian_tidak_ditemukan"

    kejadian = _kejadian(client, b)
    closed = client.post(f"{T}/balangan/perlindungan/kejadian/{kejadian}/tutup", json={"tanggal": "2026-02-01", "keterangan": "Pulih"},
                         headers=b.officer.headers)
    assert closed.status_code == 200, closed.get_json()
    r = _upload(client, b, content, kejadian)
    assert r.status_code == 409 and r.get_json()["code"] == "kejadian_ditutup"
    assert client.get(f"{T}/balangan/imports", headers=b.officer.headers).get_json() == []
    assert _affected(kernel, "balangan") == [] and _people(kernel, "balangan") == before


def test_an_import_that_takes_no_form_fields_refuses_them(client, b):
    r = client.post(f"{T}/balangan/imports/persons", data={"berkas": (io.BytesIO(b"nik,nama,tanggal_lahir,jenis_kelamin\n"), "p.csv"),
                                                           "kejadian_id": "x"}, content_type="multipart/form-data", headers=b.officer.headers)
    assert r.status_code == 422 and r.get_json()["errors"] == {"kejadian_id": ["Impor ini tidak memakai isian ini."]}


def test_the_importer_is_listed_with_its_form_field(client, b):
    kinds = {k["name"]: k for k in client.get(f"{T}/balangan/imports/jenis", headers=b.officer.headers).get_json()}
    assert kinds["perlindungan.terdampak"]["parameter"] == ["kejadian_id"]
    assert kinds["perlindungan.terdampak"]["required"] == ["nik"]
    assert kinds["persons"]["parameter"] == []


@pytest.mark.redis
def test_an_event_closed_before_the_worker_starts_fails_the_run_and_attaches_nobody(client, kernel, b, rq_queue):
    kejadian = _kejadian(client, b)
    r = _upload(client, b, f"nik\n{b.siti.nik}\n".encode(), kejadian)
    assert r.status_code == 202 and _run(client, b, r.get_json()["id"])["status"] == "queued"
    closed = client.post(f"{T}/balangan/perlindungan/kejadian/{kejadian}/tutup", json={"tanggal": "2026-02-01", "keterangan": "Pulih"},
                         headers=b.officer.headers)
    assert closed.status_code == 200
    work(rq_queue)
    run = _run(client, b, r.get_json()["id"])
    assert run["status"] == "failed" and "sudah ditutup" in run["error"]
    assert _affected(kernel, "balangan") == []
