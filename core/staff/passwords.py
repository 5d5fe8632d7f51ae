"""Password hashing with scrypt from the standard library (memory-hard, no extra dependency)."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
from pathlib import Path

# n=2**14, r=8, p=1: OWASP's minimum for scrypt; ~16 MiB and tens of ms per hash.
_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 10
# Very common passwords (and their Indonesian favourites) of at least MIN_LENGTH characters;
# shorter ones are refused by the length rule already. Shipped with the package, not downloaded.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# The prefix of a hash this module wrote; anything else (e.g. "!" for an account that signs in
# through the identity provider) can never match a password.
_SCHEME = "scrypt$"


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


def is_usable(encoded: str) -> bool:
    """Whether a password can ever match this stored value (False for external accounts)."""
    return encoded.startswith(_SCHEME)


def dummy_hash() -> str:
    """A hash at today's cost to verify against when there is no usable one (unknown user,
    external account), so that every refused login costs the same hash."""
    return _dummy_hash(_N, _R, _P)


@functools.cache
def _dummy_hash(n: int, r: int, p: int) -> str:
    return hash_password("kesos-dummy-password")


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest_b64)
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt_b64), n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(digest, expected)


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """The minimum policy, checked wherever a password is set: at least MIN_LENGTH characters,
    not containing the username, not a few characters repeated, not a very common password.
    Each message names the rule broken."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if username and username.lower() in password.lower():
        problems.append("Kata sandi tidak boleh memuat nama pengguna.")
    if len(set(password)) < 4:
        problems.append("Kata sandi terlalu sederhana.")
    if password.strip().lower() in common_passwords():
        problems.append("Kata sandi ini termasuk kata sandi yang sangat umum dan mudah ditebak; pilih yang lain.")
    return problems
