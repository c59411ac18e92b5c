"""The organiser's view of an event's slots: a paged list filtered by day, investor, table
and state, with the startup that booked each; and a grid of one day (rows: start times,
columns: investors or tables; cells: free, unavailable or the booked startup's name)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, select

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.listing import ListArgs, page_of
from eventhub.meetings.models import Meeting, MeetingSlot, MeetingTable
from eventhub.profiles.models import Investor, Startup

STATES = ("free", "booked", "unavailable")
GRID_BY = ("investor", "table")
SORTS = {
    "time": [MeetingSlot.starts_at],
    "investor": [Investor.fund, MeetingSlot.starts_at],
    "table": [MeetingTable.name, MeetingSlot.starts_at],
    # booked slots first (by startup), the same on SQLite and PostgreSQL (NULLs sort apart)
    "startup": [Startup.name.is_(None), Startup.name, MeetingSlot.starts_at],
}


@dataclass(frozen=True)
class SlotFilters:
    """The list's filters, each one already checked against the event (None: any)."""

    day: date | None = None
    investor_id: int | None = None
    table_id: int | None = None
    state: str | None = None

    @classmethod
    def of(
        cls, args: Mapping[str, str], days: list[date], investor_ids: set[int], table_ids: set[int]
    ) -> SlotFilters:
        """From the address; anything unknown is left out (a shared address never errs)."""
        return cls(
            day=_known_day(args.get("day"), days),
            investor_id=_known_id(args.get("investor"), investor_ids),
            table_id=_known_id(args.get("table"), table_ids),
            state=args.get("state") if args.get("state") in STATES else None,
        )


def _known_day(value: str | None, days: list[date]) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if day in days else None


def _known_id(value: str | None, known: set[int]) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number in known else None


def _board_query(event: Event, filters: SlotFilters, *columns: Any) -> Select:
    """The event's slots, filtered, with `columns` (the slot by default) of the slot, its
    investor, its table and the startup that booked it."""
    meeting_on = and_(Meeting.slot_id == MeetingSlot.id, Meeting.status == "confirmed")
    query = (
        select(*(columns or (MeetingSlot,)))
        .join(Investor, MeetingSlot.investor_id == Investor.id)
        .outerjoin(MeetingTable, MeetingSlot.table_id == MeetingTable.id)
        .outerjoin(Meeting, meeting_on)
        .outerjoin(Startup, Meeting.startup_id == Startup.id)
        .where(MeetingSlot.event_id == event.id)
        .order_by(MeetingSlot.starts_at, MeetingSlot.id)
    )
    if filters.day is not None:
        start, end = event.day_bounds(filters.day)
        query = query.where(MeetingSlot.starts_at >= start, MeetingSlot.starts_at < end)
    if filters.investor_id is not None:
        query = query.where(MeetingSlot.investor_id == filters.investor_id)
    if filters.table_id is not None:
        query = query.where(MeetingSlot.table_id == filters.table_id)
    if filters.state == "booked":
        query = query.where(Meeting.id.is_not(None))
    elif filters.state == "free":
        query = query.where(Meeting.id.is_(None), MeetingSlot.status == "open")
    elif filters.state == "unavailable":
        query = query.where(Meeting.id.is_(None), MeetingSlot.status == "unavailable")
    return query


def slot_page(event: Event, filters: SlotFilters, args: ListArgs) -> Pagination:
    """One page of the event's slots; each item a row (slot, investor, table, startup name
    or None)."""
    page = page_of(_board_query(event, filters), args, MeetingSlot.id)
    ids = [slot.id for slot in page.items]
    details = {
        row.id: row
        for row in db.session.execute(
            _board_query(event, SlotFilters(), *ROW_COLUMNS).where(MeetingSlot.id.in_(ids))
        )
    }
    page.items = [
        (slot, details[slot.id].Investor, details[slot.id].MeetingTable, details[slot.id].name)
        for slot in page.items
    ]
    return page


ROW_COLUMNS = (MeetingSlot.id, Investor, MeetingTable, Startup.name)


def state_of(slot: MeetingSlot, startup_name: str | None) -> str:
    if startup_name is not None:
        return "booked"
    return "free" if slot.status == "open" else "unavailable"


@dataclass
class GridCell:
    slot: MeetingSlot
    state: str
    startup_name: str | None


@dataclass
class SlotGrid:
    """One day of slots: `times` (rows), `columns` (investors or tables, as (key, label)),
    and the cells by (start time, column key); several slots may share a cell (a table
    used by two investors at once shows both)."""

    times: list[datetime] = field(default_factory=list)
    columns: list[tuple[int, str]] = field(default_factory=list)
    cells: dict[tuple[datetime, int], list[GridCell]] = field(default_factory=dict)


NO_TABLE = 0


def slot_grid(event: Event, filters: SlotFilters, by: str = "investor") -> SlotGrid:
    """The grid of the filtered slots (the organiser picks one day)."""
    rows = db.session.execute(
        _board_query(event, filters, MeetingSlot, Investor, MeetingTable, Startup.name)
    ).all()
    grid = SlotGrid()
    columns: dict[int, str] = {}
    for slot, investor, table, startup_name in rows:
        if by == "table":
            key, label = (table.id, table.name) if table else (NO_TABLE, "—")
        else:
            key, label = investor.id, investor.fund
        columns.setdefault(key, label)
        cell = GridCell(slot, state_of(slot, startup_name), startup_name)
        grid.cells.setdefault((slot.starts_at, key), []).append(cell)
    grid.times = sorted({start for start, _key in grid.cells})
    grid.columns = sorted(columns.items(), key=lambda item: (item[1].casefold(), item[0]))
    return grid
