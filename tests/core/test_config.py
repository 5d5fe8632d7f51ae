"""Settings from the environment (DESIGN.md, principle 6): nothing set = embedded defaults;
DATABASE_URL / REDIS_URL switch to the real services; production refuses unsafe secrets."""
from __future__ import annotations

import pytest

from core.config import DEFAULT_SECRET_KEY, PROJECT_ROOT, ConfigError, load_settings

STRONG_KEY = "x7Gq2LmN9pRt4VwZ8bCd1FhJ5kMs3QyU6aEe0iOo"  # 40 chars, not the default
# Production also needs the NIK/KK encryption keys (tests/security/test_personal_data.py).
DATA_KEYS = {"KESOS_DATA_KEYS": "k1:" + "A" * 43 + "=", "KESOS_BLIND_INDEX_KEY": "B" * 43 + "="}


def test_no_variables_means_sqlite_under_instance_and_inline_jobs() -> None:
    s = load_settings(environ={})
    assert s.env == "development" and not s.is_production
    assert s.database_url == f"sqlite:///{PROJECT_ROOT / 'instance' / 'kesos.db'}"
    assert s.migration_database_url == s.database_url
    assert not s.is_postgres
    assert s.redis_url == "" and s.jobs_inline
    assert s.blocked_plugins == ()
    assert s.trace_hooks is False
    assert s.token_ttl_hours == 12


def test_instance_dir_moves_the_sqlite_file(tmp_path) -> None:
    s = load_settings(environ={"KESOS_INSTANCE_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'kesos.db'}"


def test_database_url_switches_to_postgresql() -> None:
    url = "postgresql+psycopg://kesos:rahasia@db:5432/kesos"
    s = load_settings(environ={"DATABASE_URL": url})
    assert s.database_url == url and s.is_postgres
    # Without a separate migration URL, migrations use the same database.
    assert s.migration_database_url == url


def test_migration_url_and_app_role_are_read_separately() -> None:
    s = load_settings(
        environ={
            "DATABASE_URL": "postgresql+psycopg://app@db/kesos",
            "MIGRATION_DATABASE_URL": "postgresql+psycopg://owner@db/kesos",
            "KESOS_APP_DB_ROLE": "kesos_app",
        }
    )
    assert s.migration_database_url == "postgresql+psycopg://owner@db/kesos"
    assert s.app_db_role == "kesos_app"


def test_redis_url_switches_jobs_to_rq() -> None:
    s = load_settings(environ={"REDIS_URL": "redis://cache:6379/0"})
    assert s.redis_url == "redis://cache:6379/0"
    assert not s.jobs_inline


def test_unsupported_database_url_is_refused_naming_the_scheme() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL tidak didukung: mysql"):
        load_settings(environ={"DATABASE_URL": "mysql://root@db/kesos"})


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param({"KESOS_ENV": "production"}, id="no-secret"),
        pytest.param({"KESOS_ENV": "production", "SECRET_KEY": ""}, id="empty-secret"),
        pytest.param({"KESOS_ENV": "production", "SECRET_KEY": DEFAULT_SECRET_KEY}, id="default-secret"),
    ],
)
def test_production_refuses_a_missing_or_default_secret(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ=environ)
    message = str(info.value)
    assert "KESOS_ENV=production" in message
    assert "SECRET_KEY" in message
    assert "bawaan" in message  # says *why*: unset or still the development default


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY harus minimal 32 karakter"):
        load_settings(environ={"KESOS_ENV": "production", "SECRET_KEY": "pendek-sekali-123"})


def test_production_accepts_a_strong_secret() -> None:
    s = load_settings(environ={"KESOS_ENV": "production", "SECRET_KEY": STRONG_KEY, **DATA_KEYS})
    assert s.is_production and s.secret_key == STRONG_KEY


def test_development_tolerates_the_default_secret() -> None:
    assert load_settings(environ={"SECRET_KEY": ""}).secret_key == DEFAULT_SECRET_KEY


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ()),
        ("lks", ("lks",)),
        ("lks,rehabilitasi", ("lks", "rehabilitasi")),
        (" lks , , rehabilitasi ,", ("lks", "rehabilitasi")),
    ],
)
def test_block_plugins_is_a_comma_separated_list(raw: str, expected: tuple[str, ...]) -> None:
    assert load_settings(environ={"KESOS_BLOCK_PLUGINS": raw}).blocked_plugins == expected


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)])
def test_trace_hooks_flag(raw: str, expected: bool) -> None:
    assert load_settings(environ={"KESOS_TRACE_HOOKS": raw}).trace_hooks is expected


def test_token_ttl_from_environment() -> None:
    assert load_settings(environ={"KESOS_TOKEN_TTL_HOURS": "2"}).token_ttl_hours == 2


def test_overrides_win_over_the_environment(tmp_path) -> None:
    s = load_settings(environ={"REDIS_URL": "redis://cache:6379/0"}, redis_url="")
    assert s.jobs_inline


def test_settings_do_not_read_os_environ_when_environ_is_given(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://leak@db/kesos")
    monkeypatch.setenv("KESOS_ENV", "production")
    s = load_settings(environ={})
    assert not s.is_postgres and not s.is_production


@pytest.mark.parametrize("raw", ["dua belas", "0", "-3", "1.5"])
def test_invalid_token_ttl_is_a_config_error_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="KESOS_TOKEN_TTL_HOURS harus bilangan bulat positif"):
        load_settings(environ={"KESOS_TOKEN_TTL_HOURS": raw})


@pytest.mark.parametrize("raw", ["Production", " production ", "PRODUCTION"])
def test_production_is_recognised_whatever_its_case(raw: str) -> None:
    # Otherwise "Production" would silently skip the secret checks.
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(environ={"KESOS_ENV": raw})
    assert load_settings(environ={"KESOS_ENV": raw, "SECRET_KEY": STRONG_KEY, **DATA_KEYS}).is_production


@pytest.mark.parametrize("raw", ["prod", "produksi", "staging"])
def test_unknown_environment_name_is_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match=f"KESOS_ENV tidak dikenal: '{raw}'"):
        load_settings(environ={"KESOS_ENV": raw, "SECRET_KEY": STRONG_KEY})


def test_empty_environment_name_means_development() -> None:
    assert load_settings(environ={"KESOS_ENV": ""}).env == "development"


def test_a_strong_secret_given_as_an_override_is_accepted_in_production() -> None:
    s = load_settings(environ={"KESOS_ENV": "production", **DATA_KEYS}, secret_key=STRONG_KEY)
    assert s.is_production and s.secret_key == STRONG_KEY


def test_the_default_secret_given_as_an_override_is_still_refused() -> None:
    with pytest.raises(ConfigError, match="bawaan"):
        load_settings(environ={"KESOS_ENV": "production", "SECRET_KEY": STRONG_KEY}, secret_key=DEFAULT_SECRET_KEY)
