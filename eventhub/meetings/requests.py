"""Request mode: startups ask investors, investors accept, the scheduler places the meetings.

A startup sends up to N requests per event (N set by the organiser), each with a pitch
line; sending takes the startup's lock row, so N holds under concurrent requests. Each
party marks when it cannot meet: an investor marks its own slots unavailable, a startup
marks periods of the event's slot grid.

Running the scheduler (`plan_schedule` for the dry run, `commit_schedule` to save): the
grid is the event's distinct slot periods; an investor is available in a period where it
has an open slot without a meeting; accepted requests that already have a meeting are
fixed where they are; meetings booked first-come make their parties busy and take a
table; `max_concurrent_meetings` is the number of tables per period. The pure scheduler
(`eventhub.meetings.scheduler`) maximises the meetings placed and gives an upper bound.
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
from sqlalchemy.exc import IntegrityError

from eventhub.auth.accounts import record_audit
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import insert_meeting, is_own, pair_meeting
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
    clean_text,
    has_confirmed_meeting,
    is_event_investor,
    lock_slot,
    set_slot_available,
    settings_of,
    take_lock,
)
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

MAX_PITCH_LENGTH = 200
ACTIVE_REQUEST = ("pending", "accepted")
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


# Requests --------------------------------------------------------------------------------


def request_for(event: Event, startup_id: int, investor_id: int) -> MeetingRequest | None:
    return db.session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.startup_id == startup_id,
            MeetingRequest.investor_id == investor_id,
        )
    )


def active_request_count(event: Event, startup_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.startup_id == startup_id,
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
    if existing is not None and existing.status in ACTIVE_REQUEST:
        raise MeetingError(_l("You already asked this investor."), "request_exists")
    if existing is not None and existing.status == "declined":
        raise MeetingError(_l("This investor declined your request."), "request_declined")
    limit = settings.max_requests_per_startup
    if active_request_count(event, startup.id) >= limit:
        raise MeetingError(
            _l("You can send at most %(limit)s requests for this event.", limit=limit),
            "request_limit",
        )
    request = existing or MeetingRequest(
        event_id=event.id, startup_id=startup.id, investor_id=investor.id
    )
    request.pitch = pitch
    request.status = "pending"
    request.decline_reason = ""
    request.decided_at = None
    request.created_at = now
    request.sent_by_id = getattr(by_user, "id", None)
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError as error:
        raise MeetingError(_l("You already asked this investor."), "request_exists") from error
    return request


def _scheduled_meeting(request: MeetingRequest) -> Meeting | None:
    return pair_meeting(request.event, request.startup_id, request.investor_id)


def withdraw_request(request: MeetingRequest, user: Any) -> MeetingRequest:
    if user is None or user.role != "startup" or user.startup_id != request.startup_id:
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
    """The investor accepts or declines a pending request."""
    investor = getattr(user, "investor", None)
    if investor is None or investor.id != request.investor_id:
        raise MeetingError(_l("This request is not addressed to you."), "not_party")
    if request.status != "pending":
        raise MeetingError(_l("This request was already answered."), "request_answered")
    reason = clean_text(reason)
    if len(reason) > 300:
        raise MeetingError(
            _l("The reason has at most %(count)s characters.", count=300),
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


# Availability ----------------------------------------------------------------------------


def grid_periods(event: Event) -> list[tuple[datetime, datetime]]:
    """The event's slot grid: every distinct (start, end) of its slots, in time order."""
    rows = db.session.execute(
        select(MeetingSlot.starts_at, MeetingSlot.ends_at)
        .where(MeetingSlot.event_id == event.id)
        .distinct()
        .order_by(MeetingSlot.starts_at, MeetingSlot.ends_at)
    )
    return [(start, end) for start, end in rows]


def startup_unavailable(event: Event, startup: Startup) -> list[StartupUnavailability]:
    return list(
        db.session.scalars(
            select(StartupUnavailability)
            .where(
                StartupUnavailability.event_id == event.id,
                StartupUnavailability.startup_id == startup.id,
            )
            .order_by(StartupUnavailability.starts_at)
        )
    )


def set_startup_unavailability(
    event: Event, startup: Startup, unavailable_starts: set[datetime]
) -> int:
    """The startup cannot meet in the grid periods starting at `unavailable_starts`;
    available in every other. Returns how many periods are marked."""
    periods = {start: end for start, end in grid_periods(event)}
    unknown = [start for start in unavailable_starts if start not in periods]
    if unknown:
        raise MeetingError(_l("Choose periods of the event's schedule."), "unknown_period")
    for row in startup_unavailable(event, startup):
        if row.starts_at not in unavailable_starts:
            db.session.delete(row)
    kept = {row.starts_at for row in startup_unavailable(event, startup)}
    db.session.flush()
    for start in sorted(unavailable_starts - kept):
        db.session.add(
            StartupUnavailability(
                event_id=event.id, startup_id=startup.id, starts_at=start, ends_at=periods[start]
            )
        )
    db.session.flush()
    return len(unavailable_starts)


def set_investor_unavailability(
    event: Event, investor: Investor, unavailable_slot_ids: set[int]
) -> int:
    """The investor's slots in `unavailable_slot_ids` are unavailable, the others open."""
    slots = db.session.scalars(
        select(MeetingSlot).where(
            MeetingSlot.event_id == event.id, MeetingSlot.investor_id == investor.id
        )
    ).all()
    if set(unavailable_slot_ids) - {slot.id for slot in slots}:
        raise MeetingError(_l("Choose among your own slots."), "slot_not_found")
    for slot in slots:
        wanted = "unavailable" if slot.id in unavailable_slot_ids else "open"
        if slot.status != wanted:
            set_slot_available(slot, wanted == "open")
    return len(unavailable_slot_ids)


# The scheduler ---------------------------------------------------------------------------


@dataclass
class Placement:
    request: MeetingRequest
    slot: MeetingSlot


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
            f"{self.share_of_bound:.1%} of it reached."
        )


def _overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class _Build:
    problem: ScheduleProblem
    periods: list[tuple[datetime, datetime]]
    requests: dict[int, MeetingRequest]
    open_slot: dict[tuple[int, int], MeetingSlot]
    fixed: list[Meeting]
    busy: dict[int, list[tuple[datetime, datetime]]]  # startup → confirmed meetings


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
        problem_requests.append(ProblemRequest(request.id, request.startup_id, request.investor_id))
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
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
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
    return _Build(problem, periods, kept, open_slot, fixed_meetings, busy)


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
    plan = SchedulePlan(event=event, periods=len(build.periods), fixed=list(build.fixed))
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
        via=via,
    )
    db.session.flush()
    return plan
