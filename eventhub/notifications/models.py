"""Every e-mail EventHub sends, as a row: what it is, to whom, and how its sending went.

A message is recorded (status `queued`) in the transaction of the change it tells about,
and sent by a job after that transaction commits. Its `key` names the notification
("registration 42 confirmed", "meeting 7 accepted"): unique, so that telling the same
thing twice records nothing more, and the job claims the row before it sends, so that a
job run twice sends once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

# queued: waiting for a job (also between attempts); sending: claimed by a job;
# sent: accepted by the mail server (or written to the outbox); failed: gave up, an
# organiser may resend; skipped: nothing left to tell (the registration was deleted,
# the person turned this kind of message off).
MAIL_STATUSES = ("queued", "sending", "sent", "failed", "skipped")
MAIL_KEY_LENGTH = 200
# The optional messages a person may turn off; confirmations and changes always go.
OPT_OUT_TOPICS = ("reminders", "agenda")


class MailMessage(db.Model):
    __tablename__ = "mail_messages"
    __table_args__ = (
        CheckConstraint(f"status IN {MAIL_STATUSES!r}", name="status_known"),
        Index("ix_mail_messages_event_status", "event_id", "status", "created_at"),
        Index("ix_mail_messages_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(MAIL_KEY_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(1000))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    # What the message's builder needs (ids, a reason): the message is built when sent.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # queued: when the next attempt is due; sending: when it was claimed.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<MailMessage {self.key} {self.status}>"


class MailOptOut(db.Model):
    """A person (by e-mail address) who turned off one topic of optional messages."""

    __tablename__ = "mail_opt_outs"
    __table_args__ = (
        UniqueConstraint("email", "topic"),
        CheckConstraint(f"topic IN {OPT_OUT_TOPICS!r}", name="topic_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    topic: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
