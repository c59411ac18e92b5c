"""EventHub for the race tests of check-in (tests/checkin/test_concurrency.py, and the
scanner's browser test), served as `tests.checkin.race_app:create_app()`.

It holds every `INSERT INTO scans` for WINDOW_SECONDS before it goes to the database (a
SQLAlchemy listener of this test module; nothing in EventHub waits), so that gates
scanning one badge at the same instant have all read "not inside yet" before any of them
writes: the requests really overlap, and only the unique index decides.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eventhub import create_app as create_real_app

WINDOW_SECONDS = 0.4


def hold_scan_inserts(
    _connection: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    if statement.lstrip().upper().startswith("INSERT INTO SCANS"):
        time.sleep(WINDOW_SECONDS)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    if not event.contains(Engine, "before_cursor_execute", hold_scan_inserts):
        event.listen(Engine, "before_cursor_execute", hold_scan_inserts)
    return create_real_app(config)
