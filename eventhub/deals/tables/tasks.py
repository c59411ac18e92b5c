"""Table check-in's periodic job: the no-shows due, found even when no page is opened."""

from __future__ import annotations

from celery import shared_task

from eventhub.deals.tables.checkin import sweep_no_shows
from eventhub.extensions import db
from eventhub.models_common import utcnow


@shared_task(name="eventhub.deals.tables.tasks.record_no_shows")
def record_no_shows() -> int:
    """Every minute (see BEAT_SCHEDULE): the no-shows due at every event. Pages record
    them too when they load (`sweep_no_shows` on the event), so beat is not required."""
    recorded = sweep_no_shows(None, utcnow())
    db.session.commit()
    return len(recorded)
