"""The help desk: finding a person among an event's registrations, checking them in by
hand, registering a walk-in.

The search compares folded text (eventhub/registration/search.py) with the stored
`registrations.search_key`: every word typed must appear in it (LIKE, with % and _ taken
literally); a registration number (or a bare row id) typed is matched exactly and comes
first. One statement gives the people with their category and today's entry.

A check-in by hand goes through the door's own rules and guard (scanning.admit_by_hand):
refused for a registration not confirmed, a day or zone the category may not enter, and
"already inside" when the person has the day's admission; the partial unique index on one
admission per badge per day is what keeps two desks from admitting one person twice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, or_, select

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import User
from eventhub.checkin.models import SCAN_NOTE_LENGTH, Scan
from eventhub.checkin.scanning import (
    ADMITTED,
    HandCheckIn,
    ScanOutcome,
    admit_by_hand,
    door_event,
    event_day,
)
from eventhub.errors import DomainError
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID, search_text, utcnow
from eventhub.registration.mail import notify_status
from eventhub.registration.models import Registration
from eventhub.registration.register import Attendee, RegistrationError, register
from eventhub.registration.search import fold

# The gate recorded for a check-in at the desk (a name, stored as it is).
DESK_GATE = "Help desk"
# At most this many words of what is typed count, each at most MAX_TYPED characters in all.
MAX_WORDS = 6
MAX_TYPED = 100
# "012-000345" as printed on the badge, or a bare number.
NUMBER = re.compile(r"(?:(\d{1,10})-)?(\d{1,10})")


class DeskError(DomainError):
    """A check-in by hand refused, or bad input at the desk: nothing was recorded."""


@dataclass(frozen=True)
class DeskPerson:
    """One line of the desk's results."""

    id: int
    event_id: int
    first_name: str
    last_name: str
    email: str
    organization: str
    status: str
    category_name: str
    category_colour: str
    entered_at: datetime | None
    entry_gate: str | None
    entry_manual: bool | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def number(self) -> str:
        return f"{self.event_id:03d}-{self.id:06d}"


def _typed_number(event: Event, text: str) -> int | None:
    """The row id a typed registration number names, for this event; None if it is not one."""
    match = NUMBER.fullmatch(text)
    if match is None:
        return None
    event_part, id_part = match.groups()
    if event_part is not None and int(event_part) != event.id:
        return None
    number = int(id_part)
    return number if 0 < number <= MAX_ROW_ID else None


def _like_word(word: str) -> Any:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Registration.search_key.like(f"%{escaped}%", escape="\\")


_ENTRY = Scan.__table__.alias("today_entry")


def find_people(
    event: Event, typed: str | None, limit: int = 20, *, now: datetime | None = None
) -> list[DeskPerson]:
    """The event's registrations matching what staff typed, an exact registration number
    first, then by name; each with its category and today's entry, if any. One statement."""
    text = search_text(typed)[:MAX_TYPED]
    words = fold(text).split()[:MAX_WORDS]
    if not words:
        return []
    number = _typed_number(event, text)
    matches = and_(*(_like_word(word) for word in words))
    order: list[Any] = [Registration.search_key, Registration.id]
    if number is not None:
        matches = or_(Registration.id == number, matches)
        order.insert(0, case((Registration.id == number, 0), else_=1))
    query = (
        select(
            Registration.id,
            Registration.event_id,
            Registration.first_name,
            Registration.last_name,
            Registration.email,
            Registration.organization,
            Registration.status,
            AttendeeCategory.name,
            AttendeeCategory.colour,
            _ENTRY.c.scanned_at,
            _ENTRY.c.gate,
            _ENTRY.c.manual,
        )
        .join(AttendeeCategory, AttendeeCategory.id == Registration.category_id)
        .outerjoin(
            _ENTRY,
            and_(
                _ENTRY.c.registration_id == Registration.id,
                _ENTRY.c.day == event_day(event, now or utcnow()),
                _ENTRY.c.result == ADMITTED,
            ),
        )
        .where(Registration.event_id == event.id, matches)
        .order_by(*order)
        .limit(limit)
    )
    return [DeskPerson(*row) for row in db.session.execute(query)]


def clean_reason(reason: str | None) -> str:
    """The reason of a check-in by hand: required, one line, at most SCAN_NOTE_LENGTH."""
    if any(unicodedata.category(char) == "Cc" and not char.isspace() for char in reason or ""):
        raise DeskError(
            _l("Remove the invisible control characters from this field."),
            "reason_invalid",
            "reason",
        )
    text = " ".join((reason or "").split())
    if not text:
        raise DeskError(
            _l("Say why this person is checked in by hand."), "reason_required", "reason"
        )
    if len(text) > SCAN_NOTE_LENGTH:
        raise DeskError(
            _l("At most %(max)d characters.", max=SCAN_NOTE_LENGTH), "reason_too_long", "reason"
        )
    return text


def _refusal(event: Event, outcome: ScanOutcome) -> DeskError:
    """The door's refusal, said for the desk."""
    result = outcome.result
    if result == "already_inside":
        entry = outcome.first_entry
        if entry is None:
            return DeskError(_l("Already inside today."), result)
        return DeskError(
            _l(
                "Already inside: admitted at %(time)s through %(gate)s.",
                time=format_time(entry.admitted_at.astimezone(event.tz).time(), "short"),
                gate=entry.gate,
            ),
            result,
        )
    if result == "revoked" and outcome.reason == "cancelled":
        return DeskError(
            _l("This registration is cancelled: it cannot be checked in."), "cancelled"
        )
    if result == "revoked":
        return DeskError(
            _l("This registration is not confirmed (waiting list): it cannot be checked in yet."),
            "not_confirmed",
        )
    if result == "not_today":
        return DeskError(_l("This person's category may not come in today."), result)
    if result == "zone_not_allowed":
        return DeskError(
            _l("This person's category may not enter through %(gate)s.", gate=outcome.gate),
            result,
        )
    return DeskError(_l("This registration is not one of this event's."), "unknown")


def check_in_by_hand(
    event: Event,
    registration: Registration,
    by_user: User,
    reason: str | None,
    now: datetime | None = None,
    *,
    gate: str = DESK_GATE,
) -> ScanOutcome:
    """Admit `registration` at the desk: an `admitted` scan, manual, with `by_user` and the
    reason. Raises DeskError, having recorded nothing, for a bad reason or any refusal of
    the door's rules. The caller commits."""
    note = clean_reason(reason)
    door = door_event(event.slug)
    if door is None or registration.event_id != event.id:
        raise DeskError(_l("This event is not open: nobody can be checked in."), "event_closed")
    outcome = admit_by_hand(
        door,
        HandCheckIn(registration.badge_code, gate, by_user.id, note),
        now=now,
    )
    if outcome.result != "admitted":
        raise _refusal(event, outcome)
    record_audit(
        by_user,
        "checkin.manual",
        f"{event.slug}/{registration.number}",
        gate=outcome.gate,
        reason=note,
    )
    return outcome


@dataclass(frozen=True)
class WalkIn:
    """A person registered at the desk, in the category staff chose."""

    attendee: Attendee
    category: AttendeeCategory


def register_walk_in(event: Event, data: WalkIn, by_user: User) -> Registration:
    """Register a walk-in through the ordinary registration (one per e-mail, capacity and
    waiting list; any category of the event, whatever the registration window) and send
    the usual confirmation e-mail. Raises RegistrationError. The caller commits."""
    if not event.is_published:
        raise RegistrationError(_l("This event is not open for registration."), "event_closed")
    registration = register(
        event,
        data.category,
        data.attendee,
        source="desk",
        public_only=False,
        enforce_window=False,
    )
    notify_status(registration)
    record_audit(
        by_user,
        "registration.walk_in",
        f"{event.slug}/{registration.number}",
        email=registration.email,
        status=registration.status,
        category=data.category.name,
    )
    return registration
