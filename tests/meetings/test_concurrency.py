"""Bookings at the same instant, through real gunicorn workers: the database guards hold.

- Many startups book one slot at once: exactly one 201, every other answer 409 `slot_taken`.
- One startup books two overlapping slots of different investors at once: exactly one 201,
  the other 409 `startup_busy`.

The workers serve `race_app`, whose bookings wait WINDOW seconds between their checks and
their insert (a wrapper this test installs around `booking.insert_meeting`), so that the
requests really overlap. The control run serves the same requests from an app whose guards
are taken out too (`unguarded_app`: no lock rows, no slot row lock) on a schema without the
partial unique indexes, and shows the race: several 201s, a startup in two places.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from eventhub import create_app
from eventhub.meetings import booking
from eventhub.meetings.slots import LockedSlot
from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    post_json,
    run_in_app,
)

STARTUPS = 12
WINDOW = 0.4  # seconds

SETUP = """
from datetime import date, time, timedelta
from eventhub.auth.accounts import create_user, issue_api_token
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import MeetingSettings
from eventhub.meetings.slots import SlotPlan, open_slots
def event(slug, **settings):
    found = Event(slug=slug, name=slug, kind="demo_day", status="published", venue="V",
                  city="Casablanca", first_day=date.today() + timedelta(days=5),
                  last_day=date.today() + timedelta(days=5))
    db.session.add(found)
    db.session.flush()
    db.session.add(MeetingSettings(event_id=found.id, **settings))
    return found
race, limited = event("race"), event("race-limit", max_meetings_per_startup=1)
investors = iter(range(100))
def slots(where, start, end):
    number = next(investors)
    user = create_user(f"investor{number}@example.test", "race-password-1", "investor",
                       f"Investor {number}")
    plan = SlotPlan(days=[where.first_day], start=time.fromisoformat(start.zfill(5)),
                    end=time.fromisoformat(end.zfill(5)), length_minutes=20)
    return [s.id for s in open_slots(where, user.investor, plan)]
def rules(prefix, hour):
    return {
        # one slot for many startups
        f"{prefix}one": ("race", slots(race, f"{hour}:00", f"{hour}:20")),
        # two overlapping slots of two investors
        f"{prefix}busy": ("race", slots(race, f"{hour + 1}:00", f"{hour + 1}:20")
                          + slots(race, f"{hour + 1}:10", f"{hour + 1}:30")),
        # two slots of one investor
        f"{prefix}pair": ("race", slots(race, f"{hour + 2}:00", f"{hour + 2}:40")),
        # two slots of two investors, one meeting allowed per startup
        f"{prefix}limit": ("race-limit", slots(limited, f"{hour}:00", f"{hour}:20")
                           + slots(limited, f"{hour + 1}:00", f"{hour + 1}:20")),
    }
groups = {**rules("", 9), **rules("control_", 13)}
secrets = []
for number in range(COUNT):
    user = create_user(f"startup{number}@example.test", "race-password-1", "startup",
                       f"Racer {number}")
    secrets.append(issue_api_token(user, "race").secret)
db.session.commit()
result = {"groups": groups, "secrets": secrets}
""".replace("COUNT", str(STARTUPS + 6))

COUNT_OVERLAPS = """
from sqlalchemy import select
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
rows = db.session.scalars(select(Meeting).where(Meeting.status == "confirmed")).all()
result = {
    "per_slot": max([sum(1 for m in rows if m.slot_id == s) for s in {m.slot_id for m in rows}]
                    or [0]),
    "overlaps": sum(1 for a in rows for b in rows if a.id < b.id and a.startup_id == b.startup_id
                    and a.starts_at < b.ends_at and b.starts_at < a.ends_at),
}
"""

DROP_INDEXES = """
from sqlalchemy import text
from eventhub.extensions import db
db.session.execute(text("DROP INDEX uq_meetings_slot_confirmed"))
db.session.execute(text("DROP INDEX uq_meetings_pair_confirmed"))
db.session.commit()
result = True
"""


def race_app():
    """The app, each booking holding its locks WINDOW seconds between its checks and its
    insert (gunicorn's workers call this factory)."""
    insert_meeting = booking.insert_meeting

    def insert_late(meeting):
        time.sleep(WINDOW)
        insert_meeting(meeting)

    booking.insert_meeting = insert_late
    return create_app()


def unguarded_app():
    """`race_app` with the booking guards taken out, for the control run only."""
    booking.lock_startup = lambda event, startup: None
    booking.lock_slot = lambda slot, only_open=False: LockedSlot(
        slot.starts_at, slot.ends_at, slot.table_id
    )
    return race_app()


def all_at_once(base_url: str, calls: list[tuple[str, str, int]]) -> Counter:
    """POST every (secret, event slug, slot id) booking at the same instant; Counter of
    (status, error code)."""
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def one(secret: str, slug: str, slot_id: int) -> None:
        barrier.wait(timeout=20)
        status, body = post_json(
            f"{base_url}/api/v1/events/{slug}/slots/{slot_id}/booking",
            {"note": "race"},
            {"Authorization": f"Bearer {secret}"},
        )
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        with lock:
            answers.append((status, code))

    threads = [threading.Thread(target=one, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(answers) == len(calls), answers
    return Counter(answers)


@contextmanager
def race_server(database_url: str):
    env = app_env(database_url)
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP)
    with gunicorn(env, workers=4, app="tests.meetings.test_concurrency:race_app()") as base_url:
        yield env, base_url, setup


def races(base_url: str, setup: dict, prefix: str = "") -> dict[str, Counter]:
    """Each rule's race: many startups on one slot; then one startup (a different one for
    each rule, and for the control run) booking its two slots at once."""
    groups, secrets = setup["groups"], setup["secrets"]
    slug, (slot,) = groups[f"{prefix}one"]
    answers = {"one": all_at_once(base_url, [(s, slug, slot) for s in secrets[:STARTUPS]])}
    for offset, rule in enumerate(("busy", "pair", "limit")):
        slug, two = groups[f"{prefix}{rule}"]
        solo = secrets[STARTUPS + offset + (3 if prefix else 0)]
        answers[rule] = all_at_once(base_url, [(solo, slug, slot) for slot in two])
    return answers


def assert_guarded(answers: dict[str, Counter]) -> None:
    assert answers["one"] == Counter({(201, None): 1, (409, "slot_taken"): STARTUPS - 1})
    for rule, code in (
        ("busy", "startup_busy"),
        ("pair", "pair_exists"),
        ("limit", "limit_reached"),
    ):
        assert answers[rule] == Counter({(201, None): 1, (409, code): 1}), (rule, answers[rule])


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_simultaneous_bookings_on_postgresql_and_the_control_run():
    with dedicated_postgres_database("meetings_race") as url:
        with race_server(url) as (env, base_url, setup):
            assert_guarded(races(base_url, setup))
        # Counted, then the control: the same requests without the guards double-book.
        counts = run_in_app(env, COUNT_OVERLAPS + DROP_INDEXES.replace("result = True", ""))
        assert counts == {"per_slot": 1, "overlaps": 0}
        app = "tests.meetings.test_concurrency:unguarded_app()"
        with gunicorn(env, workers=4, app=app) as base_url:
            control = races(base_url, setup, prefix="control_")
        assert control["one"][(201, None)] > 1, control
        for rule in ("busy", "pair", "limit"):
            assert control[rule][(201, None)] == 2, (rule, control[rule])
        counts = run_in_app(env, COUNT_OVERLAPS)
        assert counts["per_slot"] > 1 and counts["overlaps"] >= 1, counts


@pytest.mark.slow
def test_simultaneous_bookings_on_sqlite(tmp_path: Path):
    with race_server(f"sqlite:///{tmp_path / 'race.sqlite3'}") as (env, base_url, setup):
        assert_guarded(races(base_url, setup))
        assert run_in_app(env, COUNT_OVERLAPS) == {"per_slot": 1, "overlaps": 0}
