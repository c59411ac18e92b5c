"""Fixtures of the deal-flow tests: a demo day that took place yesterday, an investor firm
of two, another investor, startups, and meetings held (or not) between them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask

from eventhub.deals.dealflow.records import DealInput, record_deal
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.models_common import utcnow
from tests.support import factories


@pytest.fixture
def past_day(make_event: Callable[..., Any]) -> Any:
    """A demo day that took place yesterday."""
    return make_event(
        slug="past-day",
        name="Past Demo Day",
        kind="demo_day",
        first_day=date.today() - timedelta(days=1),
        last_day=date.today() - timedelta(days=1),
    )


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    """Atlas Ventures (its owner and a teammate), Sahara Capital, two startups (Sunpump
    with two members), and a staff member and an organiser."""
    atlas = factories.create_investor(fund="Atlas Ventures")
    atlas.preferred_language = "en"
    teammate = factories.create_user(
        "investor", investor=atlas.investor, name="Atlas Teammate", preferred_language="fr"
    )
    sahara = factories.create_investor(fund="Sahara Capital")
    sunpump = factories.create_startup(name="Sunpump")
    sunpump.preferred_language = "en"
    member = factories.create_user(
        "startup", startup=sunpump.startup, name="Sunpump Member", preferred_language="ar"
    )
    argan = factories.create_startup(name="Argan AI")
    db.session.commit()
    return {
        "atlas": atlas,
        "teammate": teammate,
        "sahara": sahara,
        "sunpump": sunpump,
        "member": member,
        "argan": argan,
        "staff": factories.create_user("staff"),
        "admin": factories.create_user("admin"),
    }


@pytest.fixture
def make_meeting() -> Callable[..., Meeting]:
    """make_meeting(event, investor_user, startup_user, hours_ago=20, **columns) → a
    confirmed 20-minute meeting that started `hours_ago` hours ago (negative: ahead)."""

    def do(event: Any, investor: Any, startup: Any, hours_ago: float = 20, **values: Any):
        starts_at = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
        meeting = Meeting(
            event_id=event.id,
            investor_id=investor.investor.id,
            startup_id=startup.startup.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=20),
            table_name="T1",
            **values,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return do


@pytest.fixture
def held(past_day, people, make_meeting) -> Meeting:
    """Atlas met Sunpump yesterday at noon, in the event's time zone (a fixed number of
    hours ago would fall on today's date there late in the evening)."""
    noon = datetime.combine(past_day.first_day, time(12), tzinfo=past_day.tz)
    hours_ago = (utcnow() - noon).total_seconds() / 3600
    return make_meeting(past_day, people["atlas"], people["sunpump"], hours_ago=hours_ago)


@pytest.fixture
def record() -> Callable[..., Any]:
    """record(meeting, user, interest, next_step, notes="") → the Recorded, committed."""

    def do(meeting: Meeting, user: Any, interest: str, next_step: str, notes: str = "", **kw):
        recorded = record_deal(meeting, user, DealInput(interest, next_step, notes), **kw)
        db.session.commit()
        return recorded

    return do
