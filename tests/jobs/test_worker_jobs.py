"""The other jobs on a real worker: a bulk badge job started as the organiser's page starts
it, and the day-before reminder started as the beat starts it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, Row, select, text

from eventhub.work.models import Job
from tests.jobs.helpers import SLUG, body, register, wait_for
from tests.support.servers import post_json, run_in_app

pytestmark = pytest.mark.slow

BULK_BADGES = f"""
from sqlalchemy import select
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.work.starts import start_bulk_badges
from eventhub.work.tracking import queue_job
event = db.session.scalar(select(Event).where(Event.slug == "{SLUG}"))
job = start_bulk_badges(event, None, user_id=None, language="en")
db.session.commit()
queue_job(job.id)
result = job.id
"""

TOMORROW = """
from datetime import date
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
event = Event(slug="tomorrow", name="Tomorrow Expo", kind="expo", status="published",
              venue="V", city="Rabat", timezone="ZONE", first_day=date.fromisoformat("DAY"),
              last_day=date.fromisoformat("DAY"))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.commit()
result = event.id
"""

REMIND = """
from eventhub.registration.tasks import send_day_before_reminders
result = send_day_before_reminders.delay().id
"""

# Time zones around the world: at any moment, in one of them it is day time.
ZONES = (
    "Africa/Casablanca",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
)


def job_row(engine: Engine, job_id: int) -> Row:
    with engine.connect() as connection:
        return connection.execute(select(Job).where(Job.id == job_id)).one()


def test_a_bulk_badge_job_runs_on_the_worker(web, worker, env, rows, tmp_path: Path):
    count = 12
    for number in range(count):
        assert register(web, number)[0] == 201
    job_id = run_in_app(env, BULK_BADGES)
    wait_for(lambda: job_row(rows, job_id).status not in ("queued", "running"), "the job done")

    job = job_row(rows, job_id)
    assert (job.status, job.done, job.total, job.attempts) == ("done", count, count, 1)
    result = Path(env["EVENTHUB_INSTANCE_PATH"]) / "jobs" / job.file_path
    content = result.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", content)) >= 1
    assert "run_job" in worker.log()


def daytime_zone(now: datetime) -> str:
    """A zone where it is between 08:00 and 22:00: reminders are due from 08:00, the day
    before, and the day does not end while the test runs."""
    return next(zone for zone in ZONES if 8 <= now.astimezone(ZoneInfo(zone)).hour < 22)


def kinds(engine: Engine) -> Counter:
    with engine.connect() as connection:
        query = text("SELECT kind, status FROM mail_messages")
        return Counter(tuple(row) for row in connection.execute(query))


def test_the_day_before_reminder_is_sent_once_by_the_worker(web, worker, env, smtp, rows):
    zone = daytime_zone(datetime.now(UTC))
    day = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    run_in_app(env, TOMORROW.replace("ZONE", zone).replace("DAY", day.isoformat()))
    count = 3
    for number in range(count):
        answer: tuple[int, Any] = post_json(
            f"{web}/api/v1/events/tomorrow/registrations", body(number)
        )
        assert answer[0] == 201

    run_in_app(env, REMIND)
    run_in_app(env, REMIND)  # the beat running it again tells nobody twice
    expected = {("registration.confirmed", "sent"): count, ("registration.reminder", "sent"): count}
    wait_for(lambda: kinds(rows) == expected, "the confirmations and the reminders sent")

    wait_for(lambda: len(smtp.received) == 2 * count, "every message at the SMTP server")
    assert Counter(smtp.recipients()) == {f"attendee{n}@example.com": 2 for n in range(count)}
    assert set(Counter(smtp.message_ids()).values()) == {1}
