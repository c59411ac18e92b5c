"""Door check-in: gates, and every scan recorded, with one admission per badge per day."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.content_languages import Translatable
from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.events.models import Event, Zone
    from eventhub.registration.models import Registration

# Column lengths: the API refuses longer input, the scan stores at most these.
GATE_NAME_LENGTH = 60
SCAN_CODE_LENGTH = 80
DEVICE_LENGTH = 120
SCAN_NOTE_LENGTH = 200

SCAN_RESULTS = (
    "admitted",
    "reentered",
    "exited",
    "already_inside",
    "zone_full",
    "not_today",
    "zone_not_allowed",
    "revoked",
    "unknown",
    "malformed",
)


GATE_DIRECTIONS = ("entry", "exit")
# scans.zone_key of a gate with no zone: the venue in general.
VENUE = 0


class Gate(Translatable, db.Model):
    """A door where badges are scanned; it leads into a zone (None: the venue in general),
    or out of it when its direction is `exit`."""

    __tablename__ = "gates"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        CheckConstraint(f"direction IN {GATE_DIRECTIONS!r}", name="direction_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(GATE_NAME_LENGTH))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(5), default="entry", server_default="entry")

    event: Mapped[Event] = relationship()
    zone: Mapped[Zone | None] = relationship()

    TRANSLATED_FIELDS = ("name",)

    @property
    def is_exit(self) -> bool:
        return self.direction == "exit"


class Scan(db.Model):
    """Every scan at a gate, whatever its result; an `admitted` scan is the badge's first
    entry into its zone for its day.

    Unique indexes are the guards: at most one `admitted` scan per badge per zone per day
    (a partial index), one scan per client nonce, so that a retry is recorded once, and
    one scan following each movement (`follows_scan_id`): an exit closes one entry, a
    re-entry follows one exit, so two gates cannot both let the same person out or back in.
    """

    __tablename__ = "scans"
    __table_args__ = (
        UniqueConstraint("event_id", "nonce"),
        Index(
            "uq_scans_one_admission_per_day",
            "registration_id",
            "day",
            "zone_key",
            unique=True,
            sqlite_where=text("result = 'admitted'"),
            postgresql_where=text("result = 'admitted'"),
        ),
        CheckConstraint(f"result IN {SCAN_RESULTS!r}", name="result_known"),
        Index("ix_scans_event_time", "event_id", "scanned_at"),
        Index("ix_scans_event_recorded", "event_id", "recorded_at"),
        Index("ix_scans_zone_day", "event_id", "day", "zone_key", "result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    gate: Mapped[str] = mapped_column(String(GATE_NAME_LENGTH))
    result: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(SCAN_CODE_LENGTH))
    nonce: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    device: Mapped[str] = mapped_column(String(DEVICE_LENGTH), default="")
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date | None] = mapped_column(Date)  # in the event's time zone
    # A check-in by hand at the help desk (user_id: who), with its reason.
    manual: Mapped[bool] = mapped_column(default=False, server_default=false())
    note: Mapped[str] = mapped_column(String(SCAN_NOTE_LENGTH), default="", server_default="")
    # The zone the gate leads into or out of, VENUE for none. A plain number, not a foreign
    # key: the admission index needs a value that is never NULL, and a deleted zone's
    # history keeps its number.
    zone_key: Mapped[int] = mapped_column(default=VENUE, server_default=text("0"))
    # The entry an exit closes, or the exit a re-entry follows (unique: see above).
    follows_scan_id: Mapped[int | None] = mapped_column(
        ForeignKey("scans.id", ondelete="SET NULL"), unique=True
    )
    # When the server wrote the row; scanned_at is when the badge was scanned, earlier for
    # a scan queued offline. Door lists sync on this.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A scan decided offline by a scanner from its door list, and what it showed then.
    offline: Mapped[bool] = mapped_column(default=False, server_default=false())
    offline_result: Mapped[str | None] = mapped_column(String(20))
    # A full zone's entry let through by the staff member (recorded as admitted).
    override: Mapped[bool] = mapped_column(default=False, server_default=false())

    registration: Mapped[Registration | None] = relationship()
