"""Deal flow: the investor's record of a meeting, and the next steps it addressed.

- `DealRecord`: one per meeting (so one per investor–startup pair per meeting; a unique
  index on `meeting_id`): the interest, the current next step and private notes. Only the
  investor's team reads it. Edits bump `version` (SQLAlchemy's version counter: an UPDATE
  that finds another version changes nothing and fails), so two teammates cannot overwrite
  each other unknowingly.
- `DealStep`: each next step the record was given, oldest first. The current one has no
  `superseded_at` (a partial unique index keeps one per record); setting another step
  supersedes it. The startup reads the steps addressed to it (every step but `pass`) and
  answers them: a reply, a link, done. Older steps keep their answers as history.

A pair's stage is the step of its record whose step was set last (`step_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.events.models import Event
    from eventhub.meetings.models import Meeting
    from eventhub.profiles.models import Investor, Startup

INTEREST_LEVELS = ("none", "low", "high")
NEXT_STEPS = ("send_deck", "second_meeting", "due_diligence", "term_sheet", "pass")
# The steps the startup is told of and may answer; `pass` stays the investor's own.
STARTUP_STEPS = ("send_deck", "second_meeting", "due_diligence", "term_sheet")

CURRENT = text("superseded_at IS NULL")


class DealRecord(db.Model):
    __tablename__ = "dealflow_records"
    __table_args__ = (
        CheckConstraint(f"interest IN {INTEREST_LEVELS!r}", name="interest_known"),
        CheckConstraint(f"next_step IN {NEXT_STEPS!r}", name="next_step_known"),
        Index("ix_dealflow_records_investor_startup", "investor_id", "startup_id", "step_at"),
        Index("ix_dealflow_records_event_step", "event_id", "next_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    interest: Mapped[str] = mapped_column(String(8))
    next_step: Mapped[str] = mapped_column(String(20))
    # Private: the investor's team only, never the startup nor the organisers.
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the current next step was set: the latest of a pair's records is its stage.
    step_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    event: Mapped[Event] = relationship()
    investor: Mapped[Investor] = relationship()
    startup: Mapped[Startup] = relationship()
    steps: Mapped[list[DealStep]] = relationship(
        back_populates="record", order_by="DealStep.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own dict)


class DealStep(db.Model):
    __tablename__ = "dealflow_steps"
    __table_args__ = (
        CheckConstraint(f"step IN {NEXT_STEPS!r}", name="step_known"),
        Index(
            "uq_dealflow_steps_record_current",
            "record_id",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        Index("ix_dealflow_steps_startup", "startup_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("dealflow_records.id", ondelete="CASCADE"), index=True
    )
    startup_id: Mapped[int] = mapped_column(ForeignKey("startups.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The startup's answer.
    reply: Mapped[str] = mapped_column(String(500), default="")
    reply_link: Mapped[str] = mapped_column(String(300), default="")
    done: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    record: Mapped[DealRecord] = relationship(back_populates="steps")

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def addressed(self) -> bool:
        """Addressed to the startup (which sees and answers it)."""
        return self.step in STARTUP_STEPS

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
