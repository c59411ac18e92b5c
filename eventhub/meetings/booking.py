"""First-come booking: a startup takes an open slot; cancelling, declining, outcomes.

The rules of a booking, and what guards each one in the database:
- `slot_taken`, one meeting per slot: the booking takes the slot's row lock (a conditional
  UPDATE that also refuses a slot no longer open), then checks; the partial unique index
  on confirmed `meetings.slot_id` is the last word;
- `startup_busy`, never two overlapping meetings, and `limit_reached`, the per-startup
  limit: the startup's row in `meeting_locks` is updated first, so one startup's bookings
  (across every investor) are checked one after the other;
- `pair_exists`, one meeting per startup–investor pair: checked under the same lock, and
  the partial unique index on confirmed (event, startup, investor).

On SQLite the first write (the lock row) takes the database's write lock, which serialises
the same way. Functions flush; the caller commits (and rolls back on MeetingError).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingSettings, MeetingSlot, MeetingTable
from eventhub.meetings.slots import (
    MeetingError,
    clean_text,
    lock_slot,
    settings_of,
    take_lock,
)
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

MAX_NOTE_LENGTH = 300
MAX_PRIVATE_NOTE_LENGTH = 2000

# The rules that refuse a booking because of the state of things (409 in the API).
BOOKING_REFUSALS = (
    "booking_closed",
    "slot_closed",
    "slot_in_past",
    "cutoff_passed",
    "slot_taken",
    "startup_busy",
    "pair_exists",
    "pair_declined",
    "limit_reached",
)


def lock_startup(event: Event, startup: Startup) -> None:
    """Serialise this startup's bookings at this event (see the module docstring)."""
    take_lock(event.id, "startup", startup.id)


def cutoff_of(event: Event) -> timedelta:
    return timedelta(hours=settings_of(event).cutoff_hours)


def before_cutoff(event: Event, starts_at: datetime, now: datetime) -> bool:
    return now < starts_at - cutoff_of(event)


def overlapping_meeting(
    event: Event, startup_id: int, starts_at: datetime, ends_at: datetime
) -> Meeting | None:
    return db.session.scalars(
        select(Meeting)
        .where(
            Meeting.event_id == event.id,
            Meeting.startup_id == startup_id,
            Meeting.status == "confirmed",
            Meeting.starts_at < ends_at,
            Meeting.ends_at > starts_at,
        )
        .limit(1)
    ).first()


def pair_meeting(event: Event, startup_id: int, investor_id: int, status: str = "confirmed"):
    return db.session.scalars(
        select(Meeting)
        .where(
            Meeting.event_id == event.id,
            Meeting.startup_id == startup_id,
            Meeting.investor_id == investor_id,
            Meeting.status == status,
        )
        .limit(1)
    ).first()


def is_own(investor: Investor, startup: Startup, user: Any = None) -> bool:
    """A startup meeting its own investor account: the same person, or a member of the
    firm who is also in the startup's team."""
    if user is not None and getattr(user, "investor_id", None) == investor.id:
        return True
    return any(member.startup_id == startup.id for member in investor.members)


@dataclass(frozen=True)
class BookedFacts:
    """A meeting as the booking rules see it (a row of `meetings`)."""

    slot_id: int | None
    startup_id: int
    investor_id: int
    status: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class SlotFacts:
    """A slot as the booking rules see it."""

    id: int
    investor_id: int
    starts_at: datetime
    ends_at: datetime
    open: bool = True  # offered (not marked unavailable)
    own: bool = False  # the startup's own investor account offers it


def time_refusal(starts_at: datetime, now: datetime, cutoff_hours: int) -> MeetingError | None:
    """`slot_in_past` or `cutoff_passed`, or None when a slot starting then can be booked."""
    if starts_at <= now:
        return MeetingError(_l("This slot is in the past."), "slot_in_past")
    if now >= starts_at - timedelta(hours=cutoff_hours):
        return MeetingError(
            _l("Bookings for this slot have closed (the cut-off has passed)."), "cutoff_passed"
        )
    return None


def rule_refusal(
    rows: Iterable[BookedFacts],
    slot: SlotFacts,
    startup_id: int,
    limit: int | None,
) -> MeetingError | None:
    """The first rule between a booking of `slot` by the startup and the meetings already
    there (`rows`: the confirmed and declined meetings of the slot and of the startup), or
    None. The same function decides for the booking and for the slots shown as available."""
    rows = list(rows)
    confirmed = [row for row in rows if row.status == "confirmed"]
    if any(row.slot_id == slot.id for row in confirmed):
        return MeetingError(_l("Another startup booked this slot first."), "slot_taken")
    mine = [row for row in confirmed if row.startup_id == startup_id]
    if any(row.starts_at < slot.ends_at and slot.starts_at < row.ends_at for row in mine):
        return MeetingError(_l("You already have a meeting at that time."), "startup_busy")
    if any(row.investor_id == slot.investor_id for row in mine):
        return MeetingError(
            _l("You already have a meeting with this investor at this event."), "pair_exists"
        )
    if any(
        row.investor_id == slot.investor_id
        and row.startup_id == startup_id
        and row.status == "declined"
        for row in rows
    ):
        return MeetingError(
            _l("This investor declined a meeting with you at this event."), "pair_declined"
        )
    if limit is not None and len(mine) >= limit:
        return MeetingError(
            _l("You have reached the limit of %(limit)s meetings for this event.", limit=limit),
            "limit_reached",
        )
    return None


@dataclass(frozen=True)
class BookingRules:
    """The event's settings that the booking rules read."""

    booking_open: bool = True
    cutoff_hours: int = 24
    limit: int | None = None  # meetings per startup

    @classmethod
    def of(cls, settings: MeetingSettings) -> BookingRules:
        return cls(settings.booking_open, settings.cutoff_hours, settings.max_meetings_per_startup)


def opening_refusal(rules: BookingRules, own: bool) -> MeetingError | None:
    """`booking_closed` or `own_slot`: refusals before any slot is locked."""
    if not rules.booking_open:
        return MeetingError(_l("Booking is not open for this event."), "booking_closed")
    if own:
        return MeetingError(_l("You cannot book a meeting with yourself."), "own_slot")
    return None


def closed_refusal() -> MeetingError:
    return MeetingError(_l("This slot is no longer offered."), "slot_closed")


def slot_refusal(
    slot: SlotFacts,
    rows: Iterable[BookedFacts],
    startup_id: int,
    rules: BookingRules,
    now: datetime,
) -> MeetingError | None:
    """Why the startup cannot book `slot` now, by every rule of `book_slot` in its order, or
    None when it can. Pure: `rows` are the confirmed and declined meetings of the slot and
    of the startup."""
    refusal = opening_refusal(rules, slot.own)
    if refusal is None and not slot.open:
        refusal = closed_refusal()
    refusal = refusal or time_refusal(slot.starts_at, now, rules.cutoff_hours)
    return refusal or rule_refusal(rows, slot, startup_id, rules.limit)


# What a refusal means to a startup looking at a list of slots.
REASON_OF_CODE = {
    "slot_taken": "taken",
    "startup_busy": "busy",
    "pair_exists": "same_investor",
    "pair_declined": "same_investor",
    "limit_reached": "limit",
    "slot_in_past": "past",
    "cutoff_passed": "past",
    "slot_closed": "closed",
    "booking_closed": "closed",
    "own_slot": "own",
}


# Short labels of those kinds, for a slot's status.
REASON_LABELS = {
    "taken": _l("Booked"),
    "busy": _l("You are busy then"),
    "same_investor": _l("Already with this investor"),
    "limit": _l("Limit reached"),
    "past": _l("Booking closed"),
    "closed": _l("Not offered"),
    "own": _l("Your own slot"),
}


@dataclass(frozen=True)
class Availability:
    """Whether the startup can book a slot, and if not, why (`code` of the refusal,
    `reason` its kind, `message` for people)."""

    code: str | None = None
    message: Any = ""  # a lazy string: shown in the reader's language

    @property
    def bookable(self) -> bool:
        return self.code is None

    @property
    def reason(self) -> str | None:
        return REASON_OF_CODE.get(self.code, self.code) if self.code else None


def availability_of(
    slots: Iterable[SlotFacts],
    rows: Iterable[BookedFacts],
    startup_id: int,
    rules: BookingRules,
    now: datetime,
) -> dict[int, Availability]:
    """Each slot's availability to the startup, by slot id (pure; see `slot_refusal`)."""
    rows = list(rows)
    result = {}
    for slot in slots:
        refusal = slot_refusal(slot, rows, startup_id, rules, now)
        result[slot.id] = (
            Availability() if refusal is None else Availability(refusal.code, refusal.message)
        )
    return result


def slot_availability(
    event: Event,
    startup: Startup,
    slots: Iterable[MeetingSlot],
    *,
    by_user: Any = None,
    now: datetime | None = None,
) -> dict[int, Availability]:
    """Each of `slots`' availability to `startup` as things are now, by slot id: one read
    of the meetings, then the booking's own rules."""
    slots = list(slots)
    facts = [
        SlotFacts(
            slot.id,
            slot.investor_id,
            slot.starts_at,
            slot.ends_at,
            open=slot.status == "open",
            own=is_own(slot.investor, startup, by_user),
        )
        for slot in slots
    ]
    rows = _booked_facts(event, [slot.id for slot in slots], startup.id)
    rules = BookingRules.of(settings_of(event))
    return availability_of(facts, rows, startup.id, rules, now or utcnow())


def _booked_facts(event: Event, slot_ids: Iterable[int], startup_id: int) -> list[BookedFacts]:
    """The confirmed and declined meetings of these slots and of the startup at the event."""
    rows = db.session.execute(
        select(
            Meeting.slot_id,
            Meeting.startup_id,
            Meeting.investor_id,
            Meeting.status,
            Meeting.starts_at,
            Meeting.ends_at,
        ).where(
            Meeting.event_id == event.id,
            Meeting.status.in_(("confirmed", "declined")),
            or_(Meeting.slot_id.in_(list(slot_ids)), Meeting.startup_id == startup_id),
        )
    ).all()
    return [BookedFacts(*row) for row in rows]


def _check_rules(event: Event, settings: MeetingSettings, slot: SlotFacts, startup_id: int) -> None:
    """Every rule between this booking and the meetings already there, from one read of the
    slot's and the startup's meetings. Call under the startup's lock and the slot's."""
    refusal = rule_refusal(
        _booked_facts(event, [slot.id], startup_id),
        slot,
        startup_id,
        settings.max_meetings_per_startup,
    )
    if refusal is not None:
        raise refusal


def book_slot(
    event: Event,
    slot: MeetingSlot | None,
    startup: Startup | None,
    *,
    by_user: Any = None,
    note: str = "",
    now: datetime | None = None,
) -> Meeting:
    """Book `slot` for `startup`, first come first served. See the module docstring."""
    now = now or utcnow()
    if startup is None:
        raise MeetingError(_l("Only a startup can book a meeting."), "not_startup")
    if slot is None or slot.event_id != event.id:
        raise MeetingError(_l("This slot does not exist."), "slot_not_found")
    note = clean_text(note)
    if len(note) > MAX_NOTE_LENGTH:
        raise MeetingError(
            _l("The note has at most %(count)s characters.", count=MAX_NOTE_LENGTH),
            "note_too_long",
            "note",
        )
    settings = settings_of(event)
    refusal = opening_refusal(BookingRules.of(settings), is_own(slot.investor, startup, by_user))
    if refusal is not None:
        raise refusal
    lock_startup(event, startup)
    locked = lock_slot(slot, only_open=True)  # the slot as it is now that we hold its lock
    if locked is None:
        raise closed_refusal()
    refusal = time_refusal(locked.starts_at, now, settings.cutoff_hours)
    if refusal is not None:
        raise refusal
    _check_rules(
        event,
        settings,
        SlotFacts(slot.id, slot.investor_id, locked.starts_at, locked.ends_at),
        startup.id,
    )
    table = db.session.get(MeetingTable, locked.table_id) if locked.table_id else None
    meeting = Meeting(
        event_id=event.id,
        slot_id=slot.id,
        startup_id=startup.id,
        investor_id=slot.investor_id,
        starts_at=locked.starts_at,
        ends_at=locked.ends_at,
        table_name=table.name if table else "",
        status="confirmed",
        source="booking",
        note=note,
        booked_by_id=getattr(by_user, "id", None),
    )
    insert_meeting(meeting)
    return meeting


def insert_meeting(meeting: Meeting) -> None:
    """Insert in a savepoint; a unique index that refuses it becomes its rule's error."""
    try:
        with db.session.begin_nested():
            db.session.add(meeting)
            db.session.flush()
    except IntegrityError as error:
        text = str(error.orig)
        if "slot" in text:
            raise MeetingError(
                _l("Another startup booked this slot first."), "slot_taken"
            ) from error
        raise MeetingError(
            _l("You already have a meeting with this investor at this event."), "pair_exists"
        ) from error


# After booking ---------------------------------------------------------------------------


def party_of(meeting: Meeting, user: Any) -> str | None:
    """`startup`, `investor` or `organiser`: how `user` takes part in `meeting`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.role == "admin":
        return "organiser"
    if user.role == "startup" and user.startup_id == meeting.startup_id:
        return "startup"
    if user.role == "investor" and user.investor and user.investor.id == meeting.investor_id:
        return "investor"
    return None


def _confirmed(meeting: Meeting) -> None:
    if meeting.status != "confirmed":
        raise MeetingError(_l("This meeting is no longer on."), "not_confirmed")


def _close_request(meeting: Meeting, status: str, reason: str = "") -> None:
    """A scheduled meeting called off by a party is not placed again by the next run; the
    startup reads the reason given (the investor's, or whoever cancelled) on its requests
    too."""
    if meeting.request is not None and meeting.request.status == "accepted":
        meeting.request.status = status
        meeting.request.decline_reason = reason
        meeting.request.decided_at = utcnow()


def cancel_meeting(
    meeting: Meeting, user: Any, *, reason: str = "", now: datetime | None = None
) -> Meeting:
    """Either party cancels until the event's cut-off (the organiser at any time), with an
    optional reason both parties will read; the slot is open again at once."""
    now = now or utcnow()
    party = party_of(meeting, user)
    if party is None:
        raise MeetingError(_l("This is not your meeting."), "not_party")
    _confirmed(meeting)
    reason = _reason(reason)
    if party != "organiser" and not before_cutoff(meeting.event, meeting.starts_at, now):
        raise MeetingError(
            _l("It is too late to cancel this meeting (the cut-off has passed)."),
            "cutoff_passed",
        )
    meeting.status = "cancelled"
    meeting.decline_reason = reason
    meeting.cancelled_by = party
    meeting.cancelled_at = now
    _close_request(meeting, "withdrawn" if party == "startup" else "declined", reason)
    db.session.flush()
    return meeting


def _reason(reason: str) -> str:
    """Why a meeting is called off, as stored; MeetingError when it is too long."""
    reason = clean_text(reason)
    if len(reason) > MAX_NOTE_LENGTH:
        raise MeetingError(
            _l("The reason has at most %(count)s characters.", count=MAX_NOTE_LENGTH),
            "reason_too_long",
            "reason",
        )
    return reason


def decline_meeting(
    meeting: Meeting, user: Any, reason: str, *, now: datetime | None = None
) -> Meeting:
    """The investor declines a booking, with a reason the startup will read."""
    now = now or utcnow()
    if party_of(meeting, user) != "investor":
        raise MeetingError(_l("Only the investor can decline this meeting."), "not_party")
    _confirmed(meeting)
    reason = _reason(reason)
    if not reason:
        raise MeetingError(_l("Tell the startup why."), "reason_required", "reason")
    if not before_cutoff(meeting.event, meeting.starts_at, now):
        raise MeetingError(
            _l("It is too late to decline this meeting (the cut-off has passed)."),
            "cutoff_passed",
        )
    meeting.status = "declined"
    meeting.decline_reason = reason
    meeting.cancelled_by = "investor"
    meeting.cancelled_at = now
    _close_request(meeting, "declined", reason)
    db.session.flush()
    return meeting


def record_outcome(
    meeting: Meeting, user: Any, outcome: str, note: str = "", *, now: datetime | None = None
) -> Meeting:
    """Once the meeting has started, the investor marks it held or no-show, with a private
    note."""
    now = now or utcnow()
    if party_of(meeting, user) != "investor":
        raise MeetingError(_l("Only the investor can record how it went."), "not_party")
    _confirmed(meeting)
    if outcome not in ("held", "no_show"):
        raise MeetingError(_l("Choose held or no-show."), "bad_outcome", "outcome")
    if now < meeting.starts_at:
        raise MeetingError(_l("The meeting has not started yet."), "not_started", "outcome")
    note = clean_text(note)
    if len(note) > MAX_PRIVATE_NOTE_LENGTH:
        raise MeetingError(
            _l("The note has at most %(count)s characters.", count=MAX_PRIVATE_NOTE_LENGTH),
            "note_too_long",
            "note",
        )
    meeting.outcome = outcome
    meeting.investor_note = note
    meeting.outcome_at = now
    db.session.flush()
    return meeting


def find_meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def meeting_in_slot(slot: MeetingSlot) -> Meeting | None:
    return db.session.scalars(
        select(Meeting).where(Meeting.slot_id == slot.id, Meeting.status == "confirmed")
    ).first()


def own_meeting_in_slot(slot: MeetingSlot | None, user: Any) -> Meeting:
    """The meeting in `slot` that `user` takes part in (or, for the organiser, any)."""
    if slot is None:
        raise MeetingError(_l("This slot does not exist."), "slot_not_found")
    meeting = meeting_in_slot(slot)
    if meeting is None or party_of(meeting, user) is None:
        raise MeetingError(_l("You have no meeting in this slot."), "meeting_not_found")
    return meeting


def meetings_by_slot(event: Event, investor: Investor) -> dict[int | None, Meeting]:
    """The investor's confirmed meetings at the event, by slot id."""
    meetings = db.session.scalars(
        select(Meeting).where(
            Meeting.event_id == event.id,
            Meeting.investor_id == investor.id,
            Meeting.status == "confirmed",
        )
    )
    return {meeting.slot_id: meeting for meeting in meetings}


def startup_has_meetings(event: Event, startup: Startup) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Meeting.event_id == event.id,
                    Meeting.startup_id == startup.id,
                    Meeting.status == "confirmed",
                )
            )
        )
    )
