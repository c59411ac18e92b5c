"""The organiser's live meetings board: per slot time, what is happening at each table,
and the notices a party sees on its agenda (no-shows, freed slots it may take)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.deals.tables.checkin import sweep_no_shows
from eventhub.deals.tables.models import TableCheckin
from eventhub.deals.tables.standby import FreedSlot, offers_for
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.agenda import party_filter
from eventhub.meetings.models import Meeting, MeetingSlot, MeetingTable
from eventhub.models_common import utcnow

# A table's state in a slot, in the order the board counts them.
STATES = ("started", "waiting", "no_show", "offered", "standby", "upcoming", "free", "missed")


@dataclass
class TableRow:
    table: str
    slot: MeetingSlot
    meeting: Meeting | None
    checkin: TableCheckin | None
    state: str
    no_show: TableCheckin | None = None  # the no-show this slot's meeting replaced


@dataclass
class SlotTime:
    starts_at: datetime
    ends_at: datetime
    rows: list[TableRow] = field(default_factory=list)


def board_day(event: Event, value: str | None, now: datetime) -> date:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        day = None
    if day in event.days:
        return day
    today = now.astimezone(event.tz).date()
    return today if today in event.days else event.first_day


def _state(slot: MeetingSlot, meeting: Meeting | None, checkin: TableCheckin | None, now) -> str:
    if meeting is None:
        return "free"
    if checkin is not None and checkin.from_standby:
        return "standby"  # a freed slot taken from standby (started or not: see the row)
    if checkin is not None and checkin.started_at is not None:
        return "started"
    if checkin is not None and checkin.no_show_party is not None:
        if checkin.no_show_party == "startup" and checkin.replacement_meeting_id is None:
            return "offered" if now < slot.ends_at else "no_show"
        return "no_show"
    if slot.starts_at > now:
        return "upcoming"
    if now >= slot.ends_at:
        return "missed"
    return "waiting"


def live_board(
    event: Event, day: date, now: datetime | None = None
) -> tuple[list[SlotTime], Counter]:
    """The day's slots at tables, grouped by start time, each table's state; and counts."""
    now = now or utcnow()
    start, end = event.day_bounds(day)
    slots = list(
        db.session.scalars(
            select(MeetingSlot)
            .join(MeetingTable, MeetingTable.id == MeetingSlot.table_id)
            .where(
                MeetingSlot.event_id == event.id,
                MeetingSlot.starts_at >= start,
                MeetingSlot.starts_at < end,
            )
            .options(joinedload(MeetingSlot.table), joinedload(MeetingSlot.investor))
            .order_by(MeetingSlot.starts_at, MeetingTable.position, MeetingTable.name)
        )
    )
    slot_ids = [slot.id for slot in slots]
    meetings = {
        m.slot_id: m
        for m in db.session.scalars(
            select(Meeting)
            .where(Meeting.slot_id.in_(slot_ids), Meeting.status == "confirmed")
            .options(joinedload(Meeting.startup), joinedload(Meeting.investor))
        )
    }
    checkins = list(
        db.session.scalars(select(TableCheckin).where(TableCheckin.slot_id.in_(slot_ids)))
    )
    by_meeting = {c.meeting_id: c for c in checkins}
    replaced = {c.replacement_meeting_id: c for c in checkins if c.replacement_meeting_id}
    times: dict[tuple[datetime, datetime], SlotTime] = {}
    counts: Counter = Counter()
    for slot in slots:
        meeting = meetings.get(slot.id)
        checkin = by_meeting.get(meeting.id) if meeting else None
        state = _state(slot, meeting, checkin, now)
        key = (slot.starts_at, slot.ends_at)
        group = times.setdefault(key, SlotTime(*key))
        row = TableRow(slot.table.name, slot, meeting, checkin, state)
        if meeting is not None:
            row.no_show = replaced.get(meeting.id)
        group.rows.append(row)
        counts[state] += 1
        if row.no_show is not None:
            counts["no_show"] += 1  # the no-show this meeting replaced
    return list(times.values()), counts


@dataclass
class PartyPanel:
    """What a startup or investor sees about table check-in on its agenda."""

    no_shows: list[tuple[Meeting, TableCheckin]]  # where the other party did not come
    offers: list[FreedSlot]  # freed slots the startup may take
    checkins: dict[int, TableCheckin]  # by meeting id


def party_panel(user: Any, event: Event, now: datetime | None = None) -> PartyPanel:
    """The user's table check-in notices at the event, after recording the no-shows due
    (so that it works without the periodic job); the caller commits."""
    now = now or utcnow()
    sweep_no_shows(event, now)
    condition = party_filter(user)
    if condition is None:
        return PartyPanel([], [], {})
    party = "startup" if user.role == "startup" else "investor"
    rows = db.session.execute(
        select(Meeting, TableCheckin)
        .join(TableCheckin, TableCheckin.meeting_id == Meeting.id)
        .where(condition, Meeting.event_id == event.id)
        .options(joinedload(Meeting.startup), joinedload(Meeting.investor))
        .order_by(Meeting.starts_at)
    ).all()
    no_shows = [(m, c) for m, c in rows if c.no_show_party and c.no_show_party != party]
    offers = offers_for(event, user.startup, now) if party == "startup" and user.startup else []
    return PartyPanel(no_shows, offers, {m.id: c for m, c in rows})
