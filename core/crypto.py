"""Personal identity numbers at rest (UU 27/2022 tentang Pelindungan Data Pribadi): the NIK and the
number of the Kartu Keluarga are stored encrypted and found again through a keyed blind index.

- **Encryption**: AES-256-GCM (authenticated). A stored value reads
  `v1:<key_id>:<base64url(nonce ‖ ciphertext ‖ tag)>`; the key id names the key that sealed it,
  so keys can rotate (`kesos keys rotate`) while older ids still open. The tenant's id is the
  associated data: a ciphertext copied into another tenant's row does not open there.
- **Blind index**: HMAC-SHA256 (hex) over the kind ("nik"/"kk"), the tenant's id and the
  normalised number, with a key of its own. It serves exact lookups and the per-tenant unique
  constraint; being per tenant, it does not even tell that two kabupaten serve the same person.
- **Keys** come from the configuration (`KESOS_DATA_KEYS="id1:<base64 32 bytes>,..."`,
  `KESOS_DATA_KEY_ID`, `KESOS_BLIND_INDEX_KEY`). Without them, development and tests use a fixed,
  publicly known development key (said so in the log); `KESOS_ENV=production` refuses to start.

Model code keeps reading `person.nik` as plaintext: `EncryptedString` seals and opens the value
with the current tenant (the ORM only ever loads the current tenant's rows), and
`keep_blind_index` keeps the index column in step whenever the attribute is set. Comparing the
encrypted column itself (`Person.nik == x`) raises: a random nonce would silently match nothing —
compare the index (`Person.nik_index == blind_index(x)`).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import uuid
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String, event, text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from core.config import ConfigError
from core.db import TenantNotSet, current_tenant_id

log = logging.getLogger(__name__)

FORMAT = "v1"
KEY_BYTES = 32  # AES-256, and a 256-bit HMAC key
NONCE_BYTES = 12
# Room for a NIK, a KK number or an anonymised placeholder (16 characters); 32 bytes at most.
MAX_PLAINTEXT_BYTES = 32
# "v1:" + key id (<= 16) + ":" + base64url(12 + 32 + 16 bytes) = 100 characters at most.
CIPHERTEXT_LENGTH = 100
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")

NIK = "nik"
KK = "kk"
# The column type of a blind index: HMAC-SHA256 in hex.
BLIND_INDEX = String(64)

# Not secret: derived from fixed words so a development database survives restarts. Production
# refuses them as the current key (they may still be listed to rotate away from them).
DEV_KEY_ID = "dev"
DEV_DATA_KEY = hashlib.sha256(b"kesos: kunci data pengembangan, bukan rahasia").digest()
DEV_BLIND_INDEX_KEY = hashlib.sha256(b"kesos: kunci indeks buta pengembangan, bukan rahasia").digest()


class SealedDataError(RuntimeError):
    """A stored NIK/KK cannot be opened: unknown key id, not in the stored format, or not
    authentic for this tenant (altered, or copied from another tenant's row)."""


class EncryptedComparison(TypeError):
    """An encrypted column was compared in SQL; compare its blind index instead."""


def _b64decode(value: str) -> bytes:
    value = value.strip().replace("+", "-").replace("/", "_")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _key(name: str, value: str) -> bytes:
    try:
        raw = _b64decode(value)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ConfigError(
            f"{name}: kunci harus {KEY_BYTES} byte acak dalam base64 "
            "(mis. `python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'`)."
        )
    return raw


def parse_data_keys(raw: str) -> dict[str, bytes]:
    """`KESOS_DATA_KEYS` ("id1:<base64>,id2:<base64>") as key id → 32-byte key."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key_id, sep, value = item.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID.match(key_id):
            raise ConfigError(
                "KESOS_DATA_KEYS harus berbentuk 'id1:<base64 32 byte>,id2:<base64 32 byte>'; "
                "id kunci 1–16 huruf, angka, '-' atau '_'."
            )
        if key_id in keys:
            raise ConfigError(f"KESOS_DATA_KEYS menyebut id kunci '{key_id}' dua kali.")
        keys[key_id] = _key(f"KESOS_DATA_KEYS ({key_id})", value)
    return keys


class Keyring:
    """The data keys (by id), which one seals new values, and the blind-index key."""

    def __init__(self, keys: Mapping[str, bytes], current: str, blind_key: bytes, *, development: bool = False) -> None:
        if current not in keys:
            raise ConfigError(f"KESOS_DATA_KEY_ID '{current}' tidak ada di KESOS_DATA_KEYS.")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.key_ids = tuple(keys)
        self.current = current
        self._blind_key = blind_key
        self.development = development

    def __repr__(self) -> str:  # never the key material
        return f"Keyring(key_ids={self.key_ids!r}, current={self.current!r}, development={self.development})"

    @staticmethod
    def _aad(tenant_id: uuid.UUID) -> bytes:
        return b"kesos/" + FORMAT.encode() + b"/" + tenant_id.bytes

    def encrypt(self, plaintext: str, tenant_id: uuid.UUID) -> str:
        data = plaintext.encode("utf-8")
        if len(data) > MAX_PLAINTEXT_BYTES:
            raise ValueError(f"encrypted columns hold at most {MAX_PLAINTEXT_BYTES} bytes")
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, data, self._aad(tenant_id))
        return f"{FORMAT}:{self.current}:{_b64encode(nonce + sealed)}"

    def decrypt(self, stored: str, tenant_id: uuid.UUID) -> str:
        version, _, rest = stored.partition(":")
        key_id, _, body = rest.partition(":")
        if version != FORMAT or not body:
            raise SealedDataError("nilai tersimpan bukan dalam format terenkripsi v1")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SealedDataError(
                f"kunci data '{key_id}' tidak ada di KESOS_DATA_KEYS: simpan kunci lama sampai `kesos keys rotate` selesai"
            )
        try:
            raw = _b64decode(body)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._aad(tenant_id)).decode("utf-8")
        except (InvalidTag, ValueError, binascii.Error) as exc:
            # No detail on purpose: the value is either altered or belongs to another tenant.
            raise SealedDataError(
                f"nilai terenkripsi dengan kunci '{key_id}' tidak sah untuk kabupaten/kota ini "
                "(diubah, atau disalin dari baris kabupaten/kota lain)"
            ) from exc

    def blind_index(self, value: str, kind: str, tenant_id: uuid.UUID) -> str:
        normalised = "".join(value.split())
        message = kind.encode() + b"\x00" + tenant_id.bytes + normalised.encode("utf-8")
        return hmac.new(self._blind_key, message, hashlib.sha256).hexdigest()


def key_id_of(stored: str) -> str | None:
    """The key id a stored value was sealed with (None for anything else)."""
    version, _, rest = stored.partition(":")
    return rest.partition(":")[0] if version == FORMAT else None


_warned_development = False


def build_keyring(*, data_keys: str, data_key_id: str, blind_index_key: str, production: bool) -> Keyring:
    """The keyring from the three settings; ConfigError (Bahasa Indonesia) when they are unsafe."""
    global _warned_development
    data_keys, data_key_id, blind_index_key = data_keys.strip(), data_key_id.strip(), blind_index_key.strip()
    if not data_keys and not blind_index_key and not data_key_id:
        if production:
            raise ConfigError(
                "KESOS_ENV=production membutuhkan kunci enkripsi data pribadi: isi KESOS_DATA_KEYS "
                "('id:<base64 32 byte>'), KESOS_DATA_KEY_ID dan KESOS_BLIND_INDEX_KEY (lihat docs/security.md)."
            )
        if not _warned_development:
            _warned_development = True
            log.warning(
                "KESOS_DATA_KEYS dan KESOS_BLIND_INDEX_KEY tidak diisi: NIK dan nomor KK dienkripsi dengan kunci "
                "pengembangan tetap (id '%s') yang tidak rahasia. Jangan dipakai untuk data sungguhan.", DEV_KEY_ID,
            )
        return Keyring({DEV_KEY_ID: DEV_DATA_KEY}, DEV_KEY_ID, DEV_BLIND_INDEX_KEY, development=True)
    if not data_keys or not blind_index_key:
        # Half a configuration is a mistake whatever the environment.
        raise ConfigError("KESOS_DATA_KEYS dan KESOS_BLIND_INDEX_KEY harus diisi bersama.")
    keys = parse_data_keys(data_keys)
    if not keys:
        raise ConfigError("KESOS_DATA_KEYS tidak berisi kunci.")
    if not data_key_id:
        if len(keys) > 1:
            raise ConfigError("KESOS_DATA_KEYS berisi beberapa kunci: sebutkan kunci yang berlaku di KESOS_DATA_KEY_ID.")
        data_key_id = next(iter(keys))
    blind_key = _key("KESOS_BLIND_INDEX_KEY", blind_index_key)
    if blind_key in keys.values():
        raise ConfigError("KESOS_BLIND_INDEX_KEY harus berbeda dari setiap kunci di KESOS_DATA_KEYS.")
    if production and (keys.get(data_key_id) == DEV_DATA_KEY or blind_key == DEV_BLIND_INDEX_KEY):
        raise ConfigError(
            "KESOS_ENV=production tidak boleh memakai kunci pengembangan bawaan sebagai kunci yang berlaku "
            "atau sebagai KESOS_BLIND_INDEX_KEY."
        )
    return Keyring(keys, data_key_id, blind_key)


def keyring_from_environ(environ: Mapping[str, str]) -> Keyring:
    return build_keyring(
        data_keys=environ.get("KESOS_DATA_KEYS", ""),
        data_key_id=environ.get("KESOS_DATA_KEY_ID", ""),
        blind_index_key=environ.get("KESOS_BLIND_INDEX_KEY", ""),
        production=(environ.get("KESOS_ENV") or "").strip().lower() == "production",
    )


# One keyring per process, like the settings it comes from: create_app() installs it; a process
# that never built an app (a migration run directly) reads it from its environment.
_active: Keyring | None = None


def use_keyring(keyring: Keyring | None) -> Keyring | None:
    """Install the process's keyring; returns the previous one (tests restore it)."""
    global _active
    previous, _active = _active, keyring
    return previous


def keyring() -> Keyring:
    global _active
    if _active is None:
        _active = keyring_from_environ(os.environ)
    return _active


def _tenant(tenant_id: uuid.UUID | None = None) -> uuid.UUID:
    tid = tenant_id or current_tenant_id()
    if tid is None:
        raise TenantNotSet("encrypted personal data is sealed and opened for the current tenant; none is set")
    return tid


def blind_index(value: str, kind: str = NIK, tenant_id: uuid.UUID | None = None) -> str:
    """The blind index of a NIK (kind "nik") or KK number ("kk") in a tenant (default: the
    current one), to compare with an index column."""
    return keyring().blind_index(value, kind, _tenant(tenant_id))


class EncryptedString(TypeDecorator[str]):
    """A short identifier (NIK, KK number) stored encrypted for the current tenant."""

    impl = String(CIPHERTEXT_LENGTH)
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator[str]):  # noqa: N801 (SQLAlchemy's name)
        _ALLOWED = (operators.is_, operators.is_not)

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in self._ALLOWED:
                return super().operate(op, *other, **kwargs)
            raise EncryptedComparison(f"{self.expr} is encrypted: compare its blind index (core.crypto.blind_index)")

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            raise EncryptedComparison(f"{self.expr} is encrypted: compare its blind index (core.crypto.blind_index)")

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring().encrypt(value, _tenant())

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring().decrypt(value, _tenant())


def keep_blind_index(attribute: Any, index_attribute: str, kind: str) -> None:
    """Keep `index_attribute` equal to the blind index of `attribute` whenever it is set (the
    constructor included), with the row's tenant or, before it is stamped, the current one."""

    @event.listens_for(attribute, "set")
    def _set_index(target: Any, value: str | None, _old: Any, _initiator: Any) -> None:
        setattr(target, index_attribute, None if value is None else blind_index(value, kind, target.tenant_id))


# -- migrations ---------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_MIGRATION_BATCH = 1000


def _set_tenant_sql(conn: Any, tenant_id: uuid.UUID | None) -> None:
    # Row-level security is forced on the table owner too: each tenant's rows are visible, and
    # writable, only with that tenant set on the transaction.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT set_config('kesos.tenant_id', :t, true)"), {"t": str(tenant_id) if tenant_id else ""})


def _rewrite_in_migration(table: str, columns: Mapping[str, tuple[str, str | None]], seal: bool) -> None:
    from alembic import op

    names = list(columns)
    indexes = [index for _, index in columns.values() if index] if seal else []
    for name in (table, *names, *indexes):
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a plain identifier: {name!r}")
    conn = op.get_bind()
    select_sql = text(f"SELECT id, {', '.join(names)} FROM {table} WHERE tenant_id = :t")
    update_sql = text(f"UPDATE {table} SET {', '.join(f'{c} = :{c}' for c in names + indexes)} WHERE tenant_id = :t AND id = :id")
    for raw_tid in conn.execute(text("SELECT id FROM tenants")).scalars().all():
        tid = raw_tid if isinstance(raw_tid, uuid.UUID) else uuid.UUID(str(raw_tid))
        _set_tenant_sql(conn, tid)
        updates = []
        for row_id, *values in conn.execute(select_sql, {"t": raw_tid}).all():
            params: dict[str, Any] = {"t": raw_tid, "id": row_id}
            for name, value in zip(names, values):
                kind, index = columns[name]
                sealed = value is not None and key_id_of(value) is not None
                plain = keyring().decrypt(value, tid) if sealed else value
                params[name] = None if plain is None else keyring().encrypt(plain, tid) if seal else plain
                if seal and index:
                    params[index] = None if plain is None else keyring().blind_index(plain, kind, tid)
            updates.append(params)
        for start in range(0, len(updates), _MIGRATION_BATCH):
            conn.execute(update_sql, updates[start:start + _MIGRATION_BATCH])
    _set_tenant_sql(conn, None)


def encrypt_existing(table: str, columns: Mapping[str, tuple[str, str | None]]) -> None:
    """For a revision's upgrade(): seal the values of `columns` of `table` (a tenant-owned table
    with an `id`) in place with the configured current key and fill their blind index columns,
    tenant by tenant. `columns` maps a column to (kind, its index column or None). Idempotent:
    a value already sealed is opened and sealed again."""
    _rewrite_in_migration(table, columns, seal=True)


def decrypt_existing(table: str, columns: Mapping[str, tuple[str, str | None]]) -> None:
    """For a revision's downgrade(): the plaintext back into `columns` (index columns untouched)."""
    _rewrite_in_migration(table, columns, seal=False)
