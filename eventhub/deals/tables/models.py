"""Meeting-table check-in: each table's QR code, who arrived for a meeting and when, the
no-shows, and the event's no-show delay.

What must hold under concurrent requests is kept by the database:
- one check-in row per meeting (`meeting_id` is the primary key), created with an insert
  that does nothing on conflict; each party's arrival is written by a conditional UPDATE
  (`… WHERE startup_arrived_at IS NULL`), so a second scan records nothing;
- a no-show is recorded once (`… WHERE no_show_party IS NULL AND started_at IS NULL`);
- a freed slot goes to one standby startup: the booking's own guards (the slot's row lock,
  the startup's `meeting_locks` row, the partial unique index on the confirmed meeting per
  slot) and a conditional UPDATE of `replacement_meeting_id`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingTable
from eventhub.models_common import UTCDateTime, utcnow

PARTIES = ("startup", "investor")
NO_SHOW_PARTIES = ("startup", "investor")
CHECKED_BY = ("self", "staff")
DEFAULT_NO_SHOW_MINUTES = 10
MAX_NO_SHOW_MINUTES = 120


class TableCheckinSettings(db.Model):
    """An event's table check-in rules; an event without a row uses the defaults."""

    __tablename__ = "table_checkin_settings"
    __table_args__ = (
        CheckConstraint(
            f"no_show_minutes > 0 AND no_show_minutes <= {MAX_NO_SHOW_MINUTES}",
            name="no_show_minutes_range",
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    # A party still absent this many minutes after the slot starts is a no-show.
    no_show_minutes: Mapped[int] = mapped_column(default=DEFAULT_NO_SHOW_MINUTES)


class TableCode(db.Model):
    """A table's QR code. The code's secret is HMAC(SECRET_KEY, seed); only its SHA-256
    is looked up, so the database alone (a backup, a dump) opens no table. Reissuing
    draws a new seed: the printed cards before it stop working."""

    __tablename__ = "meeting_table_codes"

    table_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_tables.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    table: Mapped[MeetingTable] = relationship()


class TableCheckin(db.Model):
    """What happened at the table for one meeting: arrivals, start, no-show, standby."""

    __tablename__ = "table_checkins"
    __table_args__ = (
        CheckConstraint(
            f"no_show_party IS NULL OR no_show_party IN {NO_SHOW_PARTIES!r}",
            name="no_show_party_known",
        ),
        CheckConstraint(
            f"startup_checked_by IS NULL OR startup_checked_by IN {CHECKED_BY!r}",
            name="startup_checked_by_known",
        ),
        CheckConstraint(
            f"investor_checked_by IS NULL OR investor_checked_by IN {CHECKED_BY!r}",
            name="investor_checked_by_known",
        ),
        Index("ix_table_checkins_event_start", "event_id", "starts_at"),
    )

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # The slot and table the meeting was in (a no-show's meeting leaves its slot when a
    # standby startup takes it; these keep where it was).
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_slots.id", ondelete="SET NULL"), index=True
    )
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_tables.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    startup_arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    startup_checked_by: Mapped[str | None] = mapped_column(String(8))
    investor_arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    investor_checked_by: Mapped[str | None] = mapped_column(String(8))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_party: Mapped[str | None] = mapped_column(String(16))
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The meeting a standby startup took this no-show's slot with.
    replacement_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), unique=True
    )
    # This meeting itself came from the standby list (a freed slot taken).
    from_standby: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    replacement: Mapped[Meeting | None] = relationship(foreign_keys=[replacement_meeting_id])

    def arrived_at(self, party: str) -> datetime | None:
        return self.startup_arrived_at if party == "startup" else self.investor_arrived_at
