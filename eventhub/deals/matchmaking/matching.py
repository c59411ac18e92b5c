"""From the database to `recommend`'s plain data and back: the recommendations and the
marks shown on each side's directory and requests page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from eventhub.deals.matchmaking.marks import marks_of, mutual_pairs
from eventhub.deals.matchmaking.models import POSITIVE_MARKS, MatchMark
from eventhub.deals.matchmaking.recommend import (
    DEFAULT_LIMIT,
    InvestorFacts,
    Recommendation,
    Signals,
    StartupFacts,
    recommend_investors,
    recommend_startups,
)
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.directory import event_investors
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.requests import ACTIVE_REQUEST
from eventhub.profiles.models import Investor, Startup


def startup_facts(startup: Startup) -> StartupFacts:
    return StartupFacts(
        id=startup.id,
        name=startup.name,
        sector=startup.sector or "",
        stage=startup.stage or "",
        programme=startup.programme or "",
        city_site=startup.city_site or "",
        round_eur=startup.round_size_eur,
    )


def investor_facts(investor: Investor) -> InvestorFacts:
    return InvestorFacts(
        id=investor.id,
        name=investor.fund,
        sectors=tuple(investor.sectors or ()),
        stages=tuple(investor.stages or ()),
        ticket_min_eur=investor.ticket_min_eur,
        ticket_max_eur=investor.ticket_max_eur,
    )


def _interest(event: Event, investor_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Per investor, the startups it showed interest in at the event: marked "must" or
    "would", asked, or accepted a request from."""
    liked: dict[int, set[int]] = defaultdict(set)
    marks = select(MatchMark.investor_id, MatchMark.startup_id).where(
        MatchMark.event_id == event.id,
        MatchMark.side == "investor",
        MatchMark.mark.in_(POSITIVE_MARKS),
    )
    requests = select(MeetingRequest.investor_id, MeetingRequest.startup_id).where(
        MeetingRequest.event_id == event.id,
        or_(
            (MeetingRequest.direction == "investor") & MeetingRequest.status.in_(ACTIVE_REQUEST),
            (MeetingRequest.direction == "startup") & (MeetingRequest.status == "accepted"),
        ),
    )
    if investor_ids is not None:
        ids = list(investor_ids)
        marks = marks.where(MatchMark.investor_id.in_(ids))
        requests = requests.where(MeetingRequest.investor_id.in_(ids))
    for statement in (marks, requests):
        for investor_id, startup_id in db.session.execute(statement):
            liked[investor_id].add(startup_id)
    return {key: sorted(value) for key, value in liked.items()}


def _signals(event: Event, investor_ids: Iterable[int] | None = None) -> Signals:
    interest = _interest(event, investor_ids)
    wanted = {s for ids in interest.values() for s in ids}
    startups = (
        {s.id: s for s in db.session.scalars(select(Startup).where(Startup.id.in_(wanted)))}
        if wanted
        else {}
    )
    return Signals(
        event_city=event.city or "",
        mutual=frozenset(mutual_pairs(event)),
        interest={
            key: [startup_facts(startups[s]) for s in ids if s in startups]
            for key, ids in interest.items()
        },
    )


def _engaged(event: Event, *, startup_id: int | None = None, investor_id: int | None = None):
    """The other parties with whom the party already has an open request or a meeting."""
    own_r = (
        MeetingRequest.startup_id == startup_id
        if startup_id is not None
        else MeetingRequest.investor_id == investor_id
    )
    own_m = (
        Meeting.startup_id == startup_id
        if startup_id is not None
        else Meeting.investor_id == investor_id
    )
    other_r = MeetingRequest.investor_id if startup_id is not None else MeetingRequest.startup_id
    other_m = Meeting.investor_id if startup_id is not None else Meeting.startup_id
    found = set(
        db.session.scalars(
            select(other_r).where(
                MeetingRequest.event_id == event.id,
                own_r,
                MeetingRequest.status.in_(ACTIVE_REQUEST),
            )
        )
    )
    found |= set(
        db.session.scalars(
            select(other_m).where(
                Meeting.event_id == event.id, own_m, Meeting.status == "confirmed"
            )
        )
    )
    return found


@dataclass
class Recommended:
    recommendation: Recommendation
    party: Startup | Investor


def investors_for(
    event: Event, startup: Startup, *, limit: int = DEFAULT_LIMIT
) -> list[Recommended]:
    """The investors of the event recommended to the startup: not marked "not now" by it,
    no open request or meeting with it yet."""
    investors = {i.id: i for i in event_investors(event)}
    if not investors:
        return []
    mine = marks_of(event, "startup", startup.id)
    exclude = {key for key, mark in mine.items() if mark == "not_now"}
    exclude |= _engaged(event, startup_id=startup.id)
    found = recommend_investors(
        startup_facts(startup),
        [investor_facts(i) for i in investors.values()],
        _signals(event, investors),
        limit=limit,
        exclude=exclude,
    )
    return [Recommended(r, investors[r.id]) for r in found]


def startups_for(
    event: Event, investor: Investor, *, limit: int = DEFAULT_LIMIT
) -> list[Recommended]:
    """The startups recommended to the investor at the event (the same exclusions)."""
    startups = {s.id: s for s in db.session.scalars(select(Startup))}
    mine = marks_of(event, "investor", investor.id)
    exclude = {key for key, mark in mine.items() if mark == "not_now"}
    exclude |= _engaged(event, investor_id=investor.id)
    found = recommend_startups(
        investor_facts(investor),
        [startup_facts(s) for s in startups.values()],
        _signals(event, [investor.id]),
        limit=limit,
        exclude=exclude,
    )
    return [Recommended(r, startups[r.id]) for r in found]


@dataclass
class MarkView:
    """One side's marks at an event, for a page: its own mark of each other party, and
    the parties with a mutual interest."""

    side: str
    mine: dict[int, str] = field(default_factory=dict)
    mutual: set[int] = field(default_factory=set)

    def mark(self, other_id: int) -> str:
        return self.mine.get(other_id, "")

    def is_mutual(self, other_id: int) -> bool:
        return other_id in self.mutual


def mark_view(event: Event, side: str, party_id: int) -> MarkView:
    pairs = mutual_pairs(event)
    if side == "startup":
        mutual = {i for s, i in pairs if s == party_id}
    else:
        mutual = {s for s, i in pairs if i == party_id}
    return MarkView(side, marks_of(event, side, party_id), mutual)
