"""Event logic: creating and editing events, zones and categories. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.errors import DomainError
from eventhub.events.lookup import find_event
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db


class EventError(DomainError):
    """An event, zone or category that cannot be saved so."""


@dataclass
class EventDetails:
    """What an organiser types for an event; local datetimes are in the event's time zone."""

    name: str
    slug: str
    kind: str
    status: str
    venue: str
    city: str
    timezone: str
    first_day: date
    last_day: date
    description: str = ""
    summary: str = ""
    # The language the texts above are written in; None keeps the current one.
    main_language: str | None = None
    registration_opens_local: datetime | None = None
    registration_closes_local: datetime | None = None
    capacity: int | None = None
    # Hours a freed place offered to the waiting list is held; None keeps the current value.
    offer_hold_hours: int | None = None
    # Double opt-in for public registrations; None keeps the current value.
    requires_email_confirmation: bool | None = None


def to_utc(local: datetime | None, timezone: str) -> datetime | None:
    """A naive wall-clock time in `timezone` as an aware UTC datetime."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def to_local_naive(moment: datetime | None, timezone: str) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _apply(event: Event, details: EventDetails) -> None:
    event.name = details.name
    event.slug = details.slug
    event.kind = details.kind
    event.status = details.status
    event.venue = details.venue
    event.city = details.city
    event.timezone = details.timezone
    event.first_day = details.first_day
    event.last_day = details.last_day
    event.description = details.description
    event.summary = details.summary
    if details.main_language is not None:
        event.main_language = details.main_language
    event.capacity = details.capacity
    if details.offer_hold_hours is not None:
        event.offer_hold_hours = details.offer_hold_hours
    if details.requires_email_confirmation is not None:
        event.requires_email_confirmation = details.requires_email_confirmation
    event.registration_opens_at = to_utc(details.registration_opens_local, details.timezone)
    event.registration_closes_at = to_utc(details.registration_closes_local, details.timezone)


def _flush_unique_slug() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise EventError(
            _l("Another event already uses this short name."), "slug_taken", field="slug"
        ) from error


def create_event(details: EventDetails) -> Event:
    if find_event(details.slug):
        raise EventError(_l("Another event already uses this short name."), "slug_taken", "slug")
    event = Event()
    _apply(event, details)
    db.session.add(event)
    _flush_unique_slug()
    return event


def update_event(event: Event, details: EventDetails) -> Event:
    other = find_event(details.slug)
    if other is not None and other.id != event.id:
        raise EventError(_l("Another event already uses this short name."), "slug_taken", "slug")
    _apply(event, details)
    _flush_unique_slug()
    return event


def details_of(event: Event) -> dict[str, Any]:
    """The form's view of an event: local times in its own zone."""
    return {
        "name": event.name,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "venue": event.venue,
        "city": event.city,
        "timezone": event.timezone,
        "first_day": event.first_day,
        "last_day": event.last_day,
        "description": event.description,
        "summary": event.summary,
        "main_language": event.main_language,
        "capacity": event.capacity,
        "offer_hold_hours": event.offer_hold_hours,
        "requires_email_confirmation": event.requires_email_confirmation,
        "registration_opens": to_local_naive(event.registration_opens_at, event.timezone),
        "registration_closes": to_local_naive(event.registration_closes_at, event.timezone),
    }


# A zone's capacity, when it has one: at least one person, and an integer the database keeps.
MAX_ZONE_CAPACITY = 1_000_000


def _check_zone_capacity(capacity: int | None) -> None:
    if capacity is not None and not 1 <= capacity <= MAX_ZONE_CAPACITY:
        raise EventError(
            _l(
                "The capacity must be a whole number from 1 to %(max)d, or empty.",
                max=MAX_ZONE_CAPACITY,
            ),
            "capacity_invalid",
            "capacity",
        )


def add_zone(event: Event, name: str, description: str = "", capacity: int | None = None) -> Zone:
    """A new zone of `event`; `capacity`: how many may be inside at once (None: no limit)."""
    if any(zone.name.casefold() == name.casefold() for zone in event.zones):
        raise EventError(_l("This event already has a zone with that name."), "zone_exists", "name")
    _check_zone_capacity(capacity)
    zone = Zone(name=name, description=description, capacity=capacity)
    event.zones.append(zone)
    db.session.flush()
    return zone


def rename_zone(zone: Zone, name: str, description: str) -> Zone:
    clash = [
        z for z in zone.event.zones if z.id != zone.id and z.name.casefold() == name.casefold()
    ]
    if clash:
        raise EventError(_l("This event already has a zone with that name."), "zone_exists", "name")
    zone.name = name
    zone.description = description
    db.session.flush()
    return zone


def update_zone(zone: Zone, name: str, description: str, capacity: int | None) -> Zone:
    """Rename a zone and set its capacity (None: no limit). A capacity below the number of
    people inside now is allowed: its entry gates answer that it is full until enough leave."""
    _check_zone_capacity(capacity)
    rename_zone(zone, name, description)
    zone.capacity = capacity
    db.session.flush()
    return zone


def remove_zone(zone: Zone) -> None:
    """Delete a zone; the categories that named it keep their other zones."""
    db.session.delete(zone)
    db.session.flush()


@dataclass
class CategoryDetails:
    name: str
    colour: str
    is_public: bool
    is_default: bool
    capacity: int | None
    position: int
    days: list[date]
    zone_ids: list[int]


def save_category(
    event: Event, details: CategoryDetails, category: AttendeeCategory | None = None
) -> AttendeeCategory:
    """Create (category None) or update a category of `event`."""
    clash = [
        c
        for c in event.categories
        if c is not category and c.name.casefold() == details.name.casefold()
    ]
    if clash:
        raise EventError(
            _l("This event already has a category with that name."), "category_exists", "name"
        )
    outside = [day for day in details.days if day not in event.days]
    if outside:
        raise EventError(_l("A chosen day is not a day of the event."), "day_outside", "days")
    zones = [zone for zone in event.zones if zone.id in set(details.zone_ids)]
    if len(zones) != len(set(details.zone_ids)):
        raise EventError(
            _l("A chosen zone does not belong to this event."), "zone_unknown", "zones"
        )
    if details.is_default and not details.is_public:
        raise EventError(
            _l("The default category must be open to public registration."),
            "default_private",
            "is_default",
        )
    if category is None:
        category = AttendeeCategory()
        event.categories.append(category)
    category.name = details.name
    category.colour = details.colour.lower()
    category.is_public = details.is_public
    category.capacity = details.capacity
    category.position = details.position
    category.zones = zones
    category.set_days(details.days)
    if details.is_default:
        for other in event.categories:
            other.is_default = other is category
    else:
        category.is_default = False
    db.session.flush()
    return category


def default_category(event: Event) -> AttendeeCategory | None:
    """The category for a registration that names none: the default one, else the first public."""
    public = event.public_categories
    for category in public:
        if category.is_default:
            return category
    return public[0] if public else None
