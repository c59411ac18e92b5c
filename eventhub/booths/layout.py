"""Editing the floor plan: halls, booths, generated grids. Flushes, never commits.

Every change is checked before anything is written: sizes positive, each booth inside its
hall, no two booths of a hall overlapping, zone, kind and price tier known, codes unique in
the event (also guarded by `uq_booths_event_id_code`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventhub.booths.errors import BoothError
from eventhub.booths.floorplan import (
    BoothSpec,
    GridSpec,
    Rect,
    check_booth_rect,
    check_hall_size,
    check_inside,
    check_no_overlap,
    grid_layout,
)
from eventhub.booths.models import (
    BOOTH_KINDS,
    BOOTH_STATUSES,
    PRICE_TIERS,
    Booth,
    BoothApplication,
    Hall,
)
from eventhub.events.models import Event, Zone
from eventhub.extensions import db
from eventhub.profiles.vocabulary import SECTORS

CODE_PATTERN = re.compile(r"^[A-Z0-9](?:[A-Z0-9._-]{0,18}[A-Z0-9])?$")
MAX_HALL_NAME = 80
# Statuses an organiser sets by hand; `allocated` comes from an allocation or a pick.
MANUAL_STATUSES = ("available", "held", "blocked")


def require_expo(event: Event) -> None:
    if event.kind != "expo":
        raise BoothError(_l("Booths and floor plans are for expos only."), "not_expo")


# --- vocabulary ---------------------------------------------------------------------------


def normalise_code(code: str | None, field: str = "code") -> str:
    value = (code or "").strip().upper()
    if not CODE_PATTERN.match(value):
        raise BoothError(
            _l(
                "A booth code has 1 to 20 letters, digits, dots, hyphens or underscores, "
                "for example H2-B14."
            ),
            "bad_code",
            field,
        )
    return value


def resolve_zone(value: str | None, field: str = "zone") -> str | None:
    """A sector code from a code or its label (any case); None for empty."""
    text = (value or "").strip()
    if not text:
        return None
    folded = text.casefold()
    for code, label in SECTORS.items():
        if folded in (code.casefold(), str(label).casefold()):
            return code
    raise BoothError(
        _l("Unknown zone “%(zone)s”: use one of the sectors.", zone=text[:40]),
        "unknown_zone",
        field,
    )


def _unknown_message(field: str, value: str) -> object:
    if field == "kind":
        return _l(
            "Unknown booth kind “%(value)s”: use standard, corner, island or pod.", value=value
        )
    if field == "price_tier":
        return _l("Unknown price tier “%(value)s”: use economy, standard or premium.", value=value)
    return _l("Unknown status “%(value)s”: use available, held or blocked.", value=value)


def check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise BoothError(_unknown_message(field, str(value)[:40]), f"unknown_{field}", field)
    return value


# --- queries ------------------------------------------------------------------------------


def halls_of(event: Event) -> list[Hall]:
    return list(
        db.session.scalars(
            select(Hall)
            .where(Hall.event_id == event.id)
            .order_by(Hall.position, Hall.name)
            .options(
                selectinload(Hall.booths)
                .selectinload(Booth.application)
                .selectinload(BoothApplication.startup)
            )
        )
    )


def hall_of(event: Event, hall_id: int) -> Hall | None:
    hall = db.session.get(Hall, hall_id)
    return hall if hall is not None and hall.event_id == event.id else None


def event_hall(event: Event, hall_id: int | None) -> Hall:
    """The hall chosen in a form's `hall_id`, or a refusal if it is not one of `event`'s."""
    hall = hall_of(event, hall_id) if hall_id else None
    if hall is None:
        raise BoothError(_l("Choose one of the event's halls."), "unknown_hall", "hall_id")
    return hall


def booth_of(event: Event, booth_id: int) -> Booth | None:
    booth = db.session.get(Booth, booth_id)
    return booth if booth is not None and booth.event_id == event.id else None


def booth_by_code(event: Event, code: str) -> Booth | None:
    value = (code or "").strip().upper()
    if not value or len(value) > 20 or "\x00" in value:
        return None
    return db.session.scalar(select(Booth).where(Booth.event_id == event.id, Booth.code == value))


def codes_in_use(event: Event) -> set[str]:
    return set(db.session.scalars(select(Booth.code).where(Booth.event_id == event.id)))


def booth_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Booth.status, func.count()).where(Booth.event_id == event.id).group_by(Booth.status)
    )
    counts = dict.fromkeys(BOOTH_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


# --- halls --------------------------------------------------------------------------------


@dataclass
class HallDetails:
    name: str
    width: float
    depth: float
    zone_id: int | None = None
    position: int = 0


def _check_hall(event: Event, details: HallDetails, hall: Hall | None) -> Zone | None:
    name = details.name.strip()
    if not name or len(name) > MAX_HALL_NAME or not name.isprintable():
        raise BoothError(_l("Give the hall a name of at most 80 characters."), "bad_name", "name")
    check_hall_size(details.width, details.depth)
    for other in db.session.scalars(select(Hall).where(Hall.event_id == event.id)):
        if other is not hall and other.name.casefold() == name.casefold():
            raise BoothError(
                _l("This event already has a hall with that name."), "hall_exists", "name"
            )
    if details.zone_id is None:
        return None
    zone = db.session.get(Zone, details.zone_id)
    if zone is None or zone.event_id != event.id:
        raise BoothError(_l("Choose one of the event's zones."), "unknown_zone", "zone_id")
    return zone


def create_hall(event: Event, details: HallDetails) -> Hall:
    require_expo(event)
    zone = _check_hall(event, details, None)
    hall = Hall(
        event_id=event.id,
        name=details.name.strip(),
        width=float(details.width),
        depth=float(details.depth),
        zone=zone,
        position=details.position,
    )
    db.session.add(hall)
    _flush_unique(_l("This event already has a hall with that name."), "hall_exists", "name")
    return hall


def update_hall(hall: Hall, details: HallDetails) -> Hall:
    zone = _check_hall(hall.event, details, hall)
    outside = [
        booth.code
        for booth in hall.booths
        if not Rect(booth.x, booth.y, booth.width, booth.depth).inside(details.width, details.depth)
    ]
    if outside:
        raise BoothError(
            _l(
                "Booths %(codes)s would be outside the hall at that size.",
                codes=", ".join(outside[:5]),
            ),
            "outside_hall",
            "width",
        )
    hall.name = details.name.strip()
    hall.width = float(details.width)
    hall.depth = float(details.depth)
    hall.zone = zone
    hall.position = details.position
    _flush_unique(_l("This event already has a hall with that name."), "hall_exists", "name")
    return hall


def delete_hall(hall: Hall) -> None:
    taken = [booth.code for booth in hall.booths if booth.status == "allocated"]
    if taken:
        raise BoothError(
            _l(
                "Release the allocated booths first (%(codes)s).",
                codes=", ".join(taken[:5]),
            ),
            "hall_in_use",
        )
    db.session.delete(hall)
    db.session.flush()


def set_self_service(hall: Hall, is_open: bool) -> None:
    hall.self_service = is_open
    db.session.flush()


def _flush_unique(message: object, code: str, field: str | None) -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise BoothError(message, code, field) from error


# --- booths -------------------------------------------------------------------------------


@dataclass
class BoothDetails:
    code: str
    hall_id: int
    x: float
    y: float
    width: float
    depth: float
    zone: str | None = None
    price_tier: str = "standard"
    kind: str = "standard"
    status: str = "available"


def check_spec(
    spec: BoothSpec,
    hall: Hall,
    others: Iterable[tuple[str, Rect]],
) -> None:
    """Every rule of one booth against its hall and the other booths of that hall."""
    rect = spec.rect
    check_booth_rect(rect)
    check_inside(rect, hall.name, hall.width, hall.depth)
    check_no_overlap(spec.code, rect, others)


def _rects(hall: Hall, *, without: Booth | None = None) -> list[tuple[str, Rect]]:
    return [
        (booth.code, Rect(booth.x, booth.y, booth.width, booth.depth))
        for booth in hall.booths
        if booth is not without
    ]


def save_booth(event: Event, details: BoothDetails, booth: Booth | None = None) -> Booth:
    """Create (`booth` None) or change a booth."""
    require_expo(event)
    code = normalise_code(details.code)
    hall = event_hall(event, details.hall_id)
    zone = resolve_zone(details.zone)
    check_choice(details.kind, BOOTH_KINDS, "kind")
    check_choice(details.price_tier, PRICE_TIERS, "price_tier")
    allocated = booth is not None and booth.status == "allocated"
    if allocated and details.status != "allocated":
        raise BoothError(
            _l("Release the booth from its exhibitor before changing its status."),
            "booth_allocated",
            "status",
        )
    if not allocated:
        check_choice(details.status, MANUAL_STATUSES, "status")
    clash = booth_by_code(event, code)
    if clash is not None and clash is not booth:
        raise BoothError(
            _l("Another booth already has the code %(code)s.", code=code), "code_taken", "code"
        )
    spec = BoothSpec(code, details.x, details.y, details.width, details.depth)
    check_spec(spec, hall, _rects(hall, without=booth))
    if booth is None:
        booth = Booth(event_id=event.id, status=details.status)
        hall.booths.append(booth)
    elif booth.hall is not hall:
        booth.hall = hall
    booth.code = code
    booth.x, booth.y = float(details.x), float(details.y)
    booth.width, booth.depth = float(details.width), float(details.depth)
    booth.zone = zone
    booth.kind = details.kind
    booth.price_tier = details.price_tier
    if not allocated:
        booth.status = details.status
    _flush_unique(_l("Another booth already has this code."), "code_taken", "code")
    return booth


def delete_booth(booth: Booth) -> None:
    if booth.status == "allocated":
        raise BoothError(
            _l("Booth %(code)s is allocated: release it first.", code=booth.code), "booth_allocated"
        )
    db.session.delete(booth)
    db.session.flush()


def add_booths(event: Event, hall: Hall, specs: list[BoothSpec]) -> list[Booth]:
    """Add several booths to `hall`, all or none: every rule is checked first."""
    require_expo(event)
    taken = codes_in_use(event)
    placed = _rects(hall)
    seen: set[str] = set()
    for spec in specs:
        if spec.code in taken or spec.code in seen:
            raise BoothError(
                _l("Another booth already has the code %(code)s.", code=spec.code),
                "code_taken",
                "prefix",
            )
        check_spec(spec, hall, placed)
        seen.add(spec.code)
        placed.append((spec.code, spec.rect))
    booths = [
        Booth(
            event_id=event.id,
            code=spec.code,
            x=spec.x,
            y=spec.y,
            width=spec.width,
            depth=spec.depth,
            kind=spec.kind,
            zone=spec.zone,
            price_tier=spec.price_tier,
            status=spec.status,
        )
        for spec in specs
    ]
    hall.booths.extend(booths)
    _flush_unique(_l("Another booth already has one of these codes."), "code_taken", "prefix")
    return booths


def add_grid(event: Event, hall: Hall, spec: GridSpec) -> list[Booth]:
    prefix = spec.prefix.strip().upper()
    if not re.fullmatch(r"[A-Z0-9._-]{0,14}", prefix):
        raise BoothError(
            _l("The code prefix has at most 14 letters, digits, dots or hyphens."),
            "bad_code",
            "prefix",
        )
    check_choice(spec.kind, BOOTH_KINDS, "kind")
    check_choice(spec.price_tier, PRICE_TIERS, "price_tier")
    zone = resolve_zone(spec.zone)
    specs = grid_layout(
        GridSpec(**{**_grid_values(spec), "prefix": prefix, "zone": zone}),
        hall.width,
        hall.depth,
    )
    for booth_spec in specs:
        normalise_code(booth_spec.code, "prefix")
    return add_booths(event, hall, specs)


def _grid_values(spec: GridSpec) -> dict[str, object]:
    return {name: getattr(spec, name) for name in GridSpec.__dataclass_fields__}
