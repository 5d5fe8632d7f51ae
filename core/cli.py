"""The `kesos` command: database, tenants, plugins, users, demo data, the daily tick, and a
development server."""
from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click
from flask import Flask
from sqlalchemy import select

from core.config import ConfigError


def _app() -> Flask:
    from core.app import create_app
    from core.plugins import PluginConflict
    from core.regulations.profiles import ProfileError

    try:
        return create_app()
    except (ConfigError, ProfileError, PluginConflict) as exc:
        # Start-up refused: say why (the file and the field), not a traceback.
        raise click.ClickException(str(exc)) from exc


def _kernel(app: Flask) -> Any:
    return app.extensions["kesos"]


@click.group()
def main() -> None:
    """Kesos — platform layanan kesejahteraan sosial kabupaten/kota."""


# -- db -----------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Migrasi basis data (inti dan cabang setiap plugin)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Jalankan semua migrasi (`upgrade heads`) sebagai pemilik tabel."""
    from core import migrate

    app = _app()
    k = _kernel(app)
    migrate.upgrade(k.settings.migration_database_url, k.plugins.migration_dirs, app_role=k.settings.app_db_role or None)
    click.echo("Basis data mutakhir: " + ", ".join(migrate.heads(k.plugins.migration_dirs)))


@db.command("pending")
def db_pending() -> None:
    """Tampilkan migrasi yang belum dijalankan (keluar dengan kode 1 bila ada)."""
    from core import migrate

    k = _kernel(_app())
    todo = migrate.pending(k.settings.migration_database_url, k.plugins.migration_dirs)
    for rev in todo:
        click.echo(rev)
    if todo:
        sys.exit(1)
    click.echo("Tidak ada migrasi tertunda.")


# -- tenants ------------------------------------------------------------------------------------


@main.group()
def tenants() -> None:
    """Kabupaten/kota (tenant)."""


@tenants.command("sync")
@click.option("--dir", "directory", type=click.Path(file_okay=False, exists=True), default=None)
def tenants_sync(directory: str | None) -> None:
    """Terapkan tenants/*.yaml (idempoten; berkas yang salah menghentikan semuanya)."""
    from pathlib import Path

    from core.errors import KesosError
    from core.tenancy.sync import TenantFileError, sync_tenants

    app = _app()
    k = _kernel(app)
    try:
        with k.db.unit_of_work() as session:
            report = sync_tenants(session, k, Path(directory) if directory else k.settings.tenants_dir)
    except TenantFileError as exc:
        raise click.ClickException(f"{exc} — tidak ada yang diterapkan.") from exc
    except KesosError as exc:
        raise click.ClickException(f"{exc.message} {exc.errors or ''}".strip() + " — tidak ada yang diterapkan.") from exc
    click.echo(f"dibuat: {', '.join(report.created) or '-'}; diubah: {', '.join(report.updated) or '-'}; tetap: {', '.join(report.unchanged) or '-'}")


@tenants.command("list")
def tenants_list() -> None:
    from core.tenancy.models import Tenant

    k = _kernel(_app())
    with k.db.unit_of_work() as session:
        for t in session.scalars(select(Tenant).order_by(Tenant.slug)):
            click.echo(f"{t.slug:<24} {t.kode_wilayah:<8} {t.nama} ({t.provinsi}){'' if t.aktif else ' [nonaktif]'}")


# -- plugins ------------------------------------------------------------------------------------


@main.group()
def plugins() -> None:
    """Plugin layanan: terpasang vs aktif per kabupaten/kota."""


@plugins.command("list")
@click.option("--tenant", "slug", default=None, help="tampilkan status di kabupaten/kota ini")
def plugins_list(slug: str | None) -> None:
    from core.db import tenant_context
    from core.errors import KesosError
    from core.tenancy.services import get_tenant, plugin_states

    k = _kernel(_app())
    if not slug:
        for name in k.plugins.installed:
            click.echo(name)
        return
    try:
        with k.db.unit_of_work() as session:
            tenant = get_tenant(session, slug)
            with tenant_context(tenant.id, session):
                states = plugin_states(session, k, tenant)
    except KesosError as exc:
        raise click.ClickException(exc.message) from exc
    for st in states:
        profile = st.profile.id if st.profile else "-"
        click.echo(f"{st.plugin:<20} {'aktif' if st.enabled else 'nonaktif':<9} {profile}")


def _configure(slug: str, name: str, **kwargs: Any) -> None:
    from core.db import tenant_context
    from core.errors import KesosError
    from core.tenancy.services import configure_plugin, get_tenant

    k = _kernel(_app())
    try:
        with k.db.unit_of_work() as session:
            tenant = get_tenant(session, slug)
            with tenant_context(tenant.id, session):
                st = configure_plugin(session, k, tenant, name, **kwargs)
    except KesosError as exc:
        raise click.ClickException(f"{exc.message} {exc.errors or ''}".strip()) from exc
    click.echo(f"{slug}: {name} {'aktif' if st.enabled else 'nonaktif'}, profil {st.profile.id if st.profile else '-'}")


@plugins.command("enable")
@click.argument("slug")
@click.argument("name")
@click.option("--profile", default=None, help="id profil regulasi")
def plugins_enable(slug: str, name: str, profile: str | None) -> None:
    """Aktifkan plugin NAME untuk kabupaten/kota SLUG."""
    _configure(slug, name, enabled=True, profile_id=profile)


@plugins.command("disable")
@click.argument("slug")
@click.argument("name")
def plugins_disable(slug: str, name: str) -> None:
    """Nonaktifkan plugin (datanya tetap tersimpan)."""
    _configure(slug, name, enabled=False)


# -- users --------------------------------------------------------------------------------------


@main.group()
def users() -> None:
    """Akun pengguna."""


@users.command("create")
@click.argument("username")
@click.option("--nama", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--tenant", "slug", default=None, help="beri peran di kabupaten/kota ini")
@click.option("--role", "roles", multiple=True, help="peran (boleh diulang)")
@click.option("--platform-admin", is_flag=True, default=False)
def users_create(username: str, nama: str, password: str, slug: str | None, roles: tuple[str, ...], platform_admin: bool) -> None:
    from core.db import tenant_context
    from core.errors import KesosError
    from core.staff.services import create_user, set_roles
    from core.tenancy.services import get_tenant

    k = _kernel(_app())
    try:
        with k.db.unit_of_work() as session:
            user = create_user(session, username=username, nama=nama, password=password, is_platform_admin=platform_admin)
            if slug:
                tenant = get_tenant(session, slug)
                with tenant_context(tenant.id, session):
                    set_roles(session, tenant, user, list(roles))
    except KesosError as exc:
        raise click.ClickException(f"{exc.message} {exc.errors or ''}".strip()) from exc
    click.echo(f"Pengguna {username} dibuat.")


# -- keys ---------------------------------------------------------------------------------------


@main.group()
def keys() -> None:
    """Kunci enkripsi data pribadi (NIK dan nomor KK)."""


@keys.command("rotate")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 10000), help="baris per transaksi")
def keys_rotate(batch: int) -> None:
    """Enkripsi ulang setiap NIK dan nomor KK dengan kunci yang berlaku (KESOS_DATA_KEY_ID),
    per kabupaten/kota, bertahap. Aman diulang atau dilanjutkan bila terputus; kunci lama baru
    boleh dihapus dari KESOS_DATA_KEYS setelah perintah ini selesai."""
    from core.crypto import SealedDataError, keyring
    from core.keyrotation import rotate_keys

    k = _kernel(_app())
    try:
        results = rotate_keys(k, batch=batch)
    except SealedDataError as exc:
        raise click.ClickException(f"Rotasi berhenti: {exc}. Yang sudah dienkripsi ulang tetap tersimpan; perbaiki lalu ulangi.") from exc
    for result in results:
        rows = ", ".join(f"{table} {n}" for table, n in result.rows.items() if n) or "tidak ada yang perlu diubah"
        click.echo(f"{result.slug:<24} {rows}")
    click.echo(f"Semua NIK dan nomor KK kini dienkripsi dengan kunci '{keyring().current}'.")


# -- demo, tick, run ----------------------------------------------------------------------------


@main.command("demo")
def demo() -> None:
    """Isi data demo (dua kabupaten, petugas, penerima pelayanan) dan cetak login demo."""
    from core.demo import load_demo
    from core.errors import KesosError
    from core.tenancy.sync import TenantFileError

    k = _kernel(_app())
    try:
        logins = load_demo(k)
    except TenantFileError as exc:
        raise click.ClickException(f"{exc} — tidak ada yang diterapkan.") from exc
    except KesosError as exc:
        raise click.ClickException(f"{exc.message} {exc.errors or ''}".strip()) from exc
    click.echo("\nLogin demo (kata sandi sama untuk semua: lihat di bawah):")
    for username, description in logins:
        click.echo(f"  {username:<22} {description}")
    from core.demo import DEMO_PASSWORD

    click.echo(f"  kata sandi: {DEMO_PASSWORD}\n")


@main.command("tick")
@click.option("--date", "day", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD (bawaan: hari ini)")
def tick(day: datetime | None) -> None:
    """Jalankan pekerjaan harian setiap plugin aktif (idempoten, mengejar hari yang terlewat)."""
    from core.tick import run_daily_tick

    k = _kernel(_app())
    result = run_daily_tick(day.date() if day else None, kernel=k)
    for slug, plugin, d in result.ran:
        click.echo(f"ok     {slug} {plugin} {d}")
    for slug, plugin, d, err in result.failed:
        click.echo(f"GAGAL  {slug} {plugin} {d}: {err}")
    if result.failed:
        sys.exit(1)


def _logs_first() -> None:
    """The process's logs in their format before the settings are read: a warning while reading
    them (e.g. the development keys) is then a line like any other, JSON in production."""
    from core.config import Settings, log_options
    from core.logs import configure_logging

    try:
        log_format, log_level = log_options()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_logging(Settings(log_format=log_format, log_level=log_level))


def _redis_url(settings: Any, command: str) -> str:
    if not settings.redis_url:
        raise click.ClickException(
            f"REDIS_URL belum diisi: `kesos {command}` membutuhkan Redis (mis. REDIS_URL=redis://redis:6379/0). "
            "Tanpa REDIS_URL pekerjaan latar belakang dijalankan langsung oleh proses web."
        )
    return settings.redis_url  # type: ignore[no-any-return]


@main.command("worker")
@click.option("--queue", "queues", multiple=True, help="antrean yang dikerjakan (boleh diulang; bawaan: KESOS_QUEUE)")
@click.option("--burst", is_flag=True, default=False, help="berhenti begitu antrean kosong")
def worker(queues: tuple[str, ...], burst: bool) -> None:
    """Pekerja latar belakang RQ (core.jobs.Worker, dengan penjadwal ulang RQ) pada antrean
    KESOS_QUEUE; sama dengan `rq worker -w core.jobs.Worker --with-scheduler <KESOS_QUEUE>`."""
    from redis import Redis
    from rq import Queue

    from core.jobs import Worker

    _logs_first()
    app = _app()  # the kernel every job runs with, built once here, before RQ forks per job
    k = _kernel(app)
    url = _redis_url(k.settings, "worker")
    # Every job the kernel and its plugins enqueue goes through core.jobs on the one queue of
    # the settings (KESOS_QUEUE): that is the default.
    names = queues or (k.settings.queue_name,)
    # No database connection may be shared with the forked work horses: each opens its own.
    k.db.dispose()
    connection = Redis.from_url(url)
    w = Worker([Queue(name, connection=connection) for name in names], connection=connection)
    w.work(burst=burst, with_scheduler=True, logging_level=k.settings.log_level)


@main.command("scheduler")
def scheduler() -> None:
    """Penjadwal cron RQ (tick harian 00.30, kirim ulang pekerjaan tiap 5 menit) yang hanya
    mengantrekan selama memegang kunci pemimpin di Redis: satu per deployment, juga ketika dua
    pod tumpang tindih saat rolling update."""
    import signal
    import threading

    from redis import Redis

    from core.config import load_settings
    from core.logs import configure_logging

    _logs_first()
    try:
        settings = load_settings()
        from core.rq_cron import cron_jobs  # reads the settings too, on import (for `rq cron`)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    from core.scheduler import LeaderScheduler, lock_key

    configure_logging(settings)
    url = _redis_url(settings, "scheduler")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    leader = LeaderScheduler(Redis.from_url(url), cron_jobs(settings), lock_name=lock_key(settings.queue_name))
    leader.run(stop)


@main.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def run(host: str, port: int) -> None:
    """Server pengembangan (produksi: gunicorn wsgi:app)."""
    app = _app()
    app.run(host=host, port=port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
