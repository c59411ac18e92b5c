"""Booth applications: a startup applies to exhibit at an expo, organisers decide.

One application per startup per event (checked first for a clear message, guarded by
`uq_booth_applications_event_id_startup_id`). A decision is a conditional UPDATE on the status the
organiser saw, so two organisers deciding at once cannot both win silently. Leaving
`approved` gives the booth back. Functions flush; the caller commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import User
from eventhub.booths.errors import BoothError
from eventhub.booths.holding import release_booth
from eventhub.booths.layout import booth_by_code, normalise_code, resolve_zone
from eventhub.booths.models import APPLICATION_STATUSES, BOOTH_KINDS, BoothApplication
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID, contains_text, counts_by_status, search_text, utcnow
from eventhub.profiles.models import Startup

MAX_AREA = 400.0  # m²
MAX_PREFERRED_ZONES = 3
MAX_PREFERRED_BOOTHS = 3
MAX_NOTES = 2000
MAX_REASON = 1000
DECISIONS = {"approve": "approved", "reject": "rejected", "waitlist": "waitlisted"}
# Decisions the organiser takes on many applications at once, and the statuses they may
# take them on (an application decided already is changed on its own page).
BULK_DECISIONS = ("approve", "reject")
UNDECIDED_STATUSES = ("pending", "waitlisted")
MAX_BULK = 500
# What a startup may still change itself.
EDITABLE_STATUSES = ("pending", "waitlisted")


@dataclass
class ApplicationDetails:
    kind: str
    area_wanted: float
    preferred_zones: list[str] = field(default_factory=list)
    preferred_booths: list[str] = field(default_factory=list)
    notes: str = ""


def event_today(event: Event) -> date:
    return utcnow().astimezone(event.tz).date()


def application_of(event: Event, startup: Startup) -> BoothApplication | None:
    return db.session.scalar(
        select(BoothApplication).where(
            BoothApplication.event_id == event.id, BoothApplication.startup_id == startup.id
        )
    )


def application_in(event: Event, application_id: int) -> BoothApplication | None:
    """The application with this id if it is one of `event`'s, else None."""
    application = db.session.get(BoothApplication, application_id)
    return application if application is not None and application.event_id == event.id else None


def is_editable(application: BoothApplication | None) -> bool:
    """Whether the startup may still send or change its application."""
    return application is None or application.status in EDITABLE_STATUSES


def applications_of_startup(startup: Startup) -> list[BoothApplication]:
    return list(
        db.session.scalars(
            select(BoothApplication)
            .where(BoothApplication.startup_id == startup.id)
            .options(joinedload(BoothApplication.event), selectinload(BoothApplication.booth))
            .order_by(BoothApplication.created_at.desc())
        )
    )


def check_open_for_applications(event: Event, today: date | None = None) -> None:
    if event.kind != "expo":
        raise BoothError(_l("Only expos have exhibitor booths."), "not_expo")
    if not event.is_published:
        raise BoothError(_l("This event is not open for booth applications."), "not_open")
    if event.last_day < (today or event_today(event)):
        raise BoothError(_l("This event is over: it no longer takes applications."), "past_event")


def closed_message(event: Event, today: date | None = None) -> Any | None:
    """Why the expo takes no application now, or None while it does."""
    try:
        check_open_for_applications(event, today)
    except BoothError as error:
        return error.message
    return None


def expos_to_apply_to(startup: Startup, today: date) -> list[Event]:
    """The published expos still to come that `startup` has not applied to yet."""
    applied = select(BoothApplication.event_id).where(BoothApplication.startup_id == startup.id)
    return list(
        db.session.scalars(
            Event.select_published_upcoming(today).where(
                Event.kind == "expo", Event.id.not_in(applied)
            )
        )
    )


def _clean(event: Event, details: ApplicationDetails) -> ApplicationDetails:
    if details.kind not in BOOTH_KINDS:
        raise BoothError(_l("Choose a booth kind."), "unknown_kind", "kind")
    area = details.area_wanted
    if area is None or not math.isfinite(area) or area <= 0:
        raise BoothError(
            _l("The area wanted must be a positive number of m²."), "bad_size", "area_wanted"
        )
    if area > MAX_AREA:
        raise BoothError(
            _l("At most %(max)d m² can be asked for.", max=int(MAX_AREA)),
            "bad_size",
            "area_wanted",
        )
    zones: list[str] = []
    for value in details.preferred_zones:
        zone = resolve_zone(value, "preferred_zones")
        if zone is not None and zone not in zones:
            zones.append(zone)
    if len(zones) > MAX_PREFERRED_ZONES:
        raise BoothError(
            _l("Choose at most %(count)d zones.", count=MAX_PREFERRED_ZONES),
            "too_many",
            "preferred_zones",
        )
    codes: list[str] = []
    for value in details.preferred_booths:
        if not value.strip():
            continue
        code = normalise_code(value, "preferred_booths")
        if booth_by_code(event, code) is None:
            raise BoothError(
                _l("There is no booth %(code)s on this expo's plan.", code=code),
                "unknown_booth",
                "preferred_booths",
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_PREFERRED_BOOTHS:
        raise BoothError(
            _l("Name at most %(count)d booths.", count=MAX_PREFERRED_BOOTHS),
            "too_many",
            "preferred_booths",
        )
    notes = (details.notes or "").replace("\x00", "").strip()
    if len(notes) > MAX_NOTES:
        raise BoothError(
            _l("Notes have at most %(count)d characters.", count=MAX_NOTES), "too_long", "notes"
        )
    return ApplicationDetails(details.kind, float(area), zones, codes, notes)


def apply_for_booth(
    event: Event, startup: Startup, details: ApplicationDetails, *, today: date | None = None
) -> BoothApplication:
    """The startup's application; programme and city site come from its profile."""
    check_open_for_applications(event, today)
    if application_of(event, startup) is not None:
        raise BoothError(_l("Your startup has already applied for this expo."), "already_applied")
    clean = _clean(event, details)
    application = BoothApplication(
        event_id=event.id,
        startup_id=startup.id,
        kind=clean.kind,
        area_wanted=clean.area_wanted,
        preferred_zones=clean.preferred_zones,
        preferred_booths=clean.preferred_booths,
        programme=startup.programme or "",
        city_site=startup.city_site or "",
        notes=clean.notes,
        status="pending",
    )
    db.session.add(application)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise BoothError(
            _l("Your startup has already applied for this expo."), "already_applied"
        ) from error
    return application


def save_application(
    event: Event, startup: Startup, details: ApplicationDetails
) -> BoothApplication:
    """The startup's application sent, or changed if it has one already."""
    application = application_of(event, startup)
    if application is None:
        return apply_for_booth(event, startup, details)
    return update_application(application, details)


def update_application(
    application: BoothApplication, details: ApplicationDetails, *, today: date | None = None
) -> BoothApplication:
    check_open_for_applications(application.event, today)
    if application.status not in EDITABLE_STATUSES:
        raise BoothError(
            _l("The organisers have decided on this application: it can no longer be changed."),
            "decided",
        )
    clean = _clean(application.event, details)
    application.kind = clean.kind
    application.area_wanted = clean.area_wanted
    application.preferred_zones = clean.preferred_zones
    application.preferred_booths = clean.preferred_booths
    application.notes = clean.notes
    application.programme = application.startup.programme or ""
    application.city_site = application.startup.city_site or ""
    db.session.flush()
    return application


def decide(
    application: BoothApplication, decision: str, actor: User | None, reason: str = ""
) -> BoothApplication:
    """Approve, reject (with a reason) or waitlist. Leaving `approved` frees the booth."""
    new_status = DECISIONS.get(decision)
    if new_status is None:
        raise BoothError(_l("Choose approve, reject or waitlist."), "bad_decision", "decision")
    reason = (reason or "").replace("\x00", "").strip()
    if new_status == "rejected" and not reason:
        raise BoothError(
            _l("Give the startup a reason for the rejection."), "reason_required", "reason"
        )
    if len(reason) > MAX_REASON:
        raise BoothError(
            _l("The reason has at most %(count)d characters.", count=MAX_REASON),
            "too_long",
            "reason",
        )
    old_status = application.status
    if old_status == new_status:
        raise BoothError(_l("The application is already in that state."), "unchanged")
    released = None
    booth = application.booth
    if booth is not None and new_status != "approved":
        released = booth.code
        release_booth(booth, actor, reason="application_" + new_status)
    now = utcnow()
    result = db.session.execute(
        update(BoothApplication)
        .where(BoothApplication.id == application.id, BoothApplication.status == old_status)
        .values(
            status=new_status,
            decision_reason=reason,
            decided_at=now,
            decided_by_id=actor.id if actor is not None else None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise BoothError(
            _l("Someone else decided on this application meanwhile. Reload the page."),
            "changed_meanwhile",
        )
    db.session.refresh(application)
    record_audit(
        actor,
        f"booth_application.{decision}",
        f"{application.event.slug}/{application.id}",
        startup=application.startup.name,
        before=old_status,
        reason=reason or None,
        released_booth=released,
    )
    return application


def select_applications(
    event: Event,
    *,
    status: str | None = None,
    programme: str | None = None,
    sector: str | None = None,
    kind: str | None = None,
    q: str = "",
) -> Select:
    """The event's applications with filters, oldest first (first come, first reviewed).

    The text is looked for in the startup's name, the city site, and the names and
    e-mail addresses of the startup's team (its contacts)."""
    query = (
        select(BoothApplication)
        .join(Startup, BoothApplication.startup_id == Startup.id)
        .where(BoothApplication.event_id == event.id)
        .options(
            joinedload(BoothApplication.startup),
            selectinload(BoothApplication.booth),
        )
        .order_by(BoothApplication.created_at, BoothApplication.id)
    )
    if status in APPLICATION_STATUSES:
        query = query.where(BoothApplication.status == status)
    if programme:
        query = query.where(BoothApplication.programme == programme)
    if sector:
        query = query.where(Startup.sector == sector)
    if kind in BOOTH_KINDS:
        query = query.where(BoothApplication.kind == kind)
    text = search_text(q)
    if text:
        contact = exists().where(
            User.startup_id == Startup.id, contains_text(text, User.name, User.email)
        )
        query = query.where(contains_text(text, Startup.name, BoothApplication.city_site) | contact)
    return query


# The sortable columns of the organiser's list (eventhub/listing.py), oldest first by default.
APPLICATION_SORTS: dict[str, Any] = {
    "submitted": BoothApplication.created_at,
    "startup": func.lower(Startup.name),
    "status": BoothApplication.status,
}


def status_counts(event: Event) -> dict[str, int]:
    """How many of the event's booth applications are in each status (every one named, 0 too)."""
    return counts_by_status(
        BoothApplication.status, APPLICATION_STATUSES, BoothApplication.event_id == event.id
    )


def decide_many(
    event: Event,
    application_ids: list[int],
    decision: str,
    actor: User | None,
    reason: str = "",
) -> list[BoothApplication]:
    """Approve or reject (with one reason for all) the selected undecided applications of
    `event`, each through `decide`, in the caller's transaction. Anything wrong (nothing
    selected, an id of another event, one decided already) raises before any change; the
    caller commits, or rolls back if a later `decide` fails."""
    if decision not in BULK_DECISIONS:
        raise BoothError(_l("Choose approve or reject."), "bad_decision")
    ids = sorted(set(application_ids))
    if not ids:
        raise BoothError(_l("Select at least one application."), "nothing_selected")
    if len(ids) > MAX_BULK:
        raise BoothError(
            _l("Decide at most %(count)d applications at once.", count=MAX_BULK), "too_many"
        )
    reason = (reason or "").replace("\x00", "").strip()
    if decision == "reject" and not reason:
        raise BoothError(
            _l("Give the startups a reason for the rejection."), "reason_required", "reason"
        )
    unknown = _l("Some of the selected applications are not this expo's. Reload the page.")
    if any(not 0 < number <= MAX_ROW_ID for number in ids):
        raise BoothError(unknown, "unknown_application")
    applications = list(
        db.session.scalars(
            select(BoothApplication)
            .where(BoothApplication.event_id == event.id, BoothApplication.id.in_(ids))
            .options(joinedload(BoothApplication.startup))
            .order_by(BoothApplication.id)
        )
    )
    if len(applications) != len(ids):
        raise BoothError(unknown, "unknown_application")
    decided = [a.startup.name for a in applications if a.status not in UNDECIDED_STATUSES]
    if decided:
        raise BoothError(
            _l(
                "Already decided: %(names)s. Untick them, or change each on its own page.",
                names=", ".join(sorted(decided)),
            ),
            "already_decided",
        )
    return [decide(application, decision, actor, reason) for application in applications]
