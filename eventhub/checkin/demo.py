"""Demo gates and check-ins: the expo's first morning at the doors."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from eventhub.checkin.models import Gate, Scan
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration

EXPO_GATES = (
    ("North entrance", None),
    ("South entrance", None),
    ("Hall 1 door", "Hall 1 · AI & Deep Tech"),
    ("VIP lounge door", "VIP lounge"),
)
DEMO_DAY_GATES = (("Main door", None),)
ADMITTED_SHARE = 0.35


def seed_checkins(report: object, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    rng = random.Random("eventhub demo check-ins")  # noqa: S311 - its own stream: same data whatever ran before
    _seed_gates(report, expo, EXPO_GATES)
    _seed_gates(report, demo_day, DEMO_DAY_GATES)
    db.session.flush()
    already = db.session.scalar(
        select(func.count()).where(Scan.event_id == expo.id, Scan.result == "admitted")
    )
    if already:
        return
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == expo.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()
    opening = datetime.combine(expo.first_day, time(9), tzinfo=expo.tz).astimezone(UTC)
    entrances = [name for name, zone in EXPO_GATES if zone is None]
    for registration in registrations:
        if rng.random() >= ADMITTED_SHARE:
            continue
        at = opening + timedelta(minutes=rng.triangular(0, 300, 60))
        gate = rng.choice(entrances)
        db.session.add(
            Scan(
                event_id=expo.id,
                registration=registration,
                gate=gate,
                result="admitted",
                code="demo",
                device="demo data",
                scanned_at=at,
                day=expo.first_day,
            )
        )
        report.add("check-ins")


def _seed_gates(report: object, event: Event, gates: tuple[tuple[str, str | None], ...]) -> None:
    existing = set(db.session.scalars(select(Gate.name).where(Gate.event_id == event.id)))
    zones = {zone.name: zone for zone in event.zones}
    for name, zone_name in gates:
        if name in existing:
            continue
        db.session.add(Gate(event_id=event.id, name=name, zone=zones.get(zone_name)))
        report.add("gates")
