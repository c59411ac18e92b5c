"""The attendee's calendar file: one entry per day their category may enter the event."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from eventhub.models_common import utcnow
from eventhub.registration.models import Registration
from eventhub.routing import public_url

# Events keep days, not hours: the calendar entry assumes these opening hours each day.
DAY_OPENS = time(9, 0)
DAY_CLOSES = time(18, 0)


def calendar_of(registration: Registration) -> bytes:
    """The iCalendar file, in the event's own time zone (TZID, with its VTIMEZONE).

    It links to the event's public page, never to the private page of the registration."""
    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//EventHub//Registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", event.timezone)
    event_url = public_url("events.event_page", slug=event.slug)
    description = (
        _(
            "Your badge: %(category)s, number %(number)s.",
            category=registration.category.localized("name"),
            number=registration.number,
        )
        + f"\n{event_url}"
    )
    days = [day for day in event.days if registration.category.may_enter_on(day)] or event.days
    for day in days:
        entry = CalendarEvent()
        entry.add("uid", f"{event.slug}-{registration.id}-{day:%Y%m%d}@eventhub")
        entry.add("dtstamp", utcnow())
        entry.add("dtstart", datetime.combine(day, DAY_OPENS, tzinfo=event.tz))
        entry.add("dtend", datetime.combine(day, DAY_CLOSES, tzinfo=event.tz))
        entry.add("summary", event.localized("name"))
        entry.add("location", f"{event.localized('venue')}, {event.city}")
        entry.add("description", description)
        entry.add("url", event_url)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
