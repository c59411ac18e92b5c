"""Standby: a slot a startup left empty (a no-show) goes to another startup that asked for
that investor and was not placed with it.

- The investor's standby list: startups whose request to the investor at the event is
  pending or accepted and that have no confirmed meeting with it.
- When the startup is a no-show, the slot is offered to that list (an e-mail, and a "Take
  this slot" button on their agenda and requests pages) until the slot ends.
- The first to accept gets it, guarded like every booking (eventhub/meetings/booking.py):
  the taker's `meeting_locks` row, then the slot's row lock; under them, the no-show's
  meeting leaves the slot (a conditional UPDATE that only one taker can make) and the new
  meeting is inserted under the partial unique index on the confirmed meeting per slot.
  The others are told "already taken" (`standby_taken`).

Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased

from eventhub.deals.tables.checkin import TableError
from eventhub.deals.tables.models import TableCheckin
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings import booking
from eventhub.meetings.models import Meeting, MeetingRequest, MeetingSlot, MeetingTable
from eventhub.meetings.slots import MeetingError, lock_slot, settings_of
from eventhub.models_common import utcnow
from eventhub.profiles.models import Startup

STANDBY_REQUEST_STATUSES = ("pending", "accepted")


def _not_placed(event_id: int, investor_id: int):
    placed = aliased(Meeting)
    return ~exists().where(
        placed.event_id == event_id,
        placed.investor_id == investor_id,
        placed.startup_id == MeetingRequest.startup_id,
        placed.status == "confirmed",
    )


def standby_requests(event: Event, investor_id: int) -> list[MeetingRequest]:
    """The investor's standby list: requests not placed, oldest first."""
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.investor_id == investor_id,
                MeetingRequest.status.in_(STANDBY_REQUEST_STATUSES),
                _not_placed(event.id, investor_id),
            )
            .order_by(MeetingRequest.created_at, MeetingRequest.id)
        )
    )


def on_standby(event: Event, investor_id: int, startup_id: int) -> MeetingRequest | None:
    for request in standby_requests(event, investor_id):
        if request.startup_id == startup_id:
            return request
    return None


@dataclass(frozen=True)
class FreedSlot:
    """A slot a no-show left empty: the no-show's check-in row and meeting, and the slot."""

    checkin: TableCheckin
    meeting: Meeting
    slot: MeetingSlot
    table: MeetingTable | None


def _freed_query(event: Event, now: datetime):
    return (
        select(TableCheckin, Meeting, MeetingSlot)
        .join(Meeting, Meeting.id == TableCheckin.meeting_id)
        .join(MeetingSlot, MeetingSlot.id == TableCheckin.slot_id)
        .where(
            TableCheckin.event_id == event.id,
            TableCheckin.no_show_party == "startup",
            TableCheckin.replacement_meeting_id.is_(None),
            MeetingSlot.ends_at > now,
        )
        .order_by(MeetingSlot.starts_at, MeetingSlot.id)
    )


def freed_slots(event: Event, now: datetime | None = None) -> list[FreedSlot]:
    rows = db.session.execute(_freed_query(event, now or utcnow())).all()
    return [
        FreedSlot(c, m, s, db.session.get(MeetingTable, c.table_id) if c.table_id else None)
        for c, m, s in rows
    ]


def offers_for(event: Event, startup: Startup, now: datetime | None = None) -> list[FreedSlot]:
    """The freed slots `startup` may take now: of investors it is on standby for."""
    now = now or utcnow()
    offers = []
    for freed in freed_slots(event, now):
        if freed.meeting.startup_id == startup.id:
            continue
        if on_standby(event, freed.meeting.investor_id, startup.id) is None:
            continue
        if booking.overlapping_meeting(event, startup.id, freed.slot.starts_at, freed.slot.ends_at):
            continue
        offers.append(freed)
    return offers


def offer_freed_slot(meeting: Meeting, checkin: TableCheckin, now: datetime) -> int:
    """Tell the investor's standby list of the slot the no-show left (until it ends)."""
    from eventhub.deals.tables.mail import notify_standby_offer

    if checkin.slot_id is None or now >= meeting.ends_at:
        return 0
    requests = standby_requests(meeting.event, meeting.investor_id)
    return sum(notify_standby_offer(meeting, request.startup) for request in requests)


def _taken() -> TableError:
    return TableError(_l("Another startup took this slot first."), "standby_taken")


def take_freed_slot(
    event: Event,
    no_show_meeting_id: int,
    startup: Startup | None,
    *,
    by_user=None,
    now: datetime | None = None,
) -> Meeting:
    """The standby startup takes the slot that meeting's no-show left; one taker wins."""
    now = now or utcnow()
    if startup is None:
        raise TableError(_l("Only a startup can take a slot."), "not_startup")
    checkin = db.session.get(TableCheckin, no_show_meeting_id)
    old = db.session.get(Meeting, no_show_meeting_id)
    if checkin is None or old is None or checkin.event_id != event.id or checkin.slot_id is None:
        raise TableError(_l("This slot is not offered."), "offer_not_found")
    if checkin.no_show_party != "startup":
        raise TableError(_l("This slot is not offered."), "offer_not_found")
    if old.startup_id == startup.id:
        raise TableError(_l("This was your own meeting."), "own_meeting")
    if on_standby(event, old.investor_id, startup.id) is None:
        raise TableError(_l("You are not on this investor's standby list."), "not_on_standby")
    slot = db.session.get(MeetingSlot, checkin.slot_id)
    if slot is None or now >= slot.ends_at:
        raise TableError(_l("This slot is over."), "offer_expired")
    booking.lock_startup(event, startup)
    locked = lock_slot(slot)
    if locked is None:
        raise _taken()
    db.session.refresh(checkin)
    if checkin.replacement_meeting_id is not None:
        raise _taken()
    # The no-show's meeting leaves the slot (it stays confirmed, a no-show): one taker only.
    left = db.session.execute(
        update(Meeting)
        .where(Meeting.id == old.id, Meeting.slot_id == slot.id, Meeting.status == "confirmed")
        .values(slot_id=None),
        execution_options={"synchronize_session": False},
    )
    if left.rowcount != 1:
        raise _taken()
    if booking.overlapping_meeting(event, startup.id, locked.starts_at, locked.ends_at):
        raise TableError(_l("You already have a meeting at that time."), "startup_busy")
    if booking.pair_meeting(event, startup.id, old.investor_id):
        raise TableError(
            _l("You already have a meeting with this investor at this event."), "pair_exists"
        )
    limit = settings_of(event).max_meetings_per_startup
    if limit is not None:
        count = db.session.scalar(
            select(func.count())
            .select_from(Meeting)
            .where(
                Meeting.event_id == event.id,
                Meeting.startup_id == startup.id,
                Meeting.status == "confirmed",
            )
        )
        if (count or 0) >= limit:
            raise TableError(
                _l("You have reached the limit of %(limit)s meetings for this event.", limit=limit),
                "limit_reached",
            )
    request = on_standby(event, old.investor_id, startup.id)
    meeting = Meeting(
        event_id=event.id,
        slot_id=slot.id,
        startup_id=startup.id,
        investor_id=old.investor_id,
        request_id=request.id if request else None,
        starts_at=locked.starts_at,
        ends_at=locked.ends_at,
        table_name=old.table_name,
        status="confirmed",
        source="booking",
        note="",
        booked_by_id=getattr(by_user, "id", None),
    )
    try:
        booking.insert_meeting(meeting)
    except MeetingError as error:
        if error.code == "slot_taken":
            raise _taken() from error
        raise TableError(error.message, error.code) from error
    won = db.session.execute(
        update(TableCheckin)
        .where(
            TableCheckin.meeting_id == old.id,
            TableCheckin.replacement_meeting_id.is_(None),
        )
        .values(replacement_meeting_id=meeting.id),
        execution_options={"synchronize_session": False},
    )
    if won.rowcount != 1:
        raise _taken()
    # The investor is at the table already: the new meeting starts when the startup arrives.
    db.session.add(
        TableCheckin(
            meeting_id=meeting.id,
            event_id=event.id,
            slot_id=slot.id,
            table_id=checkin.table_id,
            starts_at=meeting.starts_at,
            investor_arrived_at=checkin.investor_arrived_at,
            investor_checked_by=checkin.investor_checked_by,
            from_standby=True,
        )
    )
    db.session.flush()
    db.session.refresh(checkin)
    return meeting
