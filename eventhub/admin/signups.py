"""The organisers' queue of sign-ups waiting for approval, and their decision.

A decision is one conditional update (`… WHERE status = 'pending'`): of two organisers
deciding on the same request at once, one wins and the other is told who decided, on
PostgreSQL or on SQLite. A rejection ends the applicant's sessions. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import User, new_session_token
from eventhub.auth.signup import MAX_REVIEW_NOTE_LENGTH, SIGNUP_ROLES, tell_decision
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow

DECISIONS = {"approve": "active", "reject": "rejected"}


class ReviewError(DomainError):
    """A decision on a sign-up that cannot be made."""


@dataclass(frozen=True)
class QueueFilters:
    role: str | None = None
    event: Event | None = None

    def query_args(self) -> dict[str, str]:
        args = {"role": self.role or "", "event": self.event.slug if self.event else ""}
        return {key: value for key, value in args.items() if value}


def _pending() -> Any:
    return (User.status == "pending") & User.is_active.is_(True)


def select_pending(filters: QueueFilters) -> Select:
    """The requests waiting for a decision, oldest first, with their profiles."""
    query = (
        select(User)
        .where(_pending())
        .options(joinedload(User.startup), joinedload(User.investor))
        .order_by(User.created_at, User.id)
    )
    if filters.role in SIGNUP_ROLES:
        query = query.where(User.role == filters.role)
    if filters.event is not None:
        query = query.where(User.signup_event_id == filters.event.id)
    return query


def count_pending() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(_pending())) or 0


def signup_events() -> list[Event]:
    """The events that sign-ups waiting for a decision were made for (the filter's choices)."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.id.in_(select(User.signup_event_id).where(_pending())))
            .order_by(Event.first_day.desc())
        )
    )


def events_by_id(users: list[User]) -> dict[int, Event]:
    ids = {user.signup_event_id for user in users if user.signup_event_id is not None}
    if not ids:
        return {}
    return {event.id: event for event in db.session.scalars(select(Event).where(Event.id.in_(ids)))}


def find_applicant(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or user.role not in SIGNUP_ROLES:
        return None
    return user


def clean_note(note: str | None) -> str:
    return (note or "").replace("\x00", "").strip()


def decide(
    applicant: User, decision: str, reviewer: User, note: str = "", *, now: datetime | None = None
) -> User:
    """Approve or reject (with a reason, which the applicant is told) a pending sign-up."""
    status = DECISIONS.get(decision)
    if status is None:
        raise ReviewError(_l("Choose approve or reject."), "bad_decision", "decision")
    note = clean_note(note)
    if status == "rejected" and not note:
        raise ReviewError(
            _l("Give the applicant the reason for the rejection."), "reason_required", "note"
        )
    if len(note) > MAX_REVIEW_NOTE_LENGTH:
        raise ReviewError(
            _l("The reason has at most %(count)d characters.", count=MAX_REVIEW_NOTE_LENGTH),
            "too_long",
            "note",
        )
    now = now or utcnow()
    values: dict[str, Any] = {
        "status": status,
        "review_note": note,
        "reviewed_at": now,
        "reviewed_by_id": reviewer.id,
    }
    if status == "rejected":
        values["session_token"] = new_session_token()  # its sessions end at once
    written = db.session.execute(
        update(User)
        .where(User.id == applicant.id, User.status == "pending", User.is_active.is_(True))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(applicant)
    if written.rowcount != 1:
        raise already_decided(applicant)
    action = "signup.approve" if status == "active" else "signup.reject"
    details = {"user": applicant.name, "role": applicant.role}
    if note:
        details["reason"] = note
    record_audit(reviewer, action, applicant.email, **details)
    tell_decision(applicant)
    return applicant


def already_decided(applicant: User) -> ReviewError:
    """Why a request can no longer be decided on: who decided it, or what became of it."""
    by = applicant.reviewed_by.name if applicant.reviewed_by is not None else None
    if applicant.status == "active" and by:
        message = _l("This request was already decided by %(name)s: approved.", name=by)
    elif applicant.status == "rejected" and by:
        message = _l("This request was already decided by %(name)s: rejected.", name=by)
    elif not applicant.is_active:
        message = _l("This account was deactivated meanwhile.")
    else:
        message = _l("This request is no longer waiting for a decision.")
    return ReviewError(message, "already_decided")
