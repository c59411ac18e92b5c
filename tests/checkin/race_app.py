"""EventHub for the race tests of check-in (tests/checkin/test_concurrency.py, and the
scanner's browser test), served as `tests.checkin.race_app:create_app()`.

It holds every `INSERT INTO scans` a moment before it goes to the database (a listener of
the tests, tests/support/race_windows.py; nothing in EventHub waits), so that gates
scanning one badge at the same instant have all read "not inside yet" before any of them
writes: the requests really overlap, and only the unique index decides.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from eventhub import create_app as create_real_app
from tests.support.race_windows import hold_on_every_engine, statement_holder

hold_scan_inserts = statement_holder("INSERT INTO scans")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    hold_on_every_engine(hold_scan_inserts)
    return create_real_app(config)
