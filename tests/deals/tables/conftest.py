"""Fixtures of the table check-in tests: a demo day running today, a table with a meeting
that started two minutes ago, and two startups on the investor's standby list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import MeetingRequest, MeetingSlot
from eventhub.meetings.slots import add_table
from eventhub.models_common import utcnow
from tests.support import factories


def slot_at(event, investor_user, table, starts_at: datetime, minutes: int = 20) -> MeetingSlot:
    slot = MeetingSlot(
        event_id=event.id,
        investor_id=investor_user.investor.id,
        table_id=table.id if table is not None else None,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status="open",
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def meeting_at(event, investor_user, startup_user, table, starts_at: datetime, minutes: int = 20):
    """A confirmed meeting at `table` from `starts_at` (booked two days before)."""
    slot = slot_at(event, investor_user, table, starts_at, minutes)
    meeting = book_slot(event, slot, startup_user.startup, now=starts_at - timedelta(days=2))
    db.session.commit()
    return meeting


def standby(event, investor_user, startup_user, status: str = "pending") -> MeetingRequest:
    request = MeetingRequest(
        event_id=event.id,
        startup_id=startup_user.startup.id,
        investor_id=investor_user.investor.id,
        pitch=f"{startup_user.startup.name} would like to meet",
        status=status,
    )
    db.session.add(request)
    db.session.commit()
    return request


@dataclass
class Room:
    event: Any
    other_event: Any
    table: Any
    other_table: Any  # a table of the other event
    investor: Any
    startup: Any
    standby: list[Any]
    meeting: Any
    now: datetime


@pytest.fixture
def room(make_event) -> Room:
    """A demo day today in Casablanca; table T1 holds a 20-minute meeting between the
    investor and the startup that started 2 minutes ago; two startups asked the investor
    for a meeting and were not placed (its standby list)."""
    today = datetime.now(ZoneInfo("Africa/Casablanca")).date()
    event = make_event(
        slug="table-day",
        name="Table Day",
        kind="demo_day",
        first_day=today,
        last_day=today + timedelta(days=1),
    )
    other_event = make_event(slug="other-day", name="Other Day", kind="demo_day")
    table = add_table(event, "T1")
    other_table = add_table(other_event, "T1")
    db.session.commit()
    investor = factories.create_investor(fund="Atlas Ventures")
    startup = factories.create_startup(name="Argan AI")
    waiting = [
        factories.create_startup(name="Sahara Solar"),
        factories.create_startup(name="Oasis Pay"),
    ]
    for user in waiting:
        standby(event, investor, user)
    now = utcnow().replace(microsecond=0)
    meeting = meeting_at(event, investor, startup, table, now - timedelta(minutes=2))
    return Room(event, other_event, table, other_table, investor, startup, waiting, meeting, now)
