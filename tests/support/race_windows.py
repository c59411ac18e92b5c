"""Race windows widened from the tests, never from EventHub: a SQLAlchemy listener holds
each statement that starts a given way for a moment before it goes to the database, so
that simultaneous requests have all passed their checks before any of them writes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WINDOW_SECONDS = 0.4

Listener = Callable[..., None]


def statement_holder(start: str, seconds: float = WINDOW_SECONDS) -> Listener:
    """A `before_cursor_execute` listener that holds statements beginning with `start`
    (case-insensitive, e.g. "INSERT INTO scans") for `seconds`."""
    start = start.upper()

    def hold(_connection: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
        if statement.lstrip().upper().startswith(start):
            time.sleep(seconds)

    return hold


def hold_on_every_engine(listener: Listener) -> None:
    """Install `listener` on every engine of this process, once."""
    if not event.contains(Engine, "before_cursor_execute", listener):
        event.listen(Engine, "before_cursor_execute", listener)
