"""A form submitted twice acts once.

Each form carries a one-time id (hidden field `submission_id`, a UUID made when the form is
shown). `once(id, action)` inserts the id into `console_submissions` in the same transaction as
the action: a second POST with the same id — a double click, the back button and resend, even
at the same moment — finds the row, or blocks on its primary key until the first commits and
then finds it, and goes to the first one's result without acting again. If the first one
failed, its row rolled back with it, and the second acts normally.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from flask import Response, redirect
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from core.api.common import current_user, kernel, session
from core.console.csrf import FormExpired
from core.console.models import ConsoleSubmission
from core.db import utcnow

FIELD = "submission_id"


def _parse(submission_id: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(submission_id))
    except ValueError:
        raise FormExpired() from None  # a form of ours always has one: this one is stale or forged


def _first_result(sid: uuid.UUID, user_id: uuid.UUID) -> Response | None:
    row = session().get(ConsoleSubmission, sid)
    if row is None:
        return None
    if row.user_id != user_id:
        raise FormExpired()
    return redirect(row.result_url, 303)  # type: ignore[return-value]


def already_done(submission_id: str | None) -> Response | None:
    """The redirect to the first result when this form was submitted before; else None."""
    return _first_result(_parse(submission_id), current_user().id)


def once(submission_id: str | None, action: Callable[[], str]) -> Response:
    sid = _parse(submission_id)
    user = current_user()
    s = session()
    done = _first_result(sid, user.id)
    if done is not None:
        return done
    row = ConsoleSubmission(submission_id=sid, user_id=user.id, result_url="", created_at=utcnow())
    s.add(row)
    try:
        s.flush()  # a concurrent twin waits here until the first commits or rolls back
    except IntegrityError:
        s.rollback()  # nothing of this request was written yet: only the refused insert
        done = _first_result(sid, user.id)
        if done is not None:
            return done
        raise
    row.result_url = action()
    _forget_old(user.id)
    return redirect(row.result_url, 303)  # type: ignore[return-value]


def _forget_old(user_id: uuid.UUID) -> None:
    """A form shown longer ago than a login lasts can no longer be sent (its session's token
    has expired): its row has done its work. The user's own rows only, in this transaction."""
    cutoff = utcnow() - timedelta(hours=kernel().settings.token_ttl_hours)
    session().execute(
        delete(ConsoleSubmission).where(ConsoleSubmission.user_id == user_id, ConsoleSubmission.created_at < cutoff)
    )
