"""EventHub for the race test of self-service picks (tests/booths/test_concurrency.py),
served by gunicorn as `tests.booths.race_app:create_app()` and, for its control run,
`tests.booths.race_app:create_unguarded_app()`.

Both hold every `UPDATE booths` statement a moment before it goes to the database (a
listener of the tests, tests/support/race_windows.py; nothing in EventHub waits), so that
startups picking one booth at the same instant have all passed their checks before any of
them writes: the requests really overlap. The unguarded app also makes the pick's
conditional UPDATE unconditional, to show that the condition is what lets exactly one win.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import update

from eventhub import create_app as create_real_app
from eventhub.booths import self_service
from eventhub.booths.models import Booth
from eventhub.extensions import db
from tests.support.race_windows import hold_on_every_engine, statement_holder

_hold_booth_updates = statement_holder("UPDATE booths")


def _unguarded_claim(booth_id: int, application_id: int, now: datetime) -> int:
    result = db.session.execute(
        update(Booth)
        .where(Booth.id == booth_id)  # no "AND status = 'available'": the guard is gone
        .values(status="allocated", application_id=application_id, pinned=True, allocated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def create_app(config: dict[str, Any] | None = None) -> Flask:
    hold_on_every_engine(_hold_booth_updates)
    return create_real_app(config)


def create_unguarded_app(config: dict[str, Any] | None = None) -> Flask:
    self_service._claim = _unguarded_claim
    return create_app(config)
