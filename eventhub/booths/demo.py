"""Demo booths: the expo's three halls and startup pavilion, applications, an allocation.

About 230 booths laid out with the grid generator (each sector zone a block of two rows
back to back, corners at the row ends, islands, pods in the pavilion), an application from
each of the demo startups (most approved, a few pending, waitlisted or rejected, with
preferences), and one allocation run committed like an organiser would.

Deterministic (its own seeded generator and fixed layout, whatever ran before) and
idempotent: halls, booths and applications are looked up by their natural keys, and the
allocation runs only while no booth of the expo is allocated, so a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.booths.allocation_runs import commit_allocation
from eventhub.booths.floorplan import GridSpec, grid_layout
from eventhub.booths.layout import add_booths, codes_in_use
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.profiles.models import Startup

SEED = 20_270_505
DEMO_STARTUP_EMAIL = "startup@eventhub.test"


@dataclass(frozen=True)
class HallPlan:
    name: str  # also the name of the expo's zone it belongs to
    width: float
    depth: float
    blocks: tuple[GridSpec, ...]


def _block(prefix: str, zone: str | None, y: float, **values: Any) -> GridSpec:
    values.setdefault("rows", 2)
    values.setdefault("columns", 10)
    values.setdefault("booth_width", 3.0)
    values.setdefault("booth_depth", 3.0)
    values.setdefault("corners", True)
    values.setdefault("origin_x", 4.0)
    return GridSpec(prefix=prefix, zone=zone, origin_y=y, aisle=4.0, **values)


def _islands(
    prefix: str, zones: tuple[str, ...], y: float, x: float = 40.0
) -> tuple[GridSpec, ...]:
    return tuple(
        GridSpec(
            prefix=prefix,
            start_number=1 + 2 * index,
            rows=1,
            columns=2,
            booth_width=6.0,
            booth_depth=6.0,
            aisle=4.0,
            columns_per_block=1,
            origin_x=x,
            origin_y=y + 10.0 * index,
            kind="island",
            zone=zone,
            price_tier="premium",
        )
        for index, zone in enumerate(zones)
    )


HALLS = (
    HallPlan(
        "Hall 1 · AI & Deep Tech",
        64.0,
        34.0,
        (
            _block("H1-A", "ai", 4.0),
            _block("H1-D", "deeptech", 14.0),
            _block("H1-C", "cybersecurity", 24.0),
            *_islands("H1-I", ("ai", "deeptech"), 4.0),
        ),
    ),
    HallPlan(
        "Hall 2 · Fintech & AgriTech",
        64.0,
        34.0,
        (
            _block("H2-F", "fintech", 4.0),
            _block("H2-A", "agritech", 14.0),
            _block("H2-E", "ecommerce", 24.0),
            *_islands("H2-I", ("fintech", "agritech"), 4.0),
        ),
    ),
    HallPlan(
        "Hall 3 · Renewable energy",
        64.0,
        24.0,
        (
            _block("H3-R", "renewable_energy", 4.0),
            _block("H3-M", "mobility", 14.0),
            *_islands("H3-I", ("renewable_energy",), 4.0),
        ),
    ),
    HallPlan(
        "Startup pavilion",
        64.0,
        33.0,
        (
            _block("P-H", "healthtech", 4.0),
            _block("P-E", "edtech", 14.0),
            GridSpec(
                prefix="P-P",
                rows=2,
                columns=12,
                booth_width=2.0,
                booth_depth=2.0,
                aisle=4.0,
                columns_per_block=6,
                origin_x=4.0,
                origin_y=25.0,
                kind="pod",
                price_tier="economy",
            ),
        ),
    ),
)
# Application kind → (share, areas asked for).
KIND_MIX = (
    ("standard", 70, (9.0, 9.0, 8.0)),
    ("corner", 13, (9.0,)),
    ("pod", 12, (4.0,)),
    ("island", 5, (36.0, 30.0)),
)
# Status → share.
STATUS_MIX = (("approved", 88), ("pending", 6), ("waitlisted", 3), ("rejected", 3))
REJECTION_REASONS = (
    "The product is not ready to be shown yet; apply again for the next edition.",
    "Outside the themes of this expo.",
)
RELATED_SECTORS = {
    "ai": "deeptech",
    "deeptech": "ai",
    "cybersecurity": "ai",
    "fintech": "ecommerce",
    "agritech": "renewable_energy",
    "ecommerce": "fintech",
    "renewable_energy": "mobility",
    "mobility": "renewable_energy",
    "healthtech": "ai",
    "edtech": "ai",
}


def _weighted(rng: random.Random, mix: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(mix, weights=[row[1] for row in mix])[0]


def _seed_halls(report: Any, expo: Event) -> None:
    zones = {zone.name: zone for zone in expo.zones}
    halls = {
        hall.name: hall for hall in db.session.scalars(select(Hall).where(Hall.event_id == expo.id))
    }
    taken = codes_in_use(expo)
    for position, plan in enumerate(HALLS):
        hall = halls.get(plan.name)
        if hall is None:
            hall = Hall(
                event_id=expo.id,
                name=plan.name,
                width=plan.width,
                depth=plan.depth,
                position=position,
                zone=zones.get(plan.name),
            )
            db.session.add(hall)
            db.session.flush()
            report.add("halls")
        for block in plan.blocks:
            specs = [
                spec
                for spec in grid_layout(block, hall.width, hall.depth)
                if spec.code not in taken
            ]
            if specs:
                add_booths(expo, hall, specs)
                taken.update(spec.code for spec in specs)
                report.add("booths", len(specs))


def _seed_applications(report: Any, expo: Event, rng: random.Random) -> None:
    existing = set(
        db.session.scalars(
            select(BoothApplication.startup_id).where(BoothApplication.event_id == expo.id)
        )
    )
    demo_user = db.session.scalar(select(User).where(User.email == DEMO_STARTUP_EMAIL))
    demo_startup_id = demo_user.startup_id if demo_user is not None else None
    codes = sorted(codes_in_use(expo))
    # Startups whose account is in use (not one invited or waiting for approval).
    startups = db.session.scalars(
        select(Startup).where(Startup.members.any(User.status == "active")).order_by(Startup.name)
    ).all()
    for startup in startups:
        # Drawn for every startup, in a fixed order, so each one's data never depends on
        # which others already applied.
        kind, _share, areas = _weighted(rng, KIND_MIX)
        area = rng.choice(areas)
        status = _weighted(rng, STATUS_MIX)[0]
        related = RELATED_SECTORS.get(startup.sector)
        zones = [startup.sector] + ([related] if related and rng.random() < 0.5 else [])
        wants_booth = rng.random() < 0.15
        booth_wish = [rng.choice(codes)] if codes and wants_booth else []
        reason = rng.choice(REJECTION_REASONS)
        if startup.id in existing:
            continue
        if startup.id == demo_startup_id:
            kind, area, status, booth_wish = "standard", 9.0, "approved", []
        if kind == "pod":
            zones = []
        db.session.add(
            BoothApplication(
                event_id=expo.id,
                startup_id=startup.id,
                kind=kind,
                area_wanted=area,
                preferred_zones=zones,
                preferred_booths=booth_wish,
                programme=startup.programme or "",
                city_site=startup.city_site or "",
                notes="",
                status=status,
                decision_reason=reason if status == "rejected" else "",
            )
        )
        report.add("booth applications")
    db.session.flush()


def seed_booths(report: Any, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    """Halls, booths, applications and an allocation for the demo expo (see the module doc).

    `rng` is the demo's shared generator; this seeder keeps its own (seeded with SEED) so
    that its data is the same whatever the other seeders drew before it."""
    del demo_day, rng  # demo days have no booths; see the docstring for the generator
    own = random.Random(SEED)  # noqa: S311 (demo data, not security)
    _seed_halls(report, expo)
    _seed_applications(report, expo, own)
    allocated = db.session.scalar(
        select(func.count())
        .select_from(Booth)
        .where(Booth.event_id == expo.id, Booth.status == "allocated")
    )
    if not allocated:
        plan = commit_allocation(expo, None, via="demo")
        report.add("booth allocations", plan.counts["placed"])
