"""Allocation runs on the stored plan: the dry run an organiser reviews, and its commit.

The optimiser itself is `eventhub.booths.allocator` (pure). This module turns rows into its
`BoothSlot` / `BoothRequest` inputs, compares its proposal with the booths held now, says
why in the reader's language, and writes the plan through the guarded writes of
`eventhub.booths.holding`.

What a run covers: the booths of halls *not* open for self-service, and the approved
applications that do not already hold a booth in a self-service hall. A booth pinned by
hand stays with its startup. By default a run keeps every current placement too and places
only new or changed applications: a startup is moved only when that is the only way to
place another (or its booth no longer fits it), and the move is listed with its reason.
Re-optimising (`reoptimise=True`, an explicit choice) re-plans every booth that is not
pinned; the dry run shows how many startups that moves before anything is committed.

Functions flush; the caller commits once (and then sends the notices).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import User
from eventhub.booths.allocator import (
    AllocationResult,
    AllocationWeights,
    BoothRequest,
    BoothSlot,
    Reason,
    allocate,
)
from eventhub.booths.errors import BoothError
from eventhub.booths.holding import changed_meanwhile, expire_booths, give_back_booth, take_booth
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow

# --- reasons, in the reader's language ---------------------------------------------------


def _reason_texts() -> dict[str, Any]:
    return {
        "pinned": _l("kept: booth %(booth)s pinned by hand"),
        "kept": _l("kept: its current booth %(booth)s"),
        "moved_to_place": _l(
            "moved from %(booth)s: the only way to place every application that can be "
            "placed (%(booth)s goes to another startup)"
        ),
        "moved_current_unfit": _l(
            "moved from %(booth)s: that booth no longer fits its application"
        ),
        "moved_current_unavailable": _l("moved from %(booth)s: that booth is no longer available"),
        "moved_reoptimised": _l("moved from %(booth)s: the whole plan is re-optimised"),
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
    """An application as the allocator sees it, with the booth it holds now (a run keeps
    that booth unless re-optimising)."""
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
        current_booth_id=application.booth.id if application.booth is not None else None,
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
    reoptimise: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        counts = {kind: self.count(kind) for kind in CHANGE_KINDS}
        counts["unplaced"] = len(self.unplaced)
        counts["placed"] = len(self.result.assignments)
        return counts

    @property
    def moved(self) -> list[Change]:
        return [change for change in self.changes if change.kind == "moved"]

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


def plan_allocation(
    event: Event, weights: AllocationWeights | None = None, *, reoptimise: bool = False
) -> AllocationPlan:
    """What a run would do now, compared with the booths held now. Writes nothing. By
    default current placements are kept; `reoptimise` re-plans them all."""
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
        reoptimise=reoptimise,
    )
    by_id = {application.id: application for application in applications}
    current = {booth.application_id: booth for booth in booths if booth.application_id is not None}
    proposed = result.booth_by_application()
    changes: list[Change] = []
    for assignment in result.assignments:
        application = by_id[assignment.application_id]
        before = current.get(assignment.application_id)
        after = booth_by_id[assignment.booth_id]
        changes.append(
            Change(
                application_id=application.id,
                startup_id=application.startup_id,
                startup_name=application.startup.name,
                before=before.code if before is not None else None,
                after=after.code,
                kind=assignment.change,
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
        reoptimise=reoptimise,
    )


# --- commit ------------------------------------------------------------------------------


def commit_allocation(
    event: Event,
    actor: User | None,
    *,
    expected_fingerprint: str | None = None,
    weights: AllocationWeights | None = None,
    via: str = "web",
    reoptimise: bool = False,
) -> AllocationPlan:
    """Run the allocator and write its plan (keeping current placements, or re-optimising
    everything with `reoptimise`). With `expected_fingerprint` (the dry run the organiser
    saw), refuses if the plan would now differ. Flushes; the caller commits."""
    plan = plan_allocation(event, weights, reoptimise=reoptimise)
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
                    released = give_back_booth(
                        booth_ids[change.before], change.application_id, only_unpinned=True
                    )
                    if released != 1:
                        raise changed_meanwhile()
            for change in plan.changes:
                if change.kind not in ("new", "moved") or change.after is None:
                    continue
                if (
                    take_booth(booth_ids[change.after], change.application_id, now, pinned=False)
                    != 1
                ):
                    raise changed_meanwhile()
    except IntegrityError as error:
        raise changed_meanwhile() from error
    expire_booths()
    counts = plan.counts
    record_audit(
        actor,
        "booth.allocation",
        event.slug,
        via=via,
        mode="reoptimise" if reoptimise else "keep",
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


def newly_placed(plan: AllocationPlan) -> Sequence[Change]:
    """The changes a startup hears about: a new booth, a move, or a booth taken away; a
    startup whose booth is kept hears nothing."""
    return [change for change in plan.changes if change.kind in ("new", "moved", "removed")]
