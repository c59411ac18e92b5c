"""Fixtures of the meeting tests: a two-day demo day, investors, startups, slots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from flask import Flask

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot, cancel_meeting
from eventhub.meetings.slots import SettingsDetails, SlotPlan, add_table, open_slots, save_settings
from tests.support import factories


@pytest.fixture
def demo_day(make_event: Callable[..., Any]) -> Any:
    """A published two-day demo day in Casablanca, starting in ten days."""
    return make_event(
        slug="meet-day",
        name="Meet Day",
        kind="demo_day",
        first_day=date.today() + timedelta(days=10),
        last_day=date.today() + timedelta(days=11),
    )


@pytest.fixture
def configure() -> Callable[..., Any]:
    """configure(event, **settings) → the event's meeting settings, saved."""

    def do(event: Any, **values: Any) -> Any:
        details = SettingsDetails(
            booking_open=values.pop("booking_open", True),
            requests_open=values.pop("requests_open", True),
            max_meetings_per_startup=values.pop("max_meetings_per_startup", None),
            max_requests_per_startup=values.pop("max_requests_per_startup", 10),
            cutoff_hours=values.pop("cutoff_hours", 24),
            max_concurrent_meetings=values.pop("max_concurrent_meetings", None),
        )
        assert not values, values
        settings = save_settings(event, details)
        db.session.commit()
        return settings

    return do


@pytest.fixture
def make_investor(app: Flask) -> Callable[..., Any]:
    """make_investor(fund=..., sectors=[...]) → an investor user (its profile on `.investor`)."""
    return factories.create_investor


@pytest.fixture
def make_startup(app: Flask) -> Callable[..., Any]:
    """make_startup() → a startup user (its startup on `.startup`)."""
    return factories.create_startup


@pytest.fixture
def open_for() -> Callable[..., list[Any]]:
    """open_for(event, investor_user, day=0, start="10:00", end="11:00", length=20, …) →
    the slots opened (committed), local times on the event's day number `day`."""

    def do(event: Any, user: Any, **values: Any) -> list[Any]:
        day = event.days[values.pop("day", 0)]
        start = time.fromisoformat(values.pop("start", "10:00"))
        end = time.fromisoformat(values.pop("end", "11:00"))
        table_name = values.pop("table", None)
        table_id = add_table(event, table_name).id if table_name else None
        plan = SlotPlan(
            days=[day],
            start=start,
            end=end,
            length_minutes=values.pop("length", 20),
            gap_minutes=values.pop("gap", 0),
            breaks=values.pop("breaks", []),
            table_id=table_id,
        )
        assert not values, values
        slots = open_slots(event, user.investor, plan)
        db.session.commit()
        return slots

    return do


@pytest.fixture
def room(demo_day, make_investor, make_startup, open_for, configure):
    """Two investors with three 20-minute slots each (10:00–11:00), three startups,
    request mode on with at most 2 requests per startup."""
    configure(demo_day, requests_open=True, max_requests_per_startup=2)
    investors = [make_investor(fund="Atlas Ventures"), make_investor(fund="Sahara Capital")]
    for number, investor in enumerate(investors):
        open_for(demo_day, investor, table=f"T{number + 1}")
    startups = [make_startup() for _ in range(3)]
    return investors, startups


@pytest.fixture
def dubai_meetings(make_event, make_investor, make_startup):
    """A demo day in Dubai (UTC+4 all year): two meetings of one startup, one cancelled."""
    event = make_event(
        slug="dubai-day",
        name="Dubai Demo Day",
        kind="demo_day",
        timezone="Asia/Dubai",
        first_day=date.today() + timedelta(days=30),
        last_day=date.today() + timedelta(days=31),
    )
    investor = make_investor(fund="Gulf Seed")
    other = make_investor(fund="Oasis Impact")
    startup = make_startup()
    plan = SlotPlan(days=[event.days[1]], start=time(9, 30), end=time(10), length_minutes=30)
    (slot,) = open_slots(event, investor.investor, plan)
    plan.start, plan.end = time(11), time(11, 30)
    (second,) = open_slots(event, other.investor, plan)
    meeting = book_slot(event, slot, startup.startup, note="Seed, 500 k€")
    called_off = book_slot(event, second, startup.startup)
    db.session.commit()
    cancel_meeting(called_off, startup)
    db.session.commit()
    return event, investor, startup, meeting
