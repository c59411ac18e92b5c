"""What the organiser dashboard and the door duty page show: events with their figures
(registrations against capacity and over time, the waiting list, today's arrivals, booths
and booth applications, meetings booked, mail failures), the accounts
per role, the startups and investors followed, the latest sensitive actions.

Each figure is one aggregate query over every event (GROUP BY event), so the dashboard
runs the same few statements whatever the number of events."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from eventhub.auth.accounts import count_users_by_role
from eventhub.auth.models import AuditEntry
from eventhub.booths.models import Booth, BoothApplication
from eventhub.checkin.models import Scan
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.models_common import utcnow
from eventhub.notifications.models import MailMessage
from eventhub.profiles.models import Investor, Startup
from eventhub.registration.models import Registration

RECENT_AUDIT_ENTRIES = 15
CHART_DAYS = 30  # the registrations chart shows at most this many days


class utc_hour(FunctionElement[Any]):
    """A stored UTC moment truncated to its hour, as text 'YYYY-MM-DD HH' on every database."""

    type = String()
    inherit_cache = True


@compiles(utc_hour)
def _utc_hour_sqlite(element: utc_hour, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%d %H', {compiler.process(element.clauses, **kw)})"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element: utc_hour, compiler: Any, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"to_char({moment} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


@dataclass
class EventFigures:
    """One event's figures on the dashboard; every count 0 when there is nothing."""

    registrations: Counter[str] = field(default_factory=Counter)  # per status
    capacity: int | None = None  # the event's; None: no limit
    per_day: list[tuple[date, int]] = field(default_factory=list)  # the chart's days
    arrivals_today: int = 0
    booths: Counter[str] = field(default_factory=Counter)  # per status
    booth_applications: Counter[str] = field(default_factory=Counter)  # per status
    meetings_scheduled: int = 0
    meetings_held: int = 0
    mail_failures: int = 0

    @property
    def registered(self) -> int:
        return self.registrations["confirmed"]

    @property
    def waitlisted(self) -> int:
        return self.registrations["waitlisted"] + self.registrations["offered"]

    @property
    def capacity_used(self) -> int | None:
        """Percent of the capacity taken by confirmed registrations; None without a limit."""
        if not self.capacity:
            return None
        return round(100 * self.registered / self.capacity)

    @property
    def applications_pending(self) -> int:
        return self.booth_applications["pending"]

    @property
    def meetings_booked(self) -> int:
        return self.meetings_scheduled

    @property
    def booths_allocated(self) -> int:
        return self.booths["allocated"]

    @property
    def booths_free(self) -> int:
        return self.booths["available"]

    @property
    def booth_count(self) -> int:
        return sum(self.booths.values())

    @property
    def chart_total(self) -> int:
        return sum(count for _day, count in self.per_day)


@dataclass(frozen=True)
class Dashboard:
    events: list[Event]  # every event, drafts and archived ones too, latest first
    users_by_role: dict[str, int]
    startup_count: int
    investor_count: int
    recent_audit: list[AuditEntry]  # newest first
    figures: dict[int, EventFigures] = field(default_factory=dict)  # by event id

    @property
    def staff_count(self) -> int:
        return self.users_by_role.get("staff", 0)


def organiser_dashboard(
    recent: int = RECENT_AUDIT_ENTRIES, now: datetime | None = None
) -> Dashboard:
    events = list(db.session.scalars(select(Event).order_by(Event.first_day.desc())))
    return Dashboard(
        events=events,
        users_by_role=count_users_by_role(),
        startup_count=db.session.scalar(select(func.count()).select_from(Startup)) or 0,
        investor_count=db.session.scalar(select(func.count()).select_from(Investor)) or 0,
        recent_audit=list(
            db.session.scalars(
                select(AuditEntry)
                .options(joinedload(AuditEntry.actor))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(recent)
            )
        ),
        figures=event_figures(events, now or utcnow()),
    )


def local_today(event: Event, now: datetime) -> date:
    return now.astimezone(event.tz).date()


def event_figures(events: list[Event], now: datetime) -> dict[int, EventFigures]:
    """Every event's figures at the UTC moment `now`, in seven statements."""
    figures = {event.id: EventFigures(capacity=event.capacity) for event in events}
    if not events:
        return figures
    for event_id, status, count in db.session.execute(
        select(Registration.event_id, Registration.status, func.count()).group_by(
            Registration.event_id, Registration.status
        )
    ):
        figures[event_id].registrations[status] = count
    _registrations_per_day(events, figures, now)
    _arrivals_today(events, figures, now)
    for event_id, status, count in db.session.execute(
        select(Booth.event_id, Booth.status, func.count()).group_by(Booth.event_id, Booth.status)
    ):
        figures[event_id].booths[status] = count
    for event_id, status, count in db.session.execute(
        select(BoothApplication.event_id, BoothApplication.status, func.count()).group_by(
            BoothApplication.event_id, BoothApplication.status
        )
    ):
        figures[event_id].booth_applications[status] = count
    _meetings(figures)
    for event_id, count in db.session.execute(
        select(MailMessage.event_id, func.count())
        .where(MailMessage.status == "failed", MailMessage.event_id.is_not(None))
        .group_by(MailMessage.event_id)
    ):
        figures[event_id].mail_failures = count
    return figures


def _registrations_per_day(
    events: list[Event], figures: dict[int, EventFigures], now: datetime
) -> None:
    """Registrations (cancelled ones too: they were made) per day in the event's time zone,
    over the event's registration window: from the day registration opened (at most
    CHART_DAYS days back) up to today, or up to the event's last day once it is over."""
    hour = utc_hour(Registration.created_at)
    per_hour = db.session.execute(
        select(Registration.event_id, hour, func.count()).group_by(Registration.event_id, hour)
    )
    days: dict[int, Counter[date]] = defaultdict(Counter)
    timezones = {event.id: event.tz for event in events}
    for event_id, stamp, count in per_hour:
        moment = datetime.strptime(str(stamp)[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)
        days[event_id][moment.astimezone(timezones[event_id]).date()] += count
    for event in events:
        last = min(local_today(event, now), event.last_day)
        first = last - timedelta(days=CHART_DAYS - 1)
        if event.registration_opens_at is not None:
            first = min(max(first, event.local(event.registration_opens_at).date()), last)
        window = [first + timedelta(days=ahead) for ahead in range((last - first).days + 1)]
        figures[event.id].per_day = [(day, days[event.id][day]) for day in window]


def _arrivals_today(events: list[Event], figures: dict[int, EventFigures], now: datetime) -> None:
    """Badges admitted today, today being the event's own (Scan.day is in its time zone)."""
    todays = {local_today(event, now) for event in events}
    wanted = {event.id: local_today(event, now) for event in events}
    for event_id, day, count in db.session.execute(
        select(Scan.event_id, Scan.day, func.count())
        .where(Scan.result == "admitted", Scan.day.in_(todays))
        .group_by(Scan.event_id, Scan.day)
    ):
        if wanted.get(event_id) == day:
            figures[event_id].arrivals_today = count


def _meetings(figures: dict[int, EventFigures]) -> None:
    """Confirmed meetings, and those of them the investor marked as held."""
    for event_id, outcome, count in db.session.execute(
        select(Meeting.event_id, Meeting.outcome, func.count())
        .where(Meeting.status == "confirmed")
        .group_by(Meeting.event_id, Meeting.outcome)
    ):
        figures[event_id].meetings_scheduled += count
        if outcome == "held":
            figures[event_id].meetings_held = count


def door_duty_events(today: date) -> list[Event]:
    """The published events not over yet, soonest first: those door staff may scan for."""
    return list(db.session.scalars(Event.select_published_upcoming(today)))
