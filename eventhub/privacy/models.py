"""Personal data: each event's privacy settings, the append-only log of consents, and the
registrations erased at their holder's request.

- `event_privacy`: one row per event (made on first use): the notice's version, bumped
  whenever the organiser changes what the notice says, the CNDP declaration number, how
  many months personal data is kept after the event's last day, and when the retention
  job last anonymised the event.
- `privacy_consent_events`: one row per consent given or withdrawn, never updated: which
  notice version, in which language, and when. The current state of a consent is its
  latest row.
- `privacy_erasures`: one row per registration anonymised at its holder's request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

CONSENT_KINDS = ("privacy_notice", "exhibitors", "news")
DEFAULT_RETENTION_MONTHS = 12
MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120
CNDP_LENGTH = 60


class EventPrivacy(db.Model):
    __tablename__ = "event_privacy"
    __table_args__ = (
        CheckConstraint(
            f"retention_months >= {MIN_RETENTION_MONTHS} "
            f"AND retention_months <= {MAX_RETENTION_MONTHS}",
            name="retention_range",
        ),
        CheckConstraint("notice_version > 0", name="notice_version_positive"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    notice_version: Mapped[int] = mapped_column(default=1)
    notice_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cndp_declaration: Mapped[str] = mapped_column(String(CNDP_LENGTH), default="")
    retention_months: Mapped[int] = mapped_column(default=DEFAULT_RETENTION_MONTHS)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsentEvent(db.Model):
    __tablename__ = "privacy_consent_events"
    __table_args__ = (
        CheckConstraint(f"kind IN {CONSENT_KINDS!r}", name="kind_known"),
        Index("ix_privacy_consent_events_registration_kind", "registration_id", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool]
    notice_version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Erasure(db.Model):
    __tablename__ = "privacy_erasures"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
