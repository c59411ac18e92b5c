"""Who exhibits where: the public exhibitor directory and the floor plan's list of
exhibitors, with the booth a visitor looks for."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import contains_text, search_text
from eventhub.profiles.models import Startup
from eventhub.profiles.vocabulary import PROGRAMMES, SECTORS

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

    @classmethod
    def of(cls, text: str | None, sector: str | None, programme: str | None) -> DirectorySearch:
        return cls(
            text=search_text(text)[:MAX_SEARCH],
            sector=sector if sector in SECTORS else None,
            programme=programme if programme in PROGRAMMES else None,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.sector or self.programme)


def exhibitor_directory(
    event: Event, search: DirectorySearch
) -> list[tuple[Booth, Startup, BoothApplication]]:
    """Every startup holding a booth at `event` that matches `search`, by name."""
    query = (
        select(Booth, Startup, BoothApplication)
        .join(BoothApplication, Booth.application_id == BoothApplication.id)
        .join(Startup, BoothApplication.startup_id == Startup.id)
        .where(Booth.event_id == event.id)
        .options(joinedload(Booth.hall))
        .order_by(Startup.name)
    )
    if search.text:
        query = query.where(contains_text(search.text, Startup.name, Startup.pitch, Booth.code))
    if search.sector:
        query = query.where(Startup.sector == search.sector)
    if search.programme:
        query = query.where(BoothApplication.programme == search.programme)
    return list(db.session.execute(query).all())


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
