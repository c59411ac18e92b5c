"""Programme outcomes: what each programme's startups did at one event, as counts only
(no one's name, contact or notes).

Definitions, per programme P and event E (a startup is "of P" when `startups.programme`
is P's name):

- startups taking part: startups of P that, at E, hold an allocated booth, or appear in a
  meeting or a meeting request (in either direction, any status), or scanned a lead.
  (A registration names a person, not a startup, so registrations do not count here.)
- booths: booths of E allocated to startups of P.
- leads: visitors' badges scanned at those startups' booths (one lead per startup and
  visitor); visitors: the different visitors among them (one visitor who stopped at two
  booths of P counts once).
- meetings requested: meeting requests at E involving a startup of P, withdrawn ones left
  out, plus meetings booked directly on an investor's open slot (no request behind them).
- meetings confirmed: meetings at E still confirmed; held: meetings with the outcome
  "held"; missed: meetings with the outcome "no_show", whichever side did not come (table
  check-in's no-shows; a missed meeting whose slot went to a standby startup is cancelled
  then, and still counts as missed).
- mutual interests: startup–investor pairs at E where both sides marked the other
  "must" or "would" (eventhub/deals/matchmaking/marks.py `mutual_pairs`).
- next steps by stage: the deal-flow helper's count of pairs at each next step
  (eventhub/deals/dealflow/pipeline.py `next_steps_by_stage`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from eventhub.booths.models import Booth, BoothApplication
from eventhub.deals.dealflow.models import NEXT_STEPS
from eventhub.deals.dealflow.pipeline import next_steps_by_stage
from eventhub.deals.leads.models import Lead
from eventhub.deals.matchmaking.marks import mutual_pairs
from eventhub.deals.programmes.catalogue import all_programmes
from eventhub.deals.programmes.models import Programme
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.profiles.models import Startup


@dataclass(frozen=True)
class ProgrammeOutcome:
    """One programme's figures at one event."""

    programme: Programme
    startups: int = 0  # startups of the programme, all of them
    taking_part: int = 0
    booths: int = 0
    visitors: int = 0
    leads: int = 0
    meetings_requested: int = 0
    meetings_confirmed: int = 0
    meetings_held: int = 0
    meetings_missed: int = 0
    mutual_interests: int = 0
    next_steps: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NEXT_STEPS, 0))

    @property
    def next_steps_total(self) -> int:
        return sum(self.next_steps.values())


def outcomes_by_programme(event: Event) -> list[ProgrammeOutcome]:
    """Every programme's figures at `event`, programmes by name."""
    programmes = all_programmes()
    if not programmes:
        return []
    startup_programme = _startups_of(programmes)
    return [
        _outcome(event, programme, ids)
        for programme, ids in _ids_by_programme(programmes, startup_programme).items()
    ]


def programme_outcome(event: Event, programme: Programme) -> ProgrammeOutcome:
    """One programme's figures at `event`."""
    ids = set(db.session.scalars(select(Startup.id).where(Startup.programme == programme.name)))
    return _outcome(event, programme, ids)


def _startups_of(programmes: Iterable[Programme]) -> dict[int, str]:
    names = [programme.name for programme in programmes]
    return dict(
        db.session.execute(
            select(Startup.id, Startup.programme).where(Startup.programme.in_(names))
        ).all()
    )


def _ids_by_programme(
    programmes: list[Programme], startup_programme: dict[int, str]
) -> dict[Programme, set[int]]:
    by_name: dict[str, set[int]] = defaultdict(set)
    for startup_id, name in startup_programme.items():
        by_name[name].add(startup_id)
    return {programme: by_name.get(programme.name, set()) for programme in programmes}


def _outcome(event: Event, programme: Programme, ids: set[int]) -> ProgrammeOutcome:
    if not ids:
        return ProgrammeOutcome(programme)
    startup_ids = list(ids)
    booths = _per_startup(
        select(BoothApplication.startup_id, func.count(Booth.id))
        .join(BoothApplication, BoothApplication.id == Booth.application_id)
        .where(
            Booth.event_id == event.id,
            Booth.status == "allocated",
            BoothApplication.startup_id.in_(startup_ids),
        )
        .group_by(BoothApplication.startup_id)
    )
    leads = _per_startup(
        select(Lead.startup_id, func.count(Lead.id))
        .where(Lead.event_id == event.id, Lead.startup_id.in_(startup_ids))
        .group_by(Lead.startup_id)
    )
    visitors = db.session.scalar(
        select(func.count(func.distinct(Lead.registration_id))).where(
            Lead.event_id == event.id, Lead.startup_id.in_(startup_ids)
        )
    )
    requests = _per_startup(
        select(MeetingRequest.startup_id, func.count(MeetingRequest.id))
        .where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.startup_id.in_(startup_ids),
            MeetingRequest.status != "withdrawn",
        )
        .group_by(MeetingRequest.startup_id)
    )
    confirmed = Meeting.status == "confirmed"
    meeting_rows = db.session.execute(
        select(
            Meeting.startup_id,
            func.count(Meeting.id),
            func.sum(case((Meeting.request_id.is_(None), 1), else_=0)),
            func.sum(case((confirmed, 1), else_=0)),
            func.sum(case((Meeting.outcome == "held", 1), else_=0)),
            func.sum(case((Meeting.outcome == "no_show", 1), else_=0)),
        )
        .where(Meeting.event_id == event.id, Meeting.startup_id.in_(startup_ids))
        .group_by(Meeting.startup_id)
    ).all()
    in_meetings = {row[0] for row in meeting_rows}
    mutual = sum(1 for startup_id, _investor in mutual_pairs(event) if startup_id in ids)
    taking_part = set(booths) | set(leads) | set(requests) | in_meetings
    return ProgrammeOutcome(
        programme=programme,
        startups=len(ids),
        taking_part=len(taking_part & ids),
        booths=sum(booths.values()),
        visitors=visitors or 0,
        leads=sum(leads.values()),
        meetings_requested=sum(requests.values()) + sum(int(r[2] or 0) for r in meeting_rows),
        meetings_confirmed=sum(int(r[3] or 0) for r in meeting_rows),
        meetings_held=sum(int(r[4] or 0) for r in meeting_rows),
        meetings_missed=sum(int(r[5] or 0) for r in meeting_rows),
        mutual_interests=mutual,
        next_steps=next_steps_by_stage(event.id, startup_ids),
    )


def _per_startup(statement) -> dict[int, int]:
    return {startup_id: count for startup_id, count in db.session.execute(statement)}
