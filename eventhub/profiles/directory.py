"""The startup directory: every startup, searched, filtered and sorted on the server, a
page at a time (the arguments in the address, see eventhub/listing.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from eventhub.deals.programmes.catalogue import known_programme
from eventhub.models_common import contains_text, search_text
from eventhub.profiles.models import Startup
from eventhub.profiles.vocabulary import CITY_SITES, SECTORS, STAGES

MAX_SEARCH = 100
STARTUPS_PER_PAGE = 50

# The directory's sorts (`?sort=name`, `?sort=-stage`…): keys of `list_args`.
STARTUP_SORTS = {
    "name": [func.lower(Startup.name)],
    "sector": [Startup.sector, func.lower(Startup.name)],
    "stage": [Startup.stage, func.lower(Startup.name)],
    "programme": [Startup.programme, func.lower(Startup.name)],
    "city": [Startup.city_site, func.lower(Startup.name)],
}


@dataclass(frozen=True)
class StartupFilters:
    """What the reader looks for; anything unknown is left out."""

    text: str = ""
    sector: str | None = None
    stage: str | None = None
    programme: str | None = None
    city_site: str | None = None

    @classmethod
    def read(
        cls,
        text: str | None = None,
        sector: str | None = None,
        stage: str | None = None,
        programme: str | None = None,
        city_site: str | None = None,
    ) -> StartupFilters:
        return cls(
            text=search_text(text)[:MAX_SEARCH],
            sector=sector if sector in SECTORS else None,
            stage=stage if stage in STAGES else None,
            programme=known_programme(programme),
            city_site=city_site if city_site in CITY_SITES else None,
        )

    @property
    def filtered(self) -> bool:
        return any(vars(self).values())


def sectors_named(text: str) -> list[str]:
    """The sectors whose code or name (in the reader's language) contains `text`."""
    needle = text.casefold()
    return [code for code, label in SECTORS.items() if needle in f"{code} {label}".casefold()]


def select_startups(filters: StartupFilters) -> Select[tuple[Startup]]:
    """The startups that match, by name. The text is looked for in the name, the pitch,
    the programme, the city site and the sector's name."""
    query = select(Startup).order_by(func.lower(Startup.name), Startup.id)
    if filters.text:
        found = contains_text(
            filters.text, Startup.name, Startup.pitch, Startup.programme, Startup.city_site
        )
        sectors = sectors_named(filters.text)
        query = query.where(or_(found, Startup.sector.in_(sectors)) if sectors else found)
    for column, value in (
        (Startup.sector, filters.sector),
        (Startup.stage, filters.stage),
        (Startup.programme, filters.programme),
        (Startup.city_site, filters.city_site),
    ):
        if value:
            query = query.where(column == value)
    return query
