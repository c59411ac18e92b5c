"""Door check-in: gates, every scan recorded, and one admission per badge per day."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.events.models import Zone
    from eventhub.registration.models import Registration

SCAN_RESULTS = (
    "admitted",
    "already_inside",
    "not_today",
    "zone_not_allowed",
    "revoked",
    "unknown",
    "malformed",
)


class Gate(db.Model):
    """A door where badges are scanned; it leads into a zone (None: the venue in general)."""

    __tablename__ = "gates"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))

    zone: Mapped[Zone | None] = relationship()


class Admission(db.Model):
    """A badge let in on one day: the unique constraint is what stops a second admission."""

    __tablename__ = "admissions"
    __table_args__ = (
        UniqueConstraint("registration_id", "day"),
        Index("ix_admissions_event_time", "event_id", "admitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    gate: Mapped[str] = mapped_column(String(60))
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()


class Scan(db.Model):
    """Every scan at a gate, whatever its result. A client nonce makes a retry harmless."""

    __tablename__ = "scans"
    __table_args__ = (
        UniqueConstraint("event_id", "nonce"),
        CheckConstraint(f"result IN {SCAN_RESULTS!r}", name="result_known"),
        Index("ix_scans_event_time", "event_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    admission_id: Mapped[int | None] = mapped_column(
        ForeignKey("admissions.id", ondelete="SET NULL")
    )
    gate: Mapped[str] = mapped_column(String(60))
    result: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(80))
    nonce: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    device: Mapped[str] = mapped_column(String(120), default="")
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration | None] = relationship()
    admission: Mapped[Admission | None] = relationship()
