"""Registrations: one per e-mail per event, confirmed or waitlisted, each with its badge."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow
from eventhub.registration.search import SEARCH_KEY_LENGTH, search_key

if TYPE_CHECKING:
    from eventhub.events.models import AttendeeCategory, Event

# offered: a waitlisted registration offered a freed place, held for it until
# `offer_expires_at` (the event's `offer_hold_hours`); it counts as taken meanwhile.
# unconfirmed: registered on an event with double opt-in, the address not yet confirmed by
# the link e-mailed to it; it holds no place, has no usable badge and is on no door list.
REGISTRATION_STATUSES = ("confirmed", "waitlisted", "offered", "cancelled", "unconfirmed")
REGISTRATION_SOURCES = ("online", "api", "import", "organiser", "desk", "demo")


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        CheckConstraint(f"status IN {REGISTRATION_STATUSES!r}", name="status_known"),
        CheckConstraint("badge_version > 0", name="badge_version_positive"),
        Index("ix_registrations_event_status", "event_id", "status", "category_id"),
        # The help desk's search: LIKE '%…%' on search_key within one event. A btree
        # cannot seek on a pattern with a leading %, but it holds every key of the event
        # side by side, so the search reads the index alone (see migration 0009).
        Index("ix_registrations_event_search", "event_id", "search_key"),
        Index("ix_registrations_event_updated", "event_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("attendee_categories.id", ondelete="RESTRICT"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    organization: Mapped[str] = mapped_column(String(160), default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default="online")
    # Private link to the attendee's page: 256 random bits, URL-safe.
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Random 63-bit number signed into the QR code; never the row id.
    badge_code: Mapped[int] = mapped_column(BigInteger, unique=True)
    badge_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the attendee agreed that exhibitors whose booth scans their badge see their name,
    # organisation, e-mail and job title (eventhub/deals/leads); None: not agreed, or
    # withdrawn. Off unless they tick it.
    exhibitor_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last "check your e-mail" message sent in answer to a public registration of this
    # address (the link to confirm it, or "you are already registered"): at most one per
    # registration in CHECK_EMAIL_INTERVAL (eventhub/registration/optin.py).
    check_email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Double opt-in: the SHA-256 of the secret of the latest link to confirm the address
    # (the secret itself is never stored) and until when it works.
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Any change of the row (ORM or Core UPDATE): scanners' door lists sync on it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Name, e-mail and organisation folded for the help desk's search (registration/search.py),
    # set by the ORM events below: never written by hand.
    search_key: Mapped[str] = mapped_column(
        String(SEARCH_KEY_LENGTH), default="", server_default=""
    )

    event: Mapped[Event] = relationship()
    category: Mapped[AttendeeCategory] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def number(self) -> str:
        """The registration number printed on the badge."""
        return f"{self.event_id:03d}-{self.id:06d}"

    def __repr__(self) -> str:
        return f"<Registration {self.email} {self.status}>"


# What search_key is made of.
SEARCHED_FIELDS = ("first_name", "last_name", "email", "organization")


def _refresh_search_key(registration: Registration) -> None:
    registration.search_key = search_key(
        registration.first_name or "",
        registration.last_name or "",
        registration.email or "",
        registration.organization or "",
    )


@event.listens_for(Registration, "before_insert")
def _search_key_on_insert(_mapper: object, _connection: object, registration: Registration) -> None:
    """Every registration, however created (form, API, import, desk, demo), gets its key."""
    _refresh_search_key(registration)


@event.listens_for(Registration, "before_update")
def _search_key_on_update(_mapper: object, _connection: object, registration: Registration) -> None:
    """A change of name, e-mail or organisation changes the key in the same UPDATE."""
    state = inspect(registration)
    if any(state.attrs[name].history.has_changes() for name in SEARCHED_FIELDS):
        _refresh_search_key(registration)


class EventRegistrationLock(db.Model):
    """One row per event, updated first by every write that counts places.

    Updating it takes a row lock on PostgreSQL and the write lock on SQLite, so the
    capacity count that follows cannot be raced by another registration of the event.
    """

    __tablename__ = "event_registration_locks"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=0)
