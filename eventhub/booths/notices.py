"""Telling startups about their booth: an e-mail to the startup's team when its booth
application is received and decided (approved, rejected with the organiser's reason,
waitlisted), and when a booth is assigned, moved or taken back.

The `notify_…` functions record the message in the caller's transaction (see
eventhub/notifications/mailing.py); a job builds and sends it once that commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template
from flask_babel import gettext as _

from eventhub.booths.allocation_runs import Change
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth, BoothApplication
from eventhub.booths.moves import Notice
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.mailing import Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.profiles.models import Startup
from eventhub.routing import public_url


def _recipients(startup: Startup) -> list[str]:
    """The team's members who can sign in (an invited teammate is told once they joined)."""
    return [m.email for m in startup.members if m.is_active and m.status == "active"]


def team_language(startup: Startup) -> str | None:
    return next((m.preferred_language for m in startup.members if m.preferred_language), None)


def notify_booth(
    event: Event, startup: Startup, booth: Booth | None, previous: str | None = None
) -> bool:
    """Tell the startup's team about its booth (None: its booth was taken back); the
    caller commits. False when the team has no active member to tell."""
    recipients = _recipients(startup)
    if not recipients:
        return False
    code = booth.code if booth is not None else None
    return queue_mail(
        "booth.placement",
        key=f"booth.placement:{event.id}:{startup.id}:{previous}:{code}:{utcnow().isoformat()}",
        to=", ".join(recipients),
        language=team_language(startup),
        event_id=event.id,
        params={"startup_id": startup.id, "booth": code, "previous": previous},
    )


def notify_application_received(application: BoothApplication) -> bool:
    """Tell the startup's team its application reached the organisers; the caller commits."""
    return _notify_application(application, "booth.application_received", "received")


DECISION_KINDS = {
    "approved": "booth.application_approved",
    "rejected": "booth.application_rejected",
    "waitlisted": "booth.application_waitlisted",
}


def notify_decision(application: BoothApplication, released_booth: str | None = None) -> bool:
    """Tell the startup's team the organisers' decision (the reason of a rejection with it,
    and the booth it gave back, if any); the caller commits."""
    kind = DECISION_KINDS.get(application.status)
    if kind is None:
        return False
    decided = application.decided_at.isoformat() if application.decided_at else "-"
    return _notify_application(
        application,
        kind,
        f"{application.status}:{decided}",
        reason=application.decision_reason or "",
        released_booth=released_booth,
    )


def _notify_application(
    application: BoothApplication, kind: str, moment: str, **params: object
) -> bool:
    startup = application.startup
    recipients = _recipients(startup)
    if not recipients:
        return False
    return queue_mail(
        kind,
        key=f"{kind}:{application.id}:{moment}",
        to=", ".join(recipients),
        language=team_language(startup),
        event_id=application.event_id,
        params={"application_id": application.id, "status": application.status, **params},
    )


def notify_changes(event: Event, changes: Iterable[Change]) -> int:
    """One notice per changed placement of an allocation; returns how many were recorded."""
    queued = 0
    for change in changes:
        startup = db.session.get(Startup, change.startup_id)
        if startup is None:
            continue
        booth = booth_by_code(event, change.after) if change.after is not None else None
        queued += notify_booth(event, startup, booth, change.before)
    return queued


def notify_moves(event: Event, notices: Iterable[Notice]) -> int:
    """One notice per startup a manual move concerns; returns how many were recorded."""
    return sum(
        notify_booth(event, notice.startup, notice.booth, notice.previous) for notice in notices
    )


@builds("booth.placement")
def booth_placement_mail(message: MailMessage) -> Mail | None:
    event = db.session.get(Event, message.event_id)
    startup = db.session.get(Startup, message.params.get("startup_id"))
    if event is None or startup is None:
        return None
    code = message.params.get("booth")
    booth = booth_by_code(event, code) if code else None
    plan_url = public_url(
        "booths.floor_plan",
        slug=event.slug,
        booth=code,
        _anchor=f"booth-{code}" if code else None,
    )
    context = {
        "event": event,
        "startup": startup,
        "booth": booth,
        "previous": message.params.get("previous"),
        "plan_url": plan_url,
        "my_booth_url": public_url("booths.my_booths"),
    }
    if booth is None:
        subject = _("Your booth at %(event)s was released", event=event.localized("name"))
    else:
        subject = _(
            "Your booth at %(event)s: %(code)s", event=event.localized("name"), code=booth.code
        )
    text = render_template("booths/mail_booth.txt", **context)
    return Mail(subject=subject, text=text, sender_name=event.localized("name"))


@builds("booth.application_received")
@builds("booth.application_approved")
@builds("booth.application_rejected")
@builds("booth.application_waitlisted")
def application_mail(message: MailMessage) -> Mail | None:
    application = db.session.get(BoothApplication, message.params.get("application_id"))
    if application is None:
        return None
    status = message.params.get("status")
    if message.kind != "booth.application_received" and application.status != status:
        return None  # decided otherwise since: that decision's own message tells it
    event = application.event
    context = {
        "event": event,
        "startup": application.startup,
        "application": application,
        "kind": message.kind,
        "reason": message.params.get("reason") or "",
        "released_booth": message.params.get("released_booth"),
        "application_url": public_url("booths.apply", slug=event.slug),
        "my_booth_url": public_url("booths.my_booths"),
    }
    subjects = {
        "booth.application_received": _(
            "Your booth application for %(event)s is received", event=event.localized("name")
        ),
        "booth.application_approved": _(
            "Your booth application for %(event)s is approved", event=event.localized("name")
        ),
        "booth.application_rejected": _(
            "Your booth application for %(event)s is not accepted", event=event.localized("name")
        ),
        "booth.application_waitlisted": _(
            "Your booth application for %(event)s is on the waiting list",
            event=event.localized("name"),
        ),
    }
    text = render_template("booths/mail_application.txt", **context)
    return Mail(subject=subjects[message.kind], text=text, sender_name=event.localized("name"))
