"""Accounts: users with a role, API tokens for scanner devices, the audit log."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from eventhub.events.models import Event
    from eventhub.profiles.models import Investor, Startup

ROLES = ("admin", "staff", "startup", "investor")

# What an API token may do (see eventhub/auth/scopes.py): `door`, one event's check-in and
# door list; `read`, reading event data; `organiser`, everything its account's role allows.
TOKEN_SCOPES = ("door", "read", "organiser")

# Where an account stands, apart from being deactivated (is_active):
# invited      an organiser or a teammate invited the person, who has not set a password yet;
# unverified   signed up from the public site, the address not confirmed yet;
# pending      signed up and confirmed, waiting for an organiser's approval;
# active       may sign in and use what its role allows;
# rejected     an organiser turned the sign-up down (review_note says why).
USER_STATUSES = ("invited", "unverified", "pending", "active", "rejected")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint(f"status IN {USER_STATUSES!r}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    startup_id: Mapped[int | None] = mapped_column(
        ForeignKey("startups.id", ondelete="SET NULL"), index=True
    )
    # What the browser's session and "remember me" cookie hold instead of the user id (see
    # Flask-Login's alternative tokens): signing out, a password change or a deactivation
    # draws a new one, which ends every other session of the account at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    # The investor firm the account belongs to (its owner is investors.user_id).
    investor_id: Mapped[int | None] = mapped_column(
        ForeignKey("investors.id", ondelete="SET NULL", use_alter=True), index=True
    )
    # A sign-up: the event it was made for, and the organiser's decision.
    signup_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL")
    )
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Two-factor sign-in: the TOTP secret (base32), set up once enabled_at is set, and the
    # last time step accepted, so that a code is not accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]

    startup: Mapped[Startup | None] = relationship(
        back_populates="members", foreign_keys=[startup_id]
    )
    # post_update: the firm's owner row and the owner's investor_id point at each other.
    investor: Mapped[Investor | None] = relationship(
        back_populates="members", foreign_keys=[investor_id], post_update=True
    )
    reviewed_by: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[reviewed_by_id])

    @property
    def is_approved(self) -> bool:
        """May use what its role allows (book, apply, see contact details)."""
        return self.status == "active"

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


ACCOUNT_TOKEN_PURPOSES = ("password_reset", "email_change", "invitation", "email_verification")


class AccountToken(db.Model):
    """A link sent by e-mail that grants something once (reset a password, confirm a new
    address, accept an invitation): random, only its SHA-256 stored, expiring, single use."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint(f"purpose IN {ACCOUNT_TOKEN_PURPOSES!r}", name="purpose_known"),
        Index("ix_account_tokens_user_purpose", "user_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # For an e-mail change: the address to confirm.
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """An invitation to an account: by an organiser (one person or a cohort) or by a
    teammate. Its link is an AccountToken (purpose "invitation"); resending draws a new
    link and moves expires_at."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_count: Mapped[int] = mapped_column(default=1)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app. Only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlatformSetting(db.Model):
    """A setting the organisers change from their pages (not the deployment's config),
    for example whether organisers and door staff must use two-factor sign-in."""

    __tablename__ = "platform_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ApiToken(db.Model):
    """A bearer token for a device (a gate scanner). Only its SHA-256 is stored. Its scope
    and, when set, its event bound what it may do (eventhub/auth/scopes.py)."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(f"scope IN {TOKEN_SCOPES!r}", name="scope_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    event: Mapped[Event | None] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AuditEntry(db.Model):
    """Who did what sensitive thing, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
