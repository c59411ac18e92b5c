"""Marks: what one side of a startup–investor pair thinks of meeting the other, per event.

One mark per pair per side per event (a unique constraint); marking again changes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.profiles.models import Investor, Startup

MARKS = ("must", "would", "not_now")
POSITIVE_MARKS = ("must", "would")
SIDES = ("startup", "investor")


class MatchMark(db.Model):
    """`side` marked the other party of the pair: the startup marked the investor, or the
    investor marked the startup."""

    __tablename__ = "match_marks"
    __table_args__ = (
        UniqueConstraint("event_id", "startup_id", "investor_id", "side"),
        CheckConstraint(f"side IN {SIDES!r}", name="side_known"),
        CheckConstraint(f"mark IN {MARKS!r}", name="mark_known"),
        Index("ix_match_marks_investor", "event_id", "investor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(16))
    mark: Mapped[str] = mapped_column(String(16))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    startup: Mapped[Startup] = relationship()
    investor: Mapped[Investor] = relationship()
