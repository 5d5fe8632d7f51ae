"""Password hashing with scrypt from the standard library (memory-hard, no extra dependency)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

# n=2**14, r=8, p=1: OWASP's minimum for scrypt; ~16 MiB and tens of ms per hash.
_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


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


def password_problems(password: str, username: str = "") -> list[str]:
    """A minimum policy (hardened later): length, not the username, not a single repeated char."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if username and username.lower() in password.lower():
        problems.append("Kata sandi tidak boleh memuat nama pengguna.")
    if len(set(password)) < 4:
        problems.append("Kata sandi terlalu sederhana.")
    return problems
