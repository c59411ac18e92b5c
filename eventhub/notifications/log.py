"""The organiser's mail log: an event's messages and how their sending went, the counts
per status, the messages waiting long, sending again; and the failures of the last day
for the organisers' daily summary.

A big show has 100,000 messages, so the list is read a page at a time by keyset (the
position of the last message shown, never an OFFSET), and every query walks the index
on (event_id, status, created_at): one query per status, each taking at most a page of
that status's newest messages in the index's order, merged here. On PostgreSQL each is a
backward scan of that index that stops after a page (see tests/notifications/test_log.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select

from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import contains_text, counts_by_status, search_text
from eventhub.notifications.mailing import registered_kinds, resend
from eventhub.notifications.models import MAIL_STATUSES, MailMessage

PAGE_SIZE = 50
# A queued message no job has tried this long after it was due: no worker is taking
# messages (the job service or its broker is down). The sweep queues them every minute.
STUCK_AFTER = timedelta(minutes=15)
# Messages an organiser may send again: one that failed, or one sent to a wrong inbox.
RESENDABLE = ("failed", "sent")
# "Resend all failed" takes at most this many per click, to keep the request short.
RESEND_BATCH = 5000
SEARCH_MAX_LENGTH = 100


class MailLogError(DomainError):
    pass


def kind_labels() -> dict[str, Any]:
    """What each kind of message is, in the organiser's words (an unknown kind is shown
    by its code)."""
    return {
        "registration.confirmed": _l("Registration confirmed, with the badge"),
        "registration.waitlisted": _l("Placed on the waiting list"),
        "registration.cancelled": _l("Registration cancelled"),
        "registration.badge_reissued": _l("New badge"),
        "registration.offered": _l("Place offered from the waiting list"),
        "registration.offer_expired": _l("Offered place expired"),
        "registration.reminder": _l("Reminder the day before"),
        "booth.placement": _l("Booth assigned, moved or released"),
        "booth.application_received": _l("Booth application received"),
        "booth.application_approved": _l("Booth application approved"),
        "booth.application_rejected": _l("Booth application declined"),
        "booth.application_waitlisted": _l("Booth application on the waiting list"),
        "meetings.booked": _l("Meeting booked"),
        "meetings.scheduled": _l("Meeting scheduled"),
        "meetings.cancelled": _l("Meeting cancelled"),
        "meetings.request_new": _l("New meeting request"),
        "meetings.request_answered": _l("Meeting request answered"),
        "meetings.agenda": _l("Morning agenda of meetings"),
        "organiser.mail_failures": _l("Daily summary of failed e-mails"),
    }


def kind_label(kind: str) -> str:
    return str(kind_labels().get(kind, kind))


def status_labels() -> dict[str, Any]:
    return {
        "queued": _l("Queued"),
        "sending": _l("Sending"),
        "sent": _l("Sent"),
        "failed": _l("Failed"),
        "skipped": _l("Skipped"),
    }


def kind_choices() -> list[tuple[str, str]]:
    """The kinds to filter by: every kind that has a builder, by its label."""
    return sorted(((kind, kind_label(kind)) for kind in registered_kinds()), key=lambda c: c[1])


@dataclass(frozen=True)
class LogFilters:
    """A search of the mail log: a status, a kind, text in the recipient (each may be
    empty). Values that mean nothing are no filter."""

    status: str | None = None
    kind: str | None = None
    q: str = ""

    @classmethod
    def read(cls, status: str | None, kind: str | None, q: str | None) -> LogFilters:
        text = search_text(q)[:SEARCH_MAX_LENGTH]
        return cls(
            status=status if status in MAIL_STATUSES else None,
            kind=kind if kind in registered_kinds() else None,
            q=text,
        )

    def query_args(self) -> dict[str, str]:
        """The filters as an address's query string."""
        args = {"status": self.status, "kind": self.kind, "q": self.q}
        return {name: value for name, value in args.items() if value}


@dataclass(frozen=True)
class Position:
    """Where a page starts: just older than (`older`) or just newer than this message."""

    message: MailMessage
    older: bool = True


@dataclass
class LogPage:
    messages: list[MailMessage] = field(default_factory=list)
    # The message to start the newer / older page from, when there is such a page.
    newer_than: int | None = None
    older_than: int | None = None


def position(event: Event, message_id: int | None, *, older: bool) -> Position | None:
    """The position of a page, from the id in its address; None (the first page) for a
    message that is not this event's."""
    if message_id is None:
        return None
    message = db.session.get(MailMessage, message_id)
    if message is None or message.event_id != event.id:
        return None
    return Position(message, older)


def _status_page(
    event: Event, status: str, filters: LogFilters, start: Position | None, limit: int
) -> Select:
    """At most `limit` messages of one status after `start`, in the index's order."""
    query = select(MailMessage).where(
        MailMessage.event_id == event.id, MailMessage.status == status
    )
    if filters.kind:
        query = query.where(MailMessage.kind == filters.kind)
    if filters.q:
        query = query.where(contains_text(filters.q, MailMessage.recipient))
    older = start is None or start.older
    if start is not None:
        at, number = start.message.created_at, start.message.id
        if older:
            # The first condition alone bounds the index scan; the second breaks ties.
            query = query.where(
                MailMessage.created_at <= at,
                or_(MailMessage.created_at < at, MailMessage.id < number),
            )
        else:
            query = query.where(
                MailMessage.created_at >= at,
                or_(MailMessage.created_at > at, MailMessage.id > number),
            )
    if older:
        order = (MailMessage.created_at.desc(), MailMessage.id.desc())
    else:
        order = (MailMessage.created_at.asc(), MailMessage.id.asc())
    return query.order_by(*order).limit(limit)


def log_page(
    event: Event,
    filters: LogFilters | None = None,
    start: Position | None = None,
    size: int | None = None,
) -> LogPage:
    """One page of the event's messages matching `filters`, newest first: the first page,
    or the page just older or just newer than `start`; `size` messages (PAGE_SIZE)."""
    filters = filters or LogFilters()
    size = size or PAGE_SIZE
    statuses = [filters.status] if filters.status else list(MAIL_STATUSES)
    older = start is None or start.older
    found: list[MailMessage] = []
    for status in statuses:
        found.extend(db.session.scalars(_status_page(event, status, filters, start, size + 1)))
    found.sort(key=lambda message: (message.created_at, message.id), reverse=older)
    if not found and start is not None:
        return log_page(event, filters, None, size)  # nothing past it any more: the start
    more = len(found) > size
    messages = found[:size]
    if not older:
        messages.reverse()
    page = LogPage(messages)
    if messages:
        if older:
            page.older_than = messages[-1].id if more else None
            page.newer_than = messages[0].id if start is not None else None
        else:
            page.newer_than = messages[0].id if more else None
            page.older_than = messages[-1].id
    return page


def status_counts(event: Event) -> dict[str, int]:
    """How many of the event's messages are in each status (every status named, 0 too)."""
    return counts_by_status(MailMessage.status, MAIL_STATUSES, MailMessage.event_id == event.id)


def is_stuck(message: MailMessage, now: datetime) -> bool:
    """Queued and no job took it long after it was due, or taken long ago by a job that
    never finished."""
    return message.status in ("queued", "sending") and message.due_at < now - STUCK_AFTER


def is_retrying(message: MailMessage, now: datetime) -> bool:
    """Queued after failed attempts, waiting for the next one."""
    return message.status == "queued" and message.attempts > 0 and not is_stuck(message, now)


@dataclass(frozen=True)
class Waiting:
    """The event's queued messages that wait long: `retrying` after failed attempts (the
    mail server refuses or cannot be reached), `stuck` with no job taking them."""

    retrying: int = 0
    stuck: int = 0

    @property
    def total(self) -> int:
        return self.retrying + self.stuck


def waiting_counts(event: Event, now: datetime) -> Waiting:
    stuck = MailMessage.due_at < now - STUCK_AFTER
    queued = MailMessage.status == "queued"
    row = db.session.execute(
        select(
            func.count().filter(and_(queued, MailMessage.attempts > 0, ~stuck)),
            func.count().filter(stuck),
        ).where(MailMessage.event_id == event.id, MailMessage.status.in_(("queued", "sending")))
    ).one()
    return Waiting(retrying=row[0] or 0, stuck=row[1] or 0)


# --- Sending again ------------------------------------------------------------------------


def event_message(event: Event, message_id: int) -> MailMessage | None:
    """The event's message, locked until the transaction ends (a job claims by a
    conditional update, which waits for the lock)."""
    return db.session.scalar(
        select(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.event_id == event.id)
        .with_for_update()
    )


def resend_message(message: MailMessage, seen_status: str | None = None) -> None:
    """Queue a failed or sent message again; the caller commits (then a job sends it).
    `seen_status`: the status the organiser saw, refused if the message has changed since
    (a second click on the same button must not send it twice)."""
    if seen_status is not None and seen_status != message.status:
        raise MailLogError(
            _l("This message has changed since the page was shown: look at it again."),
            "message_changed",
        )
    if message.status not in RESENDABLE:
        raise MailLogError(
            _l(
                "This message is %(status)s: only a failed or sent message can be sent again.",
                status=str(status_labels()[message.status]).lower(),
            ),
            "not_resendable",
        )
    resend(message)


@dataclass(frozen=True)
class Resent:
    count: int
    remaining: int


def resend_failed(event: Event, batch: int = RESEND_BATCH) -> Resent:
    """Queue again the event's failed messages, the oldest first, at most `batch` of
    them; the caller commits. Returns how many, and how many failed ones remain."""
    messages = db.session.scalars(
        select(MailMessage)
        .where(MailMessage.event_id == event.id, MailMessage.status == "failed")
        .order_by(MailMessage.created_at, MailMessage.id)
        .limit(batch)
        .with_for_update()
    ).all()
    for message in messages:
        resend(message)
    db.session.flush()
    return Resent(len(messages), status_counts(event)["failed"])


# --- The failures of the last day ---------------------------------------------------------


@dataclass(frozen=True)
class EventFailures:
    """How many of an event's messages (None: of no event) failed for good, by kind."""

    event_id: int | None
    kinds: dict[str, int]

    @property
    def failed(self) -> int:
        return sum(self.kinds.values())


def failures_since(since: datetime) -> list[EventFailures]:
    """The messages that failed for good since `since`, per event (by id, those of no
    event last). A failed message's `due_at` is when its last attempt was made (the job
    sets it when it claims the message), so this walks the (status, due_at) index."""
    rows = db.session.execute(
        select(MailMessage.event_id, MailMessage.kind, func.count())
        .where(MailMessage.status == "failed", MailMessage.due_at >= since)
        .group_by(MailMessage.event_id, MailMessage.kind)
    )
    per_event: dict[int | None, dict[str, int]] = defaultdict(dict)
    for event_id, kind, count in rows:
        per_event[event_id][kind] = count
    order = sorted(per_event, key=lambda event_id: (event_id is None, event_id or 0))
    return [
        EventFailures(event_id, dict(sorted(per_event[event_id].items()))) for event_id in order
    ]
