"""Settings from the environment, with embedded defaults.

Nothing set → a SQLite file under instance/ and jobs run inline, so a newcomer's `make run`
needs no services. DATABASE_URL and REDIS_URL switch to PostgreSQL and RQ on Redis.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "kesos-dev-secret-not-for-production"
ENVIRONMENTS = ("development", "test", "production")
# Document stores core/storage.py can build; an S3-compatible one implements DocumentStorage.
STORAGE_BACKENDS = ("local",)


class ConfigError(RuntimeError):
    """Start-up refused because the configuration is unsafe or unusable."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _positive_int(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(f"{name} harus bilangan bulat positif, bukan {value!r}.")
    return number


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = DEFAULT_SECRET_KEY
    database_url: str = ""
    # Migrations run as the table owner; the app connects as a role that neither owns the tables
    # nor bypasses row-level security. Unset → the same URL as DATABASE_URL (embedded mode).
    migration_database_url: str = ""
    # The PostgreSQL role the app connects as; migrations grant it table privileges.
    app_db_role: str = ""
    redis_url: str = ""
    instance_dir: Path = PROJECT_ROOT / "instance"
    tenants_dir: Path = PROJECT_ROOT / "tenants"
    blocked_plugins: tuple[str, ...] = ()
    trace_hooks: bool = False
    token_ttl_hours: int = 12
    queue_name: str = "kesos"
    max_content_length: int = 2 * 1024 * 1024
    # Uploaded documents (core/storage.py): where they are kept and how large one file may be.
    storage_backend: str = "local"
    storage_dir: Path | None = None  # unset: <instance_dir>/berkas
    upload_max_bytes: int = 10 * 1024 * 1024

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def document_dir(self) -> Path:
        return self.storage_dir or self.instance_dir / "berkas"

    @property
    def jobs_inline(self) -> bool:
        return not self.redis_url


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read settings from `environ` (default: os.environ); `overrides` win (used by tests)."""
    env = dict(os.environ if environ is None else environ)
    instance_dir = Path(env.get("KESOS_INSTANCE_DIR") or PROJECT_ROOT / "instance")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'kesos.db'}"
    values: dict[str, object] = dict(
        env=(env.get("KESOS_ENV") or "development").strip().lower(),
        secret_key=env.get("SECRET_KEY", "") or DEFAULT_SECRET_KEY,
        database_url=database_url,
        migration_database_url=env.get("MIGRATION_DATABASE_URL") or database_url,
        app_db_role=env.get("KESOS_APP_DB_ROLE", ""),
        redis_url=env.get("REDIS_URL", ""),
        instance_dir=instance_dir,
        tenants_dir=Path(env.get("KESOS_TENANTS_DIR") or PROJECT_ROOT / "tenants"),
        blocked_plugins=_list(env.get("KESOS_BLOCK_PLUGINS")),
        trace_hooks=_bool(env.get("KESOS_TRACE_HOOKS")),
        queue_name=env.get("KESOS_QUEUE", "kesos"),
        token_ttl_hours=_positive_int("KESOS_TOKEN_TTL_HOURS", env.get("KESOS_TOKEN_TTL_HOURS"), 12),
        storage_backend=(env.get("KESOS_STORAGE") or "local").strip().lower(),
        storage_dir=Path(env["KESOS_STORAGE_DIR"]) if env.get("KESOS_STORAGE_DIR") else None,
        upload_max_bytes=_positive_int("KESOS_UPLOAD_MAX_MB", env.get("KESOS_UPLOAD_MAX_MB"), 10) * 1024 * 1024,
    )
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    check_settings(settings, secret_from_env=env.get("SECRET_KEY"))
    return settings


def check_settings(settings: Settings, *, secret_from_env: str | None = None) -> None:
    # A typo ("prod", "produksi") must not silently skip the production checks below.
    if settings.env not in ENVIRONMENTS:
        raise ConfigError(
            f"KESOS_ENV tidak dikenal: {settings.env!r}. Gunakan salah satu dari: {', '.join(ENVIRONMENTS)}."
        )
    if settings.is_production:
        # The effective key is judged (an override counts); unset falls back to the default.
        if not settings.secret_key.strip() or settings.secret_key == DEFAULT_SECRET_KEY:
            raise ConfigError(
                "KESOS_ENV=production membutuhkan SECRET_KEY yang kuat dan rahasia: "
                "SECRET_KEY tidak diisi atau masih bernilai bawaan pengembangan. "
                "Set SECRET_KEY (mis. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        if len(settings.secret_key) < 32:
            raise ConfigError("KESOS_ENV=production: SECRET_KEY harus minimal 32 karakter.")
    if settings.storage_backend not in STORAGE_BACKENDS:
        raise ConfigError(
            f"KESOS_STORAGE tidak dikenal: {settings.storage_backend!r}. Gunakan salah satu dari: {', '.join(STORAGE_BACKENDS)}."
        )
    if not settings.database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            f"DATABASE_URL tidak didukung: {settings.database_url.split(':', 1)[0]}. "
            "Gunakan postgresql+psycopg://… atau kosongkan untuk SQLite bawaan."
        )
