"""The investor directory: the investors who offer slots at an event, filtered, with their
counts of open slots."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import MeetingSlot
from eventhub.meetings.slots import confirmed_meeting_exists
from eventhub.profiles.models import Investor


@dataclass
class DirectoryFilters:
    sector: str = ""
    stage: str = ""
    ticket_eur: int | None = None  # a ticket the investor's range covers
    text: str = ""


@dataclass
class DirectoryEntry:
    investor: Investor
    open_slots: int
    total_slots: int


def investor_directory(
    event: Event, filters: DirectoryFilters | None = None
) -> list[DirectoryEntry]:
    """The investors who offer slots at the event, with their counts of open slots."""
    filters = filters or DirectoryFilters()
    free = (MeetingSlot.status == "open") & ~confirmed_meeting_exists()
    rows = db.session.execute(
        select(
            MeetingSlot.investor_id,
            func.count(),
            func.sum(case((free, 1), else_=0)),
        )
        .where(MeetingSlot.event_id == event.id)
        .group_by(MeetingSlot.investor_id)
    ).all()
    counts = {investor_id: (int(total), int(open_ or 0)) for investor_id, total, open_ in rows}
    investors = db.session.scalars(
        select(Investor).where(Investor.id.in_(counts)).order_by(Investor.fund)
    ).all()
    needle = filters.text.strip().casefold()
    entries = []
    for investor in investors:
        if filters.sector and filters.sector not in (investor.sectors or []):
            continue
        if filters.stage and filters.stage not in (investor.stages or []):
            continue
        if filters.ticket_eur is not None and not _covers(investor, filters.ticket_eur):
            continue
        if needle and needle not in f"{investor.fund} {investor.name}".casefold():
            continue
        total, open_count = counts[investor.id]
        entries.append(DirectoryEntry(investor, open_count, total))
    return entries


def _covers(investor: Investor, amount: int) -> bool:
    low = investor.ticket_min_eur if investor.ticket_min_eur is not None else 0
    high = investor.ticket_max_eur
    return low <= amount and (high is None or amount <= high)


def is_event_investor(event: Event, investor: Investor) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    MeetingSlot.event_id == event.id, MeetingSlot.investor_id == investor.id
                )
            )
        )
    )


def find_event_investor(event: Event, investor_id: int) -> Investor | None:
    """The investor, if it offers slots at the event."""
    investor = db.session.get(Investor, investor_id)
    if investor is None or not is_event_investor(event, investor):
        return None
    return investor


def all_investors() -> list[Investor]:
    """Every investor, by fund: those the organiser may open slots for."""
    return list(db.session.scalars(select(Investor).order_by(Investor.fund, Investor.id)))


def event_investors(event: Event) -> list[Investor]:
    """The investors who offer slots at the event, by fund."""
    offering = exists().where(
        MeetingSlot.event_id == event.id, MeetingSlot.investor_id == Investor.id
    )
    return list(db.session.scalars(select(Investor).where(offering).order_by(Investor.fund)))
