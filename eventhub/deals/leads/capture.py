"""Capturing leads: a startup's teammate scans a visitor's badge at the startup's booth.

A scan reads the badge token as the door does (eventhub/badges/tokens.py: the signature,
then the registration by its random badge code and the badge's version), and refuses,
recording nothing, what is not a lead: not a badge, a badge of this site that no
registration holds, a badge of another event, a reissued (older) badge, a cancelled or not
confirmed registration.

A valid badge becomes one lead per startup and registration: the insert is an
`INSERT … ON CONFLICT DO NOTHING` on the leads' unique index, so of two teammates scanning
the same visitor at the same instant one adds the lead and the other counts a second scan
on it; never two rows. Functions flush; the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from eventhub.auth.models import User
from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import BadgeTokenError, read_badge_token
from eventhub.booths.models import Booth, BoothApplication
from eventhub.deals.leads.models import NOTE_LENGTH, TAGS_LENGTH, Lead
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import insert_ignoring_duplicates, utcnow
from eventhub.profiles.models import Startup
from eventhub.registration.models import Registration

# Longer than a badge token: a phone may read any other QR code.
MAX_CODE_LENGTH = 200
MAX_TAGS = 10
MAX_TAG_LENGTH = 40

# HTTP status of each refusal, for pages and the API alike.
LEAD_STATUS = {
    "no_startup": 403,
    "not_exhibitor": 403,
    "lead_not_found": 404,
    "not_a_badge": 400,
    "unknown_badge": 404,
    "other_event": 409,
    "badge_replaced": 410,
    "registration_cancelled": 409,
    "badge_not_valid": 409,
}


class LeadError(DomainError):
    """A scan or a change of a lead refused: nothing was recorded. Codes: see LEAD_STATUS;
    bad input to a lead's fields is 422 (`invalid_rating`, `too_many_tags`…)."""

    @property
    def status(self) -> int:
        return LEAD_STATUS.get(self.code, 422)


@dataclass(frozen=True)
class Exhibitor:
    """A startup exhibiting at an expo: its booth there."""

    startup: Startup
    booth: Booth


def booth_of(event: Event, startup: Startup) -> Booth | None:
    """The booth allocated to `startup` at `event`, if any (one per application)."""
    return db.session.scalar(
        select(Booth)
        .join(BoothApplication, BoothApplication.id == Booth.application_id)
        .where(
            Booth.event_id == event.id,
            Booth.status == "allocated",
            BoothApplication.startup_id == startup.id,
        )
    )


def exhibitor_for(event: Event, user: User) -> Exhibitor:
    """The startup of `user` (a team member) with its booth at `event`; refused when the
    account has no startup or the startup no booth there."""
    startup = user.startup if user.role == "startup" else None
    if startup is None:
        raise LeadError(
            _l("Your account is not linked to a startup yet. Ask the organisers."), "no_startup"
        )
    booth = booth_of(event, startup)
    if booth is None:
        raise LeadError(
            _l(
                "%(startup)s has no booth at this event: leads are scanned at a booth.",
                startup=startup.name,
            ),
            "not_exhibitor",
        )
    return Exhibitor(startup, booth)


def badge_holder(event: Event, code: str) -> Registration:
    """The confirmed registration of `event` whose current badge `code` is; LeadError
    (field `code`) for anything else, with what to tell the person scanning."""
    text = (code or "").strip()
    if not text or len(text) > MAX_CODE_LENGTH:
        raise LeadError(_l("This is not a badge code."), "not_a_badge", "code")
    try:
        ref = read_badge_token(text, badge_signing_key())
    except BadgeTokenError as error:
        if error.code == "malformed":
            raise LeadError(_l("This is not a badge code."), "not_a_badge", "code") from error
        raise LeadError(
            _l("This badge was not issued by this site."), "unknown_badge", "code"
        ) from error
    registration = db.session.scalar(
        select(Registration).where(Registration.badge_code == ref.code)
    )
    if registration is None:
        raise LeadError(_l("No registration has this badge."), "unknown_badge", "code")
    if registration.event_id != event.id:
        raise LeadError(
            _l("This badge is for another event: nothing was recorded."), "other_event", "code"
        )
    if ref.version != registration.badge_version:
        raise LeadError(
            _l("This badge was replaced by a newer one: scan the visitor's current badge."),
            "badge_replaced",
            "code",
        )
    if registration.status == "cancelled":
        raise LeadError(
            _l("This registration is cancelled: nothing was recorded."),
            "registration_cancelled",
            "code",
        )
    if registration.status != "confirmed":
        raise LeadError(
            _l("This badge is not valid: the registration is not confirmed."),
            "badge_not_valid",
            "code",
        )
    return registration


@dataclass(frozen=True)
class Capture:
    lead: Lead
    created: bool  # False: the visitor was a lead of the startup already


def record_lead(
    event: Event,
    startup: Startup,
    registration: Registration,
    scanned_by: User | None,
    *,
    now: datetime | None = None,
) -> Capture:
    """The lead of `startup` for `registration`: added, or, if there is one, counted as
    scanned again. Never two rows (see the module docstring)."""
    now = now or utcnow()
    key = {"event_id": event.id, "startup_id": startup.id, "registration_id": registration.id}
    inserted = db.session.execute(
        insert_ignoring_duplicates(Lead)
        .values(
            **key,
            scanned_by_id=scanned_by.id if scanned_by is not None else None,
            first_scanned_at=now,
            last_scanned_at=now,
            scan_count=1,
            note="",
            rating=None,
            tags="",
            updated_at=now,
        )
        .returning(Lead.id)
    ).scalar()
    if inserted is None:
        db.session.execute(
            update(Lead)
            .where(*(getattr(Lead, name) == value for name, value in key.items()))
            .values(scan_count=Lead.scan_count + 1, last_scanned_at=now)
            .execution_options(synchronize_session=False)
        )
    lead_id = inserted or db.session.scalar(
        select(Lead.id).where(*(getattr(Lead, name) == value for name, value in key.items()))
    )
    lead = db.session.get(Lead, lead_id, populate_existing=True)
    assert lead is not None  # inserted, or held by the unique index
    return Capture(lead, created=inserted is not None)


def scan_badge(
    event: Event, exhibitor: Exhibitor, user: User, code: str, *, now: datetime | None = None
) -> Capture:
    """A teammate's scan at the booth: the lead, or LeadError with nothing recorded."""
    registration = badge_holder(event, code)
    return record_lead(event, exhibitor.startup, registration, user, now=now)


def lead_of(event: Event, startup: Startup, lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None or lead.event_id != event.id or lead.startup_id != startup.id:
        raise LeadError(_l("This lead is not one of your startup's."), "lead_not_found")
    return lead


@dataclass(frozen=True)
class LeadDetails:
    note: str
    rating: int | None
    tags: str


TAG_SEPARATORS = re.compile("[,\u060c]")  # "," and the Arabic comma "،"


def clean_tags(text: str | None) -> str:
    """Tags typed as a comma-separated list (the Latin or the Arabic comma): trimmed, the
    same tag once (whatever its capitals), at most MAX_TAGS of MAX_TAG_LENGTH characters each."""
    tags: list[str] = []
    seen: set[str] = set()
    for raw in TAG_SEPARATORS.split(text or ""):
        tag = " ".join(raw.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise LeadError(
                _l("A tag has at most %(max)d characters.", max=MAX_TAG_LENGTH),
                "tag_too_long",
                "tags",
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise LeadError(_l("At most %(max)d tags.", max=MAX_TAGS), "too_many_tags", "tags")
    joined = ", ".join(tags)
    if len(joined) > TAGS_LENGTH:
        raise LeadError(_l("The tags are too long."), "too_many_tags", "tags")
    return joined


def update_lead(lead: Lead, details: LeadDetails) -> Lead:
    """The team's note, rating and tags for a lead."""
    if details.rating is not None and not 1 <= details.rating <= 5:
        raise LeadError(_l("Rate from 1 to 5."), "invalid_rating", "rating")
    note = (details.note or "").replace("\x00", "").strip()
    if len(note) > NOTE_LENGTH:
        raise LeadError(_l("At most %(max)d characters.", max=NOTE_LENGTH), "note_too_long", "note")
    lead.note = note
    lead.rating = details.rating
    lead.tags = clean_tags(details.tags)
    db.session.flush()
    return lead


def details_of(values: dict[str, Any]) -> LeadDetails:
    return LeadDetails(
        note=values.get("note") or "", rating=values.get("rating"), tags=values.get("tags") or ""
    )
