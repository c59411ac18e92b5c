"""The app WITHOUT the self-service guard, for the control run of the race test only.

`gunicorn 'tests.booths.race_app:create_app()'` serves EventHub with the conditional
UPDATE of a pick replaced by an unconditional one, to show that the requests of the race
test really overlap and that the condition is what makes exactly one of them win.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import update

from eventhub import create_app as create_real_app


def _unguarded_claim(booth_id: int, application_id: int, now: datetime) -> int:
    from eventhub.booths.models import Booth
    from eventhub.extensions import db

    result = db.session.execute(
        update(Booth)
        .where(Booth.id == booth_id)  # no "AND status = 'available'": the guard is gone
        .values(status="allocated", application_id=application_id, pinned=True, allocated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from eventhub.booths import allocation

    allocation._claim = _unguarded_claim
    return create_real_app(config)
