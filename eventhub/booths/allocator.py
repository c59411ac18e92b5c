"""Booth allocation: approved applications onto available booths.

A pure algorithm: plain dataclasses in, plain dataclasses out; no Flask, no database.

Hard rules (a pair that breaks one is never chosen):

* one booth per application and one application per booth;
* the booth's kind is the kind wanted;
* wanted area <= booth area <= wanted area x ``max_area_factor``;
* only booths with status ``available`` and no pin are candidates, so held, blocked and
  already allocated booths are left untouched;
* a booth pinned by hand stays with its application, as the organiser set it (even against
  the kind and area rules: the organiser decided). A pin for an application that is not in
  the run leaves the booth untouched and adds a warning.

Stability (the default, ``reoptimise=False``): a run keeps every current placement. An
application that holds a booth now (``BoothRequest.current_booth_id``) is moved only when
that is the only way to place someone: keeping a placement earns a bonus larger than all
soft costs together, and placing one more application is worth more than all the bonuses,
so the solver first places as many applications as it can, then keeps as many current
placements as it can, and only then minimises the soft costs. An application whose current
booth no longer fits it (its kind or area changed, or the booth's) is placed anew. Every
assignment says whether it is ``new``, ``kept`` or ``moved``, and a move carries its reason
first. ``reoptimise=True`` drops the bonus: the whole plan is re-optimised on the soft
goals alone, and current placements move freely.

Soft goals, each normalised to [0, 1] and multiplied by its weight in `AllocationWeights`:

* ``sector_zone``: 0 when the booth's zone is the startup's sector, else 1;
* ``preference``: the place of the booth on the startup's ladder of wishes (its preferred
  booths in order, then its preferred zones in order) divided by the ladder's length; 1 when
  no wish is met, 0 when the startup expressed none;
* ``programme``: distance from the booth's centre to its programme's pavilion centre,
  divided by ``other_hall_distance`` and capped at 1; a booth in another hall costs 1;
* ``wasted_area``: (booth area - wanted) / (wanted x (max_area_factor - 1)).

Solving: the cost matrix (applications x candidate booths) is built with numpy. Infeasible
pairs get a constant large enough that placing one more application always outweighs all
soft costs together, so `scipy.optimize.linear_sum_assignment` first maximises the number
placed, then (keeping) maximises the placements kept, then minimises the summed cost; pairs
at that constant are dropped afterwards. The
feasibility graph is split into its connected components (different kinds never compete)
and each is solved alone: the same optimum on smaller matrices.

Programme pavilions (see `allocate`): pinned booths anchor a programme's pavilion; other
programmes get theirs from a first solve without the programme term, then everything is
solved once more with it. The final assignment is optimal for the final cost model.

Determinism: inputs are sorted (booths by hall, code and id; applications by id), nothing is
random and no timing goes into the result, so two runs on the same data, in any input order,
return equal results.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = [
    "AVAILABLE",
    "CHANGES",
    "DEFAULT_WEIGHTS",
    "KINDS",
    "STATUSES",
    "AllocationResult",
    "AllocationWeights",
    "Assignment",
    "BoothRequest",
    "BoothSlot",
    "Pavilion",
    "Reason",
    "Unplaced",
    "allocate",
    "change_counts",
    "check_hard_rules",
    "greedy_first_fit",
    "programme_pavilions",
]

KINDS = ("standard", "corner", "island", "pod")
STATUSES = ("available", "held", "allocated", "blocked")
AVAILABLE = "available"
# What an assignment is against the booth its application holds now.
CHANGES = ("new", "moved", "kept")

# Areas come from floats (width x depth); a hair of tolerance keeps 3 x 3 == 9.
_AREA_EPS = 1e-6
_COST_DECIMALS = 4

Matrix = NDArray[np.float64]
Mask = NDArray[np.bool_]

_TEMPLATES: dict[str, str] = {
    # assignments
    "pinned": "kept: booth {booth} pinned by hand",
    "kept": "kept: its current booth {booth}",
    "moved_to_place": "moved from {booth}: the only way to place every application that "
    "can be placed; {booth} went to application {application}",
    "moved_current_unfit": "moved from {booth}: that booth no longer fits its kind or area",
    "moved_current_unavailable": "moved from {booth}: that booth is no longer available",
    "moved_reoptimised": "moved from {booth}: the whole plan was re-optimised",
    "area_fit": "{kind} booth of {booth_area} m² for {wanted} m² wanted ({wasted} m² spare)",
    "sector_zone": "in its sector zone {zone}",
    "outside_sector_zone": "outside its sector zone {sector} (booth zone: {zone})",
    "preferred_booth": "its preferred booth no. {rank}",
    "preferred_zone": "its preferred zone no. {rank} ({zone})",
    "preference_not_met": "none of its preferences could be met",
    "first_choice_taken": "first choice {booth} went to application {application}",
    "first_choice_unavailable": "first choice {booth} is {status}",
    "first_choice_unfit": "first choice {booth} does not fit its kind or area",
    "first_choice_unknown": "first choice booth {booth_id} does not exist",
    "first_choice_traded_off": "first choice {booth} was free; this booth matches better overall",
    "near_pavilion": "{distance_m} m from the {programme} pavilion",
    "other_hall": "hall {hall_id}, not the {programme} pavilion hall {pavilion_hall_id}",
    # unplaced
    "invalid_area": "area wanted must be positive (got {wanted})",
    "no_booth_of_kind": "no booth of kind {kind}",
    "no_available_booth_of_kind": "no available booth of kind {kind} "
    "(all held, blocked, allocated or pinned)",
    "no_booth_with_area": "no available {kind} booth with area between {min_area} "
    "and {max_area} m²",
    "fitting_booths_taken": "all fitting booths ({count}) taken by better-matching applications",
    # warnings
    "pin_unknown_application": "booth {booth} is pinned to application {application}, "
    "which is not in this run; left untouched",
    "pin_duplicate": "application {application} is pinned to several booths; "
    "kept {booth}, left {other} untouched",
}


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{round(value, 1):g}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Reason:
    """A machine code plus parameters; ``str()`` gives English, the app can translate the code."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        template = _TEMPLATES.get(self.code)
        if template is None:
            return f"{self.code} {self.params}" if self.params else self.code
        return template.format(**{key: _fmt(value) for key, value in self.params.items()})


@dataclass(frozen=True, slots=True, kw_only=True)
class BoothSlot:
    """A booth on the floor plan. ``x, y`` is its top-left corner in metres within its hall."""

    id: int
    code: str
    hall_id: int
    x: float
    y: float
    width: float
    depth: float
    area: float
    zone: str | None = None
    price_tier: str | None = None
    kind: str = "standard"
    status: str = AVAILABLE
    pinned_application_id: int | None = None

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.depth / 2)


@dataclass(frozen=True, slots=True, kw_only=True)
class BoothRequest:
    """An approved booth application."""

    id: int
    startup_name: str
    kind: str
    area: float
    sector: str | None = None
    programme: str | None = None
    city_site: str | None = None
    preferred_zones: tuple[str, ...] = ()
    preferred_booth_ids: tuple[int, ...] = ()
    # The booth it holds now, if any: a run keeps it unless re-optimising.
    current_booth_id: int | None = None


@dataclass(frozen=True, slots=True)
class AllocationWeights:
    """Weights of the soft goals (each goal costs 0..1 before weighting) and the area rule."""

    sector_zone: float = 3.0
    preference: float = 3.0
    programme: float = 3.0
    wasted_area: float = 1.0
    max_area_factor: float = 1.5
    # Distance (m) that stands for "another hall"; also the cap for distances within a hall.
    other_hall_distance: float = 100.0

    def __post_init__(self) -> None:
        for name in ("sector_zone", "preference", "programme", "wasted_area"):
            if getattr(self, name) < 0:
                raise ValueError(f"weight {name} must not be negative")
        if self.max_area_factor < 1:
            raise ValueError("max_area_factor must be at least 1")
        if self.other_hall_distance <= 0:
            raise ValueError("other_hall_distance must be positive")


DEFAULT_WEIGHTS = AllocationWeights()


@dataclass(frozen=True, slots=True)
class Assignment:
    application_id: int
    booth_id: int
    cost: float
    reasons: list[Reason]
    pinned: bool = False
    change: str = "new"  # one of CHANGES, against its current booth


@dataclass(frozen=True, slots=True)
class Unplaced:
    application_id: int
    reason: Reason
    # The booth it held before the run, which it loses.
    previous_booth_id: int | None = None


@dataclass(frozen=True, slots=True)
class Pavilion:
    """Where a programme's members are gathered: a hall and a centre point in it."""

    programme: str
    hall_id: int
    x: float
    y: float
    members: int
    source: str  # "pinned", "first_pass" or "placement"


@dataclass(slots=True)
class AllocationResult:
    assignments: list[Assignment]
    unplaced: list[Unplaced]
    stats: dict[str, Any]
    pavilions: dict[str, Pavilion] = field(default_factory=dict)
    warnings: list[Reason] = field(default_factory=list)

    def booth_by_application(self) -> dict[int, int]:
        return {a.application_id: a.booth_id for a in self.assignments}

    @property
    def moves(self) -> list[Assignment]:
        return [a for a in self.assignments if a.change == "moved"]


def change_counts(result: AllocationResult) -> dict[str, int]:
    """How many placements are new, moved and kept, and how many applications lose the
    booth they held (``removed``)."""
    counts = Counter(a.change for a in result.assignments)
    return {
        **{change: counts.get(change, 0) for change in CHANGES},
        "removed": sum(1 for u in result.unplaced if u.previous_booth_id is not None),
    }


# --- preparation ------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    booths: list[BoothSlot]  # all, sorted by hall, code, id
    requests: list[BoothRequest]  # all, sorted by id
    pinned: list[Assignment]
    free_requests: list[BoothRequest]  # rows of the cost matrix
    candidates: list[BoothSlot]  # columns of the cost matrix
    warnings: list[Reason]


def _sorted_inputs(
    booths: Iterable[BoothSlot], requests: Iterable[BoothRequest]
) -> tuple[list[BoothSlot], list[BoothRequest]]:
    booth_list = sorted(booths, key=lambda b: (b.hall_id, b.code, b.id))
    request_list = sorted(requests, key=lambda r: r.id)
    for label, ids in (
        ("booth", [b.id for b in booth_list]),
        ("application", [r.id for r in request_list]),
    ):
        duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate {label} ids: {duplicates}")
    return booth_list, request_list


def _prepare(booths: Iterable[BoothSlot], requests: Iterable[BoothRequest]) -> _Plan:
    booth_list, request_list = _sorted_inputs(booths, requests)
    request_ids = {r.id for r in request_list}
    pinned: dict[int, BoothSlot] = {}
    warnings: list[Reason] = []
    for booth in booth_list:
        app_id = booth.pinned_application_id
        if app_id is None:
            continue
        if app_id not in request_ids:
            params = {"booth": booth.code, "application": app_id}
            warnings.append(Reason("pin_unknown_application", params))
        elif app_id in pinned:
            params = {"application": app_id, "booth": pinned[app_id].code, "other": booth.code}
            warnings.append(Reason("pin_duplicate", params))
        else:
            pinned[app_id] = booth
    pinned_assignments = [
        Assignment(app_id, booth.id, 0.0, [Reason("pinned", {"booth": booth.code})], pinned=True)
        for app_id, booth in sorted(pinned.items())
    ]
    return _Plan(
        booths=booth_list,
        requests=request_list,
        pinned=pinned_assignments,
        free_requests=[r for r in request_list if r.id not in pinned],
        candidates=[
            b for b in booth_list if b.status == AVAILABLE and b.pinned_application_id is None
        ],
        warnings=warnings,
    )


@dataclass(frozen=True, slots=True)
class _Arrays:
    """Numeric columns of the free requests (r_*) and candidate booths (b_*)."""

    r_kind: NDArray[np.int64]
    r_area: Matrix
    r_sector: NDArray[np.int64]  # zone index, -1 for none
    b_kind: NDArray[np.int64]
    b_area: Matrix
    b_zone: NDArray[np.int64]  # zone index, len(zones) for none
    b_hall: NDArray[np.int64]
    b_cx: Matrix
    b_cy: Matrix
    zone_index: dict[str, int]
    col_of_booth: dict[int, int]


def _index(values: Iterable[str | None]) -> dict[str, int]:
    return {value: i for i, value in enumerate(sorted({v for v in values if v is not None}))}


def _code(index: dict[str, int], value: str | None, missing: int) -> int:
    return missing if value is None else index[value]


def _encode(requests: Sequence[BoothRequest], booths: Sequence[BoothSlot]) -> _Arrays:
    kinds = _index([r.kind for r in requests] + [b.kind for b in booths])
    zones = _index(
        [b.zone for b in booths]
        + [r.sector for r in requests]
        + [z for r in requests for z in r.preferred_zones]
    )
    no_zone = len(zones)
    return _Arrays(
        r_kind=np.array([kinds[r.kind] for r in requests], dtype=np.int64),
        r_area=np.array([r.area for r in requests], dtype=np.float64),
        r_sector=np.array([_code(zones, r.sector, -1) for r in requests], dtype=np.int64),
        b_kind=np.array([kinds[b.kind] for b in booths], dtype=np.int64),
        b_area=np.array([b.area for b in booths], dtype=np.float64),
        b_zone=np.array([_code(zones, b.zone, no_zone) for b in booths], dtype=np.int64),
        b_hall=np.array([b.hall_id for b in booths], dtype=np.int64),
        b_cx=np.array([b.centre[0] for b in booths], dtype=np.float64),
        b_cy=np.array([b.centre[1] for b in booths], dtype=np.float64),
        zone_index=zones,
        col_of_booth={b.id: col for col, b in enumerate(booths)},
    )


# --- the cost model ---------------------------------------------------------------------


def _fits(request: BoothRequest, booth: BoothSlot, factor: float) -> bool:
    return (
        booth.kind == request.kind
        and request.area > 0
        and request.area - _AREA_EPS <= booth.area <= request.area * factor + _AREA_EPS
    )


def _feasible(a: _Arrays, factor: float) -> Mask:
    wanted = a.r_area[:, None]
    booth_area = a.b_area[None, :]
    return (
        (a.r_kind[:, None] == a.b_kind[None, :])
        & (wanted > 0)
        & (booth_area >= wanted - _AREA_EPS)
        & (booth_area <= wanted * factor + _AREA_EPS)
    )


def _sector_term(a: _Arrays) -> Matrix:
    in_zone = (a.r_sector[:, None] == a.b_zone[None, :]) & (a.r_sector[:, None] >= 0)
    return (~in_zone).astype(np.float64)


def _preference_term(requests: Sequence[BoothRequest], a: _Arrays) -> Matrix:
    ladder = np.array(
        [len(r.preferred_booth_ids) + len(r.preferred_zones) for r in requests], dtype=np.float64
    )
    # Rank by zone, one column per zone plus the last for "no zone"; filled from the wishes.
    rank_by_zone = np.repeat(ladder[:, None], len(a.zone_index) + 1, axis=1)
    rows: list[int] = []
    cols: list[int] = []
    ranks: list[int] = []
    for i, request in enumerate(requests):
        offset = len(request.preferred_booth_ids)
        for j, zone in enumerate(request.preferred_zones):
            z = a.zone_index[zone]
            rank_by_zone[i, z] = min(rank_by_zone[i, z], offset + j)
        for k, booth_id in enumerate(request.preferred_booth_ids):
            col = a.col_of_booth.get(booth_id)
            if col is not None:
                rows.append(i)
                cols.append(col)
                ranks.append(k)
    rank = rank_by_zone[:, a.b_zone]
    if rows:
        np.minimum.at(rank, (np.array(rows), np.array(cols)), np.array(ranks, dtype=np.float64))
    return np.divide(rank, ladder[:, None], out=np.zeros_like(rank), where=ladder[:, None] > 0)


def _programme_term(
    requests: Sequence[BoothRequest], a: _Arrays, pavilions: dict[str, Pavilion], cap: float
) -> Matrix:
    term = np.zeros((len(requests), a.b_hall.size))
    members = [
        (i, pavilions[r.programme]) for i, r in enumerate(requests) if r.programme in pavilions
    ]
    if not members:
        return term
    rows = np.array([i for i, _ in members])
    hall = np.array([p.hall_id for _, p in members], dtype=np.int64)[:, None]
    px = np.array([p.x for _, p in members])[:, None]
    py = np.array([p.y for _, p in members])[:, None]
    distance = np.hypot(a.b_cx[None, :] - px, a.b_cy[None, :] - py)
    same_hall = a.b_hall[None, :] == hall
    term[rows] = np.where(same_hall, np.minimum(distance, cap), cap) / cap
    return term


def _waste_term(a: _Arrays, factor: float) -> Matrix:
    if factor <= 1:
        return np.zeros((a.r_area.size, a.b_area.size))
    span = np.maximum(a.r_area[:, None] * (factor - 1), _AREA_EPS)
    return np.clip((a.b_area[None, :] - a.r_area[:, None]) / span, 0.0, 1.0)


def _soft_cost(
    requests: Sequence[BoothRequest],
    a: _Arrays,
    weights: AllocationWeights,
    pavilions: dict[str, Pavilion],
) -> Matrix:
    cost = weights.sector_zone * _sector_term(a)
    cost += weights.preference * _preference_term(requests, a)
    cost += weights.wasted_area * _waste_term(a, weights.max_area_factor)
    if weights.programme > 0 and pavilions:
        cost += weights.programme * _programme_term(
            requests, a, pavilions, weights.other_hall_distance
        )
    return cost


# --- solving ----------------------------------------------------------------------------


Component = tuple[NDArray[np.intp], NDArray[np.intp]]


def _components(feasible: Mask) -> list[Component]:
    """Rows and columns of each connected component of the feasibility graph."""
    n_rows, n_cols = feasible.shape
    rows, cols = np.nonzero(feasible)
    if rows.size == 0:
        return []
    graph = coo_matrix(
        (np.ones(rows.size, dtype=np.int8), (rows, cols + n_rows)),
        shape=(n_rows + n_cols, n_rows + n_cols),
    )
    _, labels = connected_components(graph, directed=False)
    active_rows = np.flatnonzero(feasible.any(axis=1))
    active_cols = np.flatnonzero(feasible.any(axis=0))
    row_labels = labels[active_rows]
    col_labels = labels[n_rows + active_cols]
    return [
        (active_rows[row_labels == label], active_cols[col_labels == label])
        for label in np.unique(row_labels)
    ]


def _current_pairs(plan: _Plan, feasible: Mask) -> Mask:
    """The feasible pairs (free request, candidate booth) where the request holds that
    booth now: the placements a stable run keeps."""
    current = np.zeros_like(feasible)
    col_of_booth = {booth.id: col for col, booth in enumerate(plan.candidates)}
    for row, request in enumerate(plan.free_requests):
        col = col_of_booth.get(request.current_booth_id) if request.current_booth_id else None
        if col is not None:
            current[row, col] = feasible[row, col]
    return current


def _solve(
    cost: Matrix, feasible: Mask, components: list[Component], keep: Mask | None = None
) -> list[tuple[int, int]]:
    """Min-cost assignment among feasible pairs: the most placed first, then (with `keep`)
    the most of those pairs kept, then the lowest soft cost."""
    pairs: list[tuple[int, int]] = []
    for rows, cols in components:
        ok = feasible[np.ix_(rows, cols)]
        sub = cost[np.ix_(rows, cols)]
        size = min(ok.shape) + 1
        # Keeping one more placement earns `bonus`, more than all soft costs of a full
        # assignment; any extra placed pair saves `big`, more than all soft costs and
        # bonuses together. So: placed count, then kept count, then soft cost.
        soft = float(sub[ok].max()) + 1.0
        bonus = soft * size if keep is not None else 0.0
        big = (soft + bonus) * size
        if keep is not None:
            sub = sub - bonus * keep[np.ix_(rows, cols)]
        r_idx, c_idx = linear_sum_assignment(np.where(ok, sub, big))
        real = ok[r_idx, c_idx]
        pairs.extend(zip(rows[r_idx[real]].tolist(), cols[c_idx[real]].tolist(), strict=True))
    return sorted(pairs)


# --- pavilions --------------------------------------------------------------------------


def _pavilions(points: Iterable[tuple[str, int, float, float]], source: str) -> dict[str, Pavilion]:
    """Per programme: the hall holding most members (lowest id on a tie), their centroid there."""
    by_programme: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for programme, hall_id, x, y in points:
        by_programme[programme].append((hall_id, x, y))
    pavilions: dict[str, Pavilion] = {}
    for programme in sorted(by_programme):
        members = by_programme[programme]
        counts = Counter(hall for hall, _, _ in members)
        hall_id = min(counts, key=lambda h: (-counts[h], h))
        xs = [x for hall, x, _ in members if hall == hall_id]
        ys = [y for hall, _, y in members if hall == hall_id]
        pavilions[programme] = Pavilion(
            programme, hall_id, sum(xs) / len(xs), sum(ys) / len(ys), len(members), source
        )
    return pavilions


def _points(
    pairs: Iterable[tuple[BoothRequest, BoothSlot]],
) -> Iterator[tuple[str, int, float, float]]:
    for request, booth in pairs:
        if request.programme:
            yield (request.programme, booth.hall_id, *booth.centre)


def programme_pavilions(
    booths: Iterable[BoothSlot],
    requests: Iterable[BoothRequest],
    assignments: Iterable[Assignment],
) -> dict[str, Pavilion]:
    """Pavilions implied by a set of assignments (used to compare allocations fairly)."""
    booth_by_id = {b.id: b for b in booths}
    request_by_id = {r.id: r for r in requests}
    pairs = (
        (request_by_id[a.application_id], booth_by_id[a.booth_id])
        for a in assignments
        if a.application_id in request_by_id and a.booth_id in booth_by_id
    )
    return _pavilions(_points(pairs), "placement")


def _pinned_pavilions(plan: _Plan) -> dict[str, Pavilion]:
    booth_by_id = {b.id: b for b in plan.booths}
    request_by_id = {r.id: r for r in plan.requests}
    pairs = ((request_by_id[a.application_id], booth_by_id[a.booth_id]) for a in plan.pinned)
    return _pavilions(_points(pairs), "pinned")


# --- explanations -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    booth_by_id: dict[int, BoothSlot]
    taken_by: dict[int, int]  # booth id -> application id
    pavilions: dict[str, Pavilion]
    weights: AllocationWeights


def _first_choice_reason(request: BoothRequest, ctx: _Context) -> Reason:
    first_id = request.preferred_booth_ids[0]
    first = ctx.booth_by_id.get(first_id)
    if first is None:
        return Reason("first_choice_unknown", {"booth_id": first_id})
    if first.id in ctx.taken_by:
        return Reason(
            "first_choice_taken", {"booth": first.code, "application": ctx.taken_by[first.id]}
        )
    if first.pinned_application_id is not None or first.status != AVAILABLE:
        status = "pinned" if first.pinned_application_id is not None else first.status
        return Reason("first_choice_unavailable", {"booth": first.code, "status": status})
    if not _fits(request, first, ctx.weights.max_area_factor):
        return Reason("first_choice_unfit", {"booth": first.code})
    return Reason("first_choice_traded_off", {"booth": first.code})


def _preference_reasons(request: BoothRequest, booth: BoothSlot, ctx: _Context) -> list[Reason]:
    if booth.id in request.preferred_booth_ids:
        rank = request.preferred_booth_ids.index(booth.id) + 1
        reasons = [Reason("preferred_booth", {"rank": rank})]
    elif booth.zone is not None and booth.zone in request.preferred_zones:
        rank = request.preferred_zones.index(booth.zone) + 1
        reasons = [Reason("preferred_zone", {"rank": rank, "zone": booth.zone})]
    elif request.preferred_booth_ids or request.preferred_zones:
        reasons = [Reason("preference_not_met")]
    else:
        return []
    if request.preferred_booth_ids and request.preferred_booth_ids[0] != booth.id:
        reasons.append(_first_choice_reason(request, ctx))
    return reasons


def _programme_reason(request: BoothRequest, booth: BoothSlot, ctx: _Context) -> list[Reason]:
    pavilion = ctx.pavilions.get(request.programme) if request.programme else None
    if pavilion is None:
        return []
    if booth.hall_id != pavilion.hall_id:
        params = {
            "programme": pavilion.programme,
            "hall_id": booth.hall_id,
            "pavilion_hall_id": pavilion.hall_id,
        }
        return [Reason("other_hall", params)]
    cx, cy = booth.centre
    distance = float(np.hypot(cx - pavilion.x, cy - pavilion.y))
    return [Reason("near_pavilion", {"programme": pavilion.programme, "distance_m": distance})]


def _explain(request: BoothRequest, booth: BoothSlot, ctx: _Context) -> list[Reason]:
    fit = {
        "kind": booth.kind,
        "booth_area": float(booth.area),
        "wanted": float(request.area),
        "wasted": float(booth.area - request.area),
    }
    reasons = [Reason("area_fit", fit)]
    if request.sector:
        if booth.zone == request.sector:
            reasons.append(Reason("sector_zone", {"zone": booth.zone}))
        else:
            params = {"sector": request.sector, "zone": booth.zone}
            reasons.append(Reason("outside_sector_zone", params))
    reasons += _preference_reasons(request, booth, ctx)
    reasons += _programme_reason(request, booth, ctx)
    return reasons


def _why_unplaced(request: BoothRequest, fitting: int, plan: _Plan, factor: float) -> Reason:
    if request.area <= 0:
        return Reason("invalid_area", {"wanted": float(request.area)})
    if fitting:
        return Reason("fitting_booths_taken", {"count": fitting})
    if all(b.kind != request.kind for b in plan.booths):
        return Reason("no_booth_of_kind", {"kind": request.kind})
    if all(b.kind != request.kind for b in plan.candidates):
        return Reason("no_available_booth_of_kind", {"kind": request.kind})
    params = {
        "kind": request.kind,
        "min_area": float(request.area),
        "max_area": float(request.area * factor),
    }
    return Reason("no_booth_with_area", params)


def _change(request: BoothRequest, booth_id: int) -> str:
    if request.current_booth_id is None:
        return "new"
    return "kept" if request.current_booth_id == booth_id else "moved"


def _move_reason(request: BoothRequest, ctx: _Context, reoptimise: bool) -> Reason:
    """Why an application leaves the booth it holds now (listed first among its reasons)."""
    current_id = request.current_booth_id
    current = ctx.booth_by_id.get(current_id) if current_id is not None else None
    code = current.code if current is not None else current_id
    if current is None or current.status != AVAILABLE:
        return Reason("moved_current_unavailable", {"booth": code})
    if current.pinned_application_id not in (None, request.id):
        return Reason("moved_current_unavailable", {"booth": code})
    if not _fits(request, current, ctx.weights.max_area_factor):
        return Reason("moved_current_unfit", {"booth": code})
    if reoptimise:
        return Reason("moved_reoptimised", {"booth": code})
    return Reason("moved_to_place", {"booth": code, "application": ctx.taken_by.get(current.id)})


def _placed(
    request: BoothRequest, booth: BoothSlot, cost: float, ctx: _Context, reoptimise: bool
) -> Assignment:
    change = _change(request, booth.id)
    reasons = _explain(request, booth, ctx)
    if change == "kept":
        reasons.insert(0, Reason("kept", {"booth": booth.code}))
    elif change == "moved":
        reasons.insert(0, _move_reason(request, ctx, reoptimise))
    return Assignment(request.id, booth.id, round(cost, _COST_DECIMALS), reasons, change=change)


def _pinned(plan: _Plan, ctx: _Context, reoptimise: bool) -> list[Assignment]:
    """The pinned assignments, with what each is against the booth its application holds."""
    request_by_id = {r.id: r for r in plan.requests}
    pinned: list[Assignment] = []
    for assignment in plan.pinned:
        request = request_by_id[assignment.application_id]
        change = _change(request, assignment.booth_id)
        reasons = list(assignment.reasons)
        if change == "moved":
            reasons.append(_move_reason(request, ctx, reoptimise))
        pinned.append(
            Assignment(
                assignment.application_id,
                assignment.booth_id,
                assignment.cost,
                reasons,
                pinned=True,
                change=change if request.current_booth_id is not None else "new",
            )
        )
    return pinned


def _build_result(
    plan: _Plan,
    feasible: Mask,
    cost: Matrix,
    pairs: list[tuple[int, int]],
    pavilions: dict[str, Pavilion],
    weights: AllocationWeights,
    stats: dict[str, Any],
) -> AllocationResult:
    reoptimise = stats.get("mode") == "reoptimise"
    taken_by = {a.booth_id: a.application_id for a in plan.pinned}
    taken_by.update({plan.candidates[c].id: plan.free_requests[r].id for r, c in pairs})
    ctx = _Context({b.id: b for b in plan.booths}, taken_by, pavilions, weights)
    assignments = _pinned(plan, ctx, reoptimise)
    for r, c in pairs:
        request, booth = plan.free_requests[r], plan.candidates[c]
        assignments.append(_placed(request, booth, float(cost[r, c]), ctx, reoptimise))
    assignments.sort(key=lambda a: a.application_id)
    placed_rows = {r for r, _ in pairs}
    fitting = feasible.sum(axis=1)
    unplaced = [
        Unplaced(
            request.id,
            _why_unplaced(request, int(fitting[r]), plan, weights.max_area_factor),
            request.current_booth_id,
        )
        for r, request in enumerate(plan.free_requests)
        if r not in placed_rows
    ]
    result = AllocationResult(assignments, unplaced, stats, pavilions, list(plan.warnings))
    result.stats = {
        **stats,
        "requests": len(plan.requests),
        "booths": len(plan.booths),
        "candidate_booths": len(plan.candidates),
        "placed": len(assignments),
        "pinned": len(plan.pinned),
        "unplaced": len(unplaced),
        **change_counts(result),
        "total_cost": round(sum(a.cost for a in assignments), _COST_DECIMALS),
    }
    return result


# --- public entry points ----------------------------------------------------------------


def allocate(
    booths: Iterable[BoothSlot],
    requests: Iterable[BoothRequest],
    weights: AllocationWeights = DEFAULT_WEIGHTS,
    *,
    reoptimise: bool = False,
) -> AllocationResult:
    """Assign approved applications to available booths at minimum cost; see the module doc.

    By default every current placement (``current_booth_id``) that still fits is kept
    unless moving it is the only way to place one more application; ``reoptimise=True``
    re-plans everything on the soft goals alone.

    Programme pavilion centres: a programme with pinned booths has its pavilion in the hall
    holding most of them, at their centroid (one pin is enough for an organiser to anchor it).
    For the other programmes a first pass solves without their programme term; each pavilion
    is then the hall where most members landed, at their centroid there, and a second pass
    solves with the distance term. Only that second result is returned. Distances count only
    within the pavilion's hall; any other hall costs ``other_hall_distance``.
    """
    plan = _prepare(booths, requests)
    arrays = _encode(plan.free_requests, plan.candidates)
    feasible = _feasible(arrays, weights.max_area_factor)
    components = _components(feasible)
    keep = None if reoptimise else _current_pairs(plan, feasible)
    pavilions = _pinned_pavilions(plan)
    passes = 1
    unanchored = {r.programme for r in plan.free_requests if r.programme} - set(pavilions)
    if weights.programme > 0 and unanchored:
        first_cost = _soft_cost(plan.free_requests, arrays, weights, pavilions)
        first_pairs = _solve(first_cost, feasible, components, keep)
        placed = ((plan.free_requests[r], plan.candidates[c]) for r, c in first_pairs)
        pavilions = {**_pavilions(_points(placed), "first_pass"), **pavilions}
        passes = 2
    cost = _soft_cost(plan.free_requests, arrays, weights, pavilions)
    pairs = _solve(cost, feasible, components, keep)
    stats = {
        "method": "min_cost",
        "mode": "reoptimise" if reoptimise else "keep",
        "passes": passes,
        "components": len(components),
    }
    return _build_result(plan, feasible, cost, pairs, pavilions, weights, stats)


def greedy_first_fit(
    booths: Iterable[BoothSlot],
    requests: Iterable[BoothRequest],
    weights: AllocationWeights = DEFAULT_WEIGHTS,
    *,
    reoptimise: bool = False,
) -> AllocationResult:
    """Baseline: current placements that still fit are kept (unless `reoptimise`), then the
    other applications in id order each take the first free fitting booth, in hall and code
    order. Same hard rules, pins, reasons and cost figures as `allocate`, no soft goals; its
    pavilions are those implied by its own placement."""
    plan = _prepare(booths, requests)
    arrays = _encode(plan.free_requests, plan.candidates)
    feasible = _feasible(arrays, weights.max_area_factor)
    free = np.ones(len(plan.candidates), dtype=bool)
    pairs: list[tuple[int, int]] = []
    kept_rows: set[int] = set()
    if not reoptimise:
        for row, col in zip(*np.nonzero(_current_pairs(plan, feasible)), strict=True):
            free[col] = False
            kept_rows.add(int(row))
            pairs.append((int(row), int(col)))
    for row in range(len(plan.free_requests)):
        if row in kept_rows:
            continue
        options = np.flatnonzero(feasible[row] & free)
        if options.size:
            free[options[0]] = False
            pairs.append((row, int(options[0])))
    booth_by_id = {b.id: b for b in plan.booths}
    request_by_id = {r.id: r for r in plan.requests}
    placed = [(plan.free_requests[r], plan.candidates[c]) for r, c in pairs]
    pinned = [(request_by_id[a.application_id], booth_by_id[a.booth_id]) for a in plan.pinned]
    pavilions = _pavilions(_points(pinned + placed), "placement")
    cost = _soft_cost(plan.free_requests, arrays, weights, pavilions)
    pairs.sort()
    stats = {
        "method": "greedy_first_fit",
        "mode": "reoptimise" if reoptimise else "keep",
        "passes": 1,
    }
    return _build_result(plan, feasible, cost, pairs, pavilions, weights, stats)


# --- verification -----------------------------------------------------------------------


def _pair_violations(request: BoothRequest, booth: BoothSlot, factor: float) -> list[str]:
    pin = booth.pinned_application_id
    if pin is not None:
        if pin != request.id:
            return [f"booth {booth.code} is pinned to application {pin}, given to {request.id}"]
        return []  # a pin is kept as the organiser set it
    violations: list[str] = []
    where = f"application {request.id} in booth {booth.code}"
    if booth.status != AVAILABLE:
        violations.append(f"{where}: booth is {booth.status}")
    if booth.kind != request.kind:
        violations.append(f"{where}: kind {booth.kind}, wanted {request.kind}")
    if booth.area < request.area - _AREA_EPS:
        violations.append(f"{where}: area {booth.area:g} m² below {request.area:g} m²")
    if booth.area > request.area * factor + _AREA_EPS:
        violations.append(
            f"{where}: area {booth.area:g} m² above {request.area * factor:g} m² "
            f"({factor:g} x {request.area:g})"
        )
    return violations


def _count_violations(result: AllocationResult, requests: Sequence[BoothRequest]) -> list[str]:
    violations: list[str] = []
    apps = Counter(a.application_id for a in result.assignments)
    booths = Counter(a.booth_id for a in result.assignments)
    violations += [f"application {i} has {n} booths" for i, n in sorted(apps.items()) if n > 1]
    violations += [f"booth {i} given {n} times" for i, n in sorted(booths.items()) if n > 1]
    unplaced = {u.application_id for u in result.unplaced}
    for request in requests:
        if request.id in apps and request.id in unplaced:
            violations.append(f"application {request.id} is both placed and unplaced")
        elif request.id not in apps and request.id not in unplaced:
            violations.append(f"application {request.id} is neither placed nor unplaced")
    return violations


def check_hard_rules(
    booths: Iterable[BoothSlot],
    requests: Iterable[BoothRequest],
    result: AllocationResult,
    weights: AllocationWeights = DEFAULT_WEIGHTS,
) -> list[str]:
    """Every hard rule the result breaks, as English sentences; empty when all hold."""
    booth_list, request_list = _sorted_inputs(booths, requests)
    booth_by_id = {b.id: b for b in booth_list}
    request_by_id = {r.id: r for r in request_list}
    violations: list[str] = []
    for a in result.assignments:
        booth, request = booth_by_id.get(a.booth_id), request_by_id.get(a.application_id)
        if booth is None or request is None:
            violations.append(f"unknown application {a.application_id} or booth {a.booth_id}")
        else:
            violations += _pair_violations(request, booth, weights.max_area_factor)
    violations += _count_violations(result, request_list)
    pins: dict[int, list[BoothSlot]] = defaultdict(list)
    for booth in booth_list:
        if booth.pinned_application_id in request_by_id:
            pins[booth.pinned_application_id].append(booth)
    given = result.booth_by_application()
    for app_id, pinned in sorted(pins.items()):
        if given.get(app_id) not in {b.id for b in pinned}:
            codes = ", ".join(b.code for b in pinned)
            violations.append(f"application {app_id} lost its pinned booth {codes}")
    return violations
