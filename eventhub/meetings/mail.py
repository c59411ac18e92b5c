"""What startups and investors are told by e-mail about their meetings.

The startup's team (each active member, in their own language):
- its meeting booked first-come (`meetings.booked`), scheduled by the organiser's run
  (`meetings.scheduled`), cancelled or declined, by whom and why (`meetings.cancelled`);
- its request accepted or declined, with the investor's reason (`meetings.request_answered`).

The investor: a new booking (`meetings.booked`), a new request (`meetings.request_new`), a
cancellation, by whom and why (`meetings.cancelled`).

"Why" is the meeting's `decline_reason`: the investor's reason to decline, or the optional
reason given by whoever cancelled; a cancellation without one has no reason line.

Each meeting message carries the meeting as an .ics file (`calendar.mail_ics`): the same
UID every time, so that the cancellation removes what the booking put in a calendar.

Every meeting day, once it is past 07:00 where the event is, each startup member and each
investor with meetings that day gets the day's agenda (`meetings.agenda`, an optional
message: topic "agenda"), once (`queue_morning_agendas`, run hourly by the beat).

The `notify_*` functions record the messages in the caller's transaction (see
eventhub/notifications/mailing.py); a job builds and sends each once that commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.agenda import local_day, other_party
from eventhub.meetings.calendar import mail_ics
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.schedule_plan import SchedulePlan
from eventhub.notifications.mailing import Attachment, Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage, MailOptOut
from eventhub.notifications.preferences import unsubscribe_url
from eventhub.profiles.models import Investor, Startup
from eventhub.routing import public_url

# The morning agenda goes once it is past this hour, in the event's time zone.
AGENDA_HOUR = time(7)
AGENDA_TOPIC = "agenda"


# Who is told ---------------------------------------------------------------------------


def team_of(startup: Startup) -> list[User]:
    """The startup's members who are told: the active ones."""
    return [m for m in startup.members if m.is_active and m.status == "active"]


def investor_people(investor: Investor) -> list[User]:
    """The firm's members who can be told (its owner and teammates)."""
    return [user for user in investor.members if user.is_active and user.status == "active"]


def people_of(meeting: Meeting, party: str) -> list[User]:
    if party == "startup":
        return team_of(meeting.startup)
    return investor_people(meeting.investor)


def _queue_meeting(kind: str, meeting: Meeting, parties: Iterable[str]) -> int:
    queued = 0
    for party in parties:
        for user in people_of(meeting, party):
            queued += queue_mail(
                kind,
                key=f"{kind}:{meeting.id}:{user.id}",
                to=user.email,
                language=user.preferred_language,
                event_id=meeting.event_id,
                params={"meeting_id": meeting.id, "user_id": user.id, "party": party},
            )
    return queued


def notify_booked(meeting: Meeting) -> int:
    """A startup booked a slot: its team and the investor are told; the caller commits."""
    db.session.flush()
    return _queue_meeting("meetings.booked", meeting, ("startup", "investor"))


def notify_scheduled(plan: SchedulePlan) -> int:
    """The organiser's run placed meetings: each startup's team is told of its own."""
    meetings = [placement.meeting for placement in plan.placed if placement.meeting is not None]
    if not meetings:
        return 0
    db.session.flush()
    # The teams of every startup concerned, in one query.
    startup_ids = {meeting.startup_id for meeting in meetings}
    db.session.scalars(
        select(Startup).where(Startup.id.in_(startup_ids)).options(selectinload(Startup.members))
    ).all()
    return sum(_queue_meeting("meetings.scheduled", meeting, ("startup",)) for meeting in meetings)


def notify_cancelled(meeting: Meeting) -> int:
    """A meeting was cancelled or declined: both parties are told (their calendars drop it,
    whoever called it off); the caller commits."""
    db.session.flush()
    return _queue_meeting("meetings.cancelled", meeting, ("startup", "investor"))


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else "-"


def _askers(request: MeetingRequest) -> list[User]:
    if request.direction == "investor":
        return investor_people(request.investor)
    return team_of(request.startup)


def _asked(request: MeetingRequest) -> list[User]:
    if request.direction == "investor":
        return team_of(request.startup)
    return investor_people(request.investor)


def notify_new_request(request: MeetingRequest) -> int:
    """A startup (or an investor) sent a request: the other party is told; the caller
    commits."""
    db.session.flush()
    queued = 0
    for user in _asked(request):
        queued += queue_mail(
            "meetings.request_new",
            key=f"meetings.request_new:{request.id}:{_stamp(request.created_at)}:{user.id}",
            to=user.email,
            language=user.preferred_language,
            event_id=request.event_id,
            params={"request_id": request.id, "user_id": user.id},
        )
    return queued


def notify_answered(request: MeetingRequest) -> int:
    """The party asked accepted or declined a request: the party that asked is told."""
    db.session.flush()
    queued = 0
    for user in _askers(request):
        queued += queue_mail(
            "meetings.request_answered",
            key=(
                f"meetings.request_answered:{request.id}:{request.status}:"
                f"{_stamp(request.decided_at)}:{user.id}"
            ),
            to=user.email,
            language=user.preferred_language,
            event_id=request.event_id,
            params={"request_id": request.id, "user_id": user.id, "status": request.status},
        )
    return queued


# Building the messages -----------------------------------------------------------------


def _local(moment: datetime, event: Event) -> datetime:
    return moment.astimezone(event.tz).replace(tzinfo=None)


def clock(moment: datetime, event: Event) -> str:
    """The time of a stored UTC moment where the event is, in the current language."""
    return format_time(_local(moment, event), "short", rebase=False)


def when(meeting: Meeting) -> str:
    """Its day and times where the event is: `Tuesday 12 January 2027, 10:00–10:20`."""
    event = meeting.event
    day = format_date(local_day(meeting), "full")
    return f"{day}, {clock(meeting.starts_at, event)}–{clock(meeting.ends_at, event)}"


def short_when(meeting: Meeting) -> str:
    """Its day and start where the event is, for a subject: `12 Jan 2027, 10:00`."""
    day = format_date(local_day(meeting), "medium")
    return f"{day}, {clock(meeting.starts_at, meeting.event)}"


def _user(message: MailMessage) -> User | None:
    user = db.session.get(User, message.params.get("user_id"))
    return user if user is not None and user.is_active else None


def _organiser_address(event: Event) -> tuple[str, str]:
    return event.localized("name"), parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def _meeting_mail(message: MailMessage, *, cancel: bool) -> Mail | None:
    meeting = db.session.get(Meeting, message.params.get("meeting_id"))
    user = _user(message)
    if meeting is None or user is None:
        return None
    if meeting.is_confirmed == cancel:  # told of a change that was undone meanwhile
        return None
    party = message.params.get("party", "startup")
    event = meeting.event
    other = other_party(meeting, party)
    moment = short_when(meeting)
    context = {
        "kind": message.kind,
        "party": party,
        "user": user,
        "meeting": meeting,
        "event": event,
        "other": other,
        "when": when(meeting),
        "reason": meeting.decline_reason if cancel else "",
        "agenda_url": public_url(
            "meetings.agenda", slug=event.slug, day=local_day(meeting).isoformat()
        ),
    }
    if cancel:
        if meeting.status == "declined":
            subject = _("Meeting declined: %(other)s, %(when)s", other=other.name, when=moment)
        else:
            subject = _("Meeting cancelled: %(other)s, %(when)s", other=other.name, when=moment)
    elif message.kind == "meetings.scheduled":
        subject = _("Meeting scheduled with %(other)s, %(when)s", other=other.name, when=moment)
    elif party == "investor":
        subject = _("New meeting booked: %(other)s, %(when)s", other=other.name, when=moment)
    else:
        subject = _("Meeting booked with %(other)s, %(when)s", other=other.name, when=moment)
    ics = mail_ics(
        meeting,
        party,
        organiser=_organiser_address(event),
        attendee=message.recipient,
        cancel=cancel,
    )
    method = "CANCEL" if cancel else "PUBLISH"
    return Mail(
        subject=subject,
        text=render_template("meetings/mail_meeting.txt", **context),
        attachments=[
            Attachment(f"meeting-{meeting.id}.ics", ics, f"text/calendar; method={method}")
        ],
        sender_name=event.localized("name"),
    )


@builds("meetings.booked")
def booked_mail(message: MailMessage) -> Mail | None:
    return _meeting_mail(message, cancel=False)


@builds("meetings.scheduled")
def scheduled_mail(message: MailMessage) -> Mail | None:
    return _meeting_mail(message, cancel=False)


@builds("meetings.cancelled")
def cancelled_mail(message: MailMessage) -> Mail | None:
    return _meeting_mail(message, cancel=True)


def _request_mail(message: MailMessage, status: str) -> Mail | None:
    request = db.session.get(MeetingRequest, message.params.get("request_id"))
    user = _user(message)
    if request is None or user is None or request.status != status:
        return None  # answered, withdrawn or changed meanwhile: nothing left to tell
    event = request.event
    context = {
        "request": request,
        "status": status,
        "user": user,
        "event": event,
        "investor": request.investor,
        "startup": request.startup,
        "requests_url": public_url("meetings.requests_page", slug=event.slug),
    }
    if request.direction == "investor":
        context["asker"], context["answerer"] = request.investor.fund, request.startup.name
    else:
        context["asker"], context["answerer"] = request.startup.name, request.investor.fund
    if status == "pending":
        subject = _("Meeting request from %(startup)s", startup=context["asker"])
    elif status == "accepted":
        subject = _("%(fund)s accepted your meeting request", fund=context["answerer"])
    else:
        subject = _("%(fund)s declined your meeting request", fund=context["answerer"])
    return Mail(
        subject=subject,
        text=render_template("meetings/mail_request.txt", **context),
        sender_name=event.localized("name"),
    )


@builds("meetings.request_new")
def request_new_mail(message: MailMessage) -> Mail | None:
    return _request_mail(message, "pending")


@builds("meetings.request_answered")
def request_answered_mail(message: MailMessage) -> Mail | None:
    return _request_mail(message, message.params.get("status", ""))


# The morning agenda --------------------------------------------------------------------


def agenda_key(event_id: int, day: date, user_id: int) -> str:
    return f"meetings.agenda:{event_id}:{day.isoformat()}:user-{user_id}"


def _meetings_around(now: datetime) -> list[Meeting]:
    """Confirmed meetings within a day (and DST's extra hours) of `now`: every meeting on a
    day that is today somewhere. Their events, startups' teams and investor firms' teams in
    the same few queries."""
    margin = timedelta(hours=27)
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.status == "confirmed",
                Meeting.starts_at > now - margin,
                Meeting.starts_at < now + margin,
            )
            .options(
                joinedload(Meeting.event),
                selectinload(Meeting.startup).selectinload(Startup.members),
                joinedload(Meeting.investor).options(
                    joinedload(Investor.user), selectinload(Investor.members)
                ),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        ).unique()
    )


def _agenda_due(meeting: Meeting, now: datetime) -> bool:
    """The meeting is today where its event is, and it is past the agenda hour there."""
    local_now = now.astimezone(meeting.event.tz)
    return local_day(meeting) == local_now.date() and local_now.time() >= AGENDA_HOUR


def queue_morning_agendas(now: datetime) -> int:
    """Queue today's agenda for each person with meetings today at an event where it is
    past 07:00 and not all of their meetings are over; once per person, event and day.
    Returns how many were recorded; the caller commits."""
    due = [meeting for meeting in _meetings_around(now) if _agenda_due(meeting, now)]
    # (event, day, user) → their party and the end of their last meeting.
    wanted: dict[tuple[int, date, int], tuple[User, str, datetime]] = {}
    for meeting in due:
        for party in ("startup", "investor"):
            for user in people_of(meeting, party):
                slot = (meeting.event_id, local_day(meeting), user.id)
                last = wanted.get(slot)
                ends = max(meeting.ends_at, last[2]) if last else meeting.ends_at
                wanted[slot] = (user, party, ends)
    wanted = {slot: entry for slot, entry in wanted.items() if entry[2] > now}
    if not wanted:
        return 0
    keys = {agenda_key(*slot): slot for slot in wanted}
    told = set(db.session.scalars(select(MailMessage.key).where(MailMessage.key.in_(keys))))
    emails = {entry[0].email.lower() for entry in wanted.values()}
    opted_out = set(
        db.session.scalars(
            select(MailOptOut.email).where(
                MailOptOut.topic == AGENDA_TOPIC, MailOptOut.email.in_(emails)
            )
        )
    )
    queued = 0
    for key, slot in keys.items():
        event_id, day, _user_id = slot
        user, party, _last_end = wanted[slot]
        if key in told or user.email.lower() in opted_out:
            continue
        queued += queue_mail(
            "meetings.agenda",
            key=key,
            to=user.email,
            language=user.preferred_language,
            event_id=event_id,
            params={"user_id": user.id, "party": party, "day": day.isoformat()},
        )
    return queued


def day_meetings(event: Event, day: date, user: User, party: str) -> list[Meeting]:
    """The party's confirmed meetings at the event on that (local) day, by time."""
    start, end = event.day_bounds(day)
    if party == "startup":
        if user.startup_id is None:
            return []
        condition = Meeting.startup_id == user.startup_id
    else:
        if user.investor is None:
            return []
        condition = Meeting.investor_id == user.investor.id
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                condition,
                Meeting.event_id == event.id,
                Meeting.status == "confirmed",
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
            .options(joinedload(Meeting.startup), joinedload(Meeting.investor))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


@builds("meetings.agenda", topic=AGENDA_TOPIC)
def agenda_mail(message: MailMessage) -> Mail | None:
    event = db.session.get(Event, message.event_id)
    user = _user(message)
    if event is None or user is None:
        return None
    day = date.fromisoformat(message.params["day"])
    party = message.params.get("party", "startup")
    meetings = day_meetings(event, day, user, party)
    if not meetings:
        return None  # all called off since
    unsubscribe = unsubscribe_url(message.recipient, AGENDA_TOPIC)
    rows = [
        {
            "start": clock(meeting.starts_at, event),
            "end": clock(meeting.ends_at, event),
            "other": other_party(meeting, party),
            "table": meeting.table_name,
        }
        for meeting in meetings
    ]
    context = {
        "event": event,
        "user": user,
        "day": format_date(day, "full"),
        "rows": rows,
        "agenda_url": public_url("meetings.agenda", slug=event.slug, day=day.isoformat()),
        "unsubscribe_url": unsubscribe,
    }
    return Mail(
        subject=_(
            "Your meetings today at %(event)s (%(count)s)",
            event=event.localized("name"),
            count=len(rows),
        ),
        text=render_template("meetings/mail_agenda.txt", **context),
        sender_name=event.localized("name"),
        extra_headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
