"""Telling people things by e-mail: each message recorded, then sent by a job, once.

A capability tells someone something with `queue_mail(kind, key=…, to=…, …)` in the
transaction of the change itself; nothing is sent if that transaction rolls back. Once it
commits, a job (`eventhub.notifications.tasks.send_mail`) claims the message, builds it
in the recipient's language with the builder registered for its kind (`@builds("…")`, in
the capability's own `mail.py`), and sends it through Flask-Mailman: SMTP with
MAIL_SERVER set, else a .eml file in the outbox folder. A failure is tried again with a
growing delay; a message that keeps failing is `failed`, shown to the organiser, who may
resend it.

Exactly once: the key is unique (the same notification queued twice is one row), and a
job sends only a message it claimed with an atomic conditional update (a job run twice
finds it claimed). The Message-ID comes from the key, the same on every attempt, so that
a mail server that did take a message whose answer was lost sees the retry for what it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from eventhub.extensions import db, mail
from eventhub.i18n import text_direction
from eventhub.jobs import enqueue
from eventhub.models_common import insert_ignoring_duplicates, utcnow
from eventhub.notifications.models import MAIL_KEY_LENGTH, MailMessage, MailOptOut

SEND_TASK = "eventhub.notifications.tasks.send_mail"
OUTBOX_BACKEND = "eventhub.notifications.outbox.EmailBackend"
# The ids queued in a session's transaction, queued as jobs once it commits.
_PENDING = "eventhub.mail_to_send"


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass
class Mail:
    """A message as its builder writes it, in the recipient's language."""

    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    # Shown as the sender's name (the event's name), before MAIL_DEFAULT_SENDER's address.
    sender_name: str | None = None
    # More headers, such as List-Unsubscribe on an optional message.
    extra_headers: dict[str, str] = field(default_factory=dict)


Builder = Callable[[MailMessage], Mail | None]
_BUILDERS: dict[str, Builder] = {}
_TOPICS: dict[str, str] = {}


def builds(kind: str, *, topic: str | None = None) -> Callable[[Builder], Builder]:
    """Register the builder of `kind`; it returns the Mail, or None when there is nothing
    left to tell (the registration is gone). A `topic` makes the kind optional: a person
    who turned that topic off is not sent it."""

    def register(builder: Builder) -> Builder:
        _BUILDERS[kind] = builder
        if topic is not None:
            _TOPICS[kind] = topic
        return builder

    return register


def registered_kinds() -> list[str]:
    return sorted(_BUILDERS)


def topic_of(kind: str) -> str | None:
    return _TOPICS.get(kind)


def is_opted_out(email: str, topic: str) -> bool:
    return (
        db.session.scalar(
            select(MailOptOut.id).where(
                MailOptOut.email == email.lower(), MailOptOut.topic == topic
            )
        )
        is not None
    )


def queue_mail(
    kind: str,
    *,
    key: str,
    to: str,
    language: str | None,
    event_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> bool:
    """Record a message to send once the session's transaction commits. False when a
    message with this key was already recorded (told already: nothing more is sent) or
    when the recipient turned this kind of message off."""
    if kind not in _BUILDERS:
        raise LookupError(f"No builder for mail kind {kind!r}")
    topic = topic_of(kind)
    if topic is not None and is_opted_out(to, topic):
        return False
    values = {
        "key": key[:MAIL_KEY_LENGTH],
        "kind": kind,
        "event_id": event_id,
        "recipient": to,
        "language": language or current_app.config["BABEL_DEFAULT_LOCALE"],
        "params": params or {},
        "status": "queued",
        "attempts": 0,
        "subject": "",
        "last_error": "",
        "created_at": utcnow(),
        "due_at": utcnow(),
    }
    statement = insert_ignoring_duplicates(MailMessage).values(values).returning(MailMessage.id)
    message_id = db.session.execute(statement).scalar()
    if message_id is None:
        return False
    db.session.info.setdefault(_PENDING, []).append(message_id)
    return True


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    for message_id in session.info.pop(_PENDING, []):
        enqueue(SEND_TASK, message_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class Attempt:
    """What became of one attempt: `retry_in` seconds when it should be tried again."""

    status: str
    retry_in: float | None = None


def claim(message_id: int, now: datetime) -> bool:
    """Take the message for this attempt, if it is queued and due: one job wins."""
    claimed = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.id == message_id,
            MailMessage.status == "queued",
            MailMessage.due_at <= now + timedelta(seconds=1),
        )
        .values(status="sending", attempts=MailMessage.attempts + 1, due_at=now)
    )
    db.session.commit()
    return claimed.rowcount == 1


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: doubling, at most 1 h."""
    first = float(current_app.config["MAIL_RETRY_SECONDS"])
    return min(first * 2 ** (attempts - 1), 3600.0)


def send_message(message_id: int) -> Attempt:
    """One attempt at sending the message, if this job can claim it."""
    now = utcnow()
    if not claim(message_id, now):
        return Attempt("not_claimed")
    message = db.session.get(MailMessage, message_id)
    assert message is not None  # claimed just now
    try:
        built = build(message)
        if built is None:
            return _finish(message, "skipped")
        message.subject = built.subject[:300]
        _send(message, built)
    except Exception as error:  # any failure: recorded, then tried again
        current_app.logger.warning("Sending mail %s failed: %s", message.key, error)
        return _failed_attempt(message, error)
    return _finish(message, "sent")


def build(message: MailMessage) -> Mail | None:
    topic = topic_of(message.kind)
    if topic is not None and is_opted_out(message.recipient, topic):
        return None
    with force_locale(message.language):
        return _BUILDERS[message.kind](message)


def _finish(message: MailMessage, status: str) -> Attempt:
    message.status = status
    message.last_error = ""
    if status == "sent":
        message.sent_at = utcnow()
    db.session.commit()
    return Attempt(status)


def _failed_attempt(message: MailMessage, error: Exception) -> Attempt:
    db.session.rollback()
    message = db.session.get(MailMessage, message.id)
    assert message is not None
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        db.session.commit()
        return Attempt("failed")
    delay = retry_delay(message.attempts)
    message.status = "queued"
    message.due_at = utcnow() + timedelta(seconds=delay)
    db.session.commit()
    return Attempt("queued", retry_in=delay)


def message_id_header(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "eventhub.local"
    return f"<{digest}@{domain}>"


def sender(name: str | None) -> str:
    configured = current_app.config["MAIL_DEFAULT_SENDER"]
    if not name:
        return configured
    return formataddr((name, parseaddr(configured)[1]))


def _send(message: MailMessage, built: Mail) -> None:
    email = EmailMultiAlternatives(
        subject=built.subject,
        body=built.text,
        from_email=sender(built.sender_name),
        to=[address.strip() for address in message.recipient.split(",") if address.strip()],
        headers={
            "Message-ID": message_id_header(message.key),
            "Content-Language": message.language,
            **built.extra_headers,
        },
        connection=connection(),
    )
    email.attach_alternative(built.html or html_from_text(built, message.language), "text/html")
    for attachment in built.attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    email.send()


def html_from_text(built: Mail, language: str) -> str:
    """The HTML part of a message written as text only: its paragraphs, links made
    clickable, in the language's direction (right to left for Arabic)."""
    paragraphs = [block.splitlines() for block in built.text.strip().split("\n\n") if block.strip()]
    return render_template(
        "notifications/mail_layout.html",
        language=language,
        direction=text_direction(language),
        subject=built.subject,
        paragraphs=paragraphs,
        sender_name=built.sender_name,
    )


def connection() -> Any:
    """Flask-Mailman's SMTP connection with MAIL_SERVER set, else the outbox folder's."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return mail.get_connection(backend=OUTBOX_BACKEND)
    return mail.get_connection(
        backend="smtp",
        host=config["MAIL_SERVER"],
        port=int(config["MAIL_PORT"]),
        username=config.get("MAIL_USERNAME") or "",
        password=config.get("MAIL_PASSWORD") or "",
        use_tls=bool(config.get("MAIL_USE_TLS")),
        timeout=config["MAIL_TIMEOUT"],
    )


def resend(message: MailMessage) -> None:
    """Queue a failed (or sent, or skipped) message again, as new; the caller commits."""
    message.status = "queued"
    message.attempts = 0
    message.last_error = ""
    message.due_at = utcnow()
    db.session.info.setdefault(_PENDING, []).append(message.id)


def requeue_stalled(now: datetime) -> int:
    """Queue again what no job is working on: queued messages past due (their job was
    never queued, the broker being down, or was lost), and messages claimed long ago by
    a job that never finished (MAIL_STALLED_AFTER_SECONDS ago). Returns how many."""
    stalled_after = timedelta(seconds=current_app.config["MAIL_STALLED_AFTER_SECONDS"])
    stalled = db.session.scalars(
        select(MailMessage.id).where(
            or_(
                (MailMessage.status == "queued")
                & (MailMessage.due_at < now - timedelta(minutes=1)),
                (MailMessage.status == "sending") & (MailMessage.due_at < now - stalled_after),
            )
        )
    ).all()
    if not stalled:
        return 0
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.id.in_(stalled), MailMessage.status == "sending")
        .values(status="queued", due_at=now)
    )
    db.session.info.setdefault(_PENDING, []).extend(stalled)
    db.session.commit()
    return len(stalled)
