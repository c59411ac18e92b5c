"""What the tests of jobs on real processes share: the event they register for, the
requests, and reading what the web and worker processes did from the database."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from tests.support.servers import post_json

REDIS_URL = "redis://127.0.0.1:6379/5"
SLUG = "jobs"

SETUP = f"""
from datetime import date, timedelta
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
event = Event(slug="{SLUG}", name="Jobs Expo", kind="expo", status="published", venue="V",
              city="Rabat", first_day=date.today() + timedelta(days=5),
              last_day=date.today() + timedelta(days=6))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.commit()
result = event.id
"""

# What the beat does every minute: the sweep, as a job the worker runs.
SWEEP = """
from eventhub.notifications.tasks import requeue_stalled_mail
result = requeue_stalled_mail.delay().id
"""


def body(number: int) -> dict[str, Any]:
    return {
        "first_name": "Yassine",
        "last_name": f"Attendee {number}",
        "email": f"attendee{number}@example.com",
        "country": "MA",
    }


def register(base_url: str, number: int) -> tuple[int, Any]:
    return post_json(f"{base_url}/api/v1/events/{SLUG}/registrations", body(number))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.2)


def mail_rows(engine: Engine) -> list[tuple[str, str, int]]:
    """(recipient, status, attempts) of every message, oldest first."""
    with engine.connect() as connection:
        query = text("SELECT recipient, status, attempts FROM mail_messages ORDER BY id")
        return [tuple(row) for row in connection.execute(query)]


def statuses(engine: Engine) -> Counter:
    return Counter(status for _recipient, status, _attempts in mail_rows(engine))
