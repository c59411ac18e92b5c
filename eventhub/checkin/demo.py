"""Demo gates and check-ins: the expo's first morning at the doors.

People come in at the two entrances; many go into Hall 1, which has an exit gate, so some
leave it and some come back; guests of the VIP lounge (capacity 20, no exit gate), who
come more often than visitors, fill it to over 90 %, so that the live attendance page
shows each case.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from eventhub.checkin.models import Gate, Scan
from eventhub.events.models import Event, Zone
from eventhub.extensions import db
from eventhub.registration.models import Registration

HALL_1 = "Hall 1 · AI & Deep Tech"
VIP_LOUNGE = "VIP lounge"
# (name, zone, direction)
EXPO_GATES = (
    ("North entrance", None, "entry"),
    ("South entrance", None, "entry"),
    ("Hall 1 door", HALL_1, "entry"),
    ("Hall 1 exit", HALL_1, "exit"),
    ("VIP lounge door", VIP_LOUNGE, "entry"),
)
DEMO_DAY_GATES = (("Main door", None, "entry"),)
ZONE_CAPACITIES = {VIP_LOUNGE: 20}
ADMITTED_SHARE = 0.35
VIP_ADMITTED_SHARE = 0.75  # of those who may enter the VIP lounge
HALL_SHARE = 0.6  # of the people inside, those who go into Hall 1
HALL_EXIT_SHARE = 0.4  # of those, the ones who leave it
HALL_BACK_SHARE = 0.5  # of those, the ones who come back
VIP_GUESTS = 19  # of 20 places: the lounge shows its "nearly full" warning


@dataclass
class _Arrival:
    registration: Registration
    at: datetime


def seed_checkins(report: object, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    rng = random.Random("eventhub demo check-ins")  # noqa: S311 - its own stream: same data whatever ran before
    _seed_gates(report, expo, EXPO_GATES)
    _seed_gates(report, demo_day, DEMO_DAY_GATES)
    _seed_capacities(expo)
    db.session.flush()
    already = db.session.scalar(
        select(func.count()).where(Scan.event_id == expo.id, Scan.result == "admitted")
    )
    if already:
        return
    zones = {zone.name: zone for zone in expo.zones}
    lounge = zones.get(VIP_LOUNGE)
    arrivals = _venue_arrivals(report, expo, lounge, rng)
    db.session.flush()
    hall = zones.get(HALL_1)
    if hall is not None:
        _hall_visits(report, expo, hall, arrivals, rng)
    if lounge is not None:
        guests = [arrival for arrival in arrivals if _may_enter(arrival.registration, lounge)]
        for arrival in guests[:VIP_GUESTS]:
            at = arrival.at + timedelta(minutes=rng.triangular(10, 120, 30))
            _scan(report, expo, arrival.registration, "VIP lounge door", "admitted", at, lounge)


def _venue_arrivals(
    report: object, expo: Event, lounge: Zone | None, rng: random.Random
) -> list[_Arrival]:
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == expo.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()
    opening = datetime.combine(expo.first_day, time(9), tzinfo=expo.tz).astimezone(UTC)
    entrances = [name for name, zone, direction in EXPO_GATES if zone is None]
    arrivals = []
    for registration in registrations:
        vip = lounge is not None and _may_enter(registration, lounge)
        share = VIP_ADMITTED_SHARE if vip else ADMITTED_SHARE
        if rng.random() >= share or not _may_come(registration, expo):
            continue
        at = opening + timedelta(minutes=rng.triangular(0, 300, 60))
        _scan(report, expo, registration, rng.choice(entrances), "admitted", at)
        arrivals.append(_Arrival(registration, at))
    return sorted(arrivals, key=lambda arrival: arrival.at)


def _hall_visits(
    report: object, expo: Event, hall: Zone, arrivals: list[_Arrival], rng: random.Random
) -> None:
    """Entries into the hall; some leave it, and some of those come back."""
    entries = []
    for arrival in arrivals:
        if _may_enter(arrival.registration, hall) and rng.random() < HALL_SHARE:
            at = arrival.at + timedelta(minutes=rng.triangular(2, 60, 10))
            entries.append(
                _scan(report, expo, arrival.registration, "Hall 1 door", "admitted", at, hall)
            )
    db.session.flush()
    exits = []
    for entry in entries:
        if rng.random() < HALL_EXIT_SHARE:
            at = entry.scanned_at + timedelta(minutes=rng.triangular(15, 120, 45))
            exits.append(
                _scan(report, expo, entry.registration, "Hall 1 exit", "exited", at, hall, entry)
            )
    db.session.flush()
    for exit_ in exits:
        if rng.random() < HALL_BACK_SHARE:
            at = exit_.scanned_at + timedelta(minutes=rng.triangular(5, 60, 20))
            _scan(report, expo, exit_.registration, "Hall 1 door", "reentered", at, hall, exit_)


def _scan(
    report: object,
    expo: Event,
    registration: Registration | None,
    gate: str,
    result: str,
    at: datetime,
    zone: Zone | None = None,
    follows: Scan | None = None,
) -> Scan:
    scan = Scan(
        event_id=expo.id,
        registration=registration,
        gate=gate,
        result=result,
        code="demo",
        device="demo data",
        scanned_at=at,
        recorded_at=at,
        day=expo.first_day,
        zone_key=zone.id if zone is not None else 0,
        follows_scan_id=follows.id if follows is not None else None,
    )
    db.session.add(scan)
    report.add("check-ins")
    return scan


def _may_come(registration: Registration, expo: Event) -> bool:
    days = registration.category.days
    return not days or expo.first_day in days


def _may_enter(registration: Registration, zone: Zone) -> bool:
    zones = registration.category.zones
    return not zones or zone in zones


def _seed_gates(
    report: object, event: Event, gates: tuple[tuple[str, str | None, str], ...]
) -> None:
    existing = set(db.session.scalars(select(Gate.name).where(Gate.event_id == event.id)))
    zones = {zone.name: zone for zone in event.zones}
    for name, zone_name, direction in gates:
        if name in existing:
            continue
        db.session.add(
            Gate(event_id=event.id, name=name, zone=zones.get(zone_name), direction=direction)
        )
        report.add("gates")


def _seed_capacities(event: Event) -> None:
    for zone in event.zones:
        if zone.name in ZONE_CAPACITIES and zone.capacity is None:
            zone.capacity = ZONE_CAPACITIES[zone.name]
