"""Recording deal flow: the investor's record of a held meeting, and the startup's answer
to a next step addressed to it.

A meeting may be recorded once it is confirmed and held: marked held, or over (its end
has passed) and not marked a no-show. Only the meeting's investor firm (any member of its
team) records it; to anyone else the meeting does not exist (`meeting_not_found`).

The rules that must hold when two people act at once, and what guards them:
- one record per meeting: a unique index on `dealflow_records.meeting_id` (two teammates
  creating it at once: one wins, the other is told `changed_meanwhile`);
- an edit never overwrites a teammate's edit unseen: the form carries the version it
  showed, and the UPDATE is conditional on it (SQLAlchemy's version counter);
- one current step per record: a partial unique index.
Functions flush; the caller commits (and rolls back on DealFlowError).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from eventhub.deals.dealflow.models import (
    INTEREST_LEVELS,
    NEXT_STEPS,
    DealRecord,
    DealStep,
)
from eventhub.errors import DomainError, api_status
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.models_common import utcnow

MAX_NOTES_LENGTH = 4000
MAX_REPLY_LENGTH = 500
MAX_LINK_LENGTH = 300

# HTTP status of this module's refusals in the API (else the app's table, else 422).
STATUS = {
    "meeting_not_found": 404,
    "record_not_found": 404,
    "step_not_found": 404,
    "not_confirmed": 409,
    "no_show": 409,
    "not_held": 409,
    "changed_meanwhile": 409,
    "step_closed": 409,
}


class DealFlowError(DomainError):
    """A deal-flow rule refused something; nothing was changed."""

    @property
    def status(self) -> int:
        return STATUS.get(self.code) or api_status(self.code)


def clean(value: str | None) -> str:
    return (value or "").replace("\x00", "").strip()


# Who may do what -------------------------------------------------------------------------


def investor_id_of(user: Any) -> int | None:
    """The investor firm the user belongs to (owner or teammate), if an investor."""
    if user is None or getattr(user, "role", None) != "investor" or user.investor is None:
        return None
    return user.investor.id


def is_investor_of(meeting: Meeting, user: Any) -> bool:
    return investor_id_of(user) == meeting.investor_id


def own_meeting(meeting_id: int, user: Any) -> Meeting:
    """The meeting, if the user's firm is its investor; else `meeting_not_found`."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not is_investor_of(meeting, user):
        raise DealFlowError(_l("You have no such meeting."), "meeting_not_found")
    return meeting


def is_held(meeting: Meeting, now: datetime | None = None) -> bool:
    """Confirmed, and marked held, or over and not marked a no-show."""
    now = now or utcnow()
    if meeting.status != "confirmed" or meeting.outcome == "no_show":
        return False
    return meeting.outcome == "held" or meeting.ends_at <= now


def check_recordable(meeting: Meeting, now: datetime | None = None) -> None:
    if meeting.status != "confirmed":
        raise DealFlowError(_l("This meeting did not take place."), "not_confirmed")
    if meeting.outcome == "no_show":
        raise DealFlowError(_l("This meeting is marked as a no-show."), "no_show")
    if not is_held(meeting, now):
        raise DealFlowError(
            _l("You can record the deal flow once the meeting has been held."), "not_held"
        )


def record_of(meeting: Meeting, *, for_update: bool = False) -> DealRecord | None:
    query = select(DealRecord).where(DealRecord.meeting_id == meeting.id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def current_step(record: DealRecord) -> DealStep | None:
    return db.session.scalar(
        select(DealStep).where(DealStep.record_id == record.id, DealStep.superseded_at.is_(None))
    )


# The investor's record ------------------------------------------------------------------


@dataclass(frozen=True)
class DealInput:
    """What the investor typed: interest, next step and notes; `version` is the version of
    the record the form showed (None: a new record, or no check, for the API)."""

    interest: str
    next_step: str
    notes: str = ""
    version: int | None = None


@dataclass(frozen=True)
class Recorded:
    record: DealRecord
    created: bool
    new_step: DealStep | None  # set when the next step changed

    @property
    def tell_startup(self) -> bool:
        return self.new_step is not None and self.new_step.addressed


def _checked(data: DealInput) -> DealInput:
    if data.interest not in INTEREST_LEVELS:
        raise DealFlowError(_l("Choose none, low or high."), "bad_interest", "interest")
    if data.next_step not in NEXT_STEPS:
        raise DealFlowError(_l("Choose one of the next steps."), "bad_step", "next_step")
    notes = clean(data.notes)
    if len(notes) > MAX_NOTES_LENGTH:
        raise DealFlowError(
            _l("The notes have at most %(count)s characters.", count=MAX_NOTES_LENGTH),
            "notes_too_long",
            "notes",
        )
    return DealInput(data.interest, data.next_step, notes, data.version)


def record_deal(
    meeting: Meeting, user: Any, data: DealInput, *, now: datetime | None = None
) -> Recorded:
    """Create or edit the investor's record of a held meeting."""
    now = now or utcnow()
    if not is_investor_of(meeting, user):
        raise DealFlowError(_l("You have no such meeting."), "meeting_not_found")
    data = _checked(data)
    check_recordable(meeting, now)
    record = record_of(meeting, for_update=True)
    if record is None:
        if data.version is not None:  # the form showed a record that is gone
            _changed_meanwhile()
        return _create(meeting, user, data, now)
    if data.version is not None and data.version != record.version:
        _changed_meanwhile()
    return _update(record, user, data, now)


def _changed_meanwhile() -> None:
    raise DealFlowError(
        _l("Someone of your team changed this record meanwhile: see it as it is now."),
        "changed_meanwhile",
    )


def _create(meeting: Meeting, user: Any, data: DealInput, now: datetime) -> Recorded:
    record = DealRecord(
        meeting_id=meeting.id,
        event_id=meeting.event_id,
        investor_id=meeting.investor_id,
        startup_id=meeting.startup_id,
        interest=data.interest,
        next_step=data.next_step,
        notes=data.notes,
        created_at=now,
        updated_at=now,
        step_at=now,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:  # a teammate recorded it at the same moment
        _changed_meanwhile()
    step = _add_step(record, user, now)
    return Recorded(record, True, step)


def _update(record: DealRecord, user: Any, data: DealInput, now: datetime) -> Recorded:
    step_changed = data.next_step != record.next_step
    if step_changed:
        previous = current_step(record)
        if previous is not None:
            previous.superseded_at = now
        record.next_step = data.next_step
        record.step_at = now
    record.interest = data.interest
    record.notes = data.notes
    record.updated_at = now
    record.updated_by_id = user.id
    try:
        db.session.flush()
    except StaleDataError:  # changed by another transaction since it was read
        _changed_meanwhile()
    step = _add_step(record, user, now) if step_changed else None
    return Recorded(record, False, step)


def _add_step(record: DealRecord, user: Any, now: datetime) -> DealStep:
    step = DealStep(
        record_id=record.id,
        startup_id=record.startup_id,
        step=record.next_step,
        created_at=now,
        created_by_id=user.id,
    )
    db.session.add(step)
    db.session.flush()
    return step


# The startup's answer --------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    reply: str = ""
    link: str = ""
    done: bool = False


def visible_to_startup(step: DealStep | None, user: Any) -> bool:
    """A step addressed to the user's startup (a `pass` never is)."""
    return (
        step is not None
        and getattr(user, "role", None) == "startup"
        and user.startup_id == step.startup_id
        and step.addressed
    )


def own_step(step_id: int, user: Any, *, for_update: bool = False) -> DealStep:
    """A next step addressed to the user's startup; else `step_not_found`."""
    query = select(DealStep).where(DealStep.id == step_id)
    if for_update:
        query = query.with_for_update()
    step = db.session.scalar(query)
    if not visible_to_startup(step, user):
        raise DealFlowError(_l("There is no such next step for you."), "step_not_found")
    assert step is not None
    if step.superseded_at is not None and not step.answered:
        raise DealFlowError(_l("There is no such next step for you."), "step_not_found")
    return step


def _checked_link(link: str) -> str:
    link = clean(link)
    if not link:
        return ""
    parts = urlsplit(link)
    if len(link) > MAX_LINK_LENGTH or parts.scheme not in ("http", "https") or not parts.netloc:
        raise DealFlowError(
            _l(
                "Give a web address starting with https://, of at most %(count)s characters.",
                count=MAX_LINK_LENGTH,
            ),
            "bad_link",
            "link",
        )
    return link


def answer_step(
    step_id: int, user: Any, data: AnswerInput, *, now: datetime | None = None
) -> DealStep:
    """The startup answers the current next step addressed to it: a short reply, a link,
    done; it may change its answer until the investor sets another step."""
    now = now or utcnow()
    step = own_step(step_id, user, for_update=True)
    reply = clean(data.reply)
    if len(reply) > MAX_REPLY_LENGTH:
        raise DealFlowError(
            _l("The reply has at most %(count)s characters.", count=MAX_REPLY_LENGTH),
            "reply_too_long",
            "reply",
        )
    link = _checked_link(data.link)
    if not (reply or link or data.done):
        raise DealFlowError(
            _l("Write a reply, give a link or mark it done."), "empty_answer", "reply"
        )
    if not step.is_current:
        raise DealFlowError(
            _l("The investor has moved on to another step: this one is closed."), "step_closed"
        )
    step.reply = reply
    step.reply_link = link
    step.done = bool(data.done)
    step.answered_at = now
    step.answered_by_id = user.id
    db.session.flush()
    return step
