"""Investor meetings: tables, slots, bookings and requests, and the rows that guard them.

The rules that must hold under concurrent requests are kept by the database:
- one confirmed meeting per slot: a unique index on `meetings.slot_id`, partial on
  `status = 'confirmed'` (cancelled and declined meetings stay as history);
- one confirmed meeting per startup–investor pair per event: a partial unique index too;
- a startup never in two overlapping meetings, and its per-event limits: every booking of
  a startup first updates its row in `meeting_locks`, which serialises that startup's
  bookings (a row lock on PostgreSQL, the write lock on SQLite), and then checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.auth.models import User
    from eventhub.events.models import Event
    from eventhub.profiles.models import Investor, Startup

SLOT_STATUSES = ("open", "unavailable")
MEETING_STATUSES = ("confirmed", "cancelled", "declined")
MEETING_SOURCES = ("booking", "scheduler")
MEETING_OUTCOMES = ("held", "no_show")
CANCELLED_BY = ("startup", "investor", "organiser")
REQUEST_STATUSES = ("pending", "accepted", "declined", "withdrawn")
# Who asked: the startup (the investor answers) or the investor (the startup answers).
REQUEST_DIRECTIONS = ("startup", "investor")
LOCK_SCOPES = ("startup", "slots", "schedule", "investor")

CONFIRMED = text("status = 'confirmed'")


class MeetingSettings(db.Model):
    """How an event runs its meetings; an event without a row uses the defaults."""

    __tablename__ = "meeting_settings"
    __table_args__ = (
        CheckConstraint(
            "max_meetings_per_startup IS NULL OR max_meetings_per_startup > 0",
            name="meeting_limit_positive",
        ),
        CheckConstraint("max_requests_per_startup > 0", name="request_limit_positive"),
        CheckConstraint("cutoff_hours >= 0", name="cutoff_not_negative"),
        CheckConstraint(
            "max_concurrent_meetings IS NULL OR max_concurrent_meetings > 0",
            name="concurrency_positive",
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    booking_open: Mapped[bool] = mapped_column(default=True)
    requests_open: Mapped[bool] = mapped_column(default=False)
    max_meetings_per_startup: Mapped[int | None]
    max_requests_per_startup: Mapped[int] = mapped_column(default=10)
    # Bookings and cancellations close this many hours before the meeting starts.
    cutoff_hours: Mapped[int] = mapped_column(default=24)
    # How many meetings may run at once (the scheduler keeps to it); None: one per table.
    max_concurrent_meetings: Mapped[int | None]


class MeetingTable(db.Model):
    """A table or room where meetings take place."""

    __tablename__ = "meeting_tables"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)


class MeetingSlot(db.Model):
    """A period an investor offers for one meeting, at a table. Times are UTC."""

    __tablename__ = "meeting_slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint(f"status IN {SLOT_STATUSES!r}", name="status_known"),
        Index("ix_meeting_slots_event_start", "event_id", "starts_at"),
        Index("ix_meeting_slots_investor_start", "investor_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_tables.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Bumped by every booking and change: the UPDATE takes the slot's row lock.
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    investor: Mapped[Investor] = relationship()
    table: Mapped[MeetingTable | None] = relationship()

    @property
    def period(self) -> tuple[datetime, datetime]:
        return self.starts_at, self.ends_at


class MeetingRequest(db.Model):
    """A startup asks an investor for a meeting, or an investor a startup (request mode);
    one per pair per event, whoever asked; the other party answers."""

    __tablename__ = "meeting_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "startup_id", "investor_id"),
        CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="status_known"),
        CheckConstraint(f"direction IN {REQUEST_DIRECTIONS!r}", name="direction_known"),
        Index("ix_meeting_requests_investor", "investor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    pitch: Mapped[str] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(16), default="startup", server_default="startup")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decline_reason: Mapped[str] = mapped_column(String(300), default="")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    startup: Mapped[Startup] = relationship()
    investor: Mapped[Investor] = relationship()


class Meeting(db.Model):
    """A meeting in a slot: booked first-come by a startup, or placed by the scheduler."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status_known"),
        CheckConstraint(f"source IN {MEETING_SOURCES!r}", name="source_known"),
        CheckConstraint(
            f"outcome IS NULL OR outcome IN {MEETING_OUTCOMES!r}", name="outcome_known"
        ),
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        Index(
            "uq_meetings_slot_confirmed",
            "slot_id",
            unique=True,
            sqlite_where=CONFIRMED,
            postgresql_where=CONFIRMED,
        ),
        Index(
            "uq_meetings_pair_confirmed",
            "event_id",
            "startup_id",
            "investor_id",
            unique=True,
            sqlite_where=CONFIRMED,
            postgresql_where=CONFIRMED,
        ),
        Index("ix_meetings_startup_start", "startup_id", "starts_at"),
        Index("ix_meetings_investor_start", "investor_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_slots.id", ondelete="SET NULL"))
    startup_id: Mapped[int] = mapped_column(ForeignKey("startups.id", ondelete="CASCADE"))
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="SET NULL"), index=True
    )
    # Copied from the slot: the overlap rule compares meetings, whatever slot they were in.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    table_name: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    source: Mapped[str] = mapped_column(String(16), default="booking")
    note: Mapped[str] = mapped_column(String(300), default="")
    # Why the meeting was called off: the investor's reason to decline (required), or the
    # reason given by whoever cancelled it (optional, "" when none). Both parties read it.
    decline_reason: Mapped[str] = mapped_column(String(300), default="")
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    # The investor's own note after the meeting; only the investor sees it.
    investor_note: Mapped[str] = mapped_column(Text, default="")
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    slot: Mapped[MeetingSlot | None] = relationship()
    startup: Mapped[Startup] = relationship()
    investor: Mapped[Investor] = relationship()
    request: Mapped[MeetingRequest | None] = relationship()
    booked_by: Mapped[User | None] = relationship()

    @property
    def is_confirmed(self) -> bool:
        return self.status == "confirmed"


class StartupUnavailability(db.Model):
    """A period of the event's slot grid in which a startup cannot meet (request mode)."""

    __tablename__ = "startup_unavailabilities"
    __table_args__ = (
        UniqueConstraint("event_id", "startup_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MeetingLock(db.Model):
    """Rows updated first to serialise writes: one startup's bookings, an event's slots.

    `scope` says what is locked and `key` which one (a startup id; 0 for the whole event).
    """

    __tablename__ = "meeting_locks"
    __table_args__ = (CheckConstraint(f"scope IN {LOCK_SCOPES!r}", name="scope_known"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class CalendarFeed(db.Model):
    """A user's private calendar subscription: a random token in the URL, revocable by
    issuing a new one."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
