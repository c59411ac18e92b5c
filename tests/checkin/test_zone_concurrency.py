"""Exits, re-entries and a full zone under real gunicorn workers on PostgreSQL.

The app is tests/checkin/race_app.py: every scan's insert is held a moment, so that the
simultaneous requests really overlap and only the database decides (unique index on
follows_scan_id for exits and re-entries, the zone's row lock for its capacity).
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import contextmanager

import pytest

from tests.checkin.test_concurrency import RACE_APP, scans_at_once
from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    run_in_app,
)

AT_ONCE = 8
CAPACITY = 3

SETUP = f"""
from datetime import date, timedelta
from eventhub.auth.accounts import create_user, issue_api_token
from eventhub.badges.signing import badge_token
from eventhub.checkin.models import Gate
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
event = Event(slug="race", name="Race Expo", kind="expo", status="published", venue="V",
              city="Rabat", first_day=date.today() - timedelta(days=1),
              last_day=date.today() + timedelta(days=1))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
hall = Zone(name="Hall 2", capacity={CAPACITY})
event.zones = [hall]
db.session.add(event)
db.session.flush()
db.session.add_all([Gate(event_id=event.id, name="Hall in", zone=hall),
                    Gate(event_id=event.id, name="Hall out", zone=hall, direction="exit")])
staff = create_user("gate@example.test", "gate-password-1", "staff", "Gate staff")
secret = issue_api_token(staff, "race").secret
tokens = []
for number in range({AT_ONCE}):
    attendee = Attendee("Amine", f"Racer {{number}}", f"racer{{number}}@example.test")
    registration = register(event, event.categories[0], attendee, enforce_window=False)
    db.session.flush()
    tokens.append(badge_token(registration))
db.session.commit()
result = {{"secret": secret, "tokens": tokens}}
"""

INSIDE = """
from datetime import date
from sqlalchemy import select
from eventhub.checkin.scanning import zone_occupancy
from eventhub.events.models import Zone
from eventhub.extensions import db
zone = db.session.scalar(select(Zone))
result = zone_occupancy(zone.event_id, zone.id, date.today())
"""


@contextmanager
def zone_race_server(database_url: str):
    env = app_env(database_url)
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP)
    with gunicorn(env, workers=4, app=RACE_APP) as base_url:
        yield env, base_url, setup


def at_once(base_url: str, secret: str, codes: list[str], gate: str) -> Counter:
    payloads = [{"code": code, "gate": gate, "nonce": uuid.uuid4().hex} for code in codes]
    answers = scans_at_once(base_url, secret, payloads)
    return Counter((status, body.get("result")) for status, body in answers)


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_exits_reentries_and_a_full_zone_under_simultaneous_scans_on_postgresql():
    with (
        dedicated_postgres_database("zone_race") as url,
        zone_race_server(url) as (env, base, setup),
    ):
        secret, tokens = setup["secret"], setup["tokens"]
        # Eight people at the door of a hall for three: three come in.
        entries = at_once(base, secret, tokens, "Hall in")
        assert entries == Counter(
            {(201, "admitted"): CAPACITY, (409, "zone_full"): AT_ONCE - CAPACITY}
        )
        assert run_in_app(env, INSIDE) == CAPACITY

        inside = [code for code in tokens if _is_inside(env, code)]
        assert len(inside) == CAPACITY
        # One of them scanned at the exit by eight gates at once: one exit closes the entry.
        exits = at_once(base, secret, [inside[0]] * AT_ONCE, "Hall out")
        assert exits == Counter({(200, "exited"): AT_ONCE})
        assert run_in_app(env, INSIDE) == CAPACITY - 1
        # Coming back through eight gates at once: one re-entry.
        back = at_once(base, secret, [inside[0]] * AT_ONCE, "Hall in")
        assert back == Counter({(201, "reentered"): 1, (200, "already_inside"): AT_ONCE - 1})
        assert run_in_app(env, INSIDE) == CAPACITY


def _is_inside(env: dict[str, str], code: str) -> bool:
    return run_in_app(
        env,
        f"""
from sqlalchemy import select
from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import read_badge_token
from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.registration.models import Registration
code = read_badge_token({code!r}, badge_signing_key()).code
result = db.session.scalar(
    select(Scan.id).join(Registration, Registration.id == Scan.registration_id)
    .where(Registration.badge_code == code, Scan.result == "admitted")
) is not None
""",
    )
