"""Request mode: a startup asks an investor of the event for a meeting, with a pitch line;
the investor accepts or declines; the startup may withdraw until the meeting is scheduled.
Investors ask startups too (`eventhub.deals.matchmaking.outreach`, `direction` "investor"):
then the startup answers and the investor may withdraw. One request per pair per event,
whoever asked.

A startup sends up to N requests per event (N set by the organiser); sending takes the
startup's lock row, so N holds under concurrent requests. Accepted requests are placed in
the slots by the organiser's scheduler run (`eventhub.meetings.schedule_plan`).
Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import MAX_NOTE_LENGTH, is_own, pair_meeting
from eventhub.meetings.directory import is_event_investor
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.slots import MeetingError, clean_text, settings_of, take_lock
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

MAX_PITCH_LENGTH = 200
ACTIVE_REQUEST = ("pending", "accepted")


def request_for(event: Event, startup_id: int, investor_id: int) -> MeetingRequest | None:
    return db.session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.startup_id == startup_id,
            MeetingRequest.investor_id == investor_id,
        )
    )


def active_request_count(event: Event, startup_id: int) -> int:
    """The open requests the startup sent (those it received do not count)."""
    return (
        db.session.scalar(
            select(func.count()).where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.startup_id == startup_id,
                MeetingRequest.direction == "startup",
                MeetingRequest.status.in_(ACTIVE_REQUEST),
            )
        )
        or 0
    )


def send_request(
    event: Event,
    startup: Startup | None,
    investor: Investor | None,
    pitch: str,
    *,
    by_user: Any = None,
    now: datetime | None = None,
) -> MeetingRequest:
    """A startup asks an investor of the event for a meeting."""
    now = now or utcnow()
    if startup is None:
        raise MeetingError(_l("Only a startup can request a meeting."), "not_startup")
    if investor is None or not is_event_investor(event, investor):
        raise MeetingError(
            _l("This investor does not take meetings at this event."), "investor_not_found"
        )
    settings = settings_of(event)
    if not settings.requests_open:
        raise MeetingError(_l("Meeting requests are not open for this event."), "requests_closed")
    if is_own(investor, startup, by_user):
        raise MeetingError(_l("You cannot request a meeting with yourself."), "self_request")
    pitch = clean_text(pitch)
    if not pitch:
        raise MeetingError(_l("Write one line about your startup."), "pitch_required", "pitch")
    if len(pitch) > MAX_PITCH_LENGTH:
        raise MeetingError(
            _l("The pitch has at most %(count)s characters.", count=MAX_PITCH_LENGTH),
            "pitch_too_long",
            "pitch",
        )
    take_lock(event.id, "startup", startup.id)
    if pair_meeting(event, startup.id, investor.id) is not None:
        raise MeetingError(
            _l("You already have a meeting with this investor at this event."), "pair_exists"
        )
    existing = request_for(event, startup.id, investor.id)
    asked_by_investor = existing is not None and existing.direction == "investor"
    if asked_by_investor and existing.status in ACTIVE_REQUEST:
        raise MeetingError(
            _l("This investor already asked you for a meeting: answer its request."),
            "request_exists",
        )
    if existing is not None and existing.status in ACTIVE_REQUEST:
        raise MeetingError(_l("You already asked this investor."), "request_exists")
    if existing is not None and existing.status == "declined" and not asked_by_investor:
        raise MeetingError(_l("This investor declined your request."), "request_declined")
    limit = settings.max_requests_per_startup
    if active_request_count(event, startup.id) >= limit:
        raise MeetingError(
            _l("You can send at most %(limit)s requests for this event.", limit=limit),
            "request_limit",
        )
    try:
        return save_request(
            existing
            or MeetingRequest(event_id=event.id, startup_id=startup.id, investor_id=investor.id),
            "startup",
            pitch,
            by_user,
            now,
        )
    except IntegrityError as error:
        raise MeetingError(_l("You already asked this investor."), "request_exists") from error


def save_request(
    request: MeetingRequest, direction: str, text: str, by_user: Any, now: datetime
) -> MeetingRequest:
    """(Re)send `request` from the side `direction` ("startup" or "investor"), pending again;
    flushed in a savepoint, so a concurrent duplicate raises IntegrityError here."""
    request.pitch = text
    request.direction = direction
    request.status = "pending"
    request.decline_reason = ""
    request.decided_at = None
    request.created_at = now
    request.sent_by_id = getattr(by_user, "id", None)
    with db.session.begin_nested():
        db.session.add(request)
        db.session.flush()
    return request


def _scheduled_meeting(request: MeetingRequest) -> Meeting | None:
    return pair_meeting(request.event, request.startup_id, request.investor_id)


def is_startup_member(user: Any, request: MeetingRequest) -> bool:
    return user is not None and user.role == "startup" and user.startup_id == request.startup_id


def is_investor_member(user: Any, request: MeetingRequest) -> bool:
    investor = getattr(user, "investor", None)
    return investor is not None and investor.id == request.investor_id


def is_sender(user: Any, request: MeetingRequest) -> bool:
    """The user belongs to the party that asked."""
    if request.direction == "investor":
        return is_investor_member(user, request)
    return is_startup_member(user, request)


def is_addressee(user: Any, request: MeetingRequest) -> bool:
    """The user belongs to the party that answers."""
    if request.direction == "investor":
        return is_startup_member(user, request)
    return is_investor_member(user, request)


def withdraw_request(request: MeetingRequest, user: Any) -> MeetingRequest:
    """The party that asked takes its request back."""
    if not is_sender(user, request):
        raise MeetingError(_l("This is not your request."), "not_party")
    if request.status not in ACTIVE_REQUEST:
        raise MeetingError(_l("This request is no longer open."), "request_closed")
    if _scheduled_meeting(request) is not None:
        raise MeetingError(
            _l("The meeting is already scheduled: cancel the meeting instead."),
            "request_scheduled",
        )
    request.status = "withdrawn"
    request.decided_at = utcnow()
    db.session.flush()
    return request


def answer_request(
    request: MeetingRequest, user: Any, accept: bool, reason: str = ""
) -> MeetingRequest:
    """The party asked (the investor, or the startup when the investor asked) accepts or
    declines a pending request."""
    if not is_addressee(user, request):
        raise MeetingError(_l("This request is not addressed to you."), "not_party")
    if request.status != "pending":
        raise MeetingError(_l("This request was already answered."), "request_answered")
    reason = clean_text(reason)
    if len(reason) > MAX_NOTE_LENGTH:
        raise MeetingError(
            _l("The reason has at most %(count)s characters.", count=MAX_NOTE_LENGTH),
            "reason_too_long",
            "reason",
        )
    request.status = "accepted" if accept else "declined"
    request.decline_reason = "" if accept else reason
    request.decided_at = utcnow()
    db.session.flush()
    return request


def requests_of_startup(event: Event, startup: Startup) -> list[MeetingRequest]:
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .where(MeetingRequest.event_id == event.id, MeetingRequest.startup_id == startup.id)
            .order_by(MeetingRequest.created_at)
        )
    )


def requests_to_investor(event: Event, investor: Investor) -> list[MeetingRequest]:
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.investor_id == investor.id,
                MeetingRequest.status != "withdrawn",
            )
            .order_by(MeetingRequest.created_at)
        )
    )


def requests_left(event: Event, startup: Startup) -> int:
    """How many more requests the startup may send at the event."""
    limit = settings_of(event).max_requests_per_startup
    return max(limit - active_request_count(event, startup.id), 0)


def request_of_party(request_id: int, user: Any) -> MeetingRequest | None:
    """The request, if `user` is its startup or its investor."""
    found = db.session.get(MeetingRequest, request_id)
    if found is None:
        return None
    if user.role == "startup" and user.startup_id == found.startup_id:
        return found
    investor = user.investor if user.role == "investor" else None
    if investor is not None and investor.id == found.investor_id:
        return found
    return None
