"""Who is acting right now: the logged-in user of a request, or the user a job runs for."""
from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator

_actor: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("kesos_actor", default=None)


def current_actor_id() -> uuid.UUID | None:
    return _actor.get()


def set_actor(user_id: uuid.UUID | None) -> None:
    _actor.set(user_id)


@contextlib.contextmanager
def acting_as(user_id: uuid.UUID | None) -> Iterator[None]:
    token = _actor.set(user_id)
    try:
        yield
    finally:
        _actor.reset(token)
