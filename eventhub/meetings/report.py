"""The organiser's figures: the counts on the meetings page, and the report of meetings
held, no-shows and called off, per investor and per startup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingRequest, MeetingSlot
from eventhub.models_common import utcnow


@dataclass(frozen=True)
class MeetingCounts:
    slots: int
    meetings: int  # confirmed
    requests: int  # not withdrawn
    accepted: int  # accepted requests, for the scheduler


def meeting_counts(event: Event) -> MeetingCounts:
    def count(model, *conditions) -> int:
        query = select(func.count()).select_from(model).where(model.event_id == event.id)
        return db.session.scalar(query.where(*conditions)) or 0

    return MeetingCounts(
        slots=count(MeetingSlot),
        meetings=count(Meeting, Meeting.status == "confirmed"),
        requests=count(MeetingRequest, MeetingRequest.status != "withdrawn"),
        accepted=count(MeetingRequest, MeetingRequest.status == "accepted"),
    )


@dataclass
class ReportRow:
    name: str
    detail: str
    confirmed: int = 0
    held: int = 0
    no_show: int = 0
    unmarked: int = 0  # started, and no outcome recorded
    called_off: int = 0

    def count(self, meeting: Meeting, now: datetime) -> None:
        if meeting.status != "confirmed":
            self.called_off += 1
        elif meeting.outcome == "held":
            self.held += 1
        elif meeting.outcome == "no_show":
            self.no_show += 1
        elif meeting.starts_at <= now:
            self.unmarked += 1
        if meeting.status == "confirmed":
            self.confirmed += 1


class MeetingReport(NamedTuple):
    investors: list[ReportRow]  # most meetings held first
    startups: list[ReportRow]
    totals: ReportRow


def meeting_report(event: Event, now: datetime | None = None) -> MeetingReport:
    """Meetings held, no-shows, not marked yet and called off, per investor and per startup."""
    now = now or utcnow()
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.event_id == event.id)
        .options(joinedload(Meeting.startup), joinedload(Meeting.investor))
    ).all()
    investors: dict[int, ReportRow] = {}
    startups: dict[int, ReportRow] = {}
    totals = ReportRow(name="", detail="")
    for meeting in meetings:
        investor, startup = meeting.investor, meeting.startup
        if investor.id not in investors:
            investors[investor.id] = ReportRow(investor.fund, investor.name)
        if startup.id not in startups:
            startups[startup.id] = ReportRow(startup.name, startup.programme)
        for row in (investors[investor.id], startups[startup.id], totals):
            row.count(meeting, now)
    return MeetingReport(_ordered(investors), _ordered(startups), totals)


def _ordered(rows: dict[int, ReportRow]) -> list[ReportRow]:
    return sorted(rows.values(), key=lambda row: (-row.held, -row.confirmed, row.name))
