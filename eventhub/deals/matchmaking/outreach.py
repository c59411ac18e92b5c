"""An investor asks a startup for a meeting: the mirror of `eventhub.meetings.requests`.

The same rules as a startup's request: requests must be open at the event, the investor
must take meetings there (it offers slots), one request per pair per event whoever asked,
no request where the pair already has a meeting, at most `max_requests_per_startup` open
requests sent per investor per event (the same limit as a startup's; taken under the
investor's lock row, so it holds under concurrent requests). The startup answers with
`answer_request`, the investor may withdraw with `withdraw_request`; accepted requests go
to the scheduler like any other. Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import pair_meeting
from eventhub.meetings.directory import is_event_investor
from eventhub.meetings.models import MeetingRequest
from eventhub.meetings.requests import ACTIVE_REQUEST, MAX_PITCH_LENGTH, request_for, save_request
from eventhub.meetings.slots import MeetingError, clean_text, settings_of, take_lock
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup


def sent_by_investor_count(event: Event, investor_id: int) -> int:
    """The open requests the investor sent at the event."""
    return (
        db.session.scalar(
            select(func.count()).where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.investor_id == investor_id,
                MeetingRequest.direction == "investor",
                MeetingRequest.status.in_(ACTIVE_REQUEST),
            )
        )
        or 0
    )


def investor_requests_left(event: Event, investor: Investor) -> int:
    limit = settings_of(event).max_requests_per_startup
    return max(limit - sent_by_investor_count(event, investor.id), 0)


def send_investor_request(
    event: Event,
    investor: Investor | None,
    startup: Startup | None,
    note: str,
    *,
    by_user: Any = None,
    now: datetime | None = None,
) -> MeetingRequest:
    """The investor asks the startup for a meeting, with one line on why."""
    now = now or utcnow()
    if investor is None or not is_event_investor(event, investor):
        raise MeetingError(
            _l("Only an investor who takes meetings at this event can ask a startup."),
            "not_event_investor",
        )
    if startup is None:
        raise MeetingError(_l("This startup does not exist."), "startup_not_found")
    settings = settings_of(event)
    if not settings.requests_open:
        raise MeetingError(_l("Meeting requests are not open for this event."), "requests_closed")
    note = clean_text(note)
    if not note:
        raise MeetingError(_l("Write one line on why you want to meet."), "pitch_required", "pitch")
    if len(note) > MAX_PITCH_LENGTH:
        raise MeetingError(
            _l("The message has at most %(count)s characters.", count=MAX_PITCH_LENGTH),
            "pitch_too_long",
            "pitch",
        )
    take_lock(event.id, "investor", investor.id)
    if pair_meeting(event, startup.id, investor.id) is not None:
        raise MeetingError(
            _l("You already have a meeting with this startup at this event."), "pair_exists"
        )
    existing = request_for(event, startup.id, investor.id)
    asked_by_startup = existing is not None and existing.direction == "startup"
    if asked_by_startup and existing.status in ACTIVE_REQUEST:
        raise MeetingError(
            _l("This startup already asked you for a meeting: answer its request."),
            "request_exists",
        )
    if existing is not None and existing.status in ACTIVE_REQUEST:
        raise MeetingError(_l("You already asked this startup."), "request_exists")
    if existing is not None and existing.status == "declined" and not asked_by_startup:
        raise MeetingError(_l("This startup declined your request."), "request_declined")
    limit = settings.max_requests_per_startup
    if sent_by_investor_count(event, investor.id) >= limit:
        raise MeetingError(
            _l("You can send at most %(limit)s requests for this event.", limit=limit),
            "request_limit",
        )
    try:
        return save_request(
            existing
            or MeetingRequest(event_id=event.id, startup_id=startup.id, investor_id=investor.id),
            "investor",
            note,
            by_user,
            now,
        )
    except IntegrityError as error:
        raise MeetingError(_l("You already asked this startup."), "request_exists") from error


def requests_sent_by_investor(event: Event, investor: Investor) -> list[MeetingRequest]:
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.investor_id == investor.id,
                MeetingRequest.direction == "investor",
            )
            .order_by(MeetingRequest.created_at, MeetingRequest.id)
        )
    )
