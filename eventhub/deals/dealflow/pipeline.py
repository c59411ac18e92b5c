"""Reading deal flow: the investor's pipeline (its startups by stage, across events), the
meetings it has still to record, a pair's history, the steps a startup sees, and the
counts by stage an organiser's report may show (no interest, no notes).

A pair's stage is the next step of its record whose step was set last (`step_at`, then
the id): one row per startup in the pipeline, from a window over the investor's records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventhub.deals.dealflow.models import (
    INTEREST_LEVELS,
    NEXT_STEPS,
    STARTUP_STEPS,
    DealRecord,
    DealStep,
)
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.models_common import contains_text, counts_by_status, utcnow
from eventhub.profiles.models import Investor, Startup

STAGE_ORDER = case(
    {step: number for number, step in enumerate(NEXT_STEPS)}, value=DealRecord.next_step
)
INTEREST_ORDER = case(
    {level: number for number, level in enumerate(INTEREST_LEVELS)}, value=DealRecord.interest
)
# The pipeline's sortable columns (eventhub/listing.py).
PIPELINE_SORTS: dict[str, Any] = {
    "startup": Startup.name,
    "stage": STAGE_ORDER,
    "interest": INTEREST_ORDER,
    "meeting": Meeting.starts_at,
    "updated": DealRecord.updated_at,
}
WAITING_LIMIT = 20


@dataclass(frozen=True)
class PipelineFilters:
    stage: str = ""
    interest: str = ""
    event_id: int | None = None
    q: str = ""

    @classmethod
    def read(
        cls, stage: str | None, interest: str | None, event_id: Any, q: str
    ) -> PipelineFilters:
        """Unknown values are ignored (a shared address never errs)."""
        try:
            event = int(event_id) if event_id else None
        except (TypeError, ValueError):
            event = None
        return cls(
            stage=stage if stage in NEXT_STEPS else "",
            interest=interest if interest in INTEREST_LEVELS else "",
            event_id=event,
            q=q or "",
        )

    @property
    def active(self) -> bool:
        return bool(self.stage or self.interest or self.event_id or self.q)


def _latest(investor_id: int, event_id: int | None = None) -> Any:
    """Each startup's latest record of the investor (rank 1), at one event if given."""
    rank = func.row_number().over(
        partition_by=DealRecord.startup_id,
        order_by=(DealRecord.step_at.desc(), DealRecord.id.desc()),
    )
    query = select(DealRecord.id.label("id"), rank.label("rank")).where(
        DealRecord.investor_id == investor_id
    )
    if event_id is not None:
        query = query.where(DealRecord.event_id == event_id)
    return query.subquery()


def pipeline_select(investor: Investor, filters: PipelineFilters) -> Select[Any]:
    """The investor's startups, one row each (its latest record), as filtered; by the
    latest change of stage first."""
    latest = _latest(investor.id, filters.event_id)
    query = (
        select(DealRecord)
        .join(latest, latest.c.id == DealRecord.id)
        .join(Startup, Startup.id == DealRecord.startup_id)
        .join(Meeting, Meeting.id == DealRecord.meeting_id)
        .where(latest.c.rank == 1)
        .options(
            joinedload(DealRecord.startup),
            joinedload(DealRecord.meeting),
            joinedload(DealRecord.event),
        )
        .order_by(DealRecord.step_at.desc(), DealRecord.id.desc())
    )
    if filters.stage:
        query = query.where(DealRecord.next_step == filters.stage)
    if filters.interest:
        query = query.where(DealRecord.interest == filters.interest)
    if filters.q:
        query = query.where(contains_text(filters.q, Startup.name))
    return query


def stage_counts(investor: Investor, event_id: int | None = None) -> dict[str, int]:
    """How many of the investor's startups are at each stage (every stage named)."""
    latest = _latest(investor.id, event_id)
    rows = db.session.execute(
        select(DealRecord.next_step, func.count())
        .join(latest, latest.c.id == DealRecord.id)
        .where(latest.c.rank == 1)
        .group_by(DealRecord.next_step)
    )
    counts = dict.fromkeys(NEXT_STEPS, 0)
    counts.update({step: count for step, count in rows})
    return counts


def current_steps(records: Iterable[DealRecord]) -> dict[int, DealStep]:
    """The current step of each record, by record id, in one query."""
    ids = [record.id for record in records]
    if not ids:
        return {}
    steps = db.session.scalars(
        select(DealStep).where(DealStep.record_id.in_(ids), DealStep.superseded_at.is_(None))
    )
    return {step.record_id: step for step in steps}


def meetings_to_record(
    investor: Investor, now: datetime | None = None, limit: int = WAITING_LIMIT
) -> list[Meeting]:
    """The investor's held meetings without a record yet, latest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.investor_id == investor.id,
                Meeting.status == "confirmed",
                or_(
                    Meeting.outcome == "held",
                    Meeting.outcome.is_(None) & (Meeting.ends_at <= now),
                ),
                ~exists().where(DealRecord.meeting_id == Meeting.id),
            )
            .options(joinedload(Meeting.startup), joinedload(Meeting.event))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )


def pair_history(investor: Investor, startup: Startup) -> list[DealRecord]:
    """Every record of the investor about the startup, latest meeting first, with steps."""
    return list(
        db.session.scalars(
            select(DealRecord)
            .join(Meeting, Meeting.id == DealRecord.meeting_id)
            .where(DealRecord.investor_id == investor.id, DealRecord.startup_id == startup.id)
            .options(
                joinedload(DealRecord.meeting),
                joinedload(DealRecord.event),
                selectinload(DealRecord.steps),
            )
            .order_by(Meeting.starts_at.desc(), DealRecord.id.desc())
        )
    )


def investor_events(investor: Investor) -> list[Event]:
    """The events of the investor's records, for the pipeline's filter."""
    return list(
        db.session.scalars(
            select(Event)
            .where(
                exists().where(
                    DealRecord.event_id == Event.id, DealRecord.investor_id == investor.id
                )
            )
            .order_by(Event.first_day.desc())
        )
    )


def startup_steps_select(startup_id: int) -> Select[Any]:
    """The next steps addressed to the startup that it sees: the current ones, and older
    ones it answered; open ones first, then the latest."""
    return (
        select(DealStep)
        .join(DealRecord, DealRecord.id == DealStep.record_id)
        .where(
            DealStep.startup_id == startup_id,
            DealStep.step.in_(STARTUP_STEPS),
            or_(DealStep.superseded_at.is_(None), DealStep.answered_at.is_not(None)),
        )
        .options(
            joinedload(DealStep.record).options(
                joinedload(DealRecord.investor).joinedload(Investor.user),
                joinedload(DealRecord.meeting),
                joinedload(DealRecord.event),
            )
        )
        .order_by(
            case((DealStep.superseded_at.is_(None) & DealStep.answered_at.is_(None), 0), else_=1),
            DealStep.created_at.desc(),
            DealStep.id.desc(),
        )
    )


def open_step_count(startup_id: int) -> int:
    """How many next steps wait for the startup's answer."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(DealStep)
            .where(
                DealStep.startup_id == startup_id,
                DealStep.step.in_(STARTUP_STEPS),
                DealStep.superseded_at.is_(None),
                DealStep.answered_at.is_(None),
            )
        )
        or 0
    )


def next_steps_by_stage(event_id: int, startup_ids: Iterable[int] | None = None) -> dict[str, int]:
    """For programme reports: how many investor–startup pairs met at the event are at each
    next step (every step named, 0 too), of the given startups if any. Counts only: no
    interest, no notes, no names."""
    conditions = [DealRecord.event_id == event_id]
    if startup_ids is not None:
        conditions.append(DealRecord.startup_id.in_(list(startup_ids)))
    return counts_by_status(DealRecord.next_step, NEXT_STEPS, *conditions)
