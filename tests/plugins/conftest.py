"""What every service plugin's tests share."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Service tests create many staff accounts: a cheaper scrypt cost keeps the suite fast
    (hashes record their own parameters, so verification is unchanged)."""
    from core.staff import passwords

    monkeypatch.setattr(passwords, "_N", 2**10)
