"""Self-service: in a hall the organisers open for it, approved startups choose their booth.

A pick is a conditional `UPDATE … WHERE status = 'available'` (see
`eventhub.booths.holding`): of several startups picking the same booth at the same
instant, exactly one gets it, and the others are told which booths are still free.
Allocation runs leave these halls alone. Functions flush; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import User
from eventhub.booths.allocation_runs import configured_weights
from eventhub.booths.applications import application_of
from eventhub.booths.errors import BoothError
from eventhub.booths.floorplan import EPS
from eventhub.booths.holding import changed_meanwhile, expire_booths, give_back_booth, take_booth
from eventhub.booths.layout import halls_of
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Startup

MAX_FREE_LISTED = 60


def self_service_halls(event: Event) -> list[Hall]:
    return list(
        db.session.scalars(
            select(Hall)
            .where(Hall.event_id == event.id, Hall.self_service.is_(True))
            .order_by(Hall.position, Hall.name)
        )
    )


def fits(booth: Booth, application: BoothApplication | None) -> bool:
    """The allocator's hard rules for a self-service pick: the kind asked for, an area not
    smaller than wanted nor more than `max_area_factor` times it."""
    if application is None:
        return True
    area, wanted = booth.width * booth.depth, application.area_wanted
    factor = configured_weights().max_area_factor
    return booth.kind == application.kind and wanted - EPS <= area <= wanted * factor + EPS


def free_booths(event: Event, application: BoothApplication | None = None) -> list[Booth]:
    """Free booths of the self-service halls that suit `application` (all when None)."""
    booths = db.session.scalars(
        select(Booth)
        .join(Hall, Booth.hall_id == Hall.id)
        .where(
            Booth.event_id == event.id,
            Hall.self_service.is_(True),
            Booth.status == "available",
        )
        .options(joinedload(Booth.hall))
        .order_by(Hall.position, Hall.name, Booth.code)
    )
    return [booth for booth in booths if fits(booth, application)][:MAX_FREE_LISTED]


def free_booth_summaries(booths: Iterable[Booth]) -> list[dict[str, Any]]:
    return [
        {
            "code": booth.code,
            "hall": booth.hall.localized("name"),
            "kind": booth.kind,
            "area": booth.area,
            "zone": booth.zone,
        }
        for booth in booths
    ]


@dataclass(frozen=True)
class Choice:
    """What the startup's choice page shows: its application, the open halls, the free
    booths that suit it and the code of the booth it holds (if any)."""

    application: BoothApplication | None
    halls: list[Hall]
    free: list[Booth]
    mine: str | None

    @property
    def free_codes(self) -> set[str]:
        return {booth.code for booth in self.free}


def choice_of(event: Event, startup: Startup) -> Choice:
    application = application_of(event, startup)
    booth = application.booth if application is not None else None
    return Choice(
        application=application,
        halls=[hall for hall in halls_of(event) if hall.self_service],
        free=free_booths(event, application),
        mine=booth.code if booth is not None else None,
    )


# --- the pick --------------------------------------------------------------------------------


def _claim(booth_id: int, application_id: int, now: datetime) -> int:
    """The guard of a self-service pick: take the booth only if it is still free."""
    return take_booth(booth_id, application_id, now, pinned=True)


def _taken_error(event: Event, application: BoothApplication, code: str) -> BoothError:
    return BoothError(
        _l(
            "Booth %(code)s has just been taken by another startup. Choose one of the free booths.",
            code=code,
        ),
        "booth_taken",
        "code",
        details={"free_booths": free_booth_summaries(free_booths(event, application))},
    )


class _LostRace(Exception):
    """Another request took the booth between our check and our write."""


def _check_pick(event: Event, application: BoothApplication | None, booth: Booth | None) -> None:
    """The refusals of a pick by who asks and which booth: before anything is compared."""
    if application is None:
        raise BoothError(_l("Apply for a booth at this expo first."), "no_application")
    if application.status != "approved":
        raise BoothError(
            _l("Only approved startups choose their booth; yours is not approved yet."),
            "not_approved",
        )
    if booth is None or booth.event_id != event.id:
        raise BoothError(_l("There is no such booth on this expo's plan."), "unknown_booth", "code")
    if not booth.hall.self_service:
        raise BoothError(
            _l("This hall is not open for choosing: the organisers allocate its booths."),
            "not_self_service",
            "code",
            details={"free_booths": free_booth_summaries(free_booths(event, application))},
        )


def _check_move(
    event: Event, application: BoothApplication, current: Booth | None, booth: Booth
) -> None:
    """The refusals of a move from the booth held now (if any) to `booth`."""
    if current is not None and not current.hall.self_service:
        raise BoothError(
            _l("The organisers have allocated you booth %(code)s.", code=current.code),
            "already_allocated",
        )
    if not fits(booth, application):
        raise BoothError(
            _l(
                "Booth %(code)s does not suit your application (%(kind)s, at least %(area)s m²).",
                code=booth.code,
                kind=application.kind,
                area=f"{application.area_wanted:g}",
            ),
            "booth_unfit",
            "code",
            details={"free_booths": free_booth_summaries(free_booths(event, application))},
        )
    if booth.status != "available":
        raise _taken_error(event, application, booth.code)


def pick_booth(
    event: Event, startup: Startup, booth: Booth | None, actor: User | None = None
) -> Booth:
    """An approved startup takes a free booth of a self-service hall (or moves to one from
    the self-service booth it holds). Flushes; the caller commits."""
    application = application_of(event, startup)
    _check_pick(event, application, booth)
    current = application.booth
    if current is not None and current.id == booth.id:
        return booth
    _check_move(event, application, current, booth)
    now = utcnow()
    try:
        with db.session.begin_nested():
            if current is not None and give_back_booth(current.id, application.id) != 1:
                raise changed_meanwhile()
            if _claim(booth.id, application.id, now) != 1:
                raise _LostRace
    except _LostRace:
        # The savepoint is rolled back: the list shows what is free now, for everyone.
        raise _taken_error(event, application, booth.code) from None
    except IntegrityError as error:
        raise BoothError(
            _l("You already hold a booth: your other choice was saved first."),
            "already_has_booth",
        ) from error
    expire_booths()
    record_audit(
        actor,
        "booth.pick",
        f"{event.slug}/{booth.code}",
        startup=startup.name,
        previous=current.code if current is not None else None,
    )
    return booth
