"""When each party cannot meet, for the scheduler: an investor marks its own slots
unavailable, a startup marks periods of the event's slot grid (every distinct start and
end of the event's slots). Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import MeetingSlot, StartupUnavailability
from eventhub.meetings.slots import MeetingError, set_slot_available, slots_of_event
from eventhub.profiles.models import Investor, Startup

Period = tuple[datetime, datetime]


def grid_periods(event: Event) -> list[tuple[datetime, datetime]]:
    """The event's slot grid: every distinct (start, end) of its slots, in time order."""
    rows = db.session.execute(
        select(MeetingSlot.starts_at, MeetingSlot.ends_at)
        .where(MeetingSlot.event_id == event.id)
        .distinct()
        .order_by(MeetingSlot.starts_at, MeetingSlot.ends_at)
    )
    return [(start, end) for start, end in rows]


def startup_unavailable(event: Event, startup: Startup) -> list[StartupUnavailability]:
    return list(
        db.session.scalars(
            select(StartupUnavailability)
            .where(
                StartupUnavailability.event_id == event.id,
                StartupUnavailability.startup_id == startup.id,
            )
            .order_by(StartupUnavailability.starts_at)
        )
    )


def set_startup_unavailability(
    event: Event, startup: Startup, unavailable_starts: set[datetime]
) -> int:
    """The startup cannot meet in the grid periods starting at `unavailable_starts`;
    available in every other. Returns how many periods are marked."""
    periods = {start: end for start, end in grid_periods(event)}
    unknown = [start for start in unavailable_starts if start not in periods]
    if unknown:
        raise MeetingError(_l("Choose periods of the event's schedule."), "unknown_period")
    for row in startup_unavailable(event, startup):
        if row.starts_at not in unavailable_starts:
            db.session.delete(row)
    kept = {row.starts_at for row in startup_unavailable(event, startup)}
    db.session.flush()
    for start in sorted(unavailable_starts - kept):
        db.session.add(
            StartupUnavailability(
                event_id=event.id, startup_id=startup.id, starts_at=start, ends_at=periods[start]
            )
        )
    db.session.flush()
    return len(unavailable_starts)


def set_investor_unavailability(
    event: Event, investor: Investor, unavailable_slot_ids: set[int]
) -> int:
    """The investor's slots in `unavailable_slot_ids` are unavailable, the others open."""
    slots = db.session.scalars(
        select(MeetingSlot).where(
            MeetingSlot.event_id == event.id, MeetingSlot.investor_id == investor.id
        )
    ).all()
    if set(unavailable_slot_ids) - {slot.id for slot in slots}:
        raise MeetingError(_l("Choose among your own slots."), "slot_not_found")
    for slot in slots:
        wanted = "unavailable" if slot.id in unavailable_slot_ids else "open"
        if slot.status != wanted:
            set_slot_available(slot, wanted == "open")
    return len(unavailable_slot_ids)


@dataclass
class AvailabilityChoices:
    """What a party may mark unavailable, each period under a key (a period's start for a
    startup, a slot id for an investor), and the keys marked now."""

    periods: list[tuple[str, Period]]
    unavailable: set[str]


def availability_of(event: Event, party: Startup | Investor) -> AvailabilityChoices:
    if isinstance(party, Startup):
        marked = {row.starts_at for row in startup_unavailable(event, party)}
        return AvailabilityChoices(
            periods=[(start.isoformat(), (start, end)) for start, end in grid_periods(event)],
            unavailable={start.isoformat() for start in marked},
        )
    own = slots_of_event(event, investor=party)
    return AvailabilityChoices(
        periods=[(str(slot.id), slot.period) for slot, _booked in own],
        unavailable={str(slot.id) for slot, _booked in own if slot.status == "unavailable"},
    )


def save_availability(event: Event, party: Startup | Investor, keys: set[str]) -> int:
    """The party cannot meet in the periods under `keys` (see `AvailabilityChoices`), and
    can in every other; returns how many periods are marked."""
    if isinstance(party, Startup):
        try:
            starts = {datetime.fromisoformat(key) for key in keys}
        except ValueError as error:
            raise MeetingError(
                _l("Choose periods of the event's schedule."), "unknown_period"
            ) from error
        return set_startup_unavailability(event, party, starts)
    if not all(key.isdigit() for key in keys):
        raise MeetingError(_l("Choose among your own slots."), "slot_not_found")
    return set_investor_unavailability(event, party, {int(key) for key in keys})
