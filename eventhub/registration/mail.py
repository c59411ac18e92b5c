"""The confirmation e-mail: text and HTML in the attendee's language, the badge attached.

Delivered by eventhub/mail.py. Sending never breaks a registration: any failure is logged
and reported as False.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.badges.documents import badge_pdf
from eventhub.mail import deliver, new_message
from eventhub.registration.models import Registration
from eventhub.registration.register import waitlist_position
from eventhub.routing import public_url


def build_confirmation(registration: Registration) -> EmailMessage:
    """The message for the registration's current status (confirmed, waitlisted, cancelled)."""
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "manage_url": public_url("registration.manage", token=registration.manage_token),
        "badge_url": public_url("badges.attendee_badge", token=registration.manage_token),
        "event_url": public_url("events.event_page", slug=event.slug),
        "position": waitlist_position(registration),
    }
    with force_locale(registration.language or "fr"):
        if registration.status == "confirmed":
            subject = _("Your badge for %(event)s", event=event.name)
        elif registration.status == "waitlisted":
            subject = _("You are on the waiting list for %(event)s", event=event.name)
        else:
            subject = _("Your registration for %(event)s is cancelled", event=event.name)
        text = render_template("registration/mail_confirmation.txt", **context)
        html = render_template("registration/mail_confirmation.html", **context)
        badge = badge_pdf(registration) if registration.status == "confirmed" else None

    message = new_message(subject, registration.email, text, registration.language or "fr")
    message.add_alternative(html, subtype="html")
    if badge is not None:
        message.add_attachment(
            badge,
            maintype="application",
            subtype="pdf",
            filename=f"badge-{event.slug}-{registration.number}.pdf",
        )
    # After the body: add_alternative() and add_attachment() rearrange the Content-* headers.
    del message["Content-Language"]
    message["Content-Language"] = registration.language or "fr"
    return message


def send_confirmation(registration: Registration) -> bool:
    """Build and send the confirmation; False (and a log entry) when it could not go out."""
    try:
        deliver(build_confirmation(registration), str(registration.id))
    except Exception:
        current_app.logger.exception(
            "Could not send the confirmation e-mail of registration %s", registration.id
        )
        return False
    return True


def send_confirmations(registrations: Iterable[Registration]) -> int:
    """Send to each; returns how many went out."""
    return sum(1 for registration in registrations if send_confirmation(registration))
