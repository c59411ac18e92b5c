"""Allocation on the stored plan: dry run, commit, manual moves, self-service picks.

The optimiser itself is `eventhub.booths.allocator` (pure). This module turns rows into its
`BoothSlot` / `BoothRequest` inputs, compares its proposal with the booths held now, and
writes the result.

What a run covers: the booths of halls *not* open for self-service, and the approved
applications that do not already hold a booth in a self-service hall. A booth pinned by
hand stays with its startup; every other allocated booth in the run may move.

Guards, all in the database (no lock held in memory):
- every write of a booth is a conditional `UPDATE … WHERE` on the state that was read
  (`status = 'available' AND application_id IS NULL` to take one, `application_id = :app`
  to give one back) with a row-count check; if another request got there first, nothing is
  half-done: the caller rolls back and the person is told;
- `booths.application_id` is unique: one booth per application, whatever the interleaving;
- on PostgreSQL, of two transactions updating one booth row the second waits for the
  first and re-checks the WHERE clause on the committed row (READ COMMITTED), so exactly one
  of two startups picking the same booth at the same instant gets it. On SQLite the UPDATE
  takes the database's write lock and the busy timeout makes the other wait.

Functions flush; the caller commits once (and then sends the notices).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import AuditEntry, User
from eventhub.booths.allocator import (
    AllocationResult,
    AllocationWeights,
    BoothRequest,
    BoothSlot,
    Reason,
    allocate,
)
from eventhub.booths.applications import application_of
from eventhub.booths.errors import BoothError
from eventhub.booths.floorplan import EPS
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Startup

MAX_FREE_LISTED = 60


# --- reasons, in the reader's language ---------------------------------------------------


def _reason_texts() -> dict[str, Any]:
    return {
        "pinned": _l("kept: booth %(booth)s pinned by hand"),
        "area_fit": _l("%(kind)s booth of %(booth_area)s m² for %(wanted)s m² wanted"),
        "sector_zone": _l("in its sector zone"),
        "outside_sector_zone": _l("outside its sector zone"),
        "preferred_booth": _l("its preferred booth no. %(rank)s"),
        "preferred_zone": _l("its preferred zone no. %(rank)s"),
        "preference_not_met": _l("none of its preferences could be met"),
        "first_choice_taken": _l("first choice %(booth)s went to another startup"),
        "first_choice_unavailable": _l("first choice %(booth)s is not available"),
        "first_choice_unfit": _l("first choice %(booth)s does not fit its kind or area"),
        "first_choice_traded_off": _l("first choice %(booth)s was free; this one fits better"),
        "near_pavilion": _l("%(distance_m)s m from the %(programme)s pavilion"),
        "other_hall": _l("not in the %(programme)s pavilion's hall"),
        "invalid_area": _l("the area wanted must be positive"),
        "no_booth_of_kind": _l("no booth of kind %(kind)s on the plan"),
        "no_available_booth_of_kind": _l("no free booth of kind %(kind)s"),
        "no_booth_with_area": _l("no free %(kind)s booth between %(min_area)s and %(max_area)s m²"),
        "fitting_booths_taken": _l(
            "all %(count)s fitting booths went to better-matching applications"
        ),
        "pin_unknown_application": _l(
            "booth %(booth)s is pinned to an application that is not approved; left as it is"
        ),
        "pin_duplicate": _l("an application is pinned to several booths; kept %(booth)s"),
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{round(value, 1):g}"
    return str(value)


def reason_text(reason: Reason) -> str:
    template = _reason_texts().get(reason.code)
    if template is None:
        return str(reason)
    try:
        return str(template) % {key: _fmt(value) for key, value in reason.params.items()}
    except (KeyError, ValueError, TypeError):
        return str(reason)


# --- rows to allocator inputs ------------------------------------------------------------


def _run_booths(event: Event) -> list[Booth]:
    """The booths an organiser's run covers: those of halls not open for self-service."""
    return list(
        db.session.scalars(
            select(Booth)
            .join(Hall, Booth.hall_id == Hall.id)
            .where(Booth.event_id == event.id, Hall.self_service.is_(False))
            .options(joinedload(Booth.hall))
            .order_by(Booth.id)
        )
    )


def _run_applications(event: Event) -> list[BoothApplication]:
    applications = db.session.scalars(
        select(BoothApplication)
        .where(BoothApplication.event_id == event.id, BoothApplication.status == "approved")
        .options(
            joinedload(BoothApplication.startup),
            selectinload(BoothApplication.booth).joinedload(Booth.hall),
        )
        .order_by(BoothApplication.id)
    )
    return [
        application
        for application in applications
        if application.booth is None or not application.booth.hall.self_service
    ]


def booth_slot(booth: Booth) -> BoothSlot:
    """A booth as the allocator sees it: an allocated booth that is not pinned is free to
    be planned again; a pinned one stays with its application."""
    status = booth.status
    pinned_to = None
    if status == "allocated":
        if booth.pinned:
            pinned_to = booth.application_id
        else:
            status = "available"
    return BoothSlot(
        id=booth.id,
        code=booth.code,
        hall_id=booth.hall_id,
        x=booth.x,
        y=booth.y,
        width=booth.width,
        depth=booth.depth,
        area=booth.width * booth.depth,
        zone=booth.zone,
        price_tier=booth.price_tier,
        kind=booth.kind,
        status=status,
        pinned_application_id=pinned_to,
    )


def booth_request(application: BoothApplication, booth_ids: dict[str, int]) -> BoothRequest:
    startup = application.startup
    return BoothRequest(
        id=application.id,
        startup_name=startup.name,
        kind=application.kind,
        area=application.area_wanted,
        sector=startup.sector or None,
        programme=application.programme or None,
        city_site=application.city_site or None,
        preferred_zones=tuple(application.preferred_zones or ()),
        preferred_booth_ids=tuple(
            booth_ids[code] for code in application.preferred_booths or () if code in booth_ids
        ),
    )


# --- dry run -----------------------------------------------------------------------------

CHANGE_KINDS = ("new", "moved", "kept", "removed")


@dataclass(frozen=True)
class Change:
    application_id: int
    startup_id: int
    startup_name: str
    before: str | None
    after: str | None
    kind: str  # one of CHANGE_KINDS
    pinned: bool = False
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnplacedApplication:
    application_id: int
    startup_name: str
    kind: str
    area: float
    reason: str
    before: str | None


@dataclass
class AllocationPlan:
    event: Event
    result: AllocationResult
    changes: list[Change]
    unplaced: list[UnplacedApplication]
    fingerprint: str
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        counts = {kind: self.count(kind) for kind in CHANGE_KINDS}
        counts["unplaced"] = len(self.unplaced)
        counts["placed"] = len(self.result.assignments)
        return counts

    @property
    def changed(self) -> list[Change]:
        return [change for change in self.changes if change.kind != "kept"]

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{counts['placed']} placed ({counts['new']} new, {counts['moved']} moved, "
            f"{counts['kept']} kept), {counts['removed']} removed, "
            f"{counts['unplaced']} unplaced"
        )


def _fingerprint(result: AllocationResult) -> str:
    pairs = ",".join(f"{a.application_id}:{a.booth_id}" for a in result.assignments)
    return hashlib.sha256(pairs.encode()).hexdigest()[:20]


def configured_weights() -> AllocationWeights:
    """The allocator's weights and area rule: the defaults, then the BOOTH_ALLOCATION setting."""
    return AllocationWeights(**current_app.config.get("BOOTH_ALLOCATION", {}))


def plan_allocation(event: Event, weights: AllocationWeights | None = None) -> AllocationPlan:
    """What a run would do now, compared with the booths held now. Writes nothing."""
    weights = weights or configured_weights()
    booths = _run_booths(event)
    applications = _run_applications(event)
    booth_by_id = {booth.id: booth for booth in booths}
    all_codes = dict(
        db.session.execute(select(Booth.code, Booth.id).where(Booth.event_id == event.id)).all()
    )
    result = allocate(
        [booth_slot(booth) for booth in booths],
        [booth_request(application, all_codes) for application in applications],
        weights,
    )
    by_id = {application.id: application for application in applications}
    current = {booth.application_id: booth for booth in booths if booth.application_id is not None}
    proposed = result.booth_by_application()
    changes: list[Change] = []
    for assignment in result.assignments:
        application = by_id[assignment.application_id]
        before = current.get(assignment.application_id)
        after = booth_by_id[assignment.booth_id]
        if before is None:
            kind = "new"
        elif before.id == after.id:
            kind = "kept"
        else:
            kind = "moved"
        changes.append(
            Change(
                application_id=application.id,
                startup_id=application.startup_id,
                startup_name=application.startup.name,
                before=before.code if before is not None else None,
                after=after.code,
                kind=kind,
                pinned=assignment.pinned,
                reasons=tuple(reason_text(reason) for reason in assignment.reasons),
            )
        )
    unplaced = []
    for item in result.unplaced:
        application = by_id[item.application_id]
        before = current.get(item.application_id)
        unplaced.append(
            UnplacedApplication(
                application_id=application.id,
                startup_name=application.startup.name,
                kind=application.kind,
                area=application.area_wanted,
                reason=reason_text(item.reason),
                before=before.code if before is not None else None,
            )
        )
    # Booths held now by an application the run does not place (or no longer covers).
    for application_id, booth in sorted(current.items()):
        if application_id in proposed or booth.pinned:
            continue
        application = booth.application
        if application is None:
            continue
        changes.append(
            Change(
                application_id=application_id,
                startup_id=application.startup_id,
                startup_name=application.startup.name,
                before=booth.code,
                after=None,
                kind="removed",
            )
        )
    changes.sort(key=lambda change: (CHANGE_KINDS.index(change.kind), change.startup_name))
    return AllocationPlan(
        event=event,
        result=result,
        changes=changes,
        unplaced=unplaced,
        fingerprint=_fingerprint(result),
        warnings=[reason_text(warning) for warning in result.warnings],
    )


# --- writing booths ------------------------------------------------------------------------


def _changed_meanwhile() -> BoothError:
    return BoothError(
        _l("The plan changed meanwhile (someone else moved a booth). Review it again."),
        "plan_changed",
    )


def _take(
    booth_id: int, application_id: int, now: datetime, *, pinned: bool, statuses=("available",)
) -> int:
    """Give a free booth to an application; the number of rows changed (0 or 1)."""
    result = db.session.execute(
        update(Booth)
        .where(
            Booth.id == booth_id,
            Booth.status.in_(statuses),
            Booth.application_id.is_(None),
        )
        .values(status="allocated", application_id=application_id, pinned=pinned, allocated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _give_back(booth_id: int, application_id: int, *, only_unpinned: bool = False) -> int:
    """Free a booth held by `application_id`; the number of rows changed (0 or 1)."""
    statement = update(Booth).where(
        Booth.id == booth_id,
        Booth.status == "allocated",
        Booth.application_id == application_id,
    )
    if only_unpinned:
        statement = statement.where(Booth.pinned.is_(False))
    result = db.session.execute(
        statement.values(
            status="available", application_id=None, pinned=False, allocated_at=None
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount


def _expire_booths() -> None:
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Booth | BoothApplication):
            db.session.expire(instance)


def commit_allocation(
    event: Event,
    actor: User | None,
    *,
    expected_fingerprint: str | None = None,
    weights: AllocationWeights | None = None,
    via: str = "web",
) -> AllocationPlan:
    """Run the allocator and write its plan. With `expected_fingerprint` (the dry run the
    organiser saw), refuses if the plan would now differ. Flushes; the caller commits."""
    plan = plan_allocation(event, weights)
    if expected_fingerprint is not None and expected_fingerprint != plan.fingerprint:
        raise BoothError(
            _l("The proposed plan changed since you looked at it. Review the new proposal."),
            "plan_changed",
        )
    booth_ids = dict(
        db.session.execute(select(Booth.code, Booth.id).where(Booth.event_id == event.id)).all()
    )
    db.session.flush()
    now = utcnow()
    try:
        with db.session.begin_nested():
            for change in plan.changes:
                if change.kind in ("moved", "removed") and change.before is not None:
                    released = _give_back(
                        booth_ids[change.before], change.application_id, only_unpinned=True
                    )
                    if released != 1:
                        raise _changed_meanwhile()
            for change in plan.changes:
                if change.kind not in ("new", "moved") or change.after is None:
                    continue
                if _take(booth_ids[change.after], change.application_id, now, pinned=False) != 1:
                    raise _changed_meanwhile()
    except IntegrityError as error:
        raise _changed_meanwhile() from error
    _expire_booths()
    counts = plan.counts
    record_audit(
        actor,
        "booth.allocation",
        event.slug,
        via=via,
        placed=counts["placed"],
        new=counts["new"],
        moved=counts["moved"],
        kept=counts["kept"],
        removed=counts["removed"],
        unplaced=counts["unplaced"],
        fingerprint=plan.fingerprint,
    )
    plan.committed = True
    return plan


# --- manual moves ------------------------------------------------------------------------


def _target(booth: Booth) -> str:
    return f"{booth.hall.event.slug}/{booth.code}"


def pin_booth(booth: Booth, application: BoothApplication, actor: User | None) -> Booth:
    """Put `application` in `booth` by hand and pin it there (the allocator keeps it)."""
    if application.event_id != booth.event_id:
        raise BoothError(_l("This application is for another event."), "other_event")
    if application.status != "approved":
        raise BoothError(_l("Only approved applications get a booth."), "not_approved")
    if booth.status == "blocked":
        raise BoothError(_l("Booth %(code)s is blocked.", code=booth.code), "booth_blocked")
    if booth.application_id is not None and booth.application_id != application.id:
        raise BoothError(
            _l(
                "Booth %(code)s is allocated to %(name)s: swap or release it first.",
                code=booth.code,
                name=booth.application.startup.name if booth.application else "—",
            ),
            "booth_taken",
        )
    previous = application.booth
    if previous is not None and previous.id == booth.id:
        booth.pinned = True
        db.session.flush()
    else:
        now = utcnow()
        with db.session.begin_nested():
            if previous is not None and _give_back(previous.id, application.id) != 1:
                raise _changed_meanwhile()
            if (
                _take(booth.id, application.id, now, pinned=True, statuses=("available", "held"))
                != 1
            ):
                raise _changed_meanwhile()
        _expire_booths()
    record_audit(
        actor,
        "booth.pin",
        _target(booth),
        startup=application.startup.name,
        application=application.id,
        previous=previous.code if previous is not None else None,
    )
    return booth


def unpin_booth(booth: Booth, actor: User | None) -> Booth:
    if not booth.pinned:
        raise BoothError(_l("Booth %(code)s is not pinned.", code=booth.code), "not_pinned")
    booth.pinned = False
    db.session.flush()
    record_audit(actor, "booth.unpin", _target(booth))
    return booth


def swap_booths(first: Booth, second: Booth, actor: User | None) -> tuple[Booth, Booth]:
    """Exchange the exhibitors of two allocated booths; both end up pinned."""
    if first.id == second.id:
        raise BoothError(_l("Choose two different booths."), "same_booth", "second")
    if first.event_id != second.event_id:
        raise BoothError(_l("Both booths must be on this expo's plan."), "other_event")
    for booth in (first, second):
        if booth.application_id is None:
            raise BoothError(
                _l(
                    "Booth %(code)s has no exhibitor: to move a startup into a free booth, "
                    "pin it there.",
                    code=booth.code,
                ),
                "booth_free",
                "first" if booth is first else "second",
            )
    app_first, app_second = first.application_id, second.application_id
    names = (first.application.startup.name, second.application.startup.name)
    now = utcnow()
    with db.session.begin_nested():
        # Free one, move its exhibitor's neighbour in, then move the first exhibitor over:
        # `booths.application_id` is unique at every step.
        if _give_back(first.id, app_first) != 1 or _give_back(second.id, app_second) != 1:
            raise _changed_meanwhile()
        if _take(first.id, app_second, now, pinned=True) != 1:
            raise _changed_meanwhile()
        if _take(second.id, app_first, now, pinned=True) != 1:
            raise _changed_meanwhile()
    _expire_booths()
    record_audit(
        actor,
        "booth.swap",
        _target(first),
        other=second.code,
        startups=list(names),
    )
    return first, second


def release_booth(booth: Booth, actor: User | None, *, reason: str = "manual") -> Booth:
    """Give the booth back: available again, no exhibitor, no pin."""
    if booth.application_id is None:
        raise BoothError(_l("Booth %(code)s has no exhibitor.", code=booth.code), "booth_free")
    startup = booth.application.startup.name if booth.application else None
    if _give_back(booth.id, booth.application_id) != 1:
        raise _changed_meanwhile()
    _expire_booths()
    record_audit(actor, "booth.release", _target(booth), startup=startup, reason=reason)
    return booth


def booth_history(event: Event, limit: int = 30) -> list[AuditEntry]:
    """The latest allocation runs and manual moves of this event."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action.like("booth.%"),
                (AuditEntry.target == event.slug) | AuditEntry.target.like(f"{event.slug}/%"),
            )
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


# --- self-service ------------------------------------------------------------------------


def self_service_halls(event: Event) -> list[Hall]:
    return list(
        db.session.scalars(
            select(Hall)
            .where(Hall.event_id == event.id, Hall.self_service.is_(True))
            .order_by(Hall.position, Hall.name)
        )
    )


def fits(booth: Booth, application: BoothApplication | None) -> bool:
    """The allocator's hard rules for a self-service pick: the kind asked for, an area not
    smaller than wanted nor more than `max_area_factor` times it."""
    if application is None:
        return True
    area, wanted = booth.width * booth.depth, application.area_wanted
    factor = configured_weights().max_area_factor
    return booth.kind == application.kind and wanted - EPS <= area <= wanted * factor + EPS


def free_booths(event: Event, application: BoothApplication | None = None) -> list[Booth]:
    """Free booths of the self-service halls that suit `application` (all when None)."""
    booths = db.session.scalars(
        select(Booth)
        .join(Hall, Booth.hall_id == Hall.id)
        .where(
            Booth.event_id == event.id,
            Hall.self_service.is_(True),
            Booth.status == "available",
        )
        .options(joinedload(Booth.hall))
        .order_by(Hall.position, Hall.name, Booth.code)
    )
    return [booth for booth in booths if fits(booth, application)][:MAX_FREE_LISTED]


def free_booth_summaries(booths: Iterable[Booth]) -> list[dict[str, Any]]:
    return [
        {
            "code": booth.code,
            "hall": booth.hall.name,
            "kind": booth.kind,
            "area": booth.area,
            "zone": booth.zone,
        }
        for booth in booths
    ]


def _race_window() -> None:
    """Test-only: widen the gap between the check and the write to expose races."""
    delay = current_app.config.get("BOOTH_RACE_WINDOW_SECONDS", 0)
    if delay:
        time.sleep(float(delay))


def _claim(booth_id: int, application_id: int, now: datetime) -> int:
    """The guard of a self-service pick: take the booth only if it is still free."""
    return _take(booth_id, application_id, now, pinned=True)


def _taken_error(event: Event, application: BoothApplication, code: str) -> BoothError:
    free = free_booths(event, application)
    return BoothError(
        _l(
            "Booth %(code)s has just been taken by another startup. Choose one of the free booths.",
            code=code,
        ),
        "booth_taken",
        details={"free_booths": free_booth_summaries(free)},
    )


def pick_booth(
    event: Event, startup: Startup, booth: Booth | None, actor: User | None = None
) -> Booth:
    """An approved startup takes a free booth of a self-service hall (or moves to one from
    the self-service booth it holds). Flushes; the caller commits."""
    application = application_of(event, startup)
    if application is None:
        raise BoothError(_l("Apply for a booth at this expo first."), "no_application")
    if application.status != "approved":
        raise BoothError(
            _l("Only approved startups choose their booth; yours is not approved yet."),
            "not_approved",
        )
    if booth is None or booth.event_id != event.id:
        raise BoothError(_l("There is no such booth on this expo's plan."), "unknown_booth")
    if not booth.hall.self_service:
        raise BoothError(
            _l("This hall is not open for choosing: the organisers allocate its booths."),
            "not_self_service",
            details={"free_booths": free_booth_summaries(free_booths(event, application))},
        )
    current = application.booth
    if current is not None and current.id == booth.id:
        return booth
    if current is not None and not current.hall.self_service:
        raise BoothError(
            _l("The organisers have allocated you booth %(code)s.", code=current.code),
            "already_allocated",
        )
    if not fits(booth, application):
        raise BoothError(
            _l(
                "Booth %(code)s does not suit your application (%(kind)s, at least %(area)s m²).",
                code=booth.code,
                kind=application.kind,
                area=f"{application.area_wanted:g}",
            ),
            "booth_unfit",
            details={"free_booths": free_booth_summaries(free_booths(event, application))},
        )
    if booth.status != "available":
        raise _taken_error(event, application, booth.code)
    _race_window()
    now = utcnow()
    try:
        with db.session.begin_nested():
            if current is not None and _give_back(current.id, application.id) != 1:
                raise _changed_meanwhile()
            if _claim(booth.id, application.id, now) != 1:
                raise _LostRace
    except _LostRace:
        # The savepoint is rolled back: the list shows what is free now, for everyone.
        raise _taken_error(event, application, booth.code) from None
    except IntegrityError as error:
        raise BoothError(
            _l("You already hold a booth: your other choice was saved first."),
            "already_has_booth",
        ) from error
    _expire_booths()
    record_audit(
        actor,
        "booth.pick",
        f"{event.slug}/{booth.code}",
        startup=startup.name,
        previous=current.code if current is not None else None,
    )
    return booth


class _LostRace(Exception):
    """Another request took the booth between our check and our write."""


def newly_placed(plan: AllocationPlan) -> Sequence[Change]:
    """The changes a startup hears about: a new booth, a move, or a booth taken away."""
    return [change for change in plan.changes if change.kind in ("new", "moved", "removed")]
