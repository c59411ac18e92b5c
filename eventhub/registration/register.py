"""Registering attendees: capacity and waiting list, cancelling, reinstating.

Every write that counts places first updates the event's row in
`event_registration_locks`. On PostgreSQL that UPDATE holds a row lock until commit;
on SQLite it takes the database's write lock (pysqlite opens the transaction at the
first write, so the busy timeout applies and the counts read after it are current).
Concurrent registrations of one event are therefore counted one after the other and
capacity can never be exceeded; the unique (event_id, email) constraint stops a
second registration of the same address. Functions flush; the caller commits.

A place that frees (a cancellation, a category change, a capacity raised, an offer
declined or expired) is not given at once: it is offered to the next on the waiting
list (status `offered`), held for the event's `offer_hold_hours`, and counts as taken
meanwhile. The attendee accepts it (confirmed) or declines it (cancelled, the place
offered to the next); an offer not accepted in time expires (cancelled, likewise).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from eventhub.badges.tokens import new_badge_code
from eventhub.errors import DomainError
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import insert_ignoring_duplicates, utcnow
from eventhub.registration.models import EventRegistrationLock, Registration

# The badge token holds the version in two bytes.
MAX_BADGE_VERSION = 0xFFFF
# The statuses that hold a place: counted against the event's and categories' capacity.
HOLDING_A_PLACE = ("confirmed", "offered")


class RegistrationError(DomainError):
    """A registration refused, or a change to one."""


@dataclass
class Attendee:
    first_name: str
    last_name: str
    email: str
    organization: str = ""
    job_title: str = ""
    country: str = ""
    language: str = "fr"
    # Agrees to share their contact details with the exhibitors who scan their badge.
    share_with_exhibitors: bool = False


def normalise_email(email: str) -> str:
    """Lowercase and trimmed: one person, one registration, whatever the capitals."""
    return email.strip().lower()


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


MANAGE_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def find_by_manage_token(token: str) -> Registration | None:
    # Only the token alphabet reaches the database (PostgreSQL refuses NUL in a query).
    if not token or not MANAGE_TOKEN_SHAPE.fullmatch(token):
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token == token))


def find_by_email(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.email == normalise_email(email)
        )
    )


def lock_event_places(event: Event) -> None:
    """Serialise every write that counts this event's places (see the module docstring)."""
    db.session.execute(
        insert_ignoring_duplicates(EventRegistrationLock).values(event_id=event.id, version=0)
    )
    db.session.execute(
        update(EventRegistrationLock)
        .where(EventRegistrationLock.event_id == event.id)
        .values(version=EventRegistrationLock.version + 1)
    )


def confirmed_count(event: Event, category: AttendeeCategory | None = None) -> int:
    """The places taken: confirmed registrations and places offered (held until accepted,
    declined or expired)."""
    query = select(func.count()).where(
        Registration.event_id == event.id, Registration.status.in_(HOLDING_A_PLACE)
    )
    if category is not None:
        query = query.where(Registration.category_id == category.id)
    return db.session.scalar(query) or 0


def event_is_full(event: Event) -> bool:
    return event.capacity is not None and confirmed_count(event) >= event.capacity


def has_room(event: Event, category: AttendeeCategory) -> bool:
    """Call only after lock_event_places(): the counts are then stable until commit."""
    if event.capacity is not None and confirmed_count(event) >= event.capacity:
        return False
    return category.capacity is None or confirmed_count(event, category) < category.capacity


def check_window(event: Event) -> None:
    state = event.registration_state(utcnow())
    if not event.is_published:
        raise RegistrationError(_l("This event is not open for registration."), "event_closed")
    if state == "not_yet":
        raise RegistrationError(_l("Registration has not opened yet."), "registration_not_open")
    if state == "closed":
        raise RegistrationError(_l("Registration is closed."), "registration_closed")


def check_category(event: Event, category: AttendeeCategory, *, public_only: bool) -> None:
    if category.event_id != event.id:
        raise RegistrationError(
            _l("This category does not belong to the event."), "unknown_category", "category"
        )
    if public_only and not category.is_public:
        raise RegistrationError(
            _l("This category is by invitation only."), "category_not_public", "category"
        )


def _unique_flush(registration: Registration) -> None:
    try:
        # A savepoint: a refused row must not undo the caller's other work (a CSV import
        # registers many rows in one transaction).
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError as error:
        # The same address registered at the same instant: the unique constraint won.
        raise RegistrationError(
            _l("This e-mail address is already registered for this event."),
            "already_registered",
            "email",
        ) from error


def apply_attendee(
    registration: Registration, category: AttendeeCategory, attendee: Attendee
) -> None:
    """Write what the attendee typed (and the category chosen) into the registration."""
    registration.category = category
    registration.first_name = attendee.first_name.strip()
    registration.last_name = attendee.last_name.strip()
    registration.organization = attendee.organization.strip()
    registration.job_title = attendee.job_title.strip()
    registration.country = attendee.country.strip().upper()
    registration.language = attendee.language
    registration.exhibitor_consent_at = utcnow() if attendee.share_with_exhibitors else None


def register(
    event: Event,
    category: AttendeeCategory,
    attendee: Attendee,
    *,
    source: str = "online",
    public_only: bool = True,
    enforce_window: bool = True,
    unconfirmed: bool = False,
) -> Registration:
    """Register one attendee: confirmed if there is room, otherwise on the waiting list.
    `unconfirmed`: the address is to be confirmed first (double opt-in, see optin.py): the
    registration holds no place until place() runs for it."""
    if enforce_window:
        check_window(event)
    check_category(event, category, public_only=public_only)
    email = normalise_email(attendee.email)
    if find_by_email(event, email) is not None:
        raise RegistrationError(
            _l("This e-mail address is already registered for this event."),
            "already_registered",
            "email",
        )
    registration = Registration(
        event=event,
        email=email,
        source=source,
        manage_token=new_manage_token(),
        badge_code=new_badge_code(),
    )
    apply_attendee(registration, category, attendee)
    if unconfirmed:
        registration.status = "unconfirmed"
    else:
        lock_event_places(event)
        confirmed = has_room(event, category)
        registration.status = "confirmed" if confirmed else "waitlisted"
        registration.confirmed_at = utcnow() if confirmed else None
    _unique_flush(registration)
    return registration


def place(registration: Registration, now: datetime | None = None) -> Registration:
    """An unconfirmed registration whose address is now confirmed: confirmed if there is
    room, else on the waiting list, counted under the event's lock like register()."""
    now = now or utcnow()
    _locked_current(registration)
    if registration.status != "unconfirmed":
        raise RegistrationError(_l("This registration is confirmed already."), "already_confirmed")
    confirmed = has_room(registration.event, registration.category)
    registration.status = "confirmed" if confirmed else "waitlisted"
    registration.confirmed_at = now if confirmed else None
    registration.created_at = now  # its place in the waiting list counts from now
    db.session.flush()
    return registration


def event_is_over(event: Event, now: datetime) -> bool:
    return event.last_day < now.astimezone(event.tz).date()


def offer_places(event: Event, now: datetime | None = None) -> list[Registration]:
    """Offer the free places to the waiting list, oldest first, each held for the event's
    `offer_hold_hours` from `now`; returns the registrations offered a place. Needs the
    lock. Nothing is offered once the event is over."""
    now = now or utcnow()
    if event_is_over(event, now):
        return []
    offered: list[Registration] = []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
    ).all()
    for registration in waiting:
        if event.capacity is not None and confirmed_count(event) >= event.capacity:
            break
        if has_room(event, registration.category):
            registration.status = "offered"
            registration.offer_expires_at = now + timedelta(hours=event.offer_hold_hours)
            db.session.flush()
            offered.append(registration)
    return offered


def offer_freed_places(event: Event) -> list[Registration]:
    """After an organiser changed the event's or a category's capacity: offer what is free."""
    lock_event_places(event)
    return offer_places(event)


def _locked_current(registration: Registration) -> Registration:
    """Take the event's lock, then read the registration as it is now (another request may
    have changed it since it was loaded)."""
    lock_event_places(registration.event)
    db.session.refresh(registration)
    return registration


def _check_offered(registration: Registration, now: datetime) -> None:
    if registration.status == "confirmed":
        raise RegistrationError(_l("You have already accepted this place."), "already_accepted")
    if registration.status != "offered":
        raise RegistrationError(_l("No place is offered to this registration."), "no_offer")
    expires = registration.offer_expires_at
    if expires is not None and expires <= now:
        raise RegistrationError(
            _l("This offer has expired: the place went to the next person on the waiting list."),
            "offer_expired",
        )


def accept_offer(registration: Registration, now: datetime | None = None) -> Registration:
    """The attendee takes the place offered: confirmed (its place was held, so no count)."""
    now = now or utcnow()
    _locked_current(registration)
    _check_offered(registration, now)
    registration.status = "confirmed"
    registration.confirmed_at = now
    db.session.flush()
    return registration


def decline_offer(registration: Registration, now: datetime | None = None) -> list[Registration]:
    """The attendee does not want the place: cancelled, and the place offered to the next.
    Returns the registrations offered a place."""
    now = now or utcnow()
    _locked_current(registration)
    _check_offered(registration, now)
    registration.status = "cancelled"
    registration.cancelled_at = now
    db.session.flush()
    return offer_places(registration.event, now)


def expire_offers(event: Event, now: datetime) -> tuple[list[Registration], list[Registration]]:
    """Cancel the event's offers past their deadline and offer those places to the next.
    Returns (expired, newly offered)."""
    lock_event_places(event)
    expired = list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == "offered",
                Registration.offer_expires_at <= now,
            )
            .order_by(Registration.offer_expires_at, Registration.id)
            .execution_options(populate_existing=True)
        )
    )
    for registration in expired:
        registration.status = "cancelled"
        registration.cancelled_at = now
    db.session.flush()
    return expired, offer_places(event, now) if expired else []


def cancel(registration: Registration) -> list[Registration]:
    """Cancel and offer the place to the waiting list. Returns the registrations offered a
    place."""
    _locked_current(registration)
    if registration.status == "cancelled":
        raise RegistrationError(_l("This registration is already cancelled."), "already_cancelled")
    held_a_place = registration.status in HOLDING_A_PLACE
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    db.session.flush()
    return offer_places(registration.event) if held_a_place else []


def reinstate(registration: Registration) -> Registration:
    """Bring a cancelled registration back: confirmed if there is room, else waitlisted."""
    _locked_current(registration)
    if registration.status != "cancelled":
        raise RegistrationError(
            _l("Only a cancelled registration can be reinstated."), "not_cancelled"
        )
    confirmed = has_room(registration.event, registration.category)
    registration.status = "confirmed" if confirmed else "waitlisted"
    registration.cancelled_at = None
    registration.confirmed_at = utcnow() if confirmed else None
    db.session.flush()
    return registration


def change_category(registration: Registration, category: AttendeeCategory) -> list[Registration]:
    """Move to another category of the same event (organisers may choose private ones)."""
    check_category(registration.event, category, public_only=False)
    if category.id == registration.category_id:
        return []
    _locked_current(registration)
    full = category.capacity is not None and (
        confirmed_count(registration.event, category) >= category.capacity
    )
    if registration.status in HOLDING_A_PLACE and full:
        raise RegistrationError(
            _l("The category %(name)s is full.", name=category.localized("name")),
            "category_full",
            "category",
        )
    registration.category = category
    db.session.flush()
    return offer_places(registration.event)


def reissue_badge(registration: Registration) -> Registration:
    """A new badge: the previous one scans as revoked from now on."""
    if registration.badge_version >= MAX_BADGE_VERSION:
        raise RegistrationError(
            _l("This badge has been reissued too many times."), "too_many_reissues"
        )
    registration.badge_version += 1
    db.session.flush()
    return registration


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            (Registration.created_at < registration.created_at)
            | (
                (Registration.created_at == registration.created_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return (ahead or 0) + 1
