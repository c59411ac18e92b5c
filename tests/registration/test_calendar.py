"""The attendee's calendar file, without HTTP."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar

from eventhub.events.models import AttendeeCategory
from eventhub.extensions import db
from eventhub.registration.calendar import DAY_CLOSES, DAY_OPENS, calendar_of


def entries(registration) -> tuple[Calendar, list]:
    calendar = Calendar.from_ical(calendar_of(registration))
    return calendar, list(calendar.walk("VEVENT"))


def test_one_entry_per_day_in_the_event_time_zone(app, make_event, make_registration):
    event = make_event(timezone="Africa/Casablanca")
    registration = make_registration(event)
    calendar, days = entries(registration)
    assert [entry.decoded("DTSTART").date() for entry in days] == event.days
    first = days[0]
    start: datetime = first.decoded("DTSTART")
    end: datetime = first.decoded("DTEND")
    assert first["DTSTART"].params["TZID"] == "Africa/Casablanca"
    assert (start.time(), end.time()) == (DAY_OPENS, DAY_CLOSES)
    assert str(first["SUMMARY"]) == event.name
    assert str(first["LOCATION"]) == f"{event.venue}, {event.city}"
    assert str(first["URL"]) == f"http://localhost:5000/events/{event.slug}"
    assert registration.number in str(first["DESCRIPTION"])
    assert len({str(entry["UID"]) for entry in days}) == len(days)
    assert calendar.walk("VTIMEZONE")
    assert registration.manage_token.encode() not in calendar_of(registration)


def test_only_the_days_the_category_may_enter(app, make_event, make_registration):
    event = make_event()
    day_pass = AttendeeCategory(name="Day pass", is_public=True)
    event.categories.append(day_pass)
    day_pass.set_days([event.first_day, event.last_day])
    db.session.commit()
    _calendar, days = entries(make_registration(event, category=day_pass))
    assert [entry.decoded("DTSTART").date() for entry in days] == [event.first_day, event.last_day]
