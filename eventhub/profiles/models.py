"""Startup and investor profiles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.auth.models import User


class Startup(db.Model):
    __tablename__ = "startups"
    __table_args__ = (
        CheckConstraint("round_size_eur IS NULL OR round_size_eur > 0", name="round_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    sector: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(20))
    programme: Mapped[str] = mapped_column(String(60), default="")
    city_site: Mapped[str] = mapped_column(String(60), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    pitch: Mapped[str] = mapped_column(Text, default="")
    # The round the startup is raising, in euros; None: not raising, or not said.
    round_size_eur: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The member who may invite and remove teammates and hand the ownership on.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True)
    )

    members: Mapped[list[User]] = relationship(
        back_populates="startup", order_by="User.name", foreign_keys="User.startup_id"
    )
    # post_update: the owner's startup_id and this row point at each other.
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], post_update=True)

    def __repr__(self) -> str:
        return f"<Startup {self.name}>"


class Investor(db.Model):
    __tablename__ = "investors"
    __table_args__ = (
        CheckConstraint(
            "ticket_min_eur IS NULL OR ticket_max_eur IS NULL OR ticket_max_eur >= ticket_min_eur",
            name="ticket_range_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The owner of the firm's account; its teammates are `members` (users.investor_id).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    fund: Mapped[str] = mapped_column(String(120))
    ticket_min_eur: Mapped[int | None]
    ticket_max_eur: Mapped[int | None]
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    members: Mapped[list[User]] = relationship(
        back_populates="investor",
        order_by="User.name",
        foreign_keys="User.investor_id",
        post_update=True,
    )

    @property
    def name(self) -> str:
        return self.user.name

    def __repr__(self) -> str:
        return f"<Investor {self.fund}>"
