"""Repeated failed logins lock a username for a while.

Failures are counted per username in the database (`login_failures`), so the count holds across
every web pod, and for unknown usernames exactly as for real ones: a lockout tells nobody which
accounts exist. A success clears the count.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import KesosError
from core.staff.models import LoginFailure, User


def clock() -> datetime:
    """Now, for the lockout (tests replace it instead of sleeping)."""
    return utcnow()


@dataclass(frozen=True)
class LockoutPolicy:
    """`max_failures` failures within `window` lock the username for `lockout`."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Any) -> LockoutPolicy:
        """The deployment's policy (KESOS_LOGIN_*), the same for the API and the console."""
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            lockout=timedelta(minutes=settings.login_lockout_minutes),
        )


class AccountLocked(KesosError):
    """429 with Retry-After (seconds): also when the password given is right."""

    status = 429
    code = "akun_terkunci"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            message=(
                "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
                f"Coba lagi dalam {minutes} menit."
            )
        )
        self.retry_after = retry_after


def _retry_after(locked_until: datetime, now: datetime) -> int:
    return max(1, math.ceil((locked_until - now).total_seconds()))


def check_not_locked(session: Session, username: str, now: datetime) -> None:
    row = session.get(LoginFailure, username)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        raise AccountLocked(_retry_after(row.locked_until, now))


def record_failure(session: Session, username: str, now: datetime, policy: LockoutPolicy) -> None:
    """Count a failed login; raise AccountLocked when this failure locks the username.

    The row is inserted if missing (doing nothing on a concurrent insert) and then read FOR
    UPDATE, so concurrent failures on PostgreSQL are counted one after the other."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(LoginFailure)
        .values(username=username, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["username"])
    )
    row = session.scalar(
        select(LoginFailure)
        .where(LoginFailure.username == username)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    if row.locked_until is not None:
        if row.locked_until > now:  # locked meanwhile by a concurrent attempt
            raise AccountLocked(_retry_after(row.locked_until, now))
        row.locked_until = None  # a lock that has run out starts a fresh count
        row.failures, row.window_started_at = 0, now
    if now - row.window_started_at >= policy.window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures < policy.max_failures:
        return
    row.locked_until = now + policy.lockout
    user_id = session.scalar(select(User.id).where(User.username == username))
    audit.record(
        session,
        "auth.lockout",
        "user" if user_id is not None else "username",
        user_id if user_id is not None else username,
        {
            "username": username,
            "akun_ada": user_id is not None,
            "gagal": row.failures,
            "dalam_menit": int(policy.window.total_seconds() // 60),
            "terkunci_sampai": row.locked_until.isoformat(),
        },
    )
    row.failures, row.window_started_at = 0, now
    raise AccountLocked(_retry_after(row.locked_until, now))


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
