"""What attendees are told by e-mail about their registration: confirmed (the badge
attached), waitlisted, offered a freed place (until when, and where to accept it), the
offer expired, cancelled, a new badge (attached), and the day before the event a reminder
(optional: topic "reminders"); text and HTML in the attendee's language. In answer to a
public registration (eventhub/registration/optin.py): "you are already registered" with the
existing private link, and the link to confirm the address (double opt-in).

The `notify_…` functions record the message in the caller's transaction (see
eventhub/notifications/mailing.py); a job builds and sends it once that commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import render_template
from flask_babel import format_time
from flask_babel import gettext as _

from eventhub.badges.documents import badge_pdf
from eventhub.extensions import db
from eventhub.notifications.mailing import Attachment, Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.notifications.preferences import unsubscribe_url
from eventhub.registration.calendar import DAY_CLOSES, DAY_OPENS
from eventhub.registration.models import Registration
from eventhub.registration.optin import (
    ALREADY_REGISTERED_KIND,
    CONFIRM_ADDRESS_KIND,
    confirmation_secret,
    digest,
)
from eventhub.registration.register import waitlist_position
from eventhub.routing import public_url

STATUS_KINDS = {
    "confirmed": "registration.confirmed",
    "waitlisted": "registration.waitlisted",
    "offered": "registration.offered",
    "cancelled": "registration.cancelled",
}
REMINDER_KIND = "registration.reminder"
REMINDER_TOPIC = "reminders"


def _moment(registration: Registration) -> datetime | None:
    """When the registration came to its status: each new status is a new message."""
    if registration.status == "confirmed":
        return registration.confirmed_at
    if registration.status == "cancelled":
        return registration.cancelled_at
    if registration.status == "offered":
        return registration.offer_expires_at  # a new deadline for each offer
    return registration.created_at


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else "-"


def _tell(registration: Registration, kind: str, occasion: object, **params: Any) -> bool:
    """Queue message `kind` for the attendee, once per `occasion` (a time, a version)."""
    return queue_mail(
        kind,
        key=f"{kind}:{registration.id}:{occasion}",
        to=registration.email,
        language=registration.language,
        event_id=registration.event_id,
        params={"registration_id": registration.id, **params},
    )


def notify_status(registration: Registration) -> bool:
    """Tell the attendee the registration's current status; the caller commits."""
    kind = STATUS_KINDS.get(registration.status)
    if kind is None:
        return False
    db.session.flush()
    return _tell(registration, kind, _stamp(_moment(registration)))


def notify_statuses(registrations: Iterable[Registration]) -> int:
    """notify_status for each; returns how many messages were recorded."""
    return sum(1 for registration in registrations if notify_status(registration))


def notify_badge_reissued(registration: Registration) -> bool:
    """Send the new badge of a confirmed registration; the caller commits."""
    if registration.status != "confirmed":
        return False
    version = registration.badge_version
    return _tell(registration, "registration.badge_reissued", version, badge_version=version)


def notify_offer_expired(registration: Registration) -> bool:
    """Tell the attendee the place offered was not accepted in time; the caller commits."""
    return _tell(registration, "registration.offer_expired", _stamp(registration.offer_expires_at))


def reminder_key(registration_id: int, first_day: date) -> str:
    return f"{REMINDER_KIND}:{registration_id}:{first_day.isoformat()}"


def queue_reminder(
    registration_id: int, email: str, language: str, event_id: int, first_day: date
) -> bool:
    """The day-before reminder of one registration, once per first day; the caller commits.
    Plain values, so that a big event's registrations need not be loaded as objects."""
    return queue_mail(
        REMINDER_KIND,
        key=reminder_key(registration_id, first_day),
        to=email,
        language=language,
        event_id=event_id,
        params={"registration_id": registration_id, "first_day": first_day.isoformat()},
    )


def _registration(message: MailMessage) -> Registration | None:
    return db.session.get(Registration, message.params.get("registration_id"))


def _context(registration: Registration, status: str) -> dict[str, Any]:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "manage_url": public_url("registration.manage", token=registration.manage_token),
        "badge_url": public_url("badges.attendee_badge", token=registration.manage_token),
        "event_url": public_url("events.event_page", slug=event.slug),
        "position": waitlist_position(registration),
        "status": status,
    }


def _badge(registration: Registration) -> Attachment:
    """The badge as it is when sent: a badge reissued meanwhile is the one attached."""
    return Attachment(
        f"badge-{registration.event.slug}-{registration.number}.pdf",
        badge_pdf(registration),
        "application/pdf",
    )


def _status_mail(message: MailMessage, status: str) -> Mail | None:
    registration = _registration(message)
    if registration is None:
        return None
    event = registration.event
    context = _context(registration, status)
    if status == "confirmed":
        subject = _("Your badge for %(event)s", event=event.localized("name"))
    elif status == "badge_reissued":
        subject = _("Your new badge for %(event)s", event=event.localized("name"))
    elif status == "waitlisted":
        subject = _("You are on the waiting list for %(event)s", event=event.localized("name"))
    else:
        subject = _("Your registration for %(event)s is cancelled", event=event.localized("name"))
    built = Mail(
        subject=subject,
        text=render_template("registration/mail_confirmation.txt", **context),
        html=render_template("registration/mail_confirmation.html", **context),
        sender_name=event.localized("name"),
    )
    if status in ("confirmed", "badge_reissued") and registration.status == "confirmed":
        built.attachments.append(_badge(registration))
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


@builds("registration.badge_reissued")
def badge_reissued_mail(message: MailMessage) -> Mail | None:
    registration = _registration(message)
    if registration is None or registration.status != "confirmed":
        return None  # cancelled since: its badge opens no door, nothing to send
    return _status_mail(message, "badge_reissued")


def _offer_mail(message: MailMessage, status: str) -> Mail | None:
    registration = _registration(message)
    if registration is None:
        return None
    if status == "offered" and registration.status != "offered":
        return None  # accepted, declined or expired before this was sent
    event = registration.event
    context = _context(registration, status)
    if status == "offered":
        subject = _("A place is free for you at %(event)s", event=event.localized("name"))
    else:
        subject = _("The place offered at %(event)s has gone", event=event.localized("name"))
    return Mail(
        subject=subject,
        text=render_template("registration/mail_offer.txt", **context),
        html=render_template("registration/mail_offer.html", **context),
        sender_name=event.localized("name"),
    )


@builds("registration.offered")
def offered_mail(message: MailMessage) -> Mail | None:
    return _offer_mail(message, "offered")


@builds("registration.offer_expired")
def offer_expired_mail(message: MailMessage) -> Mail | None:
    return _offer_mail(message, "offer_expired")


@builds(REMINDER_KIND, topic=REMINDER_TOPIC)
def reminder_mail(message: MailMessage) -> Mail | None:
    registration = _registration(message)
    if registration is None or registration.status != "confirmed":
        return None
    event = registration.event
    if event.first_day.isoformat() != message.params.get("first_day"):
        return None  # the event was moved: the reminder of its new first day will go
    unsubscribe = unsubscribe_url(registration.email, REMINDER_TOPIC)
    context = {
        **_context(registration, "reminder"),
        "opens": format_time(DAY_OPENS, "short"),
        "closes": format_time(DAY_CLOSES, "short"),
        "days": [day for day in event.days if registration.category.may_enter_on(day)]
        or event.days,
        "unsubscribe_url": unsubscribe,
    }
    return Mail(
        subject=_("Tomorrow: %(event)s", event=event.localized("name")),
        text=render_template("registration/mail_reminder.txt", **context),
        html=render_template("registration/mail_reminder.html", **context),
        sender_name=event.localized("name"),
        extra_headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )


def _check_email_mail(registration: Registration, status: str, **links: str) -> Mail:
    event = registration.event
    if status == "confirm_address":
        subject = _("Confirm your registration for %(event)s", event=event.localized("name"))
    else:
        subject = _("You are already registered for %(event)s", event=event.localized("name"))
    context = {**_context(registration, status), **links}
    return Mail(
        subject=subject,
        text=render_template("registration/mail_check_email.txt", **context),
        html=render_template("registration/mail_check_email.html", **context),
        sender_name=event.localized("name"),
    )


@builds(ALREADY_REGISTERED_KIND)
def already_registered_mail(message: MailMessage) -> Mail | None:
    """An address registered again: its existing private link, to that address only."""
    registration = _registration(message)
    if registration is None:
        return None
    return _check_email_mail(registration, "already_registered")


@builds(CONFIRM_ADDRESS_KIND)
def confirm_address_mail(message: MailMessage) -> Mail | None:
    """Double opt-in: the link to confirm the address, while it is the registration's
    latest one and still unconfirmed."""
    registration = _registration(message)
    if registration is None or registration.status != "unconfirmed":
        return None
    secret = confirmation_secret(str(message.params.get("seed", "")))
    if registration.confirm_token_hash != digest(secret):
        return None  # a newer link was sent since: that one goes
    confirm_url = public_url("registration.confirm_address", secret=secret)
    return _check_email_mail(registration, "confirm_address", confirm_url=confirm_url)
