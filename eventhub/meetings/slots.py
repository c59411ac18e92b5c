"""Meeting slots: the event's settings and tables, investors opening slots in bulk.

Slots are typed in the event's time zone and stored in UTC. Every change to an event's
slots first updates the event's `slots` row in `meeting_locks`, so two people opening
slots at once cannot both pass the overlap checks. Functions flush; the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eventhub.errors import DomainError
from eventhub.events.editing import to_utc
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import clean_typed
from eventhub.meetings.models import (
    Meeting,
    MeetingLock,
    MeetingSettings,
    MeetingSlot,
    MeetingTable,
)
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor

MAX_SLOTS_PER_BATCH = 400
MIN_MEETING_MINUTES = 5
MAX_MEETING_MINUTES = 240
BREAKS_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class MeetingError(DomainError):
    """A meeting rule refused something."""


def clean_text(value: str | None) -> str:
    """Typed text as stored: trimmed, without control characters or bidi overrides."""
    return clean_typed(value or "")


# Locks -----------------------------------------------------------------------------------


def take_lock(event_id: int, scope: str, key: int = 0) -> None:
    """Serialise with every other transaction taking the same lock, until commit.

    One upsert: it inserts the lock row or bumps its version, and either way holds the row
    (PostgreSQL) or the database's write lock (SQLite) until the transaction ends.
    """
    dialect = db.session.get_bind().dialect.name
    construct = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        construct(MeetingLock)
        .values(event_id=event_id, scope=scope, key=key, version=1)
        .on_conflict_do_update(
            index_elements=["event_id", "scope", "key"],
            set_={"version": MeetingLock.version + 1},
        )
    )
    db.session.execute(statement)


# Settings and tables ---------------------------------------------------------------------


def settings_of(event: Event) -> MeetingSettings:
    """The event's meeting settings; defaults (not saved) when none were set."""
    found = db.session.get(MeetingSettings, event.id)
    if found is not None:
        return found
    return MeetingSettings(
        event_id=event.id,
        booking_open=True,
        requests_open=False,
        max_meetings_per_startup=None,
        max_requests_per_startup=10,
        cutoff_hours=24,
        max_concurrent_meetings=None,
    )


@dataclass
class SettingsDetails:
    booking_open: bool
    requests_open: bool
    max_meetings_per_startup: int | None
    max_requests_per_startup: int
    cutoff_hours: int
    max_concurrent_meetings: int | None


def save_settings(event: Event, details: SettingsDetails) -> MeetingSettings:
    settings = db.session.get(MeetingSettings, event.id)
    if settings is None:
        settings = MeetingSettings(event_id=event.id)
        db.session.add(settings)
    settings.booking_open = details.booking_open
    settings.requests_open = details.requests_open
    settings.max_meetings_per_startup = details.max_meetings_per_startup
    settings.max_requests_per_startup = details.max_requests_per_startup
    settings.cutoff_hours = details.cutoff_hours
    settings.max_concurrent_meetings = details.max_concurrent_meetings
    db.session.flush()
    return settings


def tables_of(event: Event) -> list[MeetingTable]:
    return list(
        db.session.scalars(
            select(MeetingTable)
            .where(MeetingTable.event_id == event.id)
            .order_by(MeetingTable.position, MeetingTable.name)
        )
    )


def add_table(event: Event, name: str) -> MeetingTable:
    name = clean_text(name)
    if not name:
        raise MeetingError(_l("Give the table or room a name."), "table_name", "name")
    if any(table.name.casefold() == name.casefold() for table in tables_of(event)):
        raise MeetingError(
            _l("This event already has a table with that name."), "table_exists", "name"
        )
    position = len(tables_of(event))
    table = MeetingTable(event_id=event.id, name=name, position=position)
    db.session.add(table)
    db.session.flush()
    return table


def find_table(event: Event, table_id: int) -> MeetingTable | None:
    table = db.session.get(MeetingTable, table_id)
    if table is None or table.event_id != event.id:
        return None
    return table


def delete_table(table: MeetingTable) -> None:
    """The table goes; its slots keep their times, without a table."""
    db.session.delete(table)
    db.session.flush()


def table_of(event: Event, table_id: int | None) -> MeetingTable | None:
    if not table_id:
        return None
    table = db.session.get(MeetingTable, table_id)
    if table is None or table.event_id != event.id:
        raise MeetingError(_l("Choose one of the event's tables."), "table_unknown", "table_id")
    return table


# Generating slots ------------------------------------------------------------------------


def parse_breaks(value: str) -> list[tuple[time, time]]:
    """`"12:30-14:00, 16:00-16:15"` → [(12:30, 14:00), (16:00, 16:15)]."""
    breaks: list[tuple[time, time]] = []
    for part in (value or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        match = BREAKS_PATTERN.match(part)
        if match is None:
            raise MeetingError(
                _l("Write breaks as 12:30-14:00, separated by commas."), "bad_breaks", "breaks"
            )
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise MeetingError(_l("A break has an impossible time."), "bad_breaks", "breaks")
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise MeetingError(_l("A break must end after it starts."), "bad_breaks", "breaks")
        breaks.append((start, end))
    return sorted(breaks)


@dataclass
class SlotPlan:
    """What an investor (or the organiser) types: local wall-clock times of the event."""

    days: list[date]
    start: time
    end: time
    length_minutes: int
    gap_minutes: int = 0
    breaks: list[tuple[time, time]] = field(default_factory=list)
    table_id: int | None = None


def local_periods(plan: SlotPlan) -> list[tuple[datetime, datetime]]:
    """The naive local (start, end) of every slot of the plan, breaks skipped."""
    if plan.end <= plan.start:
        raise MeetingError(_l("The end must be after the start."), "bad_times", "end")
    if not MIN_MEETING_MINUTES <= plan.length_minutes <= MAX_MEETING_MINUTES:
        raise MeetingError(
            _l(
                "A meeting lasts between %(low)s and %(high)s minutes.",
                low=MIN_MEETING_MINUTES,
                high=MAX_MEETING_MINUTES,
            ),
            "bad_length",
            "length_minutes",
        )
    if plan.gap_minutes < 0:
        raise MeetingError(_l("The pause cannot be negative."), "bad_gap", "gap_minutes")
    length = timedelta(minutes=plan.length_minutes)
    gap = timedelta(minutes=plan.gap_minutes)
    periods: list[tuple[datetime, datetime]] = []
    for day in sorted(set(plan.days)):
        moment = datetime.combine(day, plan.start)
        day_end = datetime.combine(day, plan.end)
        breaks = [(datetime.combine(day, a), datetime.combine(day, b)) for a, b in plan.breaks]
        while moment + length <= day_end:
            clash = next((b for b in breaks if moment < b[1] and b[0] < moment + length), None)
            if clash is not None:
                moment = clash[1]
                continue
            periods.append((moment, moment + length))
            if len(periods) > MAX_SLOTS_PER_BATCH:
                raise MeetingError(
                    _l("At most %(count)s slots at once.", count=MAX_SLOTS_PER_BATCH),
                    "too_many_slots",
                    "length_minutes",
                )
            moment += length + gap
    if not periods:
        raise MeetingError(_l("No meeting fits between the start and the end."), "no_slots", "end")
    return periods


def _overlapping_slot(
    event: Event, starts_at: datetime, ends_at: datetime, *, ignore_id: int | None = None, **by
):
    query = select(MeetingSlot).where(
        MeetingSlot.event_id == event.id,
        MeetingSlot.starts_at < ends_at,
        MeetingSlot.ends_at > starts_at,
    )
    for column, value in by.items():
        query = query.where(getattr(MeetingSlot, column) == value)
    if ignore_id is not None:
        query = query.where(MeetingSlot.id != ignore_id)
    return db.session.scalars(query.limit(1)).first()


def _check_period(
    event: Event,
    investor: Investor,
    table: MeetingTable | None,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    *,
    ignore_id: int | None = None,
) -> None:
    local_day = starts_at.astimezone(event.tz).date()
    last_local_day = (ends_at - timedelta(microseconds=1)).astimezone(event.tz).date()
    if local_day not in event.days or last_local_day not in event.days:
        raise MeetingError(_l("Slots must fall on the days of the event."), "outside_event", "days")
    if starts_at <= now:
        raise MeetingError(_l("A slot cannot start in the past."), "slot_in_past", "start")
    if _overlapping_slot(event, starts_at, ends_at, ignore_id=ignore_id, investor_id=investor.id):
        raise MeetingError(
            _l("This investor already has a slot at that time."), "slot_overlap", "start"
        )
    if table is not None and _overlapping_slot(
        event, starts_at, ends_at, ignore_id=ignore_id, table_id=table.id
    ):
        raise MeetingError(
            _l("The table %(name)s is already taken at that time.", name=table.name),
            "table_busy",
            "table_id",
        )


def open_slots(
    event: Event, investor: Investor, plan: SlotPlan, *, now: datetime | None = None
) -> list[MeetingSlot]:
    """Create every slot of the plan, or none: each refusal names its rule."""
    now = now or utcnow()
    outside = [day for day in plan.days if day not in event.days]
    if not plan.days:
        raise MeetingError(_l("Choose at least one day."), "no_days", "days")
    if outside:
        raise MeetingError(_l("Slots must fall on the days of the event."), "outside_event", "days")
    table = table_of(event, plan.table_id)
    periods = [
        (to_utc(start, event.timezone), to_utc(end, event.timezone))
        for start, end in local_periods(plan)
    ]
    take_lock(event.id, "slots")
    slots: list[MeetingSlot] = []
    for starts_at, ends_at in periods:
        _check_period(event, investor, table, starts_at, ends_at, now)
        slot = MeetingSlot(
            event_id=event.id,
            investor_id=investor.id,
            table_id=table.id if table else None,
            starts_at=starts_at,
            ends_at=ends_at,
            status="open",
        )
        db.session.add(slot)
        db.session.flush()  # the next period's overlap check sees this one
        slots.append(slot)
    return slots


def has_confirmed_meeting(slot: MeetingSlot) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Meeting.slot_id == slot.id, Meeting.status == "confirmed"))
        )
    )


@dataclass(frozen=True)
class LockedSlot:
    """The slot as it is once its row lock is held."""

    starts_at: datetime
    ends_at: datetime
    table_id: int | None


def lock_slot(slot: MeetingSlot, *, only_open: bool = False) -> LockedSlot | None:
    """Take the slot's row lock (bump its version) and read it back; None when the row is
    gone or, with `only_open`, no longer open."""
    query = update(MeetingSlot).where(MeetingSlot.id == slot.id)
    if only_open:
        query = query.where(MeetingSlot.status == "open")
    row = db.session.execute(
        query.values(version=MeetingSlot.version + 1).returning(
            MeetingSlot.starts_at, MeetingSlot.ends_at, MeetingSlot.table_id
        ),
        execution_options={"synchronize_session": False},
    ).first()
    return LockedSlot(*row) if row is not None else None


def _unbooked(slot: MeetingSlot) -> None:
    if lock_slot(slot) is None or has_confirmed_meeting(slot):
        raise MeetingError(
            _l("This slot holds a meeting: cancel the meeting first."), "slot_booked"
        )


def update_slot(
    slot: MeetingSlot,
    starts_local: datetime,
    ends_local: datetime,
    table_id: int | None,
    *,
    now: datetime | None = None,
) -> MeetingSlot:
    """Move a slot that holds no meeting; times in the event's zone."""
    now = now or utcnow()
    event = slot.event
    if ends_local <= starts_local:
        raise MeetingError(_l("The end must be after the start."), "bad_times", "end")
    table = table_of(event, table_id)
    starts_at = to_utc(starts_local, event.timezone)
    ends_at = to_utc(ends_local, event.timezone)
    take_lock(event.id, "slots")
    _unbooked(slot)
    _check_period(event, slot.investor, table, starts_at, ends_at, now, ignore_id=slot.id)
    slot.starts_at, slot.ends_at = starts_at, ends_at
    slot.table_id = table.id if table else None
    db.session.flush()
    return slot


def set_slot_available(slot: MeetingSlot, available: bool) -> MeetingSlot:
    """An investor marks a slot unavailable (or open again); not one that holds a meeting."""
    if not available:
        _unbooked(slot)
    slot.status = "open" if available else "unavailable"
    db.session.flush()
    return slot


def delete_slot(slot: MeetingSlot) -> SlotCopy:
    """Delete a slot that holds no meeting; returns what restore_slot() needs to bring it
    back."""
    _unbooked(slot)
    copy = SlotCopy.of(slot)
    db.session.delete(slot)
    db.session.flush()
    return copy


@dataclass(frozen=True)
class SlotCopy:
    """A deleted slot as it was: enough to open it again with restore_slot()."""

    event_id: int
    investor_id: int
    table_id: int | None
    starts_at: datetime
    ends_at: datetime
    status: str

    @classmethod
    def of(cls, slot: MeetingSlot) -> SlotCopy:
        return cls(
            event_id=slot.event_id,
            investor_id=slot.investor_id,
            table_id=slot.table_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            status=slot.status,
        )

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-able values (times as ISO 8601 in UTC)."""
        return {
            "event_id": self.event_id,
            "investor_id": self.investor_id,
            "table_id": self.table_id,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "status": self.status,
        }

    @classmethod
    def from_data(cls, data: Any) -> SlotCopy | None:
        """The copy `to_data()` made, or None when `data` is not one."""
        try:
            table_id = data["table_id"]
            copy = cls(
                event_id=int(data["event_id"]),
                investor_id=int(data["investor_id"]),
                table_id=None if table_id is None else int(table_id),
                starts_at=datetime.fromisoformat(data["starts_at"]),
                ends_at=datetime.fromisoformat(data["ends_at"]),
                status=str(data["status"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if copy.starts_at.tzinfo is None or copy.ends_at.tzinfo is None:
            return None
        if copy.status not in ("open", "unavailable"):
            return None
        return copy


def restore_slot(event: Event, copy: SlotCopy, *, now: datetime | None = None) -> MeetingSlot:
    """Open a deleted slot again with the same times, investor, table and status, but only
    if nothing now conflicts: the investor and the table must still be free then, the table
    must still exist, and the slot must not have started."""
    now = now or utcnow()
    if copy.event_id != event.id:
        raise MeetingError(_l("This slot is not one of this event's."), "slot_unknown")
    investor = db.session.get(Investor, copy.investor_id)
    if investor is None:
        raise MeetingError(_l("This investor no longer exists."), "investor_unknown")
    if copy.table_id is not None and find_table(event, copy.table_id) is None:
        raise MeetingError(
            _l("The slot's table has been deleted since: open the slot again by hand."),
            "table_unknown",
        )
    table = table_of(event, copy.table_id)
    take_lock(event.id, "slots")
    _check_period(event, investor, table, copy.starts_at, copy.ends_at, now)
    slot = MeetingSlot(
        event_id=event.id,
        investor_id=investor.id,
        table_id=copy.table_id,
        starts_at=copy.starts_at,
        ends_at=copy.ends_at,
        status=copy.status,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


# Reading ---------------------------------------------------------------------------------


def confirmed_meeting_exists():
    return exists().where(Meeting.slot_id == MeetingSlot.id, Meeting.status == "confirmed")


def slots_of_event(event: Event, *, free_only: bool = False, investor: Investor | None = None):
    """(slot, booked) pairs of the event, by time; `free_only`: open and unbooked ones."""
    booked = confirmed_meeting_exists()
    query = (
        select(MeetingSlot, booked.label("booked"))
        .where(MeetingSlot.event_id == event.id)
        .order_by(MeetingSlot.starts_at, MeetingSlot.id)
    )
    if investor is not None:
        query = query.where(MeetingSlot.investor_id == investor.id)
    if free_only:
        query = query.where(MeetingSlot.status == "open", ~booked)
    return [(slot, bool(is_booked)) for slot, is_booked in db.session.execute(query)]


def slot_status(slot: MeetingSlot, booked: bool) -> str:
    """`open`, `booked` or `unavailable`."""
    if booked:
        return "booked"
    return slot.status


def find_slot(event: Event, slot_id: int) -> MeetingSlot | None:
    slot = db.session.get(MeetingSlot, slot_id)
    if slot is None or slot.event_id != event.id:
        return None
    return slot


def editable_slot(event: Event, slot_id: int, user: Any) -> MeetingSlot | None:
    """The event's slot, if `user` may change it: the organiser, or the investor offering it."""
    slot = find_slot(event, slot_id)
    if slot is None:
        return None
    if user.role == "admin":
        return slot
    investor = user.investor if user.role == "investor" else None
    return slot if investor is not None and investor.id == slot.investor_id else None


def offered_slots(event: Event, investor: Investor) -> list[tuple[MeetingSlot, str]]:
    """The investor's slots that it offers (not marked unavailable), with their status."""
    return [
        (slot, slot_status(slot, booked))
        for slot, booked in slots_of_event(event, investor=investor)
        if slot.status == "open"
    ]
