"""Settings from the environment, with embedded defaults.

Nothing set → a SQLite file under instance/ and jobs run inline, so a newcomer's `make run`
needs no services. DATABASE_URL and REDIS_URL switch to PostgreSQL and RQ on Redis.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "kesos-dev-secret-not-for-production"
ENVIRONMENTS = ("development", "test", "production")
# Document stores core/storage.py can build; an S3-compatible one implements DocumentStorage.
STORAGE_BACKENDS = ("local",)
# Process logs (core/logs.py): one JSON object per line for a log collector, or plain text.
LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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


def _non_negative_int(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{name} harus bilangan bulat 0 atau lebih, bukan {value!r}.")
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
    # Background jobs on RQ (core/jobs.py): how long one may run, how often a failed or
    # abandoned one is retried and after how many seconds each time (a retry waiting for its
    # interval needs `rq worker --with-scheduler`), after how many minutes a job that never
    # reached the queue is sent again, and how long a killed worker's job stays "started".
    job_timeout: int = 600
    job_retries: int = 3
    job_retry_intervals: tuple[int, ...] = (30, 120, 600)
    job_requeue_minutes: int = 10
    job_heartbeat_grace: int = 60
    max_content_length: int = 2 * 1024 * 1024
    # Uploaded documents (core/storage.py): where they are kept and how large one file may be.
    storage_backend: str = "local"
    storage_dir: Path | None = None  # unset: <instance_dir>/berkas
    upload_max_bytes: int = 10 * 1024 * 1024
    # NIK and KK encryption (core/crypto.py): "id:<base64 32 bytes>,...", the id sealing new
    # values, and the blind-index key. Unset: a fixed development key (refused in production).
    # Kept out of repr() so logging the settings never logs a key.
    data_keys: str = field(default="", repr=False)
    data_key_id: str = ""
    blind_index_key: str = field(default="", repr=False)
    # Login lockout (core/staff/lockout.py): this many failures within the window lock the
    # username for the lockout period.
    login_max_failures: int = 5
    login_window_minutes: int = 15
    login_lockout_minutes: int = 15
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port are trusted
    # (werkzeug ProxyFix); 0: none, the headers are ignored.
    proxy_fix: int = 0
    # Optional OpenID Connect login (core/oidc.py); off unless the issuer is set.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_jwks_url: str = ""
    oidc_jwks_file: Path | None = None
    oidc_roles_claim: str = "kesos_roles"
    oidc_username_claim: str = "preferred_username"
    # Logs on stdout (core/logs.py): "json" (the default with KESOS_ENV=production) or "text".
    log_format: str = "text"
    log_level: str = "INFO"

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

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)


def _job_count(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    if not value.strip().isdigit():
        raise ConfigError(f"{name} harus bilangan bulat 0 atau lebih, bukan {value!r}.")
    return int(value.strip())


def _job_intervals(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """KESOS_JOB_RETRY_INTERVALS: seconds before each retry, e.g. "30,120,600" (0: at once)."""
    if value is None or value.strip() == "":
        return default
    parts = [p.strip() for p in value.split(",")]
    if not all(p.isdigit() for p in parts):
        raise ConfigError(f"KESOS_JOB_RETRY_INTERVALS harus daftar detik dipisah koma (mis. 30,120,600), bukan {value!r}.")
    return tuple(int(p) for p in parts)


def _default_log_format(env: str) -> str:
    # JSON where a collector reads the logs (production), text for a person at a terminal.
    return "json" if env.strip().lower() == "production" else "text"


def log_options(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """KESOS_LOG_FORMAT and KESOS_LOG_LEVEL alone, checked: for a process that must log before
    it reads (and checks) the rest of the settings, e.g. gunicorn's master."""
    env = os.environ if environ is None else environ
    settings = Settings(
        log_format=(env.get("KESOS_LOG_FORMAT") or "").strip().lower() or _default_log_format(env.get("KESOS_ENV") or ""),
        log_level=(env.get("KESOS_LOG_LEVEL") or "INFO").strip().upper(),
    )
    _check_logs(settings)
    return settings.log_format, settings.log_level


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
        job_timeout=_positive_int("KESOS_JOB_TIMEOUT", env.get("KESOS_JOB_TIMEOUT"), 600),
        job_retries=_job_count("KESOS_JOB_RETRIES", env.get("KESOS_JOB_RETRIES"), 3),
        job_retry_intervals=_job_intervals(env.get("KESOS_JOB_RETRY_INTERVALS"), (30, 120, 600)),
        job_requeue_minutes=_positive_int("KESOS_JOB_REQUEUE_MINUTES", env.get("KESOS_JOB_REQUEUE_MINUTES"), 10),
        job_heartbeat_grace=_positive_int("KESOS_JOB_HEARTBEAT_GRACE", env.get("KESOS_JOB_HEARTBEAT_GRACE"), 60),
        token_ttl_hours=_positive_int("KESOS_TOKEN_TTL_HOURS", env.get("KESOS_TOKEN_TTL_HOURS"), 12),
        storage_backend=(env.get("KESOS_STORAGE") or "local").strip().lower(),
        storage_dir=Path(env["KESOS_STORAGE_DIR"]) if env.get("KESOS_STORAGE_DIR") else None,
        upload_max_bytes=_positive_int("KESOS_UPLOAD_MAX_MB", env.get("KESOS_UPLOAD_MAX_MB"), 10) * 1024 * 1024,
        data_keys=env.get("KESOS_DATA_KEYS", ""),
        data_key_id=env.get("KESOS_DATA_KEY_ID", ""),
        blind_index_key=env.get("KESOS_BLIND_INDEX_KEY", ""),
        login_max_failures=_positive_int("KESOS_LOGIN_MAX_FAILURES", env.get("KESOS_LOGIN_MAX_FAILURES"), 5),
        login_window_minutes=_positive_int("KESOS_LOGIN_WINDOW_MINUTES", env.get("KESOS_LOGIN_WINDOW_MINUTES"), 15),
        login_lockout_minutes=_positive_int("KESOS_LOGIN_LOCKOUT_MINUTES", env.get("KESOS_LOGIN_LOCKOUT_MINUTES"), 15),
        proxy_fix=_non_negative_int("KESOS_PROXY_FIX", env.get("KESOS_PROXY_FIX"), 0),
        oidc_issuer=(env.get("KESOS_OIDC_ISSUER") or "").strip(),
        oidc_client_id=(env.get("KESOS_OIDC_CLIENT_ID") or "").strip(),
        oidc_jwks_url=(env.get("KESOS_OIDC_JWKS_URL") or "").strip(),
        oidc_jwks_file=Path(env["KESOS_OIDC_JWKS_FILE"]) if env.get("KESOS_OIDC_JWKS_FILE") else None,
        oidc_roles_claim=(env.get("KESOS_OIDC_ROLES_CLAIM") or "kesos_roles").strip(),
        oidc_username_claim=(env.get("KESOS_OIDC_USERNAME_CLAIM") or "preferred_username").strip(),
        log_format=(env.get("KESOS_LOG_FORMAT") or "").strip().lower(),
        log_level=(env.get("KESOS_LOG_LEVEL") or "INFO").strip().upper(),
    )
    values.update(overrides)
    if not values["log_format"]:
        values["log_format"] = _default_log_format(str(values["env"]))
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
    _check_logs(settings)
    _check_oidc(settings)
    data_keyring(settings)  # unusable or (in production) missing keys stop start-up
    if not settings.database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            f"DATABASE_URL tidak didukung: {settings.database_url.split(':', 1)[0]}. "
            "Gunakan postgresql+psycopg://… atau kosongkan untuk SQLite bawaan."
        )


def data_keyring(settings: Settings) -> Any:
    """The keyring of the NIK/KK encryption (core/crypto.py); ConfigError when the keys are
    unusable, or missing with KESOS_ENV=production."""
    from core.crypto import build_keyring

    return build_keyring(
        data_keys=settings.data_keys, data_key_id=settings.data_key_id,
        blind_index_key=settings.blind_index_key, production=settings.is_production,
    )


def _check_logs(settings: Settings) -> None:
    if settings.log_format not in LOG_FORMATS:
        raise ConfigError(
            f"KESOS_LOG_FORMAT tidak dikenal: {settings.log_format!r}. Gunakan salah satu dari: {', '.join(LOG_FORMATS)}."
        )
    if settings.log_level not in LOG_LEVELS:
        raise ConfigError(
            f"KESOS_LOG_LEVEL tidak dikenal: {settings.log_level!r}. Gunakan salah satu dari: {', '.join(LOG_LEVELS)}."
        )


def _check_oidc(settings: Settings) -> None:
    """An OIDC configuration that could not verify a token stops start-up (nothing is fetched
    here: the JWKS URL is read at the first OIDC login)."""
    if not settings.oidc_enabled:
        return
    if not settings.oidc_client_id:
        raise ConfigError("KESOS_OIDC_ISSUER diisi: KESOS_OIDC_CLIENT_ID (audiens token) juga wajib diisi.")
    if bool(settings.oidc_jwks_url) == bool(settings.oidc_jwks_file):
        raise ConfigError("KESOS_OIDC_ISSUER diisi: isi salah satu dari KESOS_OIDC_JWKS_URL atau KESOS_OIDC_JWKS_FILE.")
    if settings.oidc_jwks_url and settings.is_production and not settings.oidc_jwks_url.startswith("https://"):
        raise ConfigError("KESOS_ENV=production: KESOS_OIDC_JWKS_URL harus https:// (kunci tanda tangan tidak boleh bisa dipalsukan di jalan).")
    if settings.oidc_jwks_file and not settings.oidc_jwks_file.is_file():
        raise ConfigError(f"KESOS_OIDC_JWKS_FILE tidak ditemukan: {settings.oidc_jwks_file}.")
