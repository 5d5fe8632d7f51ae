"""Personal data (UU 27/2022; Perbup Balangan 61/2017 Pasal 29 huruf b, kerahasiaan): NIK and KK
numbers encrypted at rest and found through a blind index, key rotation, masking per role with
audited full reads, the export of one person's data, and anonymisation where the law allows it.

Raw columns are read with SQL as the tenant (on PostgreSQL as the app role, under row-level
security), exactly what someone holding a copy of the database would see.
"""
from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, pool, text

from core import crypto, migrate
from core.cli import main
from core.config import ConfigError, load_settings
from core.crypto import NIK, SealedDataError, blind_index, build_keyring, keyring
from core.db import tenant_context, tenant_owned_tables
from core.kernel import get_kernel, set_process_kernel
from tests.core.api.helpers import (
    A_KODE,
    A_SLUG,
    AHMAD,
    B_KODE,
    B_SLUG,
    NIK_SITI,
    NIL_UUID,
    SITI,
    audit_log,
    error_of,
    tenant_id,
    url,
)
from tests.pg import fresh_database, require_pg
from tests.refusals import refused

KK_SITI = "6311010101100001"
PERSONS = url(A_SLUG, "persons")
ROLES = ("tenant_admin", "officer", "peksos", "tks", "auditor", "lks_operator")
UU_PDP_RETENTION = "UU 27/2022 Pasal 15 ayat (1) huruf c"


def _key(byte: int) -> str:
    return base64.b64encode(bytes([byte]) * 32).decode()


K1, K2, BLIND = _key(1), _key(2), _key(3)


@pytest.fixture(autouse=True)
def _keep_the_process_keyring() -> Iterator[None]:
    """Tests here install other keys (a second app, the CLI): the next test gets its own back."""
    previous = crypto.use_keyring(None)
    crypto.use_keyring(previous)
    yield
    crypto.use_keyring(previous)


@pytest.fixture
def staff(make: Any) -> dict[str, Any]:
    make.tenant(A_SLUG, A_KODE)
    make.tenant(B_SLUG, B_KODE)
    make.enable(A_SLUG)  # the fixture plugin: cases, and the two personal-data hooks
    return {role: make.user(f"{role}.balangan", {A_SLUG: [role]}) for role in ROLES}


def _create(client: Any, actor: Any, body: dict[str, Any], slug: str = A_SLUG) -> dict[str, Any]:
    r = client.post(url(slug, "persons"), json=body, headers=actor.headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def _siti_with_family(client: Any, actor: Any) -> dict[str, Any]:
    r = client.post(url(A_SLUG, "households"), json={"nomor_kk": KK_SITI, "alamat": "Desa Batu Piring"}, headers=actor.headers)
    assert r.status_code == 201, r.get_json()
    return _create(client, actor, {**SITI, "nomor_kk": KK_SITI, "household_id": r.get_json()["id"], "alamat": "Jl. A. Yani 5"})


def _tenant_sql(sql: str) -> Any:
    # `:t` is the tenant's id, bound as a UUID the way each backend stores it. (SQLite has no
    # row-level security: the filter is what keeps to the tenant there.)
    return text(sql).bindparams(sa.bindparam("t", type_=sa.Uuid()))


def _raw(kernel: Any, slug: str, sql: str) -> list[Any]:
    """Rows as stored, read with SQL as the tenant (RLS on PostgreSQL); `sql` filters on `:t`."""
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s:
        return list(s.execute(_tenant_sql(sql), {"t": tid}).all())


def _everything_stored(kernel: Any, slug: str) -> str:
    """Every value of every tenant-owned table of the tenant, as text."""
    tid = tenant_id(kernel, slug)
    with kernel.db.unit_of_work(tid) as s:
        return "\n".join(
            str(tuple(row)) for t in tenant_owned_tables() for row in s.execute(_tenant_sql(f'SELECT * FROM "{t}" WHERE tenant_id = :t'), {"t": tid})
        )


def _open_case(client: Any, actor: Any, person_id: str, keterangan: str = "uji", assigned: Any = ()) -> Any:
    r = client.post(url(A_SLUG, "cases"), json={
        "case_type": "fixture_kasus", "subject_type": "person", "person_id": person_id,
        "data": {"keterangan": keterangan}, "assigned": [{"user_id": str(a.user_id), "peran": "peksos"} for a in assigned],
    }, headers=actor.headers)
    assert r.status_code == 201, r.get_json()
    return r


def _close_case(client: Any, actor: Any, opened: Any) -> None:
    case_id, etag = opened.get_json()["id"], opened.headers["ETag"]
    for stage in ("tangani", "selesai"):
        r = client.post(url(A_SLUG, f"cases/{case_id}/advance"), json={"to_stage": stage, "data": {}}, headers={**actor.headers, "If-Match": etag})
        assert r.status_code == 200, r.get_json()
        etag = r.headers["ETag"]


def _anonymise(client: Any, actor: Any, person_id: str, alasan: str = "Permohonan tercatat subjek data 12/2026", slug: str = A_SLUG) -> Any:
    etag = client.get(url(slug, f"persons/{person_id}"), headers=actor.headers).headers.get("ETag", '"1"')
    return client.post(url(slug, f"persons/{person_id}/anonimkan"), json={"alasan": alasan}, headers={**actor.headers, "If-Match": etag})


def _actions(kernel: Any, action: str) -> list[Any]:
    return [e for e in audit_log(kernel, A_SLUG) if e.action == action]


# -- encryption at rest --------------------------------------------------------------------------


def test_the_database_holds_no_plaintext_nik_or_kk_and_no_log_does(client, kernel, staff, caplog):
    # Even with every logger at DEBUG (SQLAlchemy then logs each statement and its parameters).
    caplog.set_level(logging.DEBUG)
    officer = staff["officer"]
    person = _siti_with_family(client, officer)
    client.get(PERSONS, query_string={"nik": NIK_SITI}, headers=officer.headers)
    client.get(url(A_SLUG, f"persons/{person['id']}"), headers=officer.headers)

    [(nik, nik_index, kk)] = _raw(kernel, A_SLUG, "SELECT nik, nik_index, nomor_kk FROM persons WHERE tenant_id = :t")
    assert nik.startswith("v1:dev:") and kk.startswith("v1:dev:") and nik != kk
    assert re.fullmatch(r"[0-9a-f]{64}", nik_index)
    [(household_kk, household_index)] = _raw(kernel, A_SLUG, "SELECT nomor_kk, nomor_kk_index FROM households WHERE tenant_id = :t")
    assert household_kk.startswith("v1:dev:") and household_kk != kk  # a fresh nonce each time
    assert re.fullmatch(r"[0-9a-f]{64}", household_index)
    stored = _everything_stored(kernel, A_SLUG)  # the audit log included
    assert NIK_SITI not in stored and KK_SITI not in stored
    assert NIK_SITI not in caplog.text and KK_SITI not in caplog.text
    # ... while the people who work with the record still read it in full.
    shown = client.get(url(A_SLUG, f"persons/{person['id']}"), headers=officer.headers).get_json()
    assert (shown["nik"], shown["nomor_kk"]) == (NIK_SITI, KK_SITI)


def test_lookup_and_uniqueness_go_through_the_blind_index(client, kernel, make, staff):
    officer = staff["officer"]
    siti = _create(client, officer, SITI)
    ahmad = _create(client, officer, AHMAD)
    found = client.get(PERSONS, query_string={"nik": NIK_SITI}, headers=officer.headers).get_json()
    assert [p["id"] for p in found] == [siti["id"]]
    error_of(client.post(PERSONS, json=SITI, headers=officer.headers), 409, "nik_sudah_terdaftar")
    etag = client.get(url(A_SLUG, f"persons/{ahmad['id']}"), headers=officer.headers).headers["ETag"]
    r = client.patch(url(A_SLUG, f"persons/{ahmad['id']}"), json={"nik": NIK_SITI, "tanggal_lahir": "1987-09-05", "jenis_kelamin": "P"},
                     headers={**officer.headers, "If-Match": etag})
    error_of(r, 409, "nik_sudah_terdaftar")
    assert client.post(url(A_SLUG, "households"), json={"nomor_kk": KK_SITI}, headers=officer.headers).status_code == 201
    error_of(client.post(url(A_SLUG, "households"), json={"nomor_kk": KK_SITI}, headers=officer.headers), 409, "kk_sudah_terdaftar")

    # Another kabupaten keeps its own record of the same person; the two indexes differ, so the
    # database does not even tell that both serve her.
    tabalong = make.user("petugas.tabalong", {B_SLUG: ["officer"]})
    _create(client, tabalong, SITI, slug=B_SLUG)
    [(a_index,)] = _raw(kernel, A_SLUG, "SELECT nik_index FROM persons WHERE tenant_id = :t AND nama = 'Siti Aminah'")
    [(b_index,)] = _raw(kernel, B_SLUG, "SELECT nik_index FROM persons WHERE tenant_id = :t")
    assert a_index != b_index


def test_comparing_the_encrypted_column_itself_is_refused_loudly():
    from core.crypto import EncryptedComparison
    from core.registry.models import Person

    # A random nonce would make `nik == x` silently match nothing.
    with pytest.raises(EncryptedComparison, match="blind index"):
        Person.nik == NIK_SITI  # noqa: B015
    with pytest.raises(EncryptedComparison):
        Person.nik.in_([NIK_SITI])


def test_a_ciphertext_copied_into_another_tenants_row_does_not_decrypt(app, client, kernel, make, staff):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handler answers
    _create(client, staff["officer"], SITI)
    tabalong = make.user("petugas.tabalong", {B_SLUG: ["officer"]})
    ahmad_b = _create(client, tabalong, {**AHMAD, "nik": "6309021203900002"}, slug=B_SLUG)
    [(sealed,)] = _raw(kernel, A_SLUG, "SELECT nik FROM persons WHERE tenant_id = :t")
    with kernel.db.unit_of_work(tenant_id(kernel, B_SLUG)) as s:
        s.execute(_tenant_sql("UPDATE persons SET nik = :sealed WHERE tenant_id = :t"), {"sealed": sealed, "t": tenant_id(kernel, B_SLUG)})

    r = client.get(url(B_SLUG, f"persons/{ahmad_b['id']}"), headers=tabalong.headers)
    error_of(r, 500, "kesalahan_server")
    assert NIK_SITI not in r.get_data(as_text=True)
    # The same ciphertext still opens in the tenant it was sealed for, and only there.
    assert keyring().decrypt(sealed, tenant_id(kernel, A_SLUG)) == NIK_SITI
    with pytest.raises(SealedDataError, match="kabupaten/kota lain"):
        keyring().decrypt(sealed, tenant_id(kernel, B_SLUG))


# -- keys: configuration and rotation ------------------------------------------------------------


def test_production_refuses_to_start_without_data_keys():
    production = {"KESOS_ENV": "production", "SECRET_KEY": "x7Gq2LmN9pRt4VwZ8bCd1FhJ5kMs3QyU6aEe0iOo"}
    with pytest.raises(ConfigError, match="KESOS_DATA_KEYS"):
        load_settings(environ=production)
    # The development key may stay listed (to rotate away from it) but never seal new values.
    dev = base64.b64encode(crypto.DEV_DATA_KEY).decode()
    with pytest.raises(ConfigError, match="kunci pengembangan"):
        load_settings(environ=production | {"KESOS_DATA_KEYS": f"dev:{dev}", "KESOS_BLIND_INDEX_KEY": BLIND})
    s = load_settings(environ=production | {"KESOS_DATA_KEYS": f"dev:{dev},k1:{K1}", "KESOS_DATA_KEY_ID": "k1", "KESOS_BLIND_INDEX_KEY": BLIND})
    assert s.is_production and K1 not in repr(s) and BLIND not in repr(s)


@pytest.mark.parametrize(("environ", "message"), [
    ({"KESOS_DATA_KEYS": f"k1:{K1}"}, "harus diisi bersama"),
    ({"KESOS_DATA_KEYS": "k1:pendek", "KESOS_BLIND_INDEX_KEY": BLIND}, "32 byte"),
    ({"KESOS_DATA_KEYS": f"kunci satu:{K1}", "KESOS_BLIND_INDEX_KEY": BLIND}, "id kunci"),
    ({"KESOS_DATA_KEYS": f"k1:{K1},k2:{K2}", "KESOS_BLIND_INDEX_KEY": BLIND}, "KESOS_DATA_KEY_ID"),
    ({"KESOS_DATA_KEYS": f"k1:{K1}", "KESOS_DATA_KEY_ID": "k9", "KESOS_BLIND_INDEX_KEY": BLIND}, "'k9' tidak ada"),
    ({"KESOS_DATA_KEYS": f"k1:{K1}", "KESOS_BLIND_INDEX_KEY": K1}, "berbeda"),
])
def test_unusable_keys_stop_start_up_in_any_environment(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def _stored_key_ids(kernel: Any, slug: str) -> set[str]:
    rows = _raw(kernel, slug, "SELECT nik, nomor_kk FROM persons WHERE tenant_id = :t") + _raw(kernel, slug, "SELECT nomor_kk, NULL FROM households WHERE tenant_id = :t")
    return {value.split(":")[1] for row in rows for value in row if value is not None}


def test_keys_rotate_reencrypts_every_row_to_the_current_key(kernel, build_app, make, database_urls, tenants_dir, tmp_path):
    make.tenant(A_SLUG, A_KODE)
    make.tenant(B_SLUG, B_KODE)
    old = build_app(data_keys=f"k1:{K1}", blind_index_key=BLIND).test_client()
    officer = make.user("petugas.balangan", {A_SLUG: ["officer"]})
    tabalong = make.user("petugas.tabalong", {B_SLUG: ["officer"]})
    siti = _siti_with_family(old, officer)
    _create(old, officer, AHMAD)
    _create(old, tabalong, {**AHMAD, "nik": "6309021203900002"}, slug=B_SLUG)
    assert _stored_key_ids(kernel, A_SLUG) == _stored_key_ids(kernel, B_SLUG) == {"k1"}

    # k2 becomes current: what k1 sealed still opens, what is written now is sealed with k2.
    both = build_app(data_keys=f"k1:{K1},k2:{K2}", data_key_id="k2", blind_index_key=BLIND).test_client()
    assert both.get(url(A_SLUG, f"persons/{siti['id']}"), headers=officer.headers).get_json()["nik"] == NIK_SITI
    _create(both, officer, {**SITI, "nik": "6311014509870003", "nama": "Siti Rahmah"})
    assert _stored_key_ids(kernel, A_SLUG) == {"k1", "k2"}

    env = {
        "DATABASE_URL": database_urls["database_url"], "MIGRATION_DATABASE_URL": database_urls["migration_database_url"],
        "KESOS_APP_DB_ROLE": database_urls.get("app_db_role"), "KESOS_TENANTS_DIR": str(tenants_dir),
        "KESOS_INSTANCE_DIR": str(tmp_path / "cli"), "KESOS_ENV": None, "SECRET_KEY": None, "REDIS_URL": None,
        "KESOS_BLOCK_PLUGINS": None, "KESOS_DATA_KEYS": f"k1:{K1},k2:{K2}", "KESOS_DATA_KEY_ID": "k2", "KESOS_BLIND_INDEX_KEY": BLIND,
    }

    def rotate() -> str:
        result = CliRunner().invoke(main, ["keys", "rotate", "--batch", "1"], env=env)
        cli_kernel = get_kernel()
        if cli_kernel is not kernel:
            cli_kernel.db.dispose()
        set_process_kernel(kernel)
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    out = rotate()
    # Siti (NIK and KK), Ahmad and the household in Balangan; Ahmad in Tabalong; in batches of one.
    assert f"{A_SLUG:<24} households 1, persons 2" in out
    assert f"{B_SLUG:<24} persons 1" in out
    assert "kunci 'k2'" in out
    assert _stored_key_ids(kernel, A_SLUG) == _stored_key_ids(kernel, B_SLUG) == {"k2"}
    entries = _actions(kernel, "data_pribadi.kunci_dirotasi")
    assert [e.summary for e in entries] == [{"kunci": "k2", "baris": {"households": 1, "jaminan_register": 0, "persons": 2}}]

    # Idempotent: nothing is left for a second run.
    again = rotate()
    assert f"{A_SLUG:<24} tidak ada yang perlu diubah" in again
    assert len(_actions(kernel, "data_pribadi.kunci_dirotasi")) == 1

    # k1 can now be dropped: everything opens with k2 alone, and the blind index still finds her.
    new = build_app(data_keys=f"k2:{K2}", blind_index_key=BLIND).test_client()
    shown = new.get(url(A_SLUG, f"persons/{siti['id']}"), headers=officer.headers).get_json()
    assert (shown["nik"], shown["nomor_kk"]) == (NIK_SITI, KK_SITI)
    assert [p["id"] for p in new.get(PERSONS, query_string={"nik": NIK_SITI}, headers=officer.headers).get_json()] == [siti["id"]]


def test_a_rotation_missing_an_old_key_stops_and_says_which(kernel, build_app, make):
    from core.keyrotation import rotate_keys

    make.tenant(A_SLUG, A_KODE)
    build_app(data_keys=f"k1:{K1}", blind_index_key=BLIND)
    make.person(A_SLUG)
    k2_only = build_app(data_keys=f"k2:{K2}", blind_index_key=BLIND).extensions["kesos"]
    with pytest.raises(SealedDataError, match="kunci data 'k1' tidak ada di KESOS_DATA_KEYS"):
        rotate_keys(k2_only)


# -- the migration of existing rows ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_encrypts_numbers_stored_before_it_and_the_downgrade_restores_them(engine, migration_dirs, tmp_path):
    crypto.use_keyring(build_keyring(data_keys=f"k1:{K1}", data_key_id="", blind_index_key=BLIND, production=False))
    if engine == "postgres":
        require_pg()
        with fresh_database() as db:
            _migrate_existing_rows(db.owner_url, migration_dirs, db.app_role)
    else:
        _migrate_existing_rows(f"sqlite:///{tmp_path / 'lama.db'}", migration_dirs, None)


def _migrate_existing_rows(url_: str, migration_dirs: dict[str, Path], app_role: str | None) -> None:
    import uuid as uuid_

    cfg = migrate.alembic_config(url_, migration_dirs)
    command.upgrade(cfg, "0005_import_parameter")
    command.upgrade(cfg, "0001_jaminan")
    tid, person_id, household_id = uuid_.uuid4(), uuid_.uuid4(), uuid_.uuid4()
    tenants = sa.table("tenants", *(sa.column(c) for c in ("slug", "kode_wilayah", "nama", "provinsi", "aktif", "cuti_bersama_libur", "plugins_version", "created_at")),
                       sa.column("id", sa.Uuid))
    households = sa.table("households", sa.column("tenant_id", sa.Uuid), sa.column("id", sa.Uuid), sa.column("nomor_kk"), sa.column("created_at"))
    persons = sa.table("persons", sa.column("tenant_id", sa.Uuid), sa.column("id", sa.Uuid), sa.column("household_id", sa.Uuid),
                       *(sa.column(c) for c in ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "nomor_kk", "version", "created_at")))
    register = sa.table("jaminan_register", sa.column("tenant_id", sa.Uuid), sa.column("id", sa.Uuid),
                        *(sa.column(c) for c in ("nik", "nama", "sumber", "tahun", "diimpor_pada")))
    now = sa.func.now() if url_.startswith("postgresql") else "2026-12-01 00:00:00"
    engine = create_engine(url_, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(tenants.insert().values(id=tid, slug="balangan", kode_wilayah="63.11", nama="Kabupaten Balangan", provinsi="Kalimantan Selatan",
                                                 aktif=True, cuti_bersama_libur=True, plugins_version=0, created_at=now))
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT set_config('kesos.tenant_id', :t, true)"), {"t": str(tid)})
            conn.execute(households.insert().values(tenant_id=tid, id=household_id, nomor_kk=KK_SITI, created_at=now))
            conn.execute(persons.insert().values(tenant_id=tid, id=person_id, household_id=household_id, nik=NIK_SITI, nama="Siti Aminah",
                                                 tanggal_lahir=date(1987, 9, 5), jenis_kelamin="P", nomor_kk=KK_SITI, version=1, created_at=now))
            conn.execute(register.insert().values(tenant_id=tid, id=uuid_.uuid4(), nik=NIK_SITI, nama="Siti Aminah", sumber="DTKS", tahun=2026, diimpor_pada=now))

        migrate.upgrade(url_, migration_dirs, app_role=app_role)

        def stored() -> tuple[Any, ...]:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT set_config('kesos.tenant_id', :t, true)"), {"t": str(tid)})
                person = conn.execute(text("SELECT * FROM persons")).mappings().one()
                household = conn.execute(text("SELECT * FROM households")).mappings().one()
                row = conn.execute(text("SELECT * FROM jaminan_register")).mappings().one()
                return dict(person), dict(household), dict(row)

        person, household, row = stored()
        for value in (person["nik"], person["nomor_kk"], household["nomor_kk"], row["nik"]):
            assert value.startswith("v1:k1:")
        assert keyring().decrypt(person["nik"], tid) == keyring().decrypt(row["nik"], tid) == NIK_SITI
        assert keyring().decrypt(person["nomor_kk"], tid) == keyring().decrypt(household["nomor_kk"], tid) == KK_SITI
        assert person["nik_index"] == row["nik_index"] == blind_index(NIK_SITI, NIK, tid)
        assert household["nomor_kk_index"] == blind_index(KK_SITI, crypto.KK, tid)

        command.downgrade(cfg, "0005_import_parameter")
        command.downgrade(cfg, "jaminan@-1")
        person, household, row = stored()
        assert (person["nik"], person["nomor_kk"], household["nomor_kk"], row["nik"]) == (NIK_SITI, KK_SITI, KK_SITI, NIK_SITI)
        assert "nik_index" not in person and "nik_index" not in row
    finally:
        engine.dispose()


# -- masking and audited full reads ----------------------------------------------------------------


@pytest.mark.parametrize(("role", "full"), [("tenant_admin", True), ("officer", True), ("peksos", True), ("tks", False)])
def test_one_persons_nik_and_kk_in_full_only_for_the_roles_that_need_them(client, kernel, staff, role, full):
    person = _siti_with_family(client, staff["officer"])
    reader = staff[role]
    r = client.get(url(A_SLUG, f"persons/{person['id']}"), headers=reader.headers)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    expected = (NIK_SITI, KK_SITI) if full else ("6311**********01", "6311**********01")
    assert (body["nik"], body["nomor_kk"]) == expected
    assert body["nama"] == "Siti Aminah" and body["alamat"] == "Jl. A. Yani 5"  # the rest of the record is theirs to work with
    household = client.get(url(A_SLUG, f"households/{person['household_id']}"), headers=reader.headers).get_json()
    assert household["nomor_kk"] == (KK_SITI if full else "6311**********01")

    reads = [(e.target_type, e.target_id, e.actor_id) for e in audit_log(kernel, A_SLUG) if e.action in ("person.nik_dibaca", "household.kk_dibaca")]
    assert reads == ([("person", person["id"], reader.user_id), ("household", person["household_id"], reader.user_id)] if full else [])

    # Lists are masked for everyone, the NIK and the KK alike.
    listed = client.get(PERSONS, headers=reader.headers)
    assert [p["nik"] for p in listed.get_json()] == ["6311**********01"]
    families = client.get(url(A_SLUG, "households"), headers=reader.headers)
    assert [h["nomor_kk"] for h in families.get_json()] == ["6311**********01"]
    assert NIK_SITI not in listed.get_data(as_text=True) + families.get_data(as_text=True)


@pytest.mark.parametrize("role", ["auditor", "lks_operator"])
def test_auditors_and_lks_operators_do_not_read_the_registry(client, staff, role):
    person = _create(client, staff["officer"], SITI)
    reader = staff[role]
    for path in ("persons", f"persons/{person['id']}", "households"):
        error_of(client.get(url(A_SLUG, path), headers=reader.headers), 403, "tidak_berwenang")


def test_a_full_read_is_audited_with_the_id_never_the_number(client, kernel, staff):
    person = _siti_with_family(client, staff["officer"])
    peksos = staff["peksos"]
    client.get(url(A_SLUG, f"persons/{person['id']}"), headers=peksos.headers)
    [entry] = _actions(kernel, "person.nik_dibaca")
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("person", person["id"], peksos.user_id)
    assert entry.summary == {"kolom": ["nik", "nomor_kk"]}
    # The auditor sees who read it, and nothing of the number.
    log = client.get(url(A_SLUG, "audit"), query_string={"action": "person.nik_dibaca"}, headers=staff["auditor"].headers)
    assert [e["actor_id"] for e in log.get_json()] == [str(peksos.user_id)]
    assert NIK_SITI not in log.get_data(as_text=True)
    # Registering someone is audited as such, without their name or number.
    [created] = _actions(kernel, "person.create")
    assert created.summary == {}


# -- export ----------------------------------------------------------------------------------------


def test_hook_kesos_person_exported(client, kernel, make, staff):
    """The export gathers the person, their family, their cases with history, staff and
    referrals, and each plugin's data — even a plugin the tenant has since disabled."""
    admin, officer, peksos = staff["tenant_admin"], staff["officer"], staff["peksos"]
    person = _siti_with_family(client, officer)
    case = _open_case(client, officer, person["id"], keterangan="pendampingan awal", assigned=[peksos]).get_json()
    make.enable(A_SLUG, "fixture", enabled=False)

    r = client.get(url(A_SLUG, f"persons/{person['id']}/ekspor"), headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    assert r.headers["Content-Disposition"] == f'attachment; filename="data-pribadi-{person["id"]}.json"'
    body = r.get_json()
    assert body["dasar_hukum"] == "UU 27/2022 Pasal 7 dan Pasal 13 ayat (1)"
    assert body["kabupaten_kota"] == "Kabupaten Balangan"
    me = body["orang"]
    assert (me["id"], me["nik"], me["nomor_kk"], me["nama"], me["tanggal_lahir"]) == (person["id"], NIK_SITI, KK_SITI, "Siti Aminah", "1987-09-05")
    assert "nik_index" not in me and "tenant_id" not in me
    assert body["keluarga"]["nomor_kk"] == KK_SITI and body["keluarga"]["alamat"] == "Desa Batu Piring"
    [exported_case] = body["kasus"]
    assert (exported_case["id"], exported_case["case_type"], exported_case["status"]) == (case["id"], "fixture_kasus", "open")
    assert sorted(e["kind"] for e in exported_case["riwayat"]) == ["assigned", "opened"]
    assert [(a["user_id"], a["peran"]) for a in exported_case["petugas"]] == [(str(peksos.user_id), "peksos")]
    assert exported_case["rujukan"] == []
    assert body["layanan"] == {"fixture": {"kasus_uji": [{"id": case["id"], "keterangan": "pendampingan awal"}]}}

    [entry] = _actions(kernel, "person.diekspor")
    assert (entry.target_id, entry.actor_id, entry.summary) == (person["id"], admin.user_id, {"layanan": ["fixture"]})
    assert NIK_SITI not in str(entry.summary)


def test_export_is_for_the_tenant_admin_and_another_kabupatens_person_is_404(client, kernel, make, staff):
    person = _create(client, staff["officer"], SITI)
    for role in ("officer", "peksos", "tks", "auditor", "lks_operator"):
        error_of(client.get(url(A_SLUG, f"persons/{person['id']}/ekspor"), headers=staff[role].headers), 403, "tidak_berwenang")
    tabalong = make.user("petugas.tabalong", {B_SLUG: ["officer"]})
    theirs = _create(client, tabalong, {**SITI, "nik": "6309014509870001"}, slug=B_SLUG)
    admin = staff["tenant_admin"]
    foreign = error_of(client.get(url(A_SLUG, f"persons/{theirs['id']}/ekspor"), headers=admin.headers), 404)
    missing = error_of(client.get(url(A_SLUG, f"persons/{NIL_UUID}/ekspor"), headers=admin.headers), 404)
    assert foreign == missing
    assert _actions(kernel, "person.diekspor") == []


# -- anonymisation ---------------------------------------------------------------------------------


def test_anonymisation_is_refused_while_a_case_is_open(client, kernel, staff):
    admin = staff["tenant_admin"]
    person = _siti_with_family(client, staff["officer"])
    _open_case(client, staff["officer"], person["id"])
    body = refused(_anonymise(client, admin, person["id"]), "data_masih_diperlukan", UU_PDP_RETENTION, "1 kasus", "masih berjalan")
    assert body["citation_detail"] == {"regulation": "UU 27/2022", "pasal": 15, "ayat": 1, "huruf": "c", "text": UU_PDP_RETENTION}
    shown = client.get(url(A_SLUG, f"persons/{person['id']}"), headers=admin.headers).get_json()
    assert (shown["nama"], shown["nik"], shown["dianonimkan_pada"]) == ("Siti Aminah", NIK_SITI, None)
    assert _actions(kernel, "person.dianonimkan") == []


def test_anonymisation_replaces_who_they_are_and_keeps_the_row_and_its_history(client, kernel, staff):
    admin, officer = staff["tenant_admin"], staff["officer"]
    person = _siti_with_family(client, officer)
    opened = _open_case(client, officer, person["id"])
    _close_case(client, officer, opened)
    events_before = client.get(url(A_SLUG, f"cases/{opened.get_json()['id']}/events"), headers=admin.headers).get_json()

    r = _anonymise(client, admin, person["id"])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["nama"] == "Dianonimkan" and body["nik"].startswith("ANONIM") and not body["nik"].isdigit()
    assert (body["tanggal_lahir"], body["jenis_kelamin"], body["kode_wilayah"]) == ("1987-01-01", "P", "63.11")
    assert (body["alamat"], body["nomor_kk"], body["household_id"]) == (None, None, None)
    assert body["dianonimkan_pada"] and r.headers["ETag"] == '"2"'

    # The row and the case history stay; the person's identity is nowhere in the tenant's data,
    # neither the number nor its blind index.
    assert client.get(url(A_SLUG, f"cases/{opened.get_json()['id']}"), headers=admin.headers).get_json()["person_id"] == person["id"]
    assert client.get(url(A_SLUG, f"cases/{opened.get_json()['id']}/events"), headers=admin.headers).get_json() == events_before
    stored = _everything_stored(kernel, A_SLUG)
    with tenant_context(tenant_id(kernel, A_SLUG)):
        old_index = blind_index(NIK_SITI)
    assert NIK_SITI not in stored and old_index not in stored and "Jl. A. Yani 5" not in stored
    assert "Siti Aminah" not in stored
    [entry] = _actions(kernel, "person.dianonimkan")
    assert (entry.target_id, entry.actor_id, entry.summary) == (person["id"], admin.user_id, {"alasan": "Permohonan tercatat subjek data 12/2026"})
    assert [n for n in client.get(url(A_SLUG, "fixture/notes"), headers=admin.headers).get_json() if n["isi"] == f"anonimisasi {person['id']}"]

    # Her NIK is free again (she may come back for another service); the record cannot be undone.
    assert client.get(PERSONS, query_string={"nik": NIK_SITI}, headers=officer.headers).get_json() == []
    assert _create(client, officer, SITI)["id"] != person["id"]
    refused(_anonymise(client, admin, person["id"]), "sudah_dianonimkan", None, status=409)
    r = client.patch(url(A_SLUG, f"persons/{person['id']}"), json={"nama": "Siti Aminah"}, headers={**officer.headers, "If-Match": '"2"'})
    refused(r, "sudah_dianonimkan", None, status=409)


def test_anonymisation_needs_a_tenant_admin_a_reason_and_the_current_version(client, make, staff):
    admin = staff["tenant_admin"]
    person = _create(client, staff["officer"], SITI)
    path = url(A_SLUG, f"persons/{person['id']}/anonimkan")
    for role in ("officer", "peksos", "tks", "auditor"):
        error_of(client.post(path, json={"alasan": "Permohonan subjek data"}, headers={**staff[role].headers, "If-Match": '"1"'}), 403, "tidak_berwenang")
    body = error_of(client.post(path, json={"alasan": "ya"}, headers={**admin.headers, "If-Match": '"1"'}), 422, "data_tidak_valid")
    assert "alasan" in body["errors"]
    error_of(client.post(path, json={"alasan": "Permohonan subjek data"}, headers=admin.headers), 428, "if_match_diperlukan")
    error_of(client.post(path, json={"alasan": "Permohonan subjek data"}, headers={**admin.headers, "If-Match": '"7"'}), 412, "versi_usang")
    tabalong = make.user("petugas.tabalong", {B_SLUG: ["officer"]})
    theirs = _create(client, tabalong, {**SITI, "nik": "6309014509870001"}, slug=B_SLUG)
    error_of(client.post(url(A_SLUG, f"persons/{theirs['id']}/anonimkan"), json={"alasan": "Permohonan subjek data"},
                         headers={**admin.headers, "If-Match": '"1"'}), 404)
    assert client.get(url(A_SLUG, f"persons/{person['id']}"), headers=admin.headers).get_json()["nama"] == "Siti Aminah"


def test_hook_kesos_person_anonymising(client, kernel, make, staff):
    """A plugin's refusal stops the anonymisation with its citation — even once the tenant has
    disabled the plugin, since its records stay."""
    admin, officer = staff["tenant_admin"], staff["officer"]
    person = _create(client, officer, SITI)
    _close_case(client, officer, _open_case(client, officer, person["id"], keterangan="simpan"))
    make.enable(A_SLUG, "fixture", enabled=False)
    refused(_anonymise(client, admin, person["id"]), "uji_wajib_disimpan", "Peraturan Uji Pasal 1", "wajib disimpan")
    assert client.get(url(A_SLUG, f"persons/{person['id']}"), headers=admin.headers).get_json()["nama"] == "Siti Aminah"


def test_a_payment_in_the_jaminan_ledger_keeps_the_person_and_is_exported(client, kernel, make, staff):
    make.enable(A_SLUG, "jaminan")
    admin, officer = staff["tenant_admin"], staff["officer"]
    ahmad = make.person(A_SLUG, nama="Ahmad Fauzi", born=date(1940, 3, 12), sex="L")
    r = client.post(url(A_SLUG, "jaminan/kasus"), json={"person_id": str(ahmad.id), "data": {
        "program": "tunjangan_berkelanjutan", "kategori": "perintis_kemerdekaan", "jenis_tunjangan": ["hidup"]}}, headers=officer.headers)
    assert r.status_code == 201, r.get_json()
    case_id, etag = r.get_json()["id"], r.headers["ETag"]
    for stage in ("verifikasi", "penerima"):
        r = client.post(url(A_SLUG, f"cases/{case_id}/advance"), json={"to_stage": stage, "data": {}}, headers={**officer.headers, "If-Match": etag})
        assert r.status_code == 200, r.get_json()
        etag = r.headers["ETag"]
    paid = client.post(url(A_SLUG, f"jaminan/kasus/{case_id}/penyaluran"),
                       json={"periode": "2026-11", "jenis": "hidup", "jumlah": 500000, "tanggal": "2026-11-20"}, headers=officer.headers)
    assert paid.status_code == 201, paid.get_json()
    r = client.post(url(A_SLUG, f"cases/{case_id}/advance"), json={"to_stage": "berhenti", "data": {}}, headers={**officer.headers, "If-Match": etag})
    assert r.status_code == 200 and r.get_json()["status"] == "closed", r.get_json()

    # The benefit ended, but the payment of state money must stay accounted for, with its payee.
    refused(_anonymise(client, admin, str(ahmad.id)), "penyaluran_wajib_disimpan", UU_PDP_RETENTION, "1 penyaluran jaminan sosial")
    exported = client.get(url(A_SLUG, f"persons/{ahmad.id}/ekspor"), headers=admin.headers).get_json()
    assert [(p["periode"], p["jenis"], p["jumlah"]) for p in exported["layanan"]["jaminan"]["penyaluran"]] == [("2026-11", "hidup", 500000)]
    assert exported["layanan"]["jaminan"]["data_resmi"] == []
