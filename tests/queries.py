"""Counting the SQL statements a piece of work sends, for the "a list takes a fixed number of
queries whatever its rows" tests (no N+1)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event


@contextmanager
def statements(engine: Any) -> Iterator[list[str]]:
    """The statements sent on `engine` inside the block, in order."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
