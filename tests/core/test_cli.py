"""The `kesos` command, run the way an operator runs it: environment variables point at a SQLite
file and a tenants directory; every command builds its own app. The fixture plugin is installed
through the test entry point (conftest), so the CLI sees it like any installed plugin."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from core.app import create_app
from core.cli import main
from core.config import load_settings

BALANGAN = """
    slug: balangan
    kode_wilayah: "63.11"
    nama: Kabupaten Balangan
    provinsi: Kalimantan Selatan
    plugins:
      fixture: {profile: fixture-perbup}
    days_off:
      - {tanggal: 2026-11-27, keterangan: Hari jadi Kabupaten Balangan}
"""
TABALONG = """
    slug: tabalong
    kode_wilayah: "63.09"
    nama: Kabupaten Tabalong
    provinsi: Kalimantan Selatan
"""
PASSWORD = "kata-sandi-uji-2026"


def _write(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def _env(db: Path, tenants: Path, instance: Path) -> dict[str, str | None]:
    return {
        "DATABASE_URL": f"sqlite:///{db}",
        "KESOS_TENANTS_DIR": str(tenants),
        "KESOS_INSTANCE_DIR": str(instance),
        # whatever the developer's shell has set must not leak into the run
        "MIGRATION_DATABASE_URL": None,
        "KESOS_APP_DB_ROLE": None,
        "REDIS_URL": None,
        "KESOS_ENV": None,
        "SECRET_KEY": None,
        "KESOS_BLOCK_PLUGINS": None,
        "KESOS_TRACE_HOOKS": None,
    }


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated by `kesos db upgrade`, copied for each test."""
    base = tmp_path_factory.mktemp("cli-template")
    db = base / "kesos.db"
    result = CliRunner().invoke(main, ["db", "upgrade"], env=_env(db, base / "tenants", base / "instance"))
    assert result.exit_code == 0, result.output
    return db


class Cli:
    def __init__(self, env: dict[str, Any], tenants: Path, db: Path) -> None:
        self.env, self.tenants, self.db = env, tenants, db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(main, list(args), env=self.env, input=input)

    def ok(self, *args: str, input: str | None = None) -> str:
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    def fails(self, *args: str, input: str | None = None) -> str:
        result = self(*args, input=input)
        assert result.exit_code != 0, result.output
        # a clear message, not a traceback
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        return result.output

    def scalar(self, sql: str) -> Any:
        engine = create_engine(f"sqlite:///{self.db}")
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).scalar()
        finally:
            engine.dispose()

    def app(self) -> Any:
        settings = load_settings(environ={k: v for k, v in self.env.items() if v is not None})
        return create_app(settings)


@pytest.fixture
def cli(tmp_path: Path, migrated_template: Path) -> Cli:
    db = tmp_path / "kesos.db"
    shutil.copy(migrated_template, db)
    tenants = tmp_path / "tenants"
    _write(tenants, "balangan.yaml", BALANGAN)
    _write(tenants, "tabalong.yaml", TABALONG)
    return Cli(_env(db, tenants, tmp_path / "instance"), tenants, db)


# -- db -----------------------------------------------------------------------------------------


def test_db_upgrade_then_nothing_is_pending(tmp_path: Path):
    cli = Cli(_env(tmp_path / "baru.db", tmp_path / "tenants", tmp_path / "instance"), tmp_path / "tenants", tmp_path / "baru.db")
    before = cli("db", "pending")
    assert before.exit_code == 1
    assert "0001_core" in before.output and "0001_fixture" in before.output
    assert "Tidak ada migrasi tertunda" not in before.output

    out = cli.ok("db", "upgrade")
    assert out.startswith("Basis data mutakhir: ")
    assert "0001_fixture" in out
    assert cli.ok("db", "pending").strip() == "Tidak ada migrasi tertunda."
    # idempotent
    cli.ok("db", "upgrade")
    assert cli.ok("db", "pending").strip() == "Tidak ada migrasi tertunda."
    assert cli.scalar("SELECT count(*) FROM fixture_notes") == 0


# -- tenants --------------------------------------------------------------------------------------


def test_tenants_sync_and_list(cli: Cli):
    assert cli.ok("tenants", "list") == ""
    assert cli.ok("tenants", "sync").strip() == "dibuat: balangan, tabalong; diubah: -; tetap: -"
    assert cli.ok("tenants", "sync", "--dir", str(cli.tenants)).strip() == "dibuat: -; diubah: -; tetap: balangan, tabalong"
    lines = cli.ok("tenants", "list").splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:2] == ["balangan", "63.11"] and "Kabupaten Balangan (Kalimantan Selatan)" in lines[0]
    assert lines[1].split()[:2] == ["tabalong", "63.09"]
    assert _line(cli.ok("plugins", "list", "--tenant", "balangan"), "fixture") == ["fixture", "aktif", "fixture-perbup"]
    assert _line(cli.ok("plugins", "list", "--tenant", "tabalong"), "fixture") == ["fixture", "nonaktif", "fixture-nasional"]
    assert cli.scalar("SELECT count(*) FROM tenant_days_off") == 1


def test_tenants_sync_from_another_directory(cli: Cli, tmp_path: Path):
    other = tmp_path / "lain"
    _write(other, "tapin.yaml", TABALONG.replace("tabalong", "tapin").replace("63.09", "63.05").replace("Tabalong", "Tapin"))
    assert cli.ok("tenants", "sync", "--dir", str(other)).strip() == "dibuat: tapin; diubah: -; tetap: -"
    assert [line.split()[0] for line in cli.ok("tenants", "list").splitlines()] == ["tapin"]
    result = cli("tenants", "sync", "--dir", str(tmp_path / "tidak-ada"))
    assert result.exit_code == 2


def test_a_broken_tenant_file_stops_the_sync_and_nothing_is_applied(cli: Cli):
    _write(cli.tenants, "tabalong.yaml", TABALONG.replace('"63.09"', "63.09"))
    out = cli.fails("tenants", "sync")
    assert "tabalong.yaml: kode_wilayah:" in out
    assert "tidak ada yang diterapkan" in out
    assert cli.ok("tenants", "list") == ""
    assert cli.scalar("SELECT count(*) FROM audit_log") == 0


def test_a_region_code_already_held_stops_the_sync(cli: Cli, tmp_path: Path):
    other = tmp_path / "lain"
    _write(other, "hulu.yaml", TABALONG.replace("slug: tabalong", "slug: hulu"))
    cli.ok("tenants", "sync", "--dir", str(other))
    out = cli.fails("tenants", "sync")
    assert "tabalong.yaml: kode_wilayah:" in out and "hulu" in out
    assert [line.split()[0] for line in cli.ok("tenants", "list").splitlines()] == ["hulu"]


def test_a_bad_profile_file_stops_every_command_naming_the_file(cli: Cli):
    _write(cli.tenants / "balangan" / "profiles", "lokal.yaml", """
        id: balangan-lokal
        plugin: fixture
        version: 1
        title: Varian lokal
        regulation: Perbup Balangan 12/2024
        extends: fixture-nasional
        effective_from: 2024-03-01
        parameters:
          usia_minimum: {value: dua puluh, citation: {pasal: 3}}
    """)
    out = cli.fails("tenants", "list")
    assert "lokal.yaml" in out and "parameters.usia_minimum" in out


# -- plugins --------------------------------------------------------------------------------------


def _line(output: str, plugin: str) -> list[str]:
    """The `plugins list --tenant` line of one plugin (other installed plugins have theirs)."""
    (line,) = [ln.split() for ln in output.splitlines() if ln.split()[:1] == [plugin]]
    return line


def test_plugins_list_enable_disable(cli: Cli):
    cli.ok("tenants", "sync")
    assert "fixture" in cli.ok("plugins", "list").split()
    assert cli.ok("plugins", "enable", "tabalong", "fixture", "--profile", "fixture-perbup").strip() == (
        "tabalong: fixture aktif, profil fixture-perbup"
    )
    assert _line(cli.ok("plugins", "list", "--tenant", "tabalong"), "fixture") == ["fixture", "aktif", "fixture-perbup"]
    assert cli.ok("plugins", "disable", "tabalong", "fixture").strip() == "tabalong: fixture nonaktif, profil fixture-perbup"
    assert _line(cli.ok("plugins", "list", "--tenant", "tabalong"), "fixture") == ["fixture", "nonaktif", "fixture-perbup"]
    assert cli.ok("plugins", "enable", "tabalong", "fixture").strip() == "tabalong: fixture aktif, profil fixture-perbup"
    # every change audited in the tenant's log
    assert cli.scalar("SELECT count(*) FROM audit_log WHERE action = 'plugin.configure'") == 1 + 3


def test_plugins_errors_are_clear(cli: Cli):
    cli.ok("tenants", "sync")
    out = cli.fails("plugins", "enable", "balangan", "tidak-ada")
    assert "Plugin 'tidak-ada' tidak terpasang di platform ini." in out
    out = cli.fails("plugins", "disable", "balangan", "tidak-ada")
    assert "tidak terpasang" in out
    out = cli.fails("plugins", "enable", "hulu", "fixture")
    assert "Tenant 'hulu' tidak ditemukan." in out
    out = cli.fails("plugins", "list", "--tenant", "hulu")
    assert "Tenant 'hulu' tidak ditemukan." in out
    out = cli.fails("plugins", "enable", "balangan", "fixture", "--profile", "fixture-provinsi")
    assert "Profil 'fixture-provinsi' tidak tersedia untuk plugin fixture." in out
    assert _line(cli.ok("plugins", "list", "--tenant", "balangan"), "fixture") == ["fixture", "aktif", "fixture-perbup"]


# -- users ----------------------------------------------------------------------------------------


def _login(app: Any, username: str, password: str) -> Any:
    client = app.test_client()
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    if r.status_code != 200:
        return r
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.get_json()['token']}"})


def test_users_create_with_a_role_in_a_tenant(cli: Cli):
    cli.ok("tenants", "sync")
    out = cli.ok("users", "create", "budi", "--nama", "Budi Santoso", "--password", PASSWORD, "--tenant", "balangan", "--role", "officer", "--role", "peksos")
    assert out.strip() == "Pengguna budi dibuat."
    app = cli.app()
    me = _login(app, "budi", PASSWORD)
    assert me.status_code == 200, me.get_json()
    body = me.get_json()
    assert body["nama"] == "Budi Santoso" and body["is_platform_admin"] is False
    assert str(body["tenants"]).count("balangan") >= 1
    assert "officer" in str(body["tenants"]) and "peksos" in str(body["tenants"])
    app.extensions["kesos"].db.dispose()


def test_users_create_platform_admin_with_a_prompted_password(cli: Cli):
    out = cli.ok("users", "create", "admin", "--nama", "Admin Platform", "--platform-admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "Pengguna admin dibuat." in out
    app = cli.app()
    assert _login(app, "admin", PASSWORD).get_json()["is_platform_admin"] is True
    app.extensions["kesos"].db.dispose()


def test_users_create_refusals_are_clear_and_write_nothing(cli: Cli):
    cli.ok("tenants", "sync")
    out = cli.fails("users", "create", "budi", "--nama", "Budi", "--password", "pendek")
    assert "Kata sandi minimal 10 karakter." in out
    out = cli.fails("users", "create", "budi", "--nama", "Budi", "--password", PASSWORD, "--tenant", "balangan", "--role", "bupati")
    assert "Peran tidak dikenal: bupati." in out
    out = cli.fails("users", "create", "budi", "--nama", "Budi", "--password", PASSWORD, "--tenant", "hulu", "--role", "officer")
    assert "Tenant 'hulu' tidak ditemukan." in out
    assert cli.scalar("SELECT count(*) FROM users WHERE username = 'budi'") == 0
    cli.ok("users", "create", "budi", "--nama", "Budi", "--password", PASSWORD)
    out = cli.fails("users", "create", "budi", "--nama", "Budi Lain", "--password", PASSWORD)
    assert "Nama pengguna 'budi' sudah dipakai." in out


# -- demo and tick --------------------------------------------------------------------------------


def test_demo_prints_logins_that_work_and_is_idempotent(cli: Cli):
    first = cli.ok("demo")
    for expected in ("platform", "admin.balangan", "petugas.balangan", "peksos.tabalong", "auditor.tabalong", "operator.balangan", "kata sandi: kesos-demo-2026"):
        assert expected in first
    counts = {t: cli.scalar(f"SELECT count(*) FROM {t}") for t in ("users", "tenants", "persons", "memberships", "audit_log", "platform_audit_log")}
    # per kabupaten: admin, petugas, peksos, tks, auditor and an LKS operator
    assert counts["tenants"] == 2 and counts["users"] == 1 + 2 * 6 and counts["persons"] == 2 * 3
    second = cli.ok("demo")
    assert second == first
    assert {t: cli.scalar(f"SELECT count(*) FROM {t}") for t in counts} == counts
    app = cli.app()
    me = _login(app, "petugas.balangan", "kesos-demo-2026")
    assert me.status_code == 200, me.get_json()
    app.extensions["kesos"].db.dispose()


def test_demo_with_a_broken_tenant_file_says_which_and_writes_nothing(cli: Cli):
    _write(cli.tenants, "tabalong.yaml", TABALONG + "    warna: merah\n")
    out = cli.fails("demo")
    assert "tabalong.yaml: warna:" in out
    assert cli.scalar("SELECT count(*) FROM users") == 0
    assert cli.scalar("SELECT count(*) FROM tenants") == 0


def test_tick_runs_each_enabled_plugin_once_per_day_and_catches_up(cli: Cli):
    cli.ok("tenants", "sync")  # only Balangan runs the fixture plugin
    assert cli.ok("tick", "--date", "2026-03-02").splitlines() == ["ok     balangan fixture 2026-03-02"]
    assert cli.ok("tick", "--date", "2026-03-02") == ""
    assert cli.ok("tick", "--date", "2026-03-04").splitlines() == [
        "ok     balangan fixture 2026-03-03",
        "ok     balangan fixture 2026-03-04",
    ]
    assert cli.scalar("SELECT count(*) FROM daily_tick_runs") == 3
    assert cli.scalar("SELECT count(*) FROM fixture_notes WHERE isi LIKE 'harian %'") == 3


def test_tick_refuses_a_date_it_cannot_read(cli: Cli):
    result = cli("tick", "--date", "kemarin")
    assert result.exit_code == 2
    assert "kemarin" in result.output
    assert cli.scalar("SELECT count(*) FROM daily_tick_runs") == 0
