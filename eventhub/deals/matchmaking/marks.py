"""Marks: "must meet", "would meet" or "not now", one per pair per side per event.

A startup marks the investors who take meetings at the event; an investor who takes
meetings there marks startups. Marking again changes the mark; an empty mark removes it.
A pair is "mutual" when both sides marked the other "must" or "would", and a "mutual must
meet" pair (both "must") goes first in the scheduler. Each side sees its own marks and the
word "mutual", never the other side's mark alone. Functions flush; the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from eventhub.deals.matchmaking.models import MARKS, POSITIVE_MARKS, MatchMark
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.directory import is_event_investor
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup


class MatchError(DomainError):
    """A matchmaking rule refused something."""


def mark_labels() -> dict[str, Any]:
    return {"must": _l("Must meet"), "would": _l("Would meet"), "not_now": _l("Not now")}


def _pair(side: str, me: Startup | Investor, other: Startup | Investor) -> tuple[int, int]:
    return (me.id, other.id) if side == "startup" else (other.id, me.id)


def find_mark(event: Event, startup_id: int, investor_id: int, side: str) -> MatchMark | None:
    return db.session.scalar(
        select(MatchMark).where(
            MatchMark.event_id == event.id,
            MatchMark.startup_id == startup_id,
            MatchMark.investor_id == investor_id,
            MatchMark.side == side,
        )
    )


def set_mark(
    event: Event,
    side: str,
    me: Startup | Investor | None,
    other: Startup | Investor | None,
    mark: str,
    *,
    by_user: Any = None,
) -> MatchMark | None:
    """`me` (a startup when `side` is "startup", else an investor) marks `other`;
    `mark` "" removes the mark. Returns the mark, None once removed."""
    if side not in ("startup", "investor") or me is None:
        raise MatchError(_l("Only a startup or an investor can mark."), "not_party")
    if mark not in (*MARKS, ""):
        raise MatchError(_l("Choose must meet, would meet or not now."), "bad_mark", "mark")
    if other is None:
        raise MatchError(_l("Nobody to mark here."), "party_not_found")
    investor = me if side == "investor" else other
    if not is_event_investor(event, investor):
        raise MatchError(
            _l("This investor does not take meetings at this event."), "investor_not_found"
        )
    startup_id, investor_id = _pair(side, me, other)
    found = find_mark(event, startup_id, investor_id, side)
    if not mark:
        if found is not None:
            db.session.delete(found)
            db.session.flush()
        return None
    if found is None:
        found = MatchMark(
            event_id=event.id, startup_id=startup_id, investor_id=investor_id, side=side
        )
        found.mark, found.marked_by_id, found.updated_at = (
            mark,
            getattr(by_user, "id", None),
            utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(found)
                db.session.flush()
            return found
        except IntegrityError:  # marked at the same moment elsewhere: change that one
            found = find_mark(event, startup_id, investor_id, side)
            if found is None:  # pragma: no cover - the other mark was removed meanwhile
                raise MatchError(_l("Please try again."), "mark_conflict") from None
    found.mark, found.marked_by_id, found.updated_at = mark, getattr(by_user, "id", None), utcnow()
    db.session.flush()
    return found


def marks_of(event: Event, side: str, party_id: int) -> dict[int, str]:
    """The marks one party gave at the event: the other party's id → mark."""
    own = MatchMark.startup_id if side == "startup" else MatchMark.investor_id
    other = MatchMark.investor_id if side == "startup" else MatchMark.startup_id
    rows = db.session.execute(
        select(other, MatchMark.mark).where(
            MatchMark.event_id == event.id, MatchMark.side == side, own == party_id
        )
    )
    return {key: mark for key, mark in rows}


def mutual_pairs(event: Event, *, must_only: bool = False) -> set[tuple[int, int]]:
    """(startup id, investor id) of the pairs where both sides marked the other "must" or
    "would" (both "must" with `must_only`)."""
    wanted = ("must",) if must_only else POSITIVE_MARKS
    theirs = aliased(MatchMark)
    rows = db.session.execute(
        select(MatchMark.startup_id, MatchMark.investor_id)
        .join(
            theirs,
            and_(
                theirs.event_id == MatchMark.event_id,
                theirs.startup_id == MatchMark.startup_id,
                theirs.investor_id == MatchMark.investor_id,
                theirs.side == "investor",
            ),
        )
        .where(
            MatchMark.event_id == event.id,
            MatchMark.side == "startup",
            MatchMark.mark.in_(wanted),
            theirs.mark.in_(wanted),
        )
    )
    return {(s, i) for s, i in rows}


def mutual_with(event: Event, side: str, party_id: int) -> set[int]:
    """The other parties with whom `party_id` has a mutual interest."""
    pairs = mutual_pairs(event)
    if side == "startup":
        return {i for s, i in pairs if s == party_id}
    return {s for s, i in pairs if i == party_id}
