"""Telling startups about their booth: an e-mail to the startup's team.

Delivered by eventhub/mail.py (SMTP with MAIL_SERVER, else a .eml file in the outbox).
Sending never undoes an allocation: failures are logged and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.booths.allocation_runs import Change
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth
from eventhub.booths.moves import Notice
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.mail import deliver, new_message
from eventhub.profiles.models import Startup
from eventhub.routing import public_url


def _recipients(startup: Startup) -> list[str]:
    return [member.email for member in startup.members if member.is_active]


def build_booth_notice(
    event: Event, startup: Startup, booth: Booth | None, previous: str | None = None
) -> EmailMessage | None:
    recipients = _recipients(startup)
    if not recipients:
        return None
    language = next((m.preferred_language for m in startup.members if m.preferred_language), "fr")
    plan_url = public_url(
        "booths.floor_plan",
        slug=event.slug,
        booth=booth.code if booth is not None else None,
        _anchor=f"booth-{booth.code}" if booth is not None else None,
    )
    context = {
        "event": event,
        "startup": startup,
        "booth": booth,
        "previous": previous,
        "plan_url": plan_url,
        "my_booth_url": public_url("booths.my_booths"),
    }
    with force_locale(language):
        if booth is None:
            subject = _("Your booth at %(event)s was released", event=event.name)
        else:
            subject = _("Your booth at %(event)s: %(code)s", event=event.name, code=booth.code)
        text = render_template("booths/mail_booth.txt", **context)
    return new_message(subject, ", ".join(recipients), text, language)


def notify_booth(
    event: Event, startup: Startup, booth: Booth | None, previous: str | None = None
) -> bool:
    """E-mail the startup's team about its booth (None: its booth was taken back)."""
    try:
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


def notify_moves(event: Event, notices: Iterable[Notice]) -> int:
    """One notice per startup a manual move concerns; returns how many went out."""
    return sum(
        notify_booth(event, notice.startup, notice.booth, notice.previous) for notice in notices
    )
