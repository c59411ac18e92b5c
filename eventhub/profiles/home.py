"""What a startup's and an investor's home page shows: what comes next, what waits for an
answer, and what is left to do. Plain functions on model objects; the view renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from eventhub.booths.applications import applications_of_startup, expos_to_apply_to
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingSettings,
    StartupUnavailability,
)
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.team import count_members

NEXT_MEETINGS = 5
NEW_BOOKINGS = 10
# The profile fields a startup fills in for its profile to be complete (name, sector and
# stage are required by the form already).
STARTUP_PROFILE_FIELDS = ("sector", "stage", "programme", "city_site", "website", "pitch")
OPEN_REQUEST_STATUSES = ("pending", "accepted")


@dataclass(frozen=True)
class ToDo:
    """Something left to do: `kind` is `profile`, `availability` or `booth`; `event` the
    event it is for (None for the profile); `missing` the profile fields still empty."""

    kind: str
    event: Event | None = None
    missing: tuple[str, ...] = ()


@dataclass
class StartupHome:
    startup: Startup
    next_meetings: list[Meeting]
    requests: list[MeetingRequest]  # at events not over yet, the open ones first
    booths: list[Booth]
    applications: list[BoothApplication]
    to_do: list[ToDo] = field(default_factory=list)
    # Shown last in "what is left to do": the startup's account has no teammate yet.
    invite_teammates: bool = False


@dataclass
class InvestorHome:
    investor: Investor
    today: list[Meeting]  # the meetings of today in each event's time zone
    next_meetings: list[Meeting]  # the ones after today
    waiting_requests: list[MeetingRequest]
    new_bookings: list[Meeting]
    since: datetime | None


# Shared ----------------------------------------------------------------------------------


def _meetings_query(*conditions):
    return (
        select(Meeting)
        .where(Meeting.status == "confirmed", *conditions)
        .options(
            joinedload(Meeting.event),
            joinedload(Meeting.startup),
            joinedload(Meeting.investor).joinedload(Investor.user),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


def _not_over(today: date):
    """Events whose last day is not past (a day of margin for time zones ahead of UTC)."""
    return Event.last_day >= today - timedelta(days=1)


# Startup -----------------------------------------------------------------------------------


def missing_profile_fields(startup: Startup) -> tuple[str, ...]:
    """The profile fields `startup` has left empty, in the form's order."""
    return tuple(name for name in STARTUP_PROFILE_FIELDS if not (getattr(startup, name) or ""))


def next_meetings_of_startup(
    startup: Startup, now: datetime, limit: int = NEXT_MEETINGS
) -> list[Meeting]:
    query = _meetings_query(Meeting.startup_id == startup.id, Meeting.ends_at >= now)
    return list(db.session.scalars(query.limit(limit)).unique())


def open_requests_of_startup(startup: Startup, today: date) -> list[MeetingRequest]:
    """The startup's requests at events not over, those still waiting or accepted first."""
    still_open = MeetingRequest.status.in_(OPEN_REQUEST_STATUSES)
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .join(Event, Event.id == MeetingRequest.event_id)
            .where(
                MeetingRequest.startup_id == startup.id,
                MeetingRequest.status != "withdrawn",
                _not_over(today),
            )
            .options(
                joinedload(MeetingRequest.event),
                joinedload(MeetingRequest.investor).joinedload(Investor.user),
            )
            .order_by(still_open.desc(), Event.first_day, MeetingRequest.created_at)
        )
    )


def booths_of_startup(startup: Startup) -> list[Booth]:
    """The booths allocated to the startup, with their hall and event, soonest event first."""
    return list(
        db.session.scalars(
            select(Booth)
            .join(BoothApplication, Booth.application_id == BoothApplication.id)
            .join(Event, Event.id == Booth.event_id)
            .where(BoothApplication.startup_id == startup.id)
            .options(joinedload(Booth.hall).joinedload(Hall.event))
            .order_by(Event.first_day, Booth.code)
        )
    )


def events_needing_availability(startup: Startup, today: date) -> list[Event]:
    """Events taking meeting requests where the startup has open requests, not over, and
    where it has not yet said when it cannot meet (the scheduler then uses every period)."""
    marked = exists().where(
        StartupUnavailability.event_id == Event.id,
        StartupUnavailability.startup_id == startup.id,
    )
    has_requests = exists().where(
        MeetingRequest.event_id == Event.id,
        MeetingRequest.startup_id == startup.id,
        MeetingRequest.status.in_(OPEN_REQUEST_STATUSES),
    )
    return list(
        db.session.scalars(
            select(Event)
            .join(MeetingSettings, MeetingSettings.event_id == Event.id)
            .where(
                MeetingSettings.requests_open.is_(True),
                Event.last_day >= today,
                has_requests,
                ~marked,
            )
            .order_by(Event.first_day, Event.name)
        )
    )


def startup_to_do(startup: Startup, today: date) -> list[ToDo]:
    """What is left to do, most basic first: the profile, availability, booth applications."""
    to_do = []
    missing = missing_profile_fields(startup)
    if missing:
        to_do.append(ToDo("profile", missing=missing))
    to_do += [ToDo("availability", event) for event in events_needing_availability(startup, today)]
    to_do += [ToDo("booth", event) for event in expos_to_apply_to(startup, today)]
    return to_do


def startup_home(startup: Startup, now: datetime | None = None) -> StartupHome:
    now = now or utcnow()
    today = now.date()
    return StartupHome(
        startup=startup,
        next_meetings=next_meetings_of_startup(startup, now),
        requests=open_requests_of_startup(startup, today),
        booths=booths_of_startup(startup),
        applications=applications_of_startup(startup),
        to_do=startup_to_do(startup, today),
        invite_teammates=count_members(startup) <= 1,
    )


# Investor ----------------------------------------------------------------------------------


def upcoming_meetings_of_investor(investor: Investor, now: datetime) -> list[Meeting]:
    """The investor's confirmed meetings from the start of today (in any time zone) on."""
    query = _meetings_query(
        Meeting.investor_id == investor.id, Meeting.starts_at >= now - timedelta(days=1)
    )
    return list(db.session.scalars(query).unique())


def split_today(meetings: list[Meeting], now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """(today's meetings, the later ones), today being the day of `now` in each meeting's
    event time zone; meetings of earlier days are left out."""
    today, later = [], []
    for meeting in meetings:
        tz = meeting.event.tz
        day, current_day = meeting.starts_at.astimezone(tz).date(), now.astimezone(tz).date()
        if day == current_day:
            today.append(meeting)
        elif day > current_day:
            later.append(meeting)
    return today, later


def waiting_requests_of_investor(investor: Investor, today: date) -> list[MeetingRequest]:
    """Requests sent to the investor still waiting for an answer, at events not over."""
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .join(Event, Event.id == MeetingRequest.event_id)
            .where(
                MeetingRequest.investor_id == investor.id,
                MeetingRequest.status == "pending",
                _not_over(today),
            )
            .options(joinedload(MeetingRequest.event), joinedload(MeetingRequest.startup))
            .order_by(MeetingRequest.created_at)
        )
    )


def new_bookings_of_investor(
    investor: Investor, since: datetime | None, limit: int = NEW_BOOKINGS
) -> list[Meeting]:
    """Confirmed meetings with the investor made after `since` (every one when None),
    newest first."""
    query = _meetings_query(Meeting.investor_id == investor.id).order_by(None)
    if since is not None:
        query = query.where(Meeting.created_at > since)
    query = query.order_by(Meeting.created_at.desc(), Meeting.id.desc()).limit(limit)
    return list(db.session.scalars(query).unique())


def investor_home(
    investor: Investor, since: datetime | None, now: datetime | None = None
) -> InvestorHome:
    now = now or utcnow()
    today, later = split_today(upcoming_meetings_of_investor(investor, now), now)
    return InvestorHome(
        investor=investor,
        today=today,
        next_meetings=later[:NEXT_MEETINGS],
        waiting_requests=waiting_requests_of_investor(investor, now.date()),
        new_bookings=new_bookings_of_investor(investor, since),
        since=since,
    )
