"""The organisers' daily summary of the e-mails that could not be sent: once a day, when
any message failed for good in the last 24 hours, every active organiser is told how many
failed per event and of which kinds, with a link to each event's failures.

`queue_failure_summaries` records the messages (one per organiser and day: the key holds
both); the periodic job `eventhub.notifications.tasks.send_failure_summaries` calls it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import render_template
from flask_babel import ngettext
from sqlalchemy import select

from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.notifications.log import failures_since, kind_label
from eventhub.notifications.mailing import Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.routing import public_url

KIND = "organiser.mail_failures"
WINDOW = timedelta(hours=24)


def organisers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == "admin", User.is_active.is_(True)).order_by(User.id)
        )
    )


def queue_failure_summaries(now: datetime) -> int:
    """Record today's summary for every active organiser, if any message failed for good
    in the 24 hours before `now`; the caller commits. Returns how many were recorded (0
    when nothing failed, or when today's were recorded already)."""
    failures = failures_since(now - WINDOW)
    if not failures:
        return 0
    events = [{"event_id": entry.event_id, "kinds": entry.kinds} for entry in failures]
    day = now.date().isoformat()
    queued = 0
    for user in organisers():
        queued += queue_mail(
            KIND,
            key=f"{KIND}:{user.id}:{day}",
            to=user.email,
            language=user.preferred_language,
            params={"user_id": user.id, "since": (now - WINDOW).isoformat(), "events": events},
        )
    return queued


def _sections(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each event's failures as the message shows them (events deleted since are left out)."""
    sections = []
    for entry in entries:
        kinds = [(kind_label(kind), count) for kind, count in entry.get("kinds", {}).items()]
        section: dict[str, Any] = {"failed": sum(count for _kind, count in kinds), "kinds": kinds}
        event_id = entry.get("event_id")
        if event_id is not None:
            event = db.session.get(Event, event_id)
            if event is None:
                continue
            section["event"] = event
            section["url"] = public_url("mail_log.messages", slug=event.slug, status="failed")
        sections.append(section)
    return sections


@builds(KIND)
def failure_summary_mail(message: MailMessage) -> Mail | None:
    user = db.session.get(User, message.params.get("user_id"))
    if user is None or not user.is_active or user.role != "admin":
        return None
    sections = _sections(message.params.get("events", []))
    if not sections:
        return None
    total = sum(section["failed"] for section in sections)
    subject = ngettext(
        "%(num)d e-mail could not be sent in the last 24 hours",
        "%(num)d e-mails could not be sent in the last 24 hours",
        total,
    )
    text = render_template(
        "notifications/mail_failures.txt", user=user, sections=sections, total=total
    )
    return Mail(subject=subject, text=text)
