"""The organiser's scheduler run on an event: the accepted requests placed into the slots.

`plan_schedule` is the dry run, `commit_schedule` saves it. The grid is the event's
distinct slot periods; an investor is available in a period where it has an open slot
without a meeting; accepted requests that already have a meeting are fixed where they
are; meetings booked first-come make their parties busy and take a table;
`max_concurrent_meetings` is the number of tables per period. The pure scheduler
(`eventhub.meetings.scheduler`) maximises the meetings placed, mutual "must meet" pairs
(both sides marked the other "must meet", `eventhub.deals.matchmaking`) counting double,
and gives an upper bound.
Placements are then checked against the real clock: a startup is never put in two
meetings that overlap in time even where periods of different lengths overlap, and the
per-startup meeting limit holds. The commit takes the event's `schedule` lock and the lock
row of every startup involved (in id order), plans again under them, and inserts the
meetings in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventhub.auth.accounts import record_audit
from eventhub.deals.matchmaking.marks import mutual_pairs
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.availability import Period, grid_periods
from eventhub.meetings.booking import insert_meeting
from eventhub.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingSlot,
    StartupUnavailability,
)
from eventhub.meetings.scheduler import (
    FixedMeeting,
    ScheduleProblem,
    SchedulerError,
    SlotSpec,
    evaluate,
    schedule,
)
from eventhub.meetings.scheduler import MeetingRequest as ProblemRequest
from eventhub.meetings.slots import (
    MeetingError,
    has_confirmed_meeting,
    lock_slot,
    settings_of,
    take_lock,
)
from eventhub.models_common import utcnow

SCHEDULE_BUDGET_S = 2.0


def reason_labels() -> dict[str, Any]:
    """Why a request was not placed, for people."""
    return {
        "startup_unavailable_all": _l("The startup is unavailable in every slot."),
        "investor_unavailable_all": _l("The investor has no free slot."),
        "no_common_free_slot": _l("The startup and the investor have no free slot in common."),
        "conflicts": _l("Every common free slot is taken by other meetings of these two."),
        "tables_full": _l(
            "Every common free slot is taken by their other meetings or has no table left."
        ),
        "overlap": _l("The startup would be in two meetings at once."),
        "limit_reached": _l("The startup has reached its meeting limit."),
        "slot_taken": _l("The slot was booked while the schedule was saved."),
    }


@dataclass
class Placement:
    request: MeetingRequest
    slot: MeetingSlot
    meeting: Meeting | None = None  # once saved


@dataclass
class Unplaced:
    request: MeetingRequest
    reason: str

    @property
    def label(self) -> str:
        return str(reason_labels().get(self.reason, self.reason))


@dataclass
class SchedulePlan:
    event: Event
    placed: list[Placement] = field(default_factory=list)
    fixed: list[Meeting] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    upper_bound: int = 0
    bound_method: str = ""
    periods: int = 0
    accepted: int = 0
    stats: dict[str, Any] = field(default_factory=dict)
    committed: bool = False
    # (startup id, investor id) of the mutual "must meet" pairs among the accepted requests
    mutual_pairs: set[tuple[int, int]] = field(default_factory=set)

    @property
    def mutual_requests(self) -> int:
        return len(self.mutual_pairs)

    @property
    def mutual_placed(self) -> int:
        """Mutual "must meet" pairs with their meeting once the plan is saved."""
        pairs = {(p.request.startup_id, p.request.investor_id) for p in self.placed}
        pairs |= {(m.startup_id, m.investor_id) for m in self.fixed}
        return len(pairs & self.mutual_pairs)

    @property
    def proved_optimal(self) -> bool:
        """The scheduler's score met its upper bound, and every placement it made stands."""
        return bool(self.stats.get("proved_optimal")) and not any(
            u.reason in ("overlap", "limit_reached", "slot_taken") for u in self.unplaced
        )

    @property
    def total(self) -> int:
        """Meetings of accepted requests once the plan is saved (fixed ones included)."""
        return len(self.placed) + len(self.fixed)

    @property
    def share_of_bound(self) -> float:
        return self.total / self.upper_bound if self.upper_bound else 1.0

    @property
    def reviewed_key(self) -> str:
        """The new placements as `request:slot,…`, for saving exactly this plan later."""
        return ",".join(f"{p.request.id}:{p.slot.id}" for p in self.placed)

    def summary(self) -> str:
        return (
            f"{len(self.placed)} new meetings placed, {len(self.fixed)} kept; "
            f"{len(self.unplaced)} of {self.accepted} accepted requests not placed; "
            f"upper bound {self.upper_bound} ({self.bound_method}), "
            f"{self.share_of_bound:.1%} of it reached; "
            f"{self.mutual_placed} of {self.mutual_requests} mutual must-meet pairs placed."
        )


def _overlaps(a: Period, b: Period) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class _Build:
    problem: ScheduleProblem
    periods: list[Period]
    requests: dict[int, MeetingRequest]
    open_slot: dict[tuple[int, int], MeetingSlot]
    fixed: list[Meeting]
    busy: dict[int, list[Period]]  # startup → confirmed meetings
    mutual: set[tuple[int, int]]  # mutual "must meet" pairs among the accepted requests


def _build_problem(event: Event, now: datetime) -> _Build:
    periods = [p for p in grid_periods(event) if p[0] > now]
    index = {period: t for t, period in enumerate(periods)}
    requests = list(
        db.session.scalars(
            select(MeetingRequest)
            .where(MeetingRequest.event_id == event.id, MeetingRequest.status == "accepted")
            .order_by(MeetingRequest.id)
        )
    )
    confirmed = list(
        db.session.scalars(
            select(Meeting).where(Meeting.event_id == event.id, Meeting.status == "confirmed")
        )
    )
    by_pair = {(m.startup_id, m.investor_id): m for m in confirmed}
    must = mutual_pairs(event, must_only=True)
    mutual = {(r.startup_id, r.investor_id) for r in requests} & must
    slots = db.session.scalars(
        select(MeetingSlot).where(MeetingSlot.event_id == event.id, MeetingSlot.starts_at > now)
    ).all()
    booked_slot_ids = {m.slot_id for m in confirmed}

    problem_requests: list[ProblemRequest] = []
    fixed: list[FixedMeeting] = []
    fixed_meetings: list[Meeting] = []
    kept: dict[int, MeetingRequest] = {}
    for request in requests:
        meeting = by_pair.get((request.startup_id, request.investor_id))
        if meeting is not None:
            t = index.get((meeting.starts_at, meeting.ends_at))
            fixed_meetings.append(meeting)
            if t is None:  # already met, or in the past: not part of this run
                continue
            fixed.append(FixedMeeting(request.id, t))
        kept[request.id] = request
        problem_requests.append(
            ProblemRequest(
                request.id,
                request.startup_id,
                request.investor_id,
                mutual=(request.startup_id, request.investor_id) in mutual,
            )
        )
    fixed_ids = {m.id for m in fixed_meetings}

    open_slot: dict[tuple[int, int], MeetingSlot] = {}
    for slot in slots:
        t = index.get((slot.starts_at, slot.ends_at))
        if t is not None and slot.status == "open" and slot.id not in booked_slot_ids:
            open_slot[(slot.investor_id, t)] = slot
    investor_unavailable: dict[int, set[int]] = {}
    for investor_id in {r.investor_id for r in kept.values()}:
        investor_unavailable[investor_id] = {
            t for t in range(len(periods)) if (investor_id, t) not in open_slot
        }
    startup_unavailable: dict[int, set[int]] = defaultdict(set)
    busy: dict[int, list[Period]] = defaultdict(list)
    startup_ids = {r.startup_id for r in kept.values()}
    for meeting in confirmed:
        busy[meeting.startup_id].append((meeting.starts_at, meeting.ends_at))
        if meeting.startup_id in startup_ids:
            for t, period in enumerate(periods):
                if _overlaps(period, (meeting.starts_at, meeting.ends_at)):
                    startup_unavailable[meeting.startup_id].add(t)
    marks = db.session.scalars(
        select(StartupUnavailability).where(
            StartupUnavailability.event_id == event.id,
            StartupUnavailability.startup_id.in_(startup_ids),
        )
    ).all()
    for mark in marks:
        for t, period in enumerate(periods):
            if _overlaps(period, (mark.starts_at, mark.ends_at)):
                startup_unavailable[mark.startup_id].add(t)
    # A fixed meeting stays where it is: its own period is free for its two parties.
    for fm in fixed:
        request = kept[fm.request_id]
        startup_unavailable[request.startup_id].discard(fm.slot)
        investor_unavailable[request.investor_id].discard(fm.slot)

    tables: list[int | None] | None = None
    cap = settings_of(event).max_concurrent_meetings
    if cap is not None:
        tables = []
        fixed_load = defaultdict(int)
        for fm in fixed:
            fixed_load[fm.slot] += 1
        for t, period in enumerate(periods):
            others = sum(
                1
                for m in confirmed
                if m.id not in fixed_ids and _overlaps(period, (m.starts_at, m.ends_at))
            )
            tables.append(max(cap - others, fixed_load[t]))
    problem = ScheduleProblem(
        slots=[SlotSpec(start=start, end=end) for start, end in periods],
        requests=problem_requests,
        startup_unavailable=dict(startup_unavailable),
        investor_unavailable=investor_unavailable,
        tables=tables,
        fixed=fixed,
    )
    return _Build(problem, periods, kept, open_slot, fixed_meetings, busy, mutual)


def plan_schedule(
    event: Event,
    *,
    now: datetime | None = None,
    time_budget_s: float = SCHEDULE_BUDGET_S,
    reviewed: str | None = None,
    exact_seconds: float | None = None,
) -> SchedulePlan:
    """The dry run: what the scheduler would place now, and why the rest is not placed.

    With `reviewed` (a dry run's `reviewed_key`), that plan again, checked against the
    requests, slots and availability as they are now; `plan_changed` when it no longer fits.
    With `exact_seconds`, OR-Tools' CP-SAT (when installed) then searches for the optimum
    for up to that long (the `exact` mode of the scheduler).
    """
    now = now or utcnow()
    build = _build_problem(event, now)
    plan = SchedulePlan(
        event=event,
        periods=len(build.periods),
        fixed=list(build.fixed),
        mutual_pairs=set(build.mutual),
    )
    plan.accepted = (
        db.session.scalar(
            select(func.count()).where(
                MeetingRequest.event_id == event.id, MeetingRequest.status == "accepted"
            )
        )
        or 0
    )
    try:
        if reviewed is None:
            result = schedule(
                build.problem,
                time_budget_s=time_budget_s,
                exact=exact_seconds is not None,
                exact_time_limit_s=exact_seconds or 0.0,
            )
        else:
            result = evaluate(build.problem, _reviewed_placements(build, reviewed))
    except SchedulerError as error:
        if error.code == "exact_unavailable":
            raise MeetingError(
                _l(
                    "The exact mode needs OR-Tools, which is not installed "
                    "(pip install -r requirements-dev.txt)."
                ),
                "exact_unavailable",
            ) from error
        if error.code == "stale_plan":
            raise MeetingError(
                _l(
                    "The schedule you reviewed no longer fits: requests, slots or someone's "
                    "availability changed since. Review the new proposal."
                ),
                "plan_changed",
            ) from error
        raise MeetingError(  # pragma: no cover - the build keeps fixed meetings valid
            _l("The schedule cannot be built: %(why)s", why=error.message), "schedule_input"
        ) from error
    # Meetings of accepted requests outside the grid (already past) count on both sides.
    plan.upper_bound = result.upper_bound + len(build.fixed) - len(build.problem.fixed)
    plan.bound_method = result.bound_method
    plan.stats = result.stats
    fixed_requests = {fm.request_id for fm in build.problem.fixed}
    limit = settings_of(event).max_meetings_per_startup
    busy = {startup: list(periods) for startup, periods in build.busy.items()}
    placed = sorted(
        (
            (build.requests[rid], t)
            for rid, t in result.placements.items()
            if rid not in fixed_requests
        ),
        key=lambda item: (build.periods[item[1]], item[0].id),
    )
    for request, t in placed:
        period = build.periods[t]
        mine = busy.setdefault(request.startup_id, [])
        if any(_overlaps(period, other) for other in mine):
            plan.unplaced.append(Unplaced(request, "overlap"))
        elif limit is not None and len(mine) >= limit:
            plan.unplaced.append(Unplaced(request, "limit_reached"))
        else:
            mine.append(period)
            plan.placed.append(Placement(request, build.open_slot[(request.investor_id, t)]))
    for item in result.unplaced:
        plan.unplaced.append(Unplaced(build.requests[item.request_id], item.reason))
    plan.unplaced.sort(key=lambda u: u.request.id)
    return plan


def _reviewed_placements(build: _Build, reviewed: str) -> dict[int, int]:
    """`request:slot,…` → request id → grid period; SchedulerError for what is not there."""
    period_of_slot = {
        slot.id: (investor_id, t) for (investor_id, t), slot in build.open_slot.items()
    }
    placements: dict[int, int] = {}
    for pair in filter(None, reviewed.split(",")):
        request_id, _, slot_id = pair.partition(":")
        if not (request_id.isdigit() and slot_id.isdigit()):
            raise SchedulerError(f"unreadable placement {pair!r}", "stale_plan")
        request = build.requests.get(int(request_id))
        investor_id, t = period_of_slot.get(int(slot_id), (None, -1))
        if request is None or investor_id != request.investor_id:
            raise SchedulerError(f"placement {pair} is not open any more", "stale_plan")
        placements[request.id] = t
    return placements


def commit_schedule(
    event: Event,
    actor: Any = None,
    *,
    now: datetime | None = None,
    via: str = "web",
    reviewed: str | None = None,
    exact_seconds: float | None = None,
) -> SchedulePlan:
    """Under the locks, save the plan the organiser reviewed (`reviewed`, see
    `plan_schedule`), or without one a fresh plan, in the caller's transaction."""
    now = now or utcnow()
    take_lock(event.id, "schedule")
    startup_ids = sorted(
        set(
            db.session.scalars(
                select(MeetingRequest.startup_id).where(
                    MeetingRequest.event_id == event.id, MeetingRequest.status == "accepted"
                )
            )
        )
    )
    for startup_id in startup_ids:
        take_lock(event.id, "startup", startup_id)
    plan = plan_schedule(event, now=now, reviewed=reviewed, exact_seconds=exact_seconds)
    saved: list[Placement] = []
    for placement in plan.placed:
        slot, request = placement.slot, placement.request
        locked = lock_slot(slot, only_open=True)
        moved = locked is None or (locked.starts_at, locked.ends_at) != slot.period
        if moved or has_confirmed_meeting(slot):
            plan.unplaced.append(Unplaced(request, "slot_taken"))
            continue
        meeting = Meeting(
            event_id=event.id,
            slot_id=slot.id,
            startup_id=request.startup_id,
            investor_id=request.investor_id,
            request_id=request.id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            table_name=slot.table.name if slot.table else "",
            status="confirmed",
            source="scheduler",
            note=request.pitch,
            booked_by_id=getattr(actor, "id", None),
        )
        try:
            insert_meeting(meeting)
        except MeetingError:
            plan.unplaced.append(Unplaced(request, "slot_taken"))
            continue
        placement.meeting = meeting
        saved.append(placement)
    plan.placed = saved
    plan.committed = True
    record_audit(
        actor,
        "meetings.schedule",
        event.slug,
        placed=len(saved),
        unplaced=len(plan.unplaced),
        upper_bound=plan.upper_bound,
        mutual_placed=plan.mutual_placed,
        via=via,
    )
    db.session.flush()
    return plan
