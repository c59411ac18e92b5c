"""iCalendar files parsed back with the icalendar library, and the private feed's token."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from eventhub.extensions import db
from eventhub.meetings.calendar import feed_ics, feed_of, meeting_ics, reset_feed, user_for_feed


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


def test_the_organiser_gets_the_investors_copy(dubai_meetings):
    _event, _investor, _startup, meeting = dubai_meetings
    (organiser_copy,) = components(meeting_ics(meeting, "organiser"), "VEVENT")
    (investor_copy,) = components(meeting_ics(meeting, "investor"), "VEVENT")
    assert organiser_copy["SUMMARY"] == investor_copy["SUMMARY"]
    assert meeting.startup.name in str(organiser_copy["SUMMARY"])
