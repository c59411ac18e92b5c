"""Exhibitor booths: halls, booths on the floor plan, and startups' booth applications.

Database guards:
- a booth code is unique per event (`uq_booths_event_id_code`), a hall name per event;
- one application per startup per event (`uq_booth_applications_event_id_startup_id`);
- one booth per application: `booths.application_id` is unique (`uq_booths_application_id`);
- a booth is `allocated` exactly when it holds an application, and only an allocated
  booth can be pinned (check constraints), so the status can never disagree with it;
- taking a free booth is a conditional `UPDATE … WHERE status = 'available'` with a
  row-count check (see `eventhub.booths.holding`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.booths.allocator import KINDS, STATUSES
from eventhub.content_languages import Translatable
from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.auth.models import User
    from eventhub.events.models import Event, Zone
    from eventhub.profiles.models import Startup

BOOTH_KINDS = KINDS  # standard, corner, island, pod
BOOTH_STATUSES = STATUSES  # available, held, allocated, blocked
PRICE_TIERS = ("economy", "standard", "premium")
APPLICATION_STATUSES = ("pending", "approved", "waitlisted", "rejected")


class Hall(Translatable, db.Model):
    """An exhibition hall: a rectangle of `width` × `depth` metres, origin at its top left."""

    __tablename__ = "halls"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        CheckConstraint("width > 0 AND depth > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    width: Mapped[float] = mapped_column(Float)
    depth: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(default=0)
    # The event zone (access rule) the hall belongs to, if any.
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    # Open for self-service: approved startups pick their own free booth here.
    self_service: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    zone: Mapped[Zone | None] = relationship()
    booths: Mapped[list[Booth]] = relationship(
        back_populates="hall", cascade="all, delete-orphan", order_by="Booth.code"
    )

    TRANSLATED_FIELDS = ("name",)

    @property
    def area(self) -> float:
        return self.width * self.depth

    def __repr__(self) -> str:
        return f"<Hall {self.name}>"


class Booth(db.Model):
    """A booth: `x, y` is its top-left corner in metres within its hall."""

    __tablename__ = "booths"
    __table_args__ = (
        UniqueConstraint("event_id", "code"),
        UniqueConstraint("application_id"),
        CheckConstraint("width > 0 AND depth > 0", name="size_positive"),
        CheckConstraint("x >= 0 AND y >= 0", name="position_positive"),
        CheckConstraint(f"kind IN {BOOTH_KINDS!r}", name="kind_known"),
        CheckConstraint(f"status IN {BOOTH_STATUSES!r}", name="status_known"),
        CheckConstraint(
            "(status = 'allocated' AND application_id IS NOT NULL)"
            " OR (status <> 'allocated' AND application_id IS NULL)",
            name="allocated_has_application",
        ),
        CheckConstraint("pinned = false OR application_id IS NOT NULL", name="pin_needs_exhibitor"),
        Index("ix_booths_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    width: Mapped[float] = mapped_column(Float)
    depth: Mapped[float] = mapped_column(Float)
    # The sector zone of the plan (a code of eventhub.profiles.vocabulary.SECTORS), or none.
    zone: Mapped[str | None] = mapped_column(String(40))
    price_tier: Mapped[str] = mapped_column(String(20), default="standard")
    kind: Mapped[str] = mapped_column(String(16), default="standard")
    status: Mapped[str] = mapped_column(String(16), default="available")
    # No ON DELETE action: an application holding a booth cannot be deleted on its own
    # (release the booth first); deleting the whole event removes both together.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("booth_applications.id"))
    pinned: Mapped[bool] = mapped_column(default=False)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    hall: Mapped[Hall] = relationship(back_populates="booths")
    application: Mapped[BoothApplication | None] = relationship(back_populates="booth")

    TRANSLATED_FIELDS = ("name",)

    @property
    def area(self) -> float:
        return round(self.width * self.depth, 2)

    @property
    def exhibitor(self) -> Startup | None:
        return self.application.startup if self.application is not None else None

    def __repr__(self) -> str:
        return f"<Booth {self.code} {self.status}>"


class BoothApplication(db.Model):
    """A startup's request for a booth at an expo; one per startup per event."""

    __tablename__ = "booth_applications"
    __table_args__ = (
        UniqueConstraint("event_id", "startup_id"),
        CheckConstraint(f"status IN {APPLICATION_STATUSES!r}", name="status_known"),
        CheckConstraint(f"kind IN {BOOTH_KINDS!r}", name="kind_known"),
        CheckConstraint("area_wanted > 0", name="area_positive"),
        Index("ix_booth_applications_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="standard")
    area_wanted: Mapped[float] = mapped_column(Float)
    # Sector zones in order of preference, and booth codes in order of preference.
    preferred_zones: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_booths: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Copied from the startup's profile when it applies.
    programme: Mapped[str] = mapped_column(String(60), default="")
    city_site: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    startup: Mapped[Startup] = relationship()
    decided_by: Mapped[User | None] = relationship()
    booth: Mapped[Booth | None] = relationship(back_populates="application", uselist=False)

    def __repr__(self) -> str:
        return f"<BoothApplication {self.id} {self.status}>"
