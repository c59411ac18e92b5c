"""What table check-in tells people by e-mail, through the outbox (each message recorded in
the caller's transaction, built and sent by a job in the recipient's language):

- `tables.no_show`: the party that came is told the other did not, once per meeting;
- `tables.standby_offer`: each member of a standby startup's team is told of a freed slot
  with the investor it asked for, once per freed slot.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from eventhub.auth.models import User
from eventhub.deals.tables.models import TableCheckin
from eventhub.extensions import db
from eventhub.meetings.agenda import local_day, other_party
from eventhub.meetings.mail import people_of, short_when, team_of, when
from eventhub.meetings.models import Meeting
from eventhub.notifications.mailing import Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.profiles.models import Startup
from eventhub.routing import public_url


def notify_no_show(meeting: Meeting, absent: str) -> int:
    """The present party of `meeting` is told that `absent` did not come."""
    present = "investor" if absent == "startup" else "startup"
    queued = 0
    for user in people_of(meeting, present):
        queued += queue_mail(
            "tables.no_show",
            key=f"tables.no_show:{meeting.id}:{user.id}",
            to=user.email,
            language=user.preferred_language,
            event_id=meeting.event_id,
            params={"meeting_id": meeting.id, "user_id": user.id, "party": present},
        )
    return queued


def notify_standby_offer(meeting: Meeting, startup: Startup) -> int:
    """A standby startup's team is told of the slot `meeting`'s no-show left."""
    queued = 0
    for user in team_of(startup):
        queued += queue_mail(
            "tables.standby_offer",
            key=f"tables.standby_offer:{meeting.id}:{user.id}",
            to=user.email,
            language=user.preferred_language,
            event_id=meeting.event_id,
            params={"meeting_id": meeting.id, "user_id": user.id},
        )
    return queued


def _user(message: MailMessage) -> User | None:
    user = db.session.get(User, message.params.get("user_id"))
    return user if user is not None and user.is_active else None


@builds("tables.no_show")
def no_show_mail(message: MailMessage) -> Mail | None:
    meeting = db.session.get(Meeting, message.params.get("meeting_id"))
    user = _user(message)
    checkin = db.session.get(TableCheckin, message.params.get("meeting_id"))
    if meeting is None or user is None or checkin is None or checkin.no_show_party is None:
        return None
    party = message.params.get("party", "investor")
    event = meeting.event
    other = other_party(meeting, party)
    context = {
        "user": user,
        "event": event,
        "meeting": meeting,
        "other": other,
        "party": party,
        "when": when(meeting),
        "agenda_url": public_url(
            "meetings.agenda", slug=event.slug, day=local_day(meeting).isoformat()
        ),
    }
    return Mail(
        subject=_("No-show: %(other)s, %(when)s", other=other.name, when=short_when(meeting)),
        text=render_template("deals/tables/mail_no_show.txt", **context),
        sender_name=event.localized("name"),
    )


@builds("tables.standby_offer")
def standby_offer_mail(message: MailMessage) -> Mail | None:
    meeting = db.session.get(Meeting, message.params.get("meeting_id"))
    user = _user(message)
    checkin = db.session.get(TableCheckin, message.params.get("meeting_id"))
    if meeting is None or user is None or checkin is None:
        return None
    if checkin.replacement_meeting_id is not None:
        return None  # taken meanwhile: nothing left to offer
    event = meeting.event
    investor = meeting.investor
    context = {
        "user": user,
        "event": event,
        "meeting": meeting,
        "investor": investor,
        "when": when(meeting),
        "agenda_url": public_url(
            "meetings.agenda", slug=event.slug, day=local_day(meeting).isoformat()
        ),
    }
    return Mail(
        subject=_(
            "A slot with %(fund)s is free now, %(when)s",
            fund=investor.fund,
            when=short_when(meeting),
        ),
        text=render_template("deals/tables/mail_standby_offer.txt", **context),
        sender_name=event.localized("name"),
    )
