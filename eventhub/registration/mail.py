"""The confirmation e-mail: text and HTML in the attendee's language, the badge attached.

With MAIL_SERVER set it goes out through SMTP; otherwise it is written to the outbox
(`OUTBOX`, default `instance/outbox/`) as `<utc-timestamp>-<id>.eml`. Sending never breaks
a registration: any failure is logged and reported as False.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.registration.models import Registration
from eventhub.registration.register import waitlist_position


def outbox_path() -> Path:
    configured = current_app.config.get("OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def build_confirmation(registration: Registration) -> EmailMessage:
    """The message for the registration's current status (confirmed, waitlisted, cancelled)."""
    from eventhub.badges.documents import badge_pdf

    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "manage_url": url_for(
            "registration.manage", token=registration.manage_token, _external=True
        ),
        "badge_url": url_for("registration.badge", token=registration.manage_token, _external=True),
        "event_url": url_for("events.event_page", slug=event.slug, _external=True),
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

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = registration.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventhub")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if badge is not None:
        message.add_attachment(
            badge,
            maintype="application",
            subtype="pdf",
            filename=f"badge-{event.slug}-{registration.number}.pdf",
        )
    # After the body: set_content() and add_attachment() rearrange the Content-* headers.
    message["Content-Language"] = registration.language or "fr"
    return message


def deliver(message: EmailMessage, name_hint: str = "message") -> None:
    """Through SMTP when MAIL_SERVER is set, else into the outbox. Raises on failure."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(
            config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"]
        ) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
        return
    from eventhub.models_common import utcnow

    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stamp}-{name_hint}.eml"
    temporary = target.with_suffix(".eml.part")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(target)


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
