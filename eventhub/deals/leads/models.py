"""Leads: a visitor whose badge a startup's team scanned at its booth during an expo.

Database guards:
- one lead per startup per registration per event (`uq_leads_event_id_startup_id_
  registration_id`): a second scan, from the same phone or another teammate's at the same
  instant, finds the lead already there (INSERT … ON CONFLICT DO NOTHING) and counts the
  scan on it instead of adding a row (see eventhub/deals/leads/capture.py);
- the rating is 1 to 5 or none (`ck_leads_rating_range`).

A lead holds no personal data of its own: the visitor's name, organisation, e-mail and job
title stay in their registration and are read through it only while the visitor agrees
(`registrations.exhibitor_consent_at`), see eventhub/deals/leads/contacts.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.registration.models import Registration

NOTE_LENGTH = 2000
TAGS_LENGTH = 400
RATINGS = (1, 2, 3, 4, 5)


class Lead(db.Model):
    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("event_id", "startup_id", "registration_id"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        CheckConstraint("scan_count > 0", name="scan_count_positive"),
        Index("ix_leads_event_startup_scanned", "event_id", "startup_id", "last_scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    # The teammate who scanned first; kept when their account goes.
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    first_scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scan_count: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None]
    # Tags as typed, separated by commas ("ai, follow up"): searched as text.
    tags: Mapped[str] = mapped_column(String(TAGS_LENGTH), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    def __repr__(self) -> str:
        return f"<Lead {self.id} startup={self.startup_id} registration={self.registration_id}>"


def split_tags(text: str | None) -> list[str]:
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]
