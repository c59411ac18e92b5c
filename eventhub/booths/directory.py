"""Who exhibits where: the public exhibitor directory and the floor plan's list of
exhibitors, with the booth a visitor looks for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager

from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.deals.programmes.catalogue import known_programme
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.listing import ListArgs, page_of
from eventhub.models_common import contains_text, search_text
from eventhub.profiles.models import Startup
from eventhub.profiles.vocabulary import SECTORS

MAX_SEARCH = 100
MAX_CODE = 20


def wanted_code(typed: str | None) -> str | None:
    """A booth code as a visitor typed it (any case, spaces around), or None."""
    return (typed or "").strip().upper()[:MAX_CODE] or None


@dataclass(frozen=True)
class DirectorySearch:
    """The directory's search, with anything it does not know left out."""

    text: str = ""
    sector: str | None = None
    programme: str | None = None
    hall_id: int | None = None

    @classmethod
    def of(
        cls,
        text: str | None,
        sector: str | None,
        programme: str | None,
        hall: str | None = None,
        hall_ids: Iterable[int] = (),
    ) -> DirectorySearch:
        hall_id = int(hall) if hall and hall.isascii() and hall.isdigit() else None
        return cls(
            text=search_text(text)[:MAX_SEARCH],
            sector=sector if sector in SECTORS else None,
            programme=known_programme(programme),
            hall_id=hall_id if hall_id in set(hall_ids) else None,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.sector or self.programme or self.hall_id)


# The directory's sorts (`?sort=name`, `?sort=-booth`…): keys of `list_args`.
EXHIBITOR_SORTS = {
    "name": [Startup.name],
    "booth": [Hall.position, Hall.name, Booth.code],
}
EXHIBITORS_PER_PAGE = 24


def halls_at(event: Event) -> list[Hall]:
    """The event's halls (without their booths), in the plan's order: the hall filter."""
    return list(
        db.session.scalars(
            select(Hall).where(Hall.event_id == event.id).order_by(Hall.position, Hall.name)
        )
    )


def sectors_named(text: str) -> list[str]:
    """The sectors whose code or name (in the reader's language) contains `text`."""
    needle = text.casefold()
    return [
        code
        for code, label in SECTORS.items()
        if needle in code.casefold() or needle in str(label).casefold()
    ]


def exhibitor_query(event: Event, search: DirectorySearch) -> Select:
    """The booths of `event` that hold an exhibitor matching `search`, by exhibitor name.
    The text is looked for in the name, the pitch, the booth code and the sector's name."""
    query = (
        select(Booth)
        .join(BoothApplication, Booth.application_id == BoothApplication.id)
        .join(Startup, BoothApplication.startup_id == Startup.id)
        .join(Hall, Booth.hall_id == Hall.id)
        .where(Booth.event_id == event.id)
        .options(
            contains_eager(Booth.hall),
            contains_eager(Booth.application).contains_eager(BoothApplication.startup),
        )
        .order_by(Startup.name, Booth.id)
    )
    if search.text:
        found = contains_text(search.text, Startup.name, Startup.pitch, Booth.code)
        sectors = sectors_named(search.text)
        query = query.where(or_(found, Startup.sector.in_(sectors)) if sectors else found)
    if search.sector:
        query = query.where(Startup.sector == search.sector)
    if search.programme:
        query = query.where(BoothApplication.programme == search.programme)
    if search.hall_id:
        query = query.where(Booth.hall_id == search.hall_id)
    return query


def exhibitor_page(event: Event, search: DirectorySearch, args: ListArgs) -> Pagination:
    """One page of the exhibitor directory (booths, each with its application and startup)."""
    return page_of(exhibitor_query(event, search), args, Booth.id)


def exhibitor_directory(
    event: Event, search: DirectorySearch
) -> list[tuple[Booth, Startup, BoothApplication]]:
    """Every startup holding a booth at `event` that matches `search`, by name."""
    booths = db.session.scalars(exhibitor_query(event, search)).unique()
    return [(booth, booth.application.startup, booth.application) for booth in booths]


def plan_exhibitors(halls: list[Hall]) -> list[Booth]:
    """The booths of `halls` that have an exhibitor, by the exhibitor's name."""
    return sorted(
        (booth for hall in halls for booth in hall.booths if booth.exhibitor is not None),
        key=lambda booth: booth.exhibitor.name.casefold(),
    )


def booth_on_plan(halls: list[Hall], code: str | None) -> Booth | None:
    if not code:
        return None
    return next((booth for hall in halls for booth in hall.booths if booth.code == code), None)
