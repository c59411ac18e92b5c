"""What attendees are told by e-mail about their registration: confirmed (the badge
attached), waitlisted, cancelled; text and HTML in the attendee's language.

`notify_status` records the message in the caller's transaction (see
eventhub/notifications/mailing.py); a job builds and sends it once that commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import render_template
from flask_babel import gettext as _

from eventhub.badges.documents import badge_pdf
from eventhub.extensions import db
from eventhub.notifications.mailing import Attachment, Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.registration.models import Registration
from eventhub.registration.register import waitlist_position
from eventhub.routing import public_url

STATUS_KINDS = {
    "confirmed": "registration.confirmed",
    "waitlisted": "registration.waitlisted",
    "cancelled": "registration.cancelled",
}


def _moment(registration: Registration) -> datetime | None:
    """When the registration came to its status: each new status is a new message."""
    if registration.status == "confirmed":
        return registration.confirmed_at
    if registration.status == "cancelled":
        return registration.cancelled_at
    return registration.created_at


def notify_status(registration: Registration) -> bool:
    """Tell the attendee the registration's current status; the caller commits."""
    kind = STATUS_KINDS.get(registration.status)
    if kind is None:
        return False
    db.session.flush()
    moment = _moment(registration)
    stamp = moment.isoformat() if moment is not None else "-"
    return queue_mail(
        kind,
        key=f"{kind}:{registration.id}:{stamp}",
        to=registration.email,
        language=registration.language,
        event_id=registration.event_id,
        params={"registration_id": registration.id},
    )


def notify_statuses(registrations: Iterable[Registration]) -> int:
    """notify_status for each; returns how many messages were recorded."""
    return sum(1 for registration in registrations if notify_status(registration))


def _registration(message: MailMessage) -> Registration | None:
    return db.session.get(Registration, message.params.get("registration_id"))


def _status_mail(message: MailMessage, status: str) -> Mail | None:
    registration = _registration(message)
    if registration is None:
        return None
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "manage_url": public_url("registration.manage", token=registration.manage_token),
        "badge_url": public_url("badges.attendee_badge", token=registration.manage_token),
        "event_url": public_url("events.event_page", slug=event.slug),
        "position": waitlist_position(registration),
        "status": status,
    }
    if status == "confirmed":
        subject = _("Your badge for %(event)s", event=event.name)
    elif status == "waitlisted":
        subject = _("You are on the waiting list for %(event)s", event=event.name)
    else:
        subject = _("Your registration for %(event)s is cancelled", event=event.name)
    built = Mail(
        subject=subject,
        text=render_template("registration/mail_confirmation.txt", **context),
        html=render_template("registration/mail_confirmation.html", **context),
        sender_name=event.name,
    )
    # The badge as it is when sent: a badge reissued meanwhile is the one attached.
    if status == "confirmed" and registration.status == "confirmed":
        built.attachments.append(
            Attachment(
                f"badge-{event.slug}-{registration.number}.pdf",
                badge_pdf(registration),
                "application/pdf",
            )
        )
    return built


@builds("registration.confirmed")
def confirmed_mail(message: MailMessage) -> Mail | None:
    return _status_mail(message, "confirmed")


@builds("registration.waitlisted")
def waitlisted_mail(message: MailMessage) -> Mail | None:
    return _status_mail(message, "waitlisted")


@builds("registration.cancelled")
def cancelled_mail(message: MailMessage) -> Mail | None:
    return _status_mail(message, "cancelled")
