"""Meetings as iCalendar: one meeting as a file, and each user's subscription feed.

Times are written in the event's own time zone (`DTSTART;TZID=…` with its VTIMEZONE), so
a calendar app shows them right wherever the phone is. A user's feed sits behind a random
token (256 bits, URL-safe) that the user can replace at any time, which revokes the old
address.

The file attached to a meeting's e-mails (`mail_ics`) writes its times in UTC and carries
the meeting's UID, the same in every file and in the feed, with a SEQUENCE that grows with
each change: the cancellation (METHOD:CANCEL, STATUS:CANCELLED) removes from a calendar the
meeting that an earlier file put there.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, tzinfo

from flask_babel import gettext as _
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent
from sqlalchemy import select

from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.meetings.agenda import meetings_of, other_party, party_name
from eventhub.meetings.models import CalendarFeed, Meeting
from eventhub.models_common import utcnow

FEED_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
PRODID = "-//EventHub//Investor meetings//EN"


def _summary(meeting: Meeting, party: str) -> str:
    other = meeting.investor.fund if party == "startup" else meeting.startup.name
    return _("Meeting with %(name)s", name=other)


def meeting_uid(meeting: Meeting) -> str:
    """The meeting's UID in every calendar file: the feed's and the e-mails'."""
    return f"meeting-{meeting.id}@eventhub"


def _vevent(
    meeting: Meeting, party: str, stamp: datetime, zone: tzinfo | None = None
) -> CalendarEvent:
    event = meeting.event
    zone = zone or event.tz
    entry = CalendarEvent()
    entry.add("uid", meeting_uid(meeting))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", meeting.starts_at.astimezone(zone))
    entry.add("dtend", meeting.ends_at.astimezone(zone))
    entry.add("summary", _summary(meeting, party))
    where = [event.localized("venue"), event.city]
    if meeting.table_name:
        where.insert(0, meeting.table_name)
    entry.add("location", ", ".join(where))
    other = other_party(meeting, party)
    lines = [event.localized("name"), other.name]
    if other.detail:
        lines.append(other.detail)
    entry.add("description", "\n".join(lines))
    entry.add("status", "CONFIRMED")
    return entry


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def meeting_ics(meeting: Meeting, party: str) -> bytes:
    """One meeting as an .ics file, seen by `party` (`startup` or `investor`; the organiser
    gets the investor's copy)."""
    if party == "organiser":
        party = "investor"
    calendar = _calendar(meeting.event.localized("name"))
    calendar.add("x-wr-timezone", meeting.event.timezone)
    calendar.add_component(_vevent(meeting, party, utcnow()))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def mail_ics(
    meeting: Meeting, party: str, *, organiser: tuple[str, str], attendee: str, cancel: bool
) -> bytes:
    """The meeting as attached to an e-mail to `attendee` (an address), seen by `party`,
    times in UTC: published while it is on, METHOD:CANCEL once it is called off (SEQUENCE
    1, so that it replaces the published one). `organiser` is (name, address) of the
    sender."""
    calendar = _calendar(meeting.event.localized("name"))
    calendar["METHOD"] = "CANCEL" if cancel else "PUBLISH"
    entry = _vevent(meeting, party, utcnow(), UTC)
    name, address = organiser
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name
    entry.add("organizer", organizer)
    if cancel:
        entry["STATUS"] = "CANCELLED"
        entry.add("sequence", 1)
        entry.add("attendee", vCalAddress(f"mailto:{attendee}"))
    else:
        entry.add("sequence", 0)
    calendar.add_component(entry)
    return calendar.to_ical()


def feed_ics(user: User) -> bytes:
    """Every confirmed meeting of `user`, for a calendar app that follows the feed."""
    calendar = _calendar(_("EventHub meetings · %(name)s", name=user.name))
    party = party_name(user)
    stamp = utcnow()
    for meeting in meetings_of(user):
        calendar.add_component(_vevent(meeting, party, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_of(user: User) -> CalendarFeed:
    """The user's feed, created on first use."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
        db.session.flush()
    return feed


def reset_feed(user: User) -> CalendarFeed:
    """A new address for the feed; the old one stops working at once."""
    feed = feed_of(user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    db.session.flush()
    return feed


def user_for_feed(token: str) -> User | None:
    if not token or not FEED_TOKEN_SHAPE.fullmatch(token):
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None or not feed.user.is_active:
        return None
    return feed.user
