"""Agendas, iCalendar files and feeds, and the organiser's report of meetings held.

iCalendar times are written in the event's own time zone (`DTSTART;TZID=…` with its
VTIMEZONE), so a calendar app shows them right wherever the phone is. A user's
subscription feed sits behind a random token (256 bits, URL-safe) that the user can
replace at any time, which revokes the old address.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import CalendarFeed, Meeting
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

FEED_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
PRODID = "-//EventHub//Investor meetings//EN"


# Whose meetings --------------------------------------------------------------------------


def party_filter(user: Any):
    """The SQL condition for `user`'s meetings; None when the user takes no part in any."""
    if user.role == "startup" and user.startup_id is not None:
        return Meeting.startup_id == user.startup_id
    if user.role == "investor" and user.investor is not None:
        return Meeting.investor_id == user.investor.id
    return None


def meetings_of(
    user: Any, event: Event | None = None, *, include_called_off: bool = False
) -> list[Meeting]:
    condition = party_filter(user)
    if condition is None:
        return []
    query = (
        select(Meeting)
        .where(condition)
        .options(
            joinedload(Meeting.event),
            joinedload(Meeting.startup),
            joinedload(Meeting.investor).joinedload(Investor.user),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if event is not None:
        query = query.where(Meeting.event_id == event.id)
    if not include_called_off:
        query = query.where(Meeting.status == "confirmed")
    return list(db.session.scalars(query).unique())


def local_day(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(meeting.event.tz).date()


def by_day(meetings: list[Meeting]) -> dict[date, list[Meeting]]:
    days: dict[date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        days[local_day(meeting)].append(meeting)
    return dict(sorted(days.items()))


def default_day(event: Event, meetings: list[Meeting], now: datetime | None = None) -> date:
    """Today when the event is on, else the first day with a meeting, else its first day."""
    today = (now or utcnow()).astimezone(event.tz).date()
    if today in event.days:
        return today
    for meeting in meetings:
        return local_day(meeting)
    return event.first_day


def events_of(meetings: list[Meeting]) -> list[Event]:
    seen: dict[int, Event] = {}
    for meeting in meetings:
        seen.setdefault(meeting.event_id, meeting.event)
    return sorted(seen.values(), key=lambda event: event.first_day)


@dataclass
class OtherParty:
    name: str
    detail: str
    tags: list[str]
    link_endpoint: str
    link_args: dict[str, int]


def other_party(meeting: Meeting, party: str) -> OtherParty:
    """Who the meeting is with, seen from `party`: the investor's profile for a startup,
    the startup's pitch for an investor."""
    if party == "startup":
        investor = meeting.investor
        return OtherParty(
            name=f"{investor.fund} · {investor.name}",
            detail=investor.bio,
            tags=list(investor.sectors or []),
            link_endpoint="profiles.investor_page",
            link_args={"investor_id": investor.id},
        )
    startup = meeting.startup
    pitch = meeting.note or (meeting.request.pitch if meeting.request else "")
    return OtherParty(
        name=startup.name,
        detail=pitch or startup.pitch,
        tags=[startup.sector],
        link_endpoint="profiles.startup_page",
        link_args={"startup_id": startup.id},
    )


def party_name(user: Any) -> str:
    return "startup" if user.role == "startup" else "investor"


# iCalendar -------------------------------------------------------------------------------


def _summary(meeting: Meeting, party: str) -> str:
    other = meeting.investor.fund if party == "startup" else meeting.startup.name
    return _("Meeting with %(name)s", name=other)


def _vevent(meeting: Meeting, party: str, stamp: datetime) -> CalendarEvent:
    event = meeting.event
    entry = CalendarEvent()
    entry.add("uid", f"meeting-{meeting.id}@eventhub")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", meeting.starts_at.astimezone(event.tz))
    entry.add("dtend", meeting.ends_at.astimezone(event.tz))
    entry.add("summary", _summary(meeting, party))
    where = [event.venue, event.city]
    if meeting.table_name:
        where.insert(0, meeting.table_name)
    entry.add("location", ", ".join(where))
    other = other_party(meeting, party)
    lines = [event.name, other.name]
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
    """One meeting as an .ics file, seen by `party` (`startup` or `investor`)."""
    calendar = _calendar(meeting.event.name)
    calendar.add("x-wr-timezone", meeting.event.timezone)
    calendar.add_component(_vevent(meeting, party, utcnow()))
    calendar.add_missing_timezones()
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


# The organiser's report ------------------------------------------------------------------


@dataclass
class ReportRow:
    name: str
    detail: str
    confirmed: int = 0
    held: int = 0
    no_show: int = 0
    unmarked: int = 0
    called_off: int = 0


def meeting_report(event: Event, now: datetime | None = None):
    """(rows per investor, rows per startup, totals): meetings held, no-shows, …"""
    now = now or utcnow()
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.event_id == event.id)
        .options(joinedload(Meeting.startup), joinedload(Meeting.investor))
    ).all()
    investors: dict[int, ReportRow] = {}
    startups: dict[int, ReportRow] = {}
    totals = ReportRow(name="", detail="")

    def row_for(rows: dict[int, ReportRow], key: int, who: Investor | Startup) -> ReportRow:
        if key not in rows:
            if isinstance(who, Investor):
                rows[key] = ReportRow(who.fund, who.name)
            else:
                rows[key] = ReportRow(who.name, who.programme)
        return rows[key]

    for meeting in meetings:
        targets = (
            row_for(investors, meeting.investor_id, meeting.investor),
            row_for(startups, meeting.startup_id, meeting.startup),
            totals,
        )
        for row in targets:
            if meeting.status != "confirmed":
                row.called_off += 1
                continue
            row.confirmed += 1
            if meeting.outcome == "held":
                row.held += 1
            elif meeting.outcome == "no_show":
                row.no_show += 1
            elif meeting.starts_at <= now:
                row.unmarked += 1

    def ordered(rows: dict[int, ReportRow]) -> list[ReportRow]:
        return sorted(rows.values(), key=lambda row: (-row.held, -row.confirmed, row.name))

    return ordered(investors), ordered(startups), totals
