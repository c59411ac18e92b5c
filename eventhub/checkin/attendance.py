"""Live attendance figures for organisers: who is inside now, per zone against its capacity,
arrivals per hour, per gate, per category, and the day's offline conflicts.

Counting people inside: an entry (`admitted`, or `reentered` after an exit) adds one to its
zone, an exit that closed an entry (`exited` with `follows_scan_id`) takes one away; an
exit of someone not recorded inside changes nothing. Where a zone has no exit gate nobody
is ever scanned out, so "inside" is everyone who came in that day (the page says so).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from eventhub.checkin.conflicts import count_conflicts
from eventhub.checkin.gates import gates_of
from eventhub.checkin.models import SCAN_RESULTS, VENUE, Scan
from eventhub.checkin.scanning import ENTRIES, MOVEMENTS
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration

# Scans that kept someone out (a full zone among them); an `already_inside` is not one.
REFUSALS = tuple(result for result in SCAN_RESULTS if result not in (*MOVEMENTS, "already_inside"))
# A zone this full (in %) shows a warning; at 100 % it is full.
WARNING_PERCENT = 90
# The hours the arrivals chart always shows, whatever the first and last arrival.
DAY_HOURS = (8, 18)


@dataclass
class CategoryAttendance:
    name: str
    colour: str
    registered: int
    admitted: int  # people of the category admitted somewhere that day


@dataclass
class ZoneAttendance:
    """One zone on the event day; zone_id None is the venue in general (gates with no zone)."""

    zone_id: int | None
    name: str
    inside: int
    capacity: int | None
    exits_scanned: bool  # the zone has an exit gate; if not, `inside` is everyone who came in
    arrivals_per_hour: list[tuple[int, int]]  # (local hour, first entries into the zone)

    @property
    def percent(self) -> int | None:
        """How full, in whole percent, rounded down (None: no capacity)."""
        if self.capacity is None:
            return None
        return 100 * self.inside // self.capacity

    @property
    def level(self) -> str:
        """ok, warning (from WARNING_PERCENT of its capacity) or full (at its capacity)."""
        if self.capacity is None:
            return "ok"
        if self.inside >= self.capacity:
            return "full"
        if 100 * self.inside >= WARNING_PERCENT * self.capacity:
            return "warning"
        return "ok"


@dataclass
class Attendance:
    day: date
    # People in the venue now: those whose latest entry through a gate with no zone was not
    # followed by an exit there; someone never scanned at such a gate that day counts while
    # inside any zone. Without exit gates: everyone who came in that day.
    inside_now: int
    registered: int
    scans_today: int
    refused_today: int
    # (local hour, people arriving): each person's first entry of the day, whatever the zone.
    arrivals_per_hour: list[tuple[int, int]]
    per_gate: list[tuple[str, int]]  # first entries into a zone, per gate
    per_category: list[CategoryAttendance] = field(default_factory=list)
    per_zone: list[ZoneAttendance] = field(default_factory=list)
    offline_conflicts: int = 0  # offline admissions the server recorded otherwise that day
    updated_at: datetime | None = None

    @property
    def zone_arrivals(self) -> list[HourRow]:
        return arrivals_table(self.per_zone)


def attendance_for(event: Event, day: date, now: datetime) -> Attendance:
    """Figures for one event day, as of `now`."""
    admissions = _admissions(event, day)
    first_arrivals = _first_arrival_per_person(admissions)
    hours = Counter(_local_hour(event, moment) for moment in first_arrivals)
    hour_range = _hour_range(event, [moment for *_ids, moment in admissions])
    per_zone = _per_zone(event, day, admissions, hour_range)
    return Attendance(
        day=day,
        inside_now=_inside_venue(event, day),
        registered=_confirmed(event),
        scans_today=_scans(event, day, refused=False),
        refused_today=_scans(event, day, refused=True),
        arrivals_per_hour=[(hour, hours.get(hour, 0)) for hour in hour_range],
        per_gate=_per_gate(event, day),
        per_category=_per_category(event, day),
        per_zone=per_zone,
        offline_conflicts=count_conflicts(event, day),
        updated_at=now,
    )


def _admitted_on(event: Event, day: date) -> tuple[ColumnElement[bool], ...]:
    """The first entries into each zone on `day` (one per badge per zone: see Scan)."""
    return (Scan.event_id == event.id, Scan.day == day, Scan.result == "admitted")


def _admissions(event: Event, day: date) -> list[tuple[int, int | None, datetime]]:
    """(zone_key, registration_id, scanned_at) of the day's first entries into each zone."""
    rows = db.session.execute(
        select(Scan.zone_key, Scan.registration_id, Scan.scanned_at).where(
            *_admitted_on(event, day)
        )
    ).all()
    return [(zone_key, registration_id, moment) for zone_key, registration_id, moment in rows]


def _first_arrival_per_person(admissions: list[tuple[int, int | None, datetime]]) -> list[datetime]:
    """Each person's first entry of the day, whatever the zone."""
    first: dict[object, datetime] = {}
    for index, (_zone_key, registration_id, moment) in enumerate(admissions):
        person = registration_id if registration_id is not None else ("deleted", index)
        if person not in first or moment < first[person]:
            first[person] = moment
    return list(first.values())


def _local_hour(event: Event, moment: datetime) -> int:
    return moment.astimezone(event.tz).hour


def _hour_range(event: Event, moments: list[datetime]) -> range:
    hours = {_local_hour(event, moment) for moment in moments}
    return range(min([*hours, DAY_HOURS[0]]), max([*hours, DAY_HOURS[1]]) + 1)


def _occupancy(event: Event, day: date) -> dict[int, int]:
    """People inside each zone key on `day`: entries minus the exits that closed one."""
    change = case(
        (Scan.result.in_(ENTRIES), 1),
        (and_(Scan.result == "exited", Scan.follows_scan_id.is_not(None)), -1),
        else_=0,
    )
    rows = db.session.execute(
        select(Scan.zone_key, func.sum(change))
        .where(Scan.event_id == event.id, Scan.day == day, Scan.result.in_(MOVEMENTS))
        .group_by(Scan.zone_key)
    ).all()
    return {zone_key: max(0, int(total or 0)) for zone_key, total in rows}


def _per_zone(
    event: Event,
    day: date,
    admissions: list[tuple[int, int | None, datetime]],
    hour_range: range,
) -> list[ZoneAttendance]:
    """The venue (when it has gates or movements that day) and each zone with a gate or a
    movement that day, in the event's zone order."""
    gates = gates_of(event)
    inside = _occupancy(event, day)
    hours: dict[int, Counter[int]] = defaultdict(Counter)
    for zone_key, _registration_id, moment in admissions:
        hours[zone_key][_local_hour(event, moment)] += 1
    gate_keys = {gate.zone_id or VENUE for gate in gates}
    exit_keys = {gate.zone_id or VENUE for gate in gates if gate.is_exit}

    def row(zone_key: int, zone_id: int | None, name: str, capacity: int | None) -> ZoneAttendance:
        return ZoneAttendance(
            zone_id=zone_id,
            name=name,
            inside=inside.get(zone_key, 0),
            capacity=capacity,
            exits_scanned=zone_key in exit_keys,
            arrivals_per_hour=[(hour, hours[zone_key].get(hour, 0)) for hour in hour_range],
        )

    rows = []
    # Without gates, any gate name is taken and leads into the venue.
    if not gates or VENUE in gate_keys or VENUE in inside or VENUE in hours:
        rows.append(row(VENUE, None, _("The venue"), None))
    for zone in event.zones:
        if zone.id in gate_keys or zone.id in inside or zone.id in hours:
            rows.append(row(zone.id, zone.id, zone.localized("name"), zone.capacity))
    return rows


def _inside_venue(event: Event, day: date) -> int:
    """People in the venue now (see Attendance.inside_now), each counted once: the holders
    of an entry not closed by an exit, into the venue itself or, for those never scanned
    at a gate of the venue that day, into any zone."""
    closing, at_venue = aliased(Scan), aliased(Scan)
    never_at_venue = ~exists().where(
        at_venue.registration_id == Scan.registration_id,
        at_venue.event_id == event.id,
        at_venue.day == day,
        at_venue.zone_key == VENUE,
        at_venue.result.in_(MOVEMENTS),
    )
    return (
        db.session.scalar(
            select(func.count(func.distinct(Scan.registration_id))).where(
                Scan.event_id == event.id,
                Scan.day == day,
                Scan.result.in_(ENTRIES),
                ~exists().where(closing.follows_scan_id == Scan.id, closing.result == "exited"),
                or_(Scan.zone_key == VENUE, never_at_venue),
            )
        )
        or 0
    )


def _confirmed(event: Event) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Registration.event_id == event.id, Registration.status == "confirmed"
            )
        )
        or 0
    )


def _scans(event: Event, day: date, *, refused: bool) -> int:
    start, end = event.day_bounds(day)
    query = select(func.count()).where(
        Scan.event_id == event.id, Scan.scanned_at >= start, Scan.scanned_at < end
    )
    if refused:
        query = query.where(Scan.result.in_(REFUSALS))
    return db.session.scalar(query) or 0


def _per_gate(event: Event, day: date) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(Scan.gate, func.count())
        .where(*_admitted_on(event, day))
        .group_by(Scan.gate)
        .order_by(func.count().desc(), Scan.gate)
    ).all()
    return [(gate, count) for gate, count in rows]


def _per_category(event: Event, day: date) -> list[CategoryAttendance]:
    registered = dict(
        db.session.execute(
            select(Registration.category_id, func.count())
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .group_by(Registration.category_id)
        ).all()
    )
    # Distinct people: a badge admitted into two zones is one person.
    admitted = dict(
        db.session.execute(
            select(Registration.category_id, func.count(func.distinct(Registration.id)))
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
            name=category.localized("name"),
            colour=category.colour,
            registered=registered.get(category.id, 0),
            admitted=admitted.get(category.id, 0),
        )
        for category in categories
    ]


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


@dataclass(frozen=True)
class HourRow:
    label: str
    counts: list[int]  # one per zone, in the order of the zones given


def arrivals_table(zones: list[ZoneAttendance]) -> list[HourRow]:
    """Arrivals per hour of each zone, one row per hour, from the first hour with an arrival
    in any zone to the last one (nothing when no one came)."""
    if not zones:
        return []
    rows = [
        HourRow(hour_label(hour), [zone.arrivals_per_hour[index][1] for zone in zones])
        for index, hour in enumerate(hour for hour, _count in zones[0].arrivals_per_hour)
    ]
    busy = [index for index, row in enumerate(rows) if any(row.counts)]
    return rows[busy[0] : busy[-1] + 1] if busy else []


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float  # percent of the chart's width
    width: float  # percent of the chart's width
    y: float  # pixels from the top
    height: float  # pixels
    labelled: bool  # its hour is written under it (not under every bar of a long day)
    minor: bool  # its texts are hidden on a narrow screen, so that the others do not overlap


CHART_HEIGHT = 220
CHART_LABEL_SPACE = 22  # below the bars, for the hours
CHART_VALUE_SPACE = 20  # above the tallest bar, for its value
# At most this many hours are written under the chart ("09:00" needs some 40 px).
CHART_MAX_LABELS = 14


def bar_chart(points: list[tuple[int, int]], *, height: int = CHART_HEIGHT) -> list[Bar]:
    """Geometry of a vertical bar chart for the SVG drawn by the template: horizontal
    positions in percent, vertical ones in pixels, so that the chart takes its container's
    width and its text keeps its size (a scaled viewBox would shrink it on a phone)."""
    if not points:
        return []
    top = max(value for _hour, value in points) or 1
    slot = 100 / len(points)
    usable = height - CHART_LABEL_SPACE - CHART_VALUE_SPACE
    step = -(-len(points) // CHART_MAX_LABELS)
    bars = []
    for index, (hour, value) in enumerate(points):
        bar_height = usable * value / top
        bars.append(
            Bar(
                label=hour_label(hour),
                value=value,
                x=index * slot + slot * 0.15,
                width=slot * 0.7,
                y=height - CHART_LABEL_SPACE - bar_height,
                height=bar_height,
                labelled=index % step == 0,
                minor=index % (2 * step) != 0,
            )
        )
    return bars
