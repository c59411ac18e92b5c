"""Agendas, iCalendar files parsed back with the icalendar library, feed tokens, report."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from icalendar import Calendar

from eventhub.extensions import db
from eventhub.meetings.agenda import (
    by_day,
    feed_ics,
    feed_of,
    meeting_ics,
    meeting_report,
    meetings_of,
    reset_feed,
    user_for_feed,
)
from eventhub.meetings.booking import book_slot, cancel_meeting, record_outcome
from eventhub.meetings.slots import SlotPlan, open_slots


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


def components(data: bytes, name: str) -> list:
    return [c for c in Calendar.from_ical(data).walk() if c.name == name]


def test_one_meeting_as_icalendar_in_the_event_zone(dubai_meetings):
    event, _investor, _startup, meeting = dubai_meetings
    data = meeting_ics(meeting, "startup")
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    (entry,) = components(data, "VEVENT")
    start = entry["DTSTART"]
    assert start.params["TZID"] == "Asia/Dubai"
    assert start.dt.replace(tzinfo=None).isoformat() == f"{event.days[1].isoformat()}T09:30:00"
    assert start.dt == meeting.starts_at  # the same instant
    assert entry["DTEND"].dt - start.dt == timedelta(minutes=30)
    assert "Gulf Seed" in str(entry["SUMMARY"])
    assert "Dubai Demo Day" in str(entry["DESCRIPTION"])
    assert str(entry["UID"]).endswith("@eventhub")
    (zone,) = components(data, "VTIMEZONE")
    assert zone["TZID"] == "Asia/Dubai"
    # The investor's copy names the startup and its note, not the investor.
    investor_view = Calendar.from_ical(meeting_ics(meeting, "investor"))
    text = str(next(iter(investor_view.walk("VEVENT")))["DESCRIPTION"])
    assert meeting.startup.name in text and "Seed, 500 k€" in text


def test_the_feed_lists_confirmed_meetings_behind_a_revocable_token(dubai_meetings):
    _event, investor, startup, _meeting = dubai_meetings
    feed = feed_of(startup)
    db.session.commit()
    assert len(feed.token) >= 40
    assert user_for_feed(feed.token) == startup
    entries = components(feed_ics(startup), "VEVENT")
    assert len(entries) == 1  # the cancelled meeting is not in it
    assert entries[0]["DTSTART"].params["TZID"] == "Asia/Dubai"
    assert len(components(feed_ics(investor), "VEVENT")) == 1

    old = feed.token
    reset_feed(startup)
    db.session.commit()
    assert user_for_feed(old) is None
    assert user_for_feed(feed.token) == startup
    for bad in ("", "short", "x" * 65, "bad token with spaces", "a\x00" * 20):
        assert user_for_feed(bad) is None


def test_agenda_by_day_and_whose_meetings(dubai_meetings, make_startup, make_user):
    event, investor, startup, meeting = dubai_meetings
    assert meetings_of(startup) == [meeting]
    assert meetings_of(investor) == [meeting]
    assert meetings_of(make_startup()) == []
    assert meetings_of(make_user("admin")) == []
    assert len(meetings_of(startup, include_called_off=True)) == 2
    assert list(by_day([meeting])) == [event.days[1]]


def test_report_counts_held_and_no_shows(dubai_meetings):
    event, investor, _startup, meeting = dubai_meetings
    record_outcome(meeting, investor, "held", now=meeting.ends_at)
    db.session.commit()
    investors, startups, totals = meeting_report(event)
    assert [(row.name, row.held, row.called_off) for row in investors] == [
        ("Gulf Seed", 1, 0),
        ("Oasis Impact", 0, 1),
    ]
    assert (startups[0].confirmed, startups[0].held, startups[0].called_off) == (1, 1, 1)
    assert (totals.confirmed, totals.held, totals.no_show, totals.called_off) == (1, 1, 0, 1)
