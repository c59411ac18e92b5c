"""Agendas: a party's meetings, by event and by day, and who each meeting is with."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import cutoff_of
from eventhub.meetings.models import Meeting
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor

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


# Pages -----------------------------------------------------------------------------------


def requested_day(
    event: Event, meetings: list[Meeting], requested: str | None, now: datetime | None = None
) -> date:
    """The day asked for (`YYYY-MM-DD`) if it is one of the event's, else `default_day`."""
    try:
        day = date.fromisoformat(requested) if requested else None
    except ValueError:
        day = None
    return day if day in event.days else default_day(event, meetings, now)


@dataclass
class DayAgenda:
    """One day of a party's agenda at an event."""

    day: date
    meetings: list[Meeting]  # confirmed, by time
    called_off: list[Meeting]  # cancelled or declined
    counts: dict[date, int]  # confirmed meetings per day
    now: datetime
    cutoff: timedelta

    def can_change(self, meeting: Meeting) -> bool:
        """Either party may still cancel (or the investor decline): before the cut-off."""
        return self.now < meeting.starts_at - self.cutoff

    def started(self, meeting: Meeting) -> bool:
        return meeting.starts_at <= self.now


def day_agenda(
    user: Any, event: Event, requested: str | None = None, now: datetime | None = None
) -> DayAgenda:
    now = now or utcnow()
    meetings = meetings_of(user, event, include_called_off=True)
    days = by_day(meetings)
    day = requested_day(event, meetings, requested, now)
    of_the_day = days.get(day, [])
    return DayAgenda(
        day=day,
        meetings=[m for m in of_the_day if m.status == "confirmed"],
        called_off=[m for m in of_the_day if m.status != "confirmed"],
        counts={d: sum(m.status == "confirmed" for m in ms) for d, ms in days.items()},
        now=now,
        cutoff=cutoff_of(event),
    )


def printable_agenda(user: Any, event: Event, requested: str | None) -> dict[date, list[Meeting]]:
    """Confirmed meetings by day: of every day with one for `all`, else of the day asked."""
    meetings = meetings_of(user, event)
    days = by_day(meetings)
    if requested == "all":
        return days
    day = requested_day(event, meetings, requested)
    return {day: days.get(day, [])}


def agenda_owner(user: Any) -> str:
    """Whose agenda it is, as printed at its top."""
    if user.role == "startup" and user.startup is not None:
        return user.startup.name
    if user.role == "investor" and user.investor is not None:
        return f"{user.investor.fund} · {user.name}"
    return user.name


def upcoming_by_event(user: Any, now: datetime | None = None) -> list[tuple[Event, list[Meeting]]]:
    """The user's confirmed meetings not over yet, by event (events by their first day)."""
    now = now or utcnow()
    upcoming = [meeting for meeting in meetings_of(user) if meeting.ends_at >= now]
    return [
        (event, [meeting for meeting in upcoming if meeting.event_id == event.id])
        for event in events_of(upcoming)
    ]
