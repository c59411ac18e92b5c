"""Standby startups taking one freed slot at the same instant, through 4 real gunicorn
workers: exactly one gets it (201), every other one is told 409 `standby_taken`, and the
slot holds one confirmed meeting.

The workers serve `race_app`, whose takes wait WINDOW seconds between their checks and
their insert (a wrapper around `booking.insert_meeting`, which the take calls), so that
the requests really overlap and only the database decides: each taker's `meeting_locks`
row, the slot's row lock, the conditional UPDATE that moves the no-show's meeting out of
the slot, and the partial unique index on the confirmed meeting per slot.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from eventhub import create_app
from eventhub.meetings import booking
from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    post_json,
    run_in_app,
)

TAKERS = 6
WINDOW = 0.4  # seconds

SETUP = """
from datetime import date, timedelta
from eventhub.auth.accounts import create_user, issue_api_token
from eventhub.deals.tables.checkin import save_no_show_minutes, scan_as_party, sweep_no_shows
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import MeetingRequest, MeetingSlot
from eventhub.meetings.slots import add_table
from eventhub.models_common import utcnow
event = Event(slug="race", name="Race Day", kind="demo_day", status="published", venue="V",
              city="Casablanca", first_day=date.today() - timedelta(days=1),
              last_day=date.today() + timedelta(days=1))
db.session.add(event)
db.session.flush()
table = add_table(event, "T1")
investor = create_user("investor@example.test", "race-password-1", "investor", "Investor")
absent = create_user("absent@example.test", "race-password-1", "startup", "Absent")
now = utcnow()
slot = MeetingSlot(event_id=event.id, investor_id=investor.investor.id, table_id=table.id,
                   starts_at=now - timedelta(minutes=3), ends_at=now + timedelta(minutes=17))
db.session.add(slot)
db.session.flush()
meeting = book_slot(event, slot, absent.startup, now=now - timedelta(days=2))
secrets = []
for number in range(TAKERS):
    user = create_user(f"taker{number}@example.test", "race-password-1", "startup",
                       f"Taker {number}")
    db.session.add(MeetingRequest(event_id=event.id, startup_id=user.startup.id,
                                  investor_id=investor.investor.id, pitch="Hi"))
    secrets.append(issue_api_token(user, "race").secret)
save_no_show_minutes(event, 1)
scan_as_party(event, table, investor, now=now - timedelta(minutes=3))
recorded = sweep_no_shows(event, now)
db.session.commit()
result = {"meeting": meeting.id, "secrets": secrets, "recorded": len(recorded)}
""".replace("TAKERS", str(TAKERS))

COUNT = """
from sqlalchemy import select
from eventhub.deals.tables.models import TableCheckin
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
rows = db.session.scalars(select(Meeting).where(Meeting.status == "confirmed")).all()
slots = [m.slot_id for m in rows if m.slot_id is not None]
result = {"confirmed": len(rows), "in_slot": len(slots), "distinct_slots": len(set(slots)),
          "replacements": sum(1 for c in db.session.scalars(select(TableCheckin))
                              if c.replacement_meeting_id)}
"""


def race_app():
    """The app, each take holding its locks WINDOW seconds before its insert."""
    insert_meeting = booking.insert_meeting

    def insert_late(meeting):
        time.sleep(WINDOW)
        insert_meeting(meeting)

    booking.insert_meeting = insert_late
    return create_app()


def takes_at_once(base_url: str, meeting_id: int, secrets: list[str]) -> Counter:
    barrier = threading.Barrier(len(secrets))
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def one(secret: str) -> None:
        barrier.wait(timeout=20)
        status, body = post_json(
            f"{base_url}/api/v1/events/race/standby/{meeting_id}/take",
            {},
            {"Authorization": f"Bearer {secret}"},
        )
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        with lock:
            answers.append((status, code))

    threads = [threading.Thread(target=one, args=(secret,)) for secret in secrets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(answers) == len(secrets), answers
    return Counter(answers)


def run_race(database_url: str) -> tuple[Counter, dict]:
    env = app_env(database_url)
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP)
    assert setup["recorded"] == 1
    app = "tests.deals.tables.test_concurrency:race_app()"
    with gunicorn(env, workers=4, app=app) as base_url:
        answers = takes_at_once(base_url, setup["meeting"], setup["secrets"])
    return answers, run_in_app(env, COUNT)


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_standby_startups_take_one_freed_slot_at_once_on_postgresql():
    with dedicated_postgres_database("tables_race") as url:
        answers, counts = run_race(url)
    assert answers == Counter({(201, None): 1, (409, "standby_taken"): TAKERS - 1}), answers
    # the no-show's meeting (out of the slot) and the one taker's, in the slot
    assert counts == {"confirmed": 2, "in_slot": 1, "distinct_slots": 1, "replacements": 1}


@pytest.mark.slow
def test_standby_startups_take_one_freed_slot_at_once_on_sqlite(tmp_path: Path):
    answers, counts = run_race(f"sqlite:///{tmp_path / 'race.sqlite3'}")
    assert answers == Counter({(201, None): 1, (409, "standby_taken"): TAKERS - 1}), answers
    assert counts == {"confirmed": 2, "in_slot": 1, "distinct_slots": 1, "replacements": 1}
