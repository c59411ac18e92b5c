"""Demo table check-in on the demo day: a few meetings checked in at their tables (both
parties arrived, the meeting started), and one no-show whose slot a standby startup took.

Times are the meetings' own (the demo day is in the future: the organiser's live board
of that day shows them). Deterministic and idempotent: it runs only while the demo day
has no check-in at all. No e-mail is queued. Flushes; the caller commits.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select

from eventhub.deals.tables.models import TableCheckin
from eventhub.deals.tables.standby import on_standby, take_freed_slot
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import overlapping_meeting, pair_meeting
from eventhub.meetings.models import Meeting, MeetingRequest, MeetingSlot
from eventhub.profiles.models import Startup

STARTED = 4


def seed_tables(report: Any, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    del expo, rng
    if db.session.scalar(select(exists().where(TableCheckin.event_id == demo_day.id))):
        return
    rows = db.session.execute(
        select(Meeting, MeetingSlot)
        .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .where(
            Meeting.event_id == demo_day.id,
            Meeting.status == "confirmed",
            MeetingSlot.table_id.is_not(None),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(STARTED + 1)
    ).all()
    if len(rows) < STARTED + 1:
        return
    for meeting, slot in rows[:STARTED]:
        _checkin(meeting, slot, startup_after=1, investor_after=2, started=True)
        meeting.outcome, meeting.outcome_at = "held", meeting.starts_at + timedelta(minutes=2)
        report.add("meetings checked in at tables")
    meeting, slot = rows[STARTED]
    row = _checkin(meeting, slot, startup_after=None, investor_after=0, started=False)
    row.no_show_party, row.no_show_at = "startup", meeting.starts_at + timedelta(minutes=10)
    meeting.outcome, meeting.outcome_at = "no_show", row.no_show_at
    db.session.flush()
    report.add("table no-shows")
    taker = _standby_startup(demo_day, meeting)
    if taker is None:
        return
    try:
        taken = take_freed_slot(
            demo_day, meeting.id, taker, now=meeting.starts_at + timedelta(minutes=12)
        )
    except DomainError:
        return
    new_row = db.session.get(TableCheckin, taken.id)
    new_row.startup_arrived_at = meeting.starts_at + timedelta(minutes=14)
    new_row.startup_checked_by = "self"
    new_row.started_at = new_row.startup_arrived_at
    taken.outcome, taken.outcome_at = "held", new_row.started_at
    db.session.flush()
    report.add("slots taken from standby")


def _checkin(meeting, slot, *, startup_after, investor_after, started) -> TableCheckin:
    def at(minutes):
        return None if minutes is None else meeting.starts_at + timedelta(minutes=minutes)

    row = TableCheckin(
        meeting_id=meeting.id,
        event_id=meeting.event_id,
        slot_id=slot.id,
        table_id=slot.table_id,
        starts_at=meeting.starts_at,
        startup_arrived_at=at(startup_after),
        startup_checked_by="self" if startup_after is not None else None,
        investor_arrived_at=at(investor_after),
        investor_checked_by="staff",
        started_at=at(max(startup_after or 0, investor_after or 0)) if started else None,
        from_standby=False,
    )
    db.session.add(row)
    return row


def _standby_startup(event: Event, meeting: Meeting) -> Startup | None:
    """A startup on the investor's standby list, free at that time: one that asked for the
    investor, or else one made so (a pending request), the first in id order."""
    for startup in db.session.scalars(select(Startup).order_by(Startup.id)):
        if startup.id == meeting.startup_id:
            continue
        if overlapping_meeting(event, startup.id, meeting.starts_at, meeting.ends_at):
            continue
        if pair_meeting(event, startup.id, meeting.investor_id):
            continue
        if on_standby(event, meeting.investor_id, startup.id) is None:
            if db.session.scalar(
                select(
                    exists().where(
                        MeetingRequest.event_id == event.id,
                        MeetingRequest.startup_id == startup.id,
                        MeetingRequest.investor_id == meeting.investor_id,
                    )
                )
            ):
                continue  # declined or withdrawn: not on standby
            db.session.add(
                MeetingRequest(
                    event_id=event.id,
                    startup_id=startup.id,
                    investor_id=meeting.investor_id,
                    pitch=f"{startup.name} would like to meet.",
                    status="pending",
                    created_at=meeting.starts_at - timedelta(days=7),
                )
            )
            db.session.flush()
        return startup
    return None
