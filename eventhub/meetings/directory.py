"""The investor directory: the investors who offer slots at an event, filtered, with their
counts of open slots."""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, String, case, cast, exists, func, or_, select

from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.listing import ListArgs, page_of
from eventhub.meetings.models import MeetingSlot
from eventhub.meetings.slots import confirmed_meeting_exists
from eventhub.models_common import contains_text, search_text
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


INVESTOR_SORT_KEYS = ("fund", "open", "ticket")
INVESTORS_PER_PAGE = 24


def _slot_counts(event: Event):
    """Per investor at the event: its slots, and those open and unbooked."""
    free = (MeetingSlot.status == "open") & ~confirmed_meeting_exists()
    return (
        select(
            MeetingSlot.investor_id.label("investor_id"),
            func.count().label("total"),
            func.sum(case((free, 1), else_=0)).label("open"),
        )
        .where(MeetingSlot.event_id == event.id)
        .group_by(MeetingSlot.investor_id)
        .subquery()
    )


def listed(codes_column, code: str):
    """A JSON list of codes (stored as text) holds `code`."""
    return cast(codes_column, String).contains(f'"{code}"', autoescape=True)


def investor_query(event: Event, filters: DirectoryFilters) -> tuple[Select, dict]:
    """The investors who offer slots at the event and match `filters`, by fund; and the
    directory's sorts on it (for `list_args`: `fund`, `open` slots, `ticket`)."""
    counts = _slot_counts(event)
    query = (
        select(Investor)
        .join(counts, counts.c.investor_id == Investor.id)
        .order_by(Investor.fund, Investor.id)
    )
    if filters.sector:
        query = query.where(listed(Investor.sectors, filters.sector))
    if filters.stage:
        query = query.where(listed(Investor.stages, filters.stage))
    if filters.ticket_eur is not None:
        query = query.where(
            func.coalesce(Investor.ticket_min_eur, 0) <= filters.ticket_eur,
            or_(Investor.ticket_max_eur.is_(None), Investor.ticket_max_eur >= filters.ticket_eur),
        )
    text = search_text(filters.text)
    if text:
        owner = select(User.name).where(User.id == Investor.user_id).scalar_subquery()
        query = query.where(contains_text(text, Investor.fund, owner, Investor.bio))
    sorts = {
        "fund": [Investor.fund],
        "open": [counts.c.open, Investor.fund],
        "ticket": [func.coalesce(Investor.ticket_min_eur, 0), Investor.fund],
    }
    return query, sorts


def _entries(event: Event, investors: list[Investor]) -> list[DirectoryEntry]:
    counts = _slot_counts(event)
    rows = db.session.execute(
        select(counts).where(counts.c.investor_id.in_([i.id for i in investors]))
    ).all()
    by_id = {row.investor_id: (int(row.total), int(row.open or 0)) for row in rows}
    return [DirectoryEntry(i, by_id[i.id][1], by_id[i.id][0]) for i in investors]


def investor_directory(
    event: Event, filters: DirectoryFilters | None = None
) -> list[DirectoryEntry]:
    """The investors who offer slots at the event, with their counts of open slots."""
    query, _sorts = investor_query(event, filters or DirectoryFilters())
    return _entries(event, list(db.session.scalars(query)))


def investor_page(event: Event, query: Select, args: ListArgs) -> Pagination:
    """One page of `investor_query` sorted by `args` (read with its sorts); its items are
    `DirectoryEntry`s."""
    page = page_of(query, args, Investor.id)
    page.items = _entries(event, list(page.items))
    return page


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
