"""Concurrent writes on PostgreSQL: an investor's request limit and one mark per pair and
side hold when two transactions race (the second waits on the first's lock or unique key)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from eventhub.deals.matchmaking.marks import set_mark
from eventhub.deals.matchmaking.models import MatchMark
from eventhub.deals.matchmaking.outreach import send_investor_request
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import MeetingRequest
from eventhub.meetings.slots import MeetingError
from eventhub.profiles.models import Investor, Startup


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")


def in_other_transaction(app, work):
    """Run `work()` in a thread with its own app context (its own session and connection);
    returns the thread and a dict that receives its result or its error."""
    outcome: dict = {}

    def run():
        with app.app_context():
            try:
                outcome["result"] = work()
                db.session.commit()
            except Exception as error:  # handed to the test
                db.session.rollback()
                outcome["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_the_investor_limit_holds_under_a_race(app, match_day, configure):
    event, atlas = match_day["event"], match_day["atlas"]
    configure(event, requests_open=True, max_requests_per_startup=1)
    ids = (event.id, atlas.investor.id, match_day["paynow"].startup.id)
    send_investor_request(event, atlas.investor, match_day["argan"].startup, "First")
    db.session.flush()  # holds the investor's lock row, not committed yet

    def second():
        other_event = db.session.get(Event, ids[0])
        return send_investor_request(
            other_event,
            db.session.get(Investor, ids[1]),
            db.session.get(Startup, ids[2]),
            "Second",
        )

    thread, outcome = in_other_transaction(app, second)
    time.sleep(0.5)
    assert thread.is_alive()  # waiting for the lock
    db.session.commit()
    thread.join(10)
    assert isinstance(outcome.get("error"), MeetingError)
    assert outcome["error"].code == "request_limit"
    assert db.session.scalar(select(func.count()).select_from(MeetingRequest)) == 1


def test_one_mark_per_pair_and_side_under_a_race(app, match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    ids = (event.id, argan.startup.id, atlas.investor.id)
    set_mark(event, "startup", argan.startup, atlas.investor, "would")
    db.session.flush()  # the unique key is taken, not committed yet

    def same_mark():
        return set_mark(
            db.session.get(Event, ids[0]),
            "startup",
            db.session.get(Startup, ids[1]),
            db.session.get(Investor, ids[2]),
            "must",
        )

    thread, outcome = in_other_transaction(app, same_mark)
    time.sleep(0.5)
    db.session.commit()
    thread.join(10)
    assert "error" not in outcome, outcome
    db.session.expire_all()
    marks = db.session.scalars(select(MatchMark)).all()
    assert [(m.side, m.mark) for m in marks] == [("startup", "must")]  # changed, not doubled
