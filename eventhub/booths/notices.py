"""Telling startups about their booth: an e-mail to the startup's team.

Sent with the registration capability's `deliver` (SMTP with MAIL_SERVER, else a .eml file
in the outbox). Sending never undoes an allocation: failures are logged and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.booths.allocation import Change
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.profiles.models import Startup

DEFAULT_BASE_URL = "http://localhost:5000"


def _recipients(startup: Startup) -> list[str]:
    return [member.email for member in startup.members if member.is_active]


def build_booth_notice(
    event: Event, startup: Startup, booth: Booth | None, previous: str | None = None
) -> EmailMessage | None:
    recipients = _recipients(startup)
    if not recipients:
        return None
    language = next((m.preferred_language for m in startup.members if m.preferred_language), "fr")
    plan_url = url_for(
        "booths.floor_plan",
        slug=event.slug,
        booth=booth.code if booth is not None else None,
        _external=True,
        _anchor=f"booth-{booth.code}" if booth is not None else None,
    )
    context = {
        "event": event,
        "startup": startup,
        "booth": booth,
        "previous": previous,
        "plan_url": plan_url,
        "my_booth_url": url_for("booths.my_booths", _external=True),
    }
    with force_locale(language):
        if booth is None:
            subject = _("Your booth at %(event)s was released", event=event.name)
        else:
            subject = _("Your booth at %(event)s: %(code)s", event=event.name, code=booth.code)
        text = render_template("booths/mail_booth.txt", **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventhub")
    message.set_content(text)
    message["Content-Language"] = language
    return message


def notify_booth(
    event: Event, startup: Startup, booth: Booth | None, previous: str | None = None
) -> bool:
    """E-mail the startup's team about its booth (None: its booth was taken back)."""
    from eventhub.registration.mail import deliver

    context = (
        nullcontext()
        if has_request_context()
        else current_app.test_request_context(
            "/", base_url=current_app.config.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL
        )
    )
    try:
        with context:
            message = build_booth_notice(event, startup, booth, previous)
            if message is None:
                return False
            deliver(message, f"booth-{event.slug}-{startup.id}")
    except Exception:
        current_app.logger.exception("Could not send the booth notice of startup %s", startup.id)
        return False
    return True


def notify_changes(event: Event, changes: Iterable[Change]) -> int:
    """One notice per changed placement of an allocation; returns how many went out."""
    sent = 0
    for change in changes:
        startup = db.session.get(Startup, change.startup_id)
        if startup is None:
            continue
        booth = booth_by_code(event, change.after) if change.after is not None else None
        sent += notify_booth(event, startup, booth, change.before)
    return sent
