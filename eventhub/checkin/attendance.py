"""Live attendance figures for organisers: inside now, arrivals per hour, per gate, per category."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select

from eventhub.checkin.models import Scan
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration


@dataclass
class CategoryAttendance:
    name: str
    colour: str
    registered: int
    admitted: int


@dataclass
class Attendance:
    day: date
    inside_now: int
    registered: int
    scans_today: int
    refused_today: int
    arrivals_per_hour: list[tuple[int, int]]  # (local hour, admissions), every hour shown
    per_gate: list[tuple[str, int]]
    per_category: list[CategoryAttendance] = field(default_factory=list)
    updated_at: datetime | None = None


def attendance_for(event: Event, day: date, now: datetime) -> Attendance:
    """Figures for one event day; `inside_now` counts badges admitted that day (no exit scans)."""
    admitted_times = db.session.scalars(
        select(Scan.scanned_at).where(*_admitted_on(event, day))
    ).all()
    hours = Counter(moment.astimezone(event.tz).hour for moment in admitted_times)
    first_hour = min([*hours, 8])
    last_hour = max([*hours, 18])
    per_gate = db.session.execute(
        select(Scan.gate, func.count())
        .where(*_admitted_on(event, day))
        .group_by(Scan.gate)
        .order_by(func.count().desc(), Scan.gate)
    ).all()
    return Attendance(
        day=day,
        inside_now=len(admitted_times),
        registered=_confirmed(event),
        scans_today=_scans(event, day, now, refused=False),
        refused_today=_scans(event, day, now, refused=True),
        arrivals_per_hour=[(hour, hours.get(hour, 0)) for hour in range(first_hour, last_hour + 1)],
        per_gate=[(gate, count) for gate, count in per_gate],
        per_category=_per_category(event, day),
        updated_at=now,
    )


def _admitted_on(event: Event, day: date) -> tuple[ColumnElement[bool], ...]:
    """The scans that let a badge in on `day` (one per badge: see Scan)."""
    return (Scan.event_id == event.id, Scan.day == day, Scan.result == "admitted")


def _confirmed(event: Event) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Registration.event_id == event.id, Registration.status == "confirmed"
            )
        )
        or 0
    )


def _scans(event: Event, day: date, now: datetime, *, refused: bool) -> int:
    start, end = _day_bounds(event, day)
    query = select(func.count()).where(
        Scan.event_id == event.id, Scan.scanned_at >= start, Scan.scanned_at < end
    )
    if refused:
        query = query.where(Scan.result.not_in(("admitted", "already_inside")))
    return db.session.scalar(query) or 0


def _day_bounds(event: Event, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=event.tz).astimezone(UTC)
    return start, start + timedelta(days=1)


def _per_category(event: Event, day: date) -> list[CategoryAttendance]:
    registered = dict(
        db.session.execute(
            select(Registration.category_id, func.count())
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .group_by(Registration.category_id)
        ).all()
    )
    admitted = dict(
        db.session.execute(
            select(Registration.category_id, func.count())
            .join(Scan, Scan.registration_id == Registration.id)
            .where(*_admitted_on(event, day))
            .group_by(Registration.category_id)
        ).all()
    )
    categories = db.session.scalars(
        select(AttendeeCategory)
        .where(AttendeeCategory.event_id == event.id)
        .order_by(AttendeeCategory.position, AttendeeCategory.id)
    )
    return [
        CategoryAttendance(
            name=category.name,
            colour=category.colour,
            registered=registered.get(category.id, 0),
            admitted=admitted.get(category.id, 0),
        )
        for category in categories
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def bar_chart(
    points: list[tuple[int, int]], *, width: float = 600, height: float = 220, margin: float = 24
) -> list[Bar]:
    """Geometry of a vertical bar chart, for the SVG drawn by the template."""
    if not points:
        return []
    top = max(value for _, value in points) or 1
    slot = (width - margin) / len(points)
    usable = height - 2 * margin
    bars = []
    for index, (hour, value) in enumerate(points):
        bar_height = usable * value / top
        bars.append(
            Bar(
                label=f"{hour:02d}h",
                value=value,
                x=margin + index * slot + slot * 0.15,
                y=height - margin - bar_height,
                width=slot * 0.7,
                height=bar_height,
            )
        )
    return bars
