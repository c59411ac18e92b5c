"""The organiser's moves by hand: pin a startup to a booth, unpin, swap two booths, and the
log of runs and moves that the allocation page shows.

Each move goes through the guarded writes of `eventhub.booths.holding` and is recorded in
the audit log. A move returns who must be told what (`Notice`): the caller commits, then
sends them. Functions flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import AuditEntry, User
from eventhub.booths.errors import BoothError
from eventhub.booths.holding import (
    booth_target,
    changed_meanwhile,
    expire_booths,
    give_back_booth,
    take_booth,
)
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth, BoothApplication
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Startup


@dataclass(frozen=True)
class Notice:
    """A startup to tell about its booth: `booth` is its booth now (None: taken away),
    `previous` the code of the one it had."""

    startup: Startup
    booth: Booth | None
    previous: str | None


# --- what the allocation page offers -------------------------------------------------------


def approved_applications(event: Event) -> list[BoothApplication]:
    """The applications an organiser may pin to a booth, by startup name."""
    return list(
        db.session.scalars(
            select(BoothApplication)
            .join(Startup, BoothApplication.startup_id == Startup.id)
            .where(BoothApplication.event_id == event.id, BoothApplication.status == "approved")
            .options(joinedload(BoothApplication.startup))
            .order_by(Startup.name, BoothApplication.id)
        )
    )


def pinned_booths(event: Event) -> list[Booth]:
    return list(
        db.session.scalars(
            select(Booth)
            .where(Booth.event_id == event.id, Booth.pinned.is_(True))
            .order_by(Booth.code)
        )
    )


def booth_history(event: Event, limit: int = 30) -> list[AuditEntry]:
    """The latest allocation runs and manual moves of this event."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action.like("booth.%"),
                (AuditEntry.target == event.slug) | AuditEntry.target.like(f"{event.slug}/%"),
            )
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def booth_with_code(event: Event, code: str, field: str) -> Booth:
    """The booth of this event typed in the form's `field`, or a refusal saying so."""
    booth = booth_by_code(event, code)
    if booth is None:
        raise BoothError(
            _l("There is no booth %(code)s on this plan.", code=(code or "").strip()[:20]),
            "unknown_booth",
            field,
        )
    return booth


# --- moves -----------------------------------------------------------------------------------


def pin_booth(booth: Booth, application: BoothApplication, actor: User | None) -> Booth:
    """Put `application` in `booth` by hand and pin it there (the allocator keeps it)."""
    if application.event_id != booth.event_id:
        raise BoothError(
            _l("This application is for another event."), "other_event", "application_id"
        )
    if application.status != "approved":
        raise BoothError(
            _l("Only approved applications get a booth."), "not_approved", "application_id"
        )
    if booth.status == "blocked":
        raise BoothError(
            _l("Booth %(code)s is blocked.", code=booth.code), "booth_blocked", "booth"
        )
    if booth.application_id is not None and booth.application_id != application.id:
        raise BoothError(
            _l(
                "Booth %(code)s is allocated to %(name)s: swap or release it first.",
                code=booth.code,
                name=booth.application.startup.name if booth.application else "—",
            ),
            "booth_taken",
            "booth",
        )
    previous = application.booth
    if previous is not None and previous.id == booth.id:
        booth.pinned = True
        db.session.flush()
    else:
        now = utcnow()
        with db.session.begin_nested():
            if previous is not None and give_back_booth(previous.id, application.id) != 1:
                raise changed_meanwhile()
            if (
                take_booth(
                    booth.id, application.id, now, pinned=True, statuses=("available", "held")
                )
                != 1
            ):
                raise changed_meanwhile()
        expire_booths()
    record_audit(
        actor,
        "booth.pin",
        booth_target(booth),
        startup=application.startup.name,
        application=application.id,
        previous=previous.code if previous is not None else None,
    )
    return booth


def pin_by_code(
    event: Event, code: str, application: BoothApplication, actor: User | None
) -> Notice:
    """Pin `application` to the booth typed as `code` (the pin form's fields)."""
    booth = booth_with_code(event, code, "booth")
    previous = application.booth.code if application.booth is not None else None
    pin_booth(booth, application, actor)
    return Notice(application.startup, booth, previous)


def unpin_booth(booth: Booth, actor: User | None) -> Booth:
    if not booth.pinned:
        raise BoothError(_l("Booth %(code)s is not pinned.", code=booth.code), "not_pinned")
    booth.pinned = False
    db.session.flush()
    record_audit(actor, "booth.unpin", booth_target(booth))
    return booth


def swap_booths(first: Booth, second: Booth, actor: User | None) -> tuple[Booth, Booth]:
    """Exchange the exhibitors of two allocated booths; both end up pinned."""
    if first.id == second.id:
        raise BoothError(_l("Choose two different booths."), "same_booth", "second")
    if first.event_id != second.event_id:
        raise BoothError(_l("Both booths must be on this expo's plan."), "other_event")
    for booth in (first, second):
        if booth.application_id is None:
            raise BoothError(
                _l(
                    "Booth %(code)s has no exhibitor: to move a startup into a free booth, "
                    "pin it there.",
                    code=booth.code,
                ),
                "booth_free",
                "first" if booth is first else "second",
            )
    app_first, app_second = first.application_id, second.application_id
    names = (first.application.startup.name, second.application.startup.name)
    now = utcnow()
    with db.session.begin_nested():
        # Free both, then move each exhibitor into the other's booth: `booths.application_id`
        # is unique at every step.
        if give_back_booth(first.id, app_first) != 1 or give_back_booth(second.id, app_second) != 1:
            raise changed_meanwhile()
        if take_booth(first.id, app_second, now, pinned=True) != 1:
            raise changed_meanwhile()
        if take_booth(second.id, app_first, now, pinned=True) != 1:
            raise changed_meanwhile()
    expire_booths()
    record_audit(
        actor,
        "booth.swap",
        booth_target(first),
        other=second.code,
        startups=list(names),
    )
    return first, second


def swap_by_code(
    event: Event, first_code: str, second_code: str, actor: User | None
) -> tuple[Notice, Notice]:
    """Swap the booths typed as `first_code` and `second_code` (the swap form's fields)."""
    first = booth_with_code(event, first_code, "first")
    second = booth_with_code(event, second_code, "second")
    swap_booths(first, second, actor)
    return (
        Notice(first.exhibitor, first, second.code),
        Notice(second.exhibitor, second, first.code),
    )
