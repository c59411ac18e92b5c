"""Events, their zones and attendee categories."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.content_languages import CONTENT_LANGUAGES, Translatable
from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

EVENT_KINDS = ("expo", "demo_day")
EVENT_STATUSES = ("draft", "published", "archived")
DEFAULT_TIMEZONE = "Africa/Casablanca"
SUMMARY_LENGTH = 280

category_zones = Table(
    "category_zones",
    db.metadata,
    Column(
        "category_id",
        ForeignKey("attendee_categories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class Event(Translatable, db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"main_language IN {CONTENT_LANGUAGES!r}", name="main_language_known"),
        CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind_known"),
        CheckConstraint(f"status IN {EVENT_STATUSES!r}", name="status_known"),
        CheckConstraint("last_day >= first_day", name="days_ordered"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("offer_hold_hours > 0", name="offer_hold_hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # A line or two for the lists of events; `description` is the long text of its page.
    summary: Mapped[str] = mapped_column(String(SUMMARY_LENGTH), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(160))
    # The language the organiser writes the texts in; other languages are translations.
    main_language: Mapped[str] = mapped_column(String(2), default="fr", server_default="fr")
    city: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]
    # How long a freed place offered to the waiting list is held before the next is offered.
    offer_hold_hours: Mapped[int] = mapped_column(default=48)
    # Double opt-in: a public registration holds no place until its address is confirmed by
    # the link e-mailed to it (eventhub/registration/optin.py).
    requires_email_confirmation: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The organiser's privacy notice for registrants, one text per language ("": none;
    # the page falls back to another language, then to the platform's notice).
    privacy_text_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    privacy_text_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    privacy_text_ar: Mapped[str] = mapped_column(Text, default="", server_default="")

    zones: Mapped[list[Zone]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Zone.name"
    )
    categories: Mapped[list[AttendeeCategory]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="(AttendeeCategory.position, AttendeeCategory.id)",
    )

    TRANSLATED_FIELDS = ("name", "summary", "description", "venue")

    @property
    def source_language(self) -> str:
        return self.main_language or "fr"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=i) for i in range(count)]

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """The instants (UTC) where `day` begins and ends in the event's time zone."""
        start = datetime.combine(day, time(), self.tz)
        end = datetime.combine(day + timedelta(days=1), time(), self.tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC moment in the event's time zone."""
        return moment.astimezone(self.tz)

    def registration_state(self, now: datetime) -> str:
        """`not_yet`, `open` or `closed` at the UTC moment `now`."""
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"

    @property
    def public_categories(self) -> list[AttendeeCategory]:
        return [category for category in self.categories if category.is_public]

    @classmethod
    def select_published(cls):
        return select(cls).where(cls.status == "published").order_by(cls.first_day, cls.name)

    @classmethod
    def select_published_upcoming(cls, today: date):
        return (
            select(cls)
            .where(cls.status == "published", cls.last_day >= today)
            .order_by(cls.first_day, cls.name)
        )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Zone(Translatable, db.Model):
    """An area of the venue with its own access rule: a hall, the VIP lounge, the demo stage."""

    __tablename__ = "zones"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(240), default="")
    # How many people may be inside at once (its safety capacity); None: no limit.
    capacity: Mapped[int | None] = mapped_column()

    event: Mapped[Event] = relationship(back_populates="zones")

    TRANSLATED_FIELDS = ("name", "description")


class AttendeeCategory(Translatable, db.Model):
    """Visitor, exhibitor, investor, press, speaker, VIP, staff… and where and when they may go.

    No days listed means every day of the event; no zones listed means every zone.
    """

    __tablename__ = "attendee_categories"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    colour: Mapped[str] = mapped_column(String(7), default="#1f6feb")
    is_public: Mapped[bool] = mapped_column(default=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="categories")

    TRANSLATED_FIELDS = ("name",)
    zones: Mapped[list[Zone]] = relationship(secondary=category_zones, order_by="Zone.name")
    day_rows: Mapped[list[CategoryDay]] = relationship(
        cascade="all, delete-orphan", order_by="CategoryDay.day"
    )

    @property
    def days(self) -> list[date]:
        return [row.day for row in self.day_rows]

    def set_days(self, days: list[date]) -> None:
        wanted = set(days)
        self.day_rows = [row for row in self.day_rows if row.day in wanted]
        kept = {row.day for row in self.day_rows}
        self.day_rows.extend(CategoryDay(day=day) for day in sorted(wanted - kept))

    def may_enter_on(self, day: date) -> bool:
        return not self.day_rows or day in self.days

    def may_enter_zone(self, zone_id: int | None) -> bool:
        return zone_id is None or not self.zones or any(z.id == zone_id for z in self.zones)


class CategoryDay(db.Model):
    __tablename__ = "category_days"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("attendee_categories.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
