"""Demo-day meeting scheduler: place accepted startup-investor requests into a common slot grid.

Pure logic: plain dataclasses in, plain dataclasses out; no Flask, no database.

The problem
    Slots ``0..S-1`` are one time grid shared by everybody. Each accepted request is an edge
    between a startup and an investor. A placement gives a request a slot such that no party
    is in two meetings in one slot, no party meets in a slot it marked unavailable, no slot
    holds more meetings than it has tables, and fixed meetings stay where they are. The goal
    is the largest score: each placed request counts 1, a mutual "must meet" request (both
    sides marked the other "must meet") counts `mutual_weight` (2 by default: one mutual pair
    is worth displacing one other meeting, never two); without mutual requests the score is
    the number of placed requests. Second, each party's meetings are spread (fewer
    back-to-back meetings). This is maximum list edge colouring of a bipartite multigraph with
    colour capacities: NP-hard in general, easy without availability limits (König).

How `schedule` solves it
    1. No availability limits, no tables, no fixed meetings: König's theorem says a bipartite
       graph of maximum degree D has a proper edge colouring with D colours, so when no party
       has more requests than there are slots every request is placed. The constructive proof
       (colour edge u-v with a colour free at u; if it is taken at v, flip the two-colour
       alternating path that starts at v, which can never reach u) runs in milliseconds.
    2. Otherwise: greedy, heaviest request first (mutual pairs), then most constrained
       (fewest common free slots). Step 1 also colours the mutual requests first.
    3. Repair search (min-conflicts with a short tabu list, seeded, so deterministic): take
       an unplaced request, put it in the common free slot that displaces the least weight,
       try to re-seat each displaced meeting in a free slot at once, and queue it otherwise.
       Most steps keep the count or raise it, so the search walks the plateaus where greedy
       stops; a run of such steps traces the same kind of alternating (Kempe) path as step 1,
       found by search because availability and tables break the construction. The best
       state seen (by score) is kept; the search stops at the score's upper bound
       (optimality proved), at its move limit, or at the time budget.
    4. Spread pass: move a meeting to another free slot, or trade slots between two meetings
       of one party, when that lowers the number of back-to-back meetings of the parties
       involved. The count never changes.
    5. Optional exact mode: a CP-SAT model (OR-Tools, a development tool) hinted with the heuristic
       solution; its proven bound tightens the reported upper bound.

    On the benchmark (500 startups, 150 investors, 20 slots, 3,000 requests, ~20% of slots
    unavailable) steps 2-3 reach the bound, so the optimum, in well under a second.

Upper bound (see `upper_bound`)
    Several relaxations, each an upper bound on any valid schedule; the smallest is reported.
    With mutual requests each bound is also taken on the score (`score_bound`, the proof of
    optimality): the sums count weights instead of requests, a party's matching becomes a
    maximum-weight matching (a transversal matroid: heaviest requests first, each kept if
    an augmenting path seats it), a slot's matching counts at most `min(tables, M)` plus
    `(w - 1) * min(tables, M_mutual)`, the LP has the weights as its objective, and one more
    bound adds `(w - 1)` times the count bound of the mutual requests alone to the count
    bound of all (`count_plus_mutual`).
    Fixed meetings are counted and removed first (their parties and tables are taken).
    `schedule` uses the combinatorial ones (pure Python, milliseconds) and, in exact mode,
    CP-SAT's; `upper_bound` can add the LP.
    - ``common_free_slot``: requests whose two parties share at least one usable slot.
    - ``startup_matching`` / ``investor_matching``: a party's meetings sit in distinct usable
      slots, so they form a matching between its requests and the slots; summing the maximum
      matching of every startup (or every investor) counts each meeting exactly once.
    - ``slot_matching``: the meetings in one slot form a matching between startups and
      investors, and there are at most ``tables`` of them; sum over the slots.
    - ``lp_relaxation`` (opt-in, needs scipy): the linear relaxation of the whole model,
      certified through its dual (any non-negative dual vector gives a bound by weak duality),
      so floating-point error cannot make it too small. It is at least as tight as all above.
    - ``cp_sat`` (exact mode): the bound CP-SAT proves.

Reason codes for unplaced requests are stable machine codes (views translate them); the English
`__str__` texts are for logs, the CLI and tests.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from eventhub.errors import DomainError

try:  # the exact mode's solver, an optional development tool (requirements-dev.txt)
    from ortools.sat.python import cp_model
except ImportError:  # pragma: no cover - ortools is installed wherever the tests run
    cp_model = None

BIG = 1 << 30  # "unlimited" tables

REASONS = {
    "startup_unavailable_all": "the startup is unavailable in every slot",
    "investor_unavailable_all": "the investor is unavailable in every slot",
    "no_common_free_slot": "the startup and the investor have no free slot in common",
    "conflicts": "every common free slot is taken by other meetings of these parties",
    "tables_full": (
        "every common free slot is taken by other meetings of these parties or has no table left"
    ),
}


class SchedulerError(DomainError):
    """Bad input. Codes: duplicate_request, bad_slot, bad_tables, bad_fixed (unknown or
    repeated), fixed_unavailable, fixed_conflict (double booking), fixed_tables;
    exact_unavailable (the exact mode without OR-Tools); and stale_plan from `evaluate`."""


@dataclass(frozen=True)
class SlotSpec:
    """One period of the grid; `start` and `end` are carried through untouched."""

    start: Any = None
    end: Any = None
    label: str = ""


@dataclass(frozen=True)
class MeetingRequest:
    id: Hashable
    startup_id: Hashable
    investor_id: Hashable
    mutual: bool = False  # both sides marked the other "must meet": placed first


@dataclass(frozen=True)
class FixedMeeting:
    """A meeting placed earlier that must stay in `slot`."""

    request_id: Hashable
    slot: int


@dataclass
class ScheduleProblem:
    """`tables[t]` is how many meetings can run at once in slot t (None: unlimited)."""

    slots: Sequence[SlotSpec]
    requests: Sequence[MeetingRequest]
    startup_unavailable: Mapping[Hashable, Collection[int]] = field(default_factory=dict)
    investor_unavailable: Mapping[Hashable, Collection[int]] = field(default_factory=dict)
    tables: Sequence[int | None] | None = None
    fixed: Sequence[FixedMeeting] = ()
    mutual_weight: int = 2  # what a mutual request counts in the score (1: no priority)


@dataclass(frozen=True)
class UnplacedRequest:
    request_id: Hashable
    startup_id: Hashable
    investor_id: Hashable
    reason: str
    common_free_slots: tuple[int, ...] = ()

    def __str__(self) -> str:
        return (
            f"Request {self.request_id} (startup {self.startup_id}, investor "
            f"{self.investor_id}) was not placed: {REASONS[self.reason]}."
        )


@dataclass
class ScheduleResult:
    placements: dict[Hashable, int]
    unplaced: list[UnplacedRequest]
    upper_bound: int
    bound_method: str
    share_of_bound: float
    stats: dict[str, Any] = field(default_factory=dict)
    mutual_placed: int = 0  # mutual "must meet" requests placed
    mutual_requests: int = 0
    score: int = 0  # placed requests, mutual ones counted `mutual_weight` times
    score_bound: int = 0  # an upper bound on the score: reached, the schedule is optimal

    def __str__(self) -> str:
        lines = [
            f"{len(self.placements)} meetings placed, upper bound {self.upper_bound} "
            f"({self.bound_method}), {self.share_of_bound:.2%} of the bound; "
            f"{len(self.unplaced)} requests not placed."
        ]
        if self.mutual_requests:
            lines.append(
                f"{self.mutual_placed} of {self.mutual_requests} mutual must-meet pairs "
                f"placed; score {self.score}, upper bound {self.score_bound}."
            )
        lines += [f"  {u}" for u in self.unplaced]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Compiled instance: everything as small integers.


@dataclass
class _Instance:
    problem: ScheduleProblem
    n_slots: int
    startup_of: list[int]  # request -> startup index
    investor_of: list[int]
    n_startups: int
    n_investors: int
    startup_free: list[frozenset[int]]  # slots the party did not mark unavailable
    investor_free: list[frozenset[int]]
    common: list[tuple[int, ...]]  # common free slots, ignoring fixed meetings
    allowed: list[tuple[int, ...]]  # slots still open once fixed meetings are in place
    allowed_mask: list[int]  # the same as bit sets
    fixed_slot: list[int]  # -1 when the request is not fixed
    cap: list[int]
    has_tables: bool
    weight: list[int]  # what each request counts in the score
    mutual: list[bool]

    @property
    def n_requests(self) -> int:
        return len(self.startup_of)


def _index(ids: Sequence[Hashable]) -> dict[Hashable, int]:
    return {key: k for k, key in enumerate(dict.fromkeys(ids))}


def _free_slots(
    ids: dict[Hashable, int],
    unavailable: Mapping[Hashable, Collection[int]],
    n_slots: int,
    who: str,
) -> list[frozenset[int]]:
    everything = frozenset(range(n_slots))
    free = [everything] * len(ids)
    for key, slots in unavailable.items():
        bad = [t for t in slots if not 0 <= t < n_slots]
        if bad:
            raise SchedulerError(
                f"{who} {key} is unavailable in unknown slot {bad[0]}.", "bad_slot"
            )
        if key in ids:
            free[ids[key]] = everything - frozenset(slots)
    return free


def _compile(problem: ScheduleProblem) -> _Instance:
    n_slots = len(problem.slots)
    requests = problem.requests
    if len({r.id for r in requests}) != len(requests):
        raise SchedulerError("Two requests share one id.", "duplicate_request")
    w = problem.mutual_weight
    if not isinstance(w, int) or isinstance(w, bool) or not 1 <= w <= 1000:
        raise SchedulerError("The mutual weight is a whole number from 1 to 1000.", "bad_weight")
    startups = _index([r.startup_id for r in requests])
    investors = _index([r.investor_id for r in requests])
    s_of = [startups[r.startup_id] for r in requests]
    i_of = [investors[r.investor_id] for r in requests]
    s_free = _free_slots(startups, problem.startup_unavailable, n_slots, "Startup")
    i_free = _free_slots(investors, problem.investor_unavailable, n_slots, "Investor")
    common = [tuple(sorted(s_free[s] & i_free[i])) for s, i in zip(s_of, i_of, strict=True)]

    tables = list(problem.tables) if problem.tables is not None else [None] * n_slots
    if len(tables) != n_slots:
        raise SchedulerError("There must be one table count per slot.", "bad_tables")
    if any(c is not None and c < 0 for c in tables):
        raise SchedulerError("A table count cannot be negative.", "bad_tables")
    cap = [BIG if c is None else c for c in tables]

    fixed_slot = _fixed_slots(problem, common, s_of, i_of, cap)
    allowed = _allowed_after_fixed(common, fixed_slot, s_of, i_of, cap)
    return _Instance(
        problem=problem,
        n_slots=n_slots,
        startup_of=s_of,
        investor_of=i_of,
        n_startups=len(startups),
        n_investors=len(investors),
        startup_free=s_free,
        investor_free=i_free,
        common=common,
        allowed=allowed,
        allowed_mask=[sum(1 << t for t in slots) for slots in allowed],
        fixed_slot=fixed_slot,
        cap=cap,
        # A slot with a table for every investor (or every startup) cannot overflow.
        has_tables=any(c < min(len(startups), len(investors)) for c in cap),
        weight=[w if r.mutual else 1 for r in requests],
        mutual=[bool(r.mutual) for r in requests],
    )


def _fixed_slots(
    problem: ScheduleProblem,
    common: list[tuple[int, ...]],
    s_of: list[int],
    i_of: list[int],
    cap: list[int],
) -> list[int]:
    """Fixed slot per request (-1 if none); a fixed meeting that cannot stand is an error."""
    position = {r.id: k for k, r in enumerate(problem.requests)}
    fixed_slot = [-1] * len(problem.requests)
    taken: set[tuple[str, int, int]] = set()
    load = [0] * len(cap)
    for fm in problem.fixed:
        r = position.get(fm.request_id)
        if r is None:
            raise SchedulerError(f"Fixed meeting for unknown request {fm.request_id}.", "bad_fixed")
        if fixed_slot[r] >= 0:
            raise SchedulerError(f"Request {fm.request_id} is fixed twice.", "bad_fixed")
        if fm.slot not in common[r]:
            raise SchedulerError(
                f"Fixed meeting {fm.request_id} is in slot {fm.slot}, where a party is "
                "unavailable or which does not exist.",
                "fixed_unavailable",
            )
        for key in (("s", s_of[r], fm.slot), ("i", i_of[r], fm.slot)):
            if key in taken:
                raise SchedulerError(
                    f"Fixed meeting {fm.request_id} double-books a party in slot {fm.slot}.",
                    "fixed_conflict",
                )
            taken.add(key)
        load[fm.slot] += 1
        if load[fm.slot] > cap[fm.slot]:
            raise SchedulerError(
                f"Fixed meetings need more tables than slot {fm.slot} has.", "fixed_tables"
            )
        fixed_slot[r] = fm.slot
    return fixed_slot


def _allowed_after_fixed(
    common: list[tuple[int, ...]],
    fixed_slot: list[int],
    s_of: list[int],
    i_of: list[int],
    cap: list[int],
) -> list[tuple[int, ...]]:
    """Common free slots minus those where a fixed meeting already holds a party or the
    last table."""
    s_busy: set[tuple[int, int]] = set()
    i_busy: set[tuple[int, int]] = set()
    load = [0] * len(cap)
    for r, t in enumerate(fixed_slot):
        if t >= 0:
            s_busy.add((s_of[r], t))
            i_busy.add((i_of[r], t))
            load[t] += 1
    full = {t for t, c in enumerate(cap) if load[t] >= c}
    allowed = []
    for r, slots in enumerate(common):
        if fixed_slot[r] >= 0:
            allowed.append((fixed_slot[r],))
            continue
        s, i = s_of[r], i_of[r]
        allowed.append(
            tuple(
                t for t in slots if t not in full and (s, t) not in s_busy and (i, t) not in i_busy
            )
        )
    return allowed


# --------------------------------------------------------------------------------------------
# The board: who sits where.


class _Board:
    __slots__ = (
        "cap",
        "i_at",
        "inst",
        "load",
        "members",
        "placed",
        "pos",
        "s_at",
        "slot_of",
        "value",
    )

    def __init__(self, inst: _Instance) -> None:
        n_slots = inst.n_slots
        self.inst = inst
        self.cap = inst.cap
        self.slot_of = [-1] * inst.n_requests
        self.s_at = [[-1] * n_slots for _ in range(inst.n_startups)]
        self.i_at = [[-1] * n_slots for _ in range(inst.n_investors)]
        self.load = [0] * n_slots
        self.members: list[list[int]] = [[] for _ in range(n_slots)]
        self.pos = [-1] * inst.n_requests
        self.placed = 0
        self.value = 0  # the score: the weights of the placed requests
        for r, t in enumerate(inst.fixed_slot):
            if t >= 0:
                self.place(r, t)

    def fits(self, r: int, t: int) -> bool:
        inst = self.inst
        return (
            self.s_at[inst.startup_of[r]][t] < 0
            and self.i_at[inst.investor_of[r]][t] < 0
            and self.load[t] < self.cap[t]
        )

    def place(self, r: int, t: int) -> None:
        self.slot_of[r] = t
        self.s_at[self.inst.startup_of[r]][t] = r
        self.i_at[self.inst.investor_of[r]][t] = r
        self.load[t] += 1
        self.pos[r] = len(self.members[t])
        self.members[t].append(r)
        self.placed += 1
        self.value += self.inst.weight[r]

    def remove(self, r: int) -> None:
        t = self.slot_of[r]
        self.slot_of[r] = -1
        self.s_at[self.inst.startup_of[r]][t] = -1
        self.i_at[self.inst.investor_of[r]][t] = -1
        self.load[t] -= 1
        row = self.members[t]
        last = row.pop()
        if last != r:
            row[self.pos[r]] = last
            self.pos[last] = self.pos[r]
        self.placed -= 1
        self.value -= self.inst.weight[r]

    def reset(self, slot_of: list[int]) -> None:
        for r, t in enumerate(self.slot_of):
            if t >= 0:
                self.remove(r)
        for r, t in enumerate(slot_of):
            if t >= 0:
                self.place(r, t)


# --------------------------------------------------------------------------------------------
# Construction.


def _konig_applies(inst: _Instance) -> bool:
    full = inst.n_slots
    return (
        not inst.has_tables
        and all(t < 0 for t in inst.fixed_slot)
        and all(len(slots) == full for slots in inst.common)
    )


def _konig_settles(inst: _Instance) -> bool:
    """True when König guarantees that every request can be placed."""
    if not _konig_applies(inst):
        return False
    s_deg = [0] * inst.n_startups
    i_deg = [0] * inst.n_investors
    for s, i in zip(inst.startup_of, inst.investor_of, strict=True):
        s_deg[s] += 1
        i_deg[i] += 1
    return max(s_deg + i_deg, default=0) <= inst.n_slots


def _konig(inst: _Instance, board: _Board) -> None:
    """Edge-colour the request graph by alternating-path recolouring (König).

    A request whose startup or investor has no free colour left is skipped (the party has more
    requests than slots); every other request is placed.
    """
    s_at, i_at = board.s_at, board.i_at
    for r in sorted(range(inst.n_requests), key=lambda r: -inst.weight[r]):  # mutual first
        s, i = inst.startup_of[r], inst.investor_of[r]
        a = next((t for t, m in enumerate(s_at[s]) if m < 0), -1)
        b = next((t for t, m in enumerate(i_at[i]) if m < 0), -1)
        if a < 0 or b < 0:
            continue
        if i_at[i][a] < 0:
            board.place(r, a)
            continue
        # Colour a is free at s and taken at i. Walk i -a- s1 -b- i2 -a- ... and swap a and b
        # on it; the walk enters startups through a-edges, so it can never reach s.
        path: list[int] = []
        node, at_investor, colour = i, True, a
        while True:
            m = (i_at if at_investor else s_at)[node][colour]
            if m < 0:
                break
            path.append(m)
            node = inst.startup_of[m] if at_investor else inst.investor_of[m]
            at_investor = not at_investor
            colour = b if colour == a else a
        old = [board.slot_of[m] for m in path]
        for m in path:
            board.remove(m)
        for m, t in zip(path, old, strict=True):
            board.place(m, b if t == a else a)
        board.place(r, a)


def _greedy(inst: _Instance, board: _Board, order: Sequence[int]) -> None:
    for r in order:
        if board.slot_of[r] >= 0:
            continue
        for t in inst.allowed[r]:
            if board.fits(r, t):
                board.place(r, t)
                break


def _most_constrained_first(inst: _Instance) -> list[int]:
    s_deg = [0] * inst.n_startups
    i_deg = [0] * inst.n_investors
    for s, i in zip(inst.startup_of, inst.investor_of, strict=True):
        s_deg[s] += 1
        i_deg[i] += 1

    def key(r: int) -> tuple[int, int, int, int]:
        slack = len(inst.allowed[r]) * 2 - s_deg[inst.startup_of[r]] - i_deg[inst.investor_of[r]]
        return (-inst.weight[r], len(inst.allowed[r]), slack, r)

    return sorted(range(inst.n_requests), key=key)


# --------------------------------------------------------------------------------------------
# Repair search.


@dataclass
class _SearchReport:
    moves: int = 0
    stopped_by: str = "not_run"


def _repair_search(
    inst: _Instance,
    board: _Board,
    target: int,
    deadline: float,
    max_moves: int,
    rng: random.Random,
) -> _SearchReport:
    """Min-conflicts search with a short tabu list; leaves the best state seen on the board.

    A move puts one unplaced request into the slot where it displaces the least weight of
    meetings (ties broken at random), then tries to re-seat every displaced meeting in a
    free slot. `target` is a bound on the score (`board.value`).
    A displaced meeting may not go back to the slot it left for a few moves (tabu), which
    stops the search from undoing its last step.
    """
    report = _SearchReport()
    n_slots = inst.n_slots
    s_of, i_of, allowed, fixed = inst.startup_of, inst.investor_of, inst.allowed, inst.fixed_slot
    s_at, i_at, load, cap, members = board.s_at, board.i_at, board.load, board.cap, board.members
    slot_of = board.slot_of
    weight = inst.weight
    no_slot = 4 * max(weight, default=1) + 1  # more than any move costs

    unplaced = [r for r in range(inst.n_requests) if slot_of[r] < 0 and allowed[r]]
    where = [-1] * inst.n_requests
    for k, r in enumerate(unplaced):
        where[r] = k

    def drop(r: int) -> None:
        k, last = where[r], unplaced.pop()
        if last != r:
            unplaced[k] = last
            where[last] = k
        where[r] = -1

    def seat_elsewhere(m: int, move: int) -> bool:
        slots = allowed[m]
        start = rng.randrange(len(slots))
        sm, im = s_at[s_of[m]], i_at[i_of[m]]
        for k in range(len(slots)):
            t = slots[(start + k) % len(slots)]
            if sm[t] < 0 and im[t] < 0 and load[t] < cap[t] and tabu[m * n_slots + t] <= move:
                board.place(m, t)
                return True
        return False

    tabu = [0] * (inst.n_requests * n_slots)
    best_value, best = board.value, list(slot_of)
    move = 0
    while True:
        if board.value >= target:
            report.stopped_by = "bound"
            break
        if not unplaced:
            report.stopped_by = "nothing_to_place"
            break
        if move >= max_moves:
            report.stopped_by = "moves"
            break
        if move & 127 == 0 and time.perf_counter() > deadline:
            report.stopped_by = "time"
            break
        move += 1
        r = unplaced[rng.randrange(len(unplaced))]
        sr, ir = s_at[s_of[r]], i_at[i_of[r]]
        best_t, best_cost, ties = -1, no_slot, 0
        for t in allowed[r]:
            a, b = sr[t], ir[t]
            cost = evicted = 0
            if a >= 0:
                if fixed[a] >= 0:
                    continue
                cost, evicted = weight[a], 1
            if b >= 0 and b != a:  # the same meeting when r repeats a pair
                if fixed[b] >= 0:
                    continue
                cost += weight[b]
                evicted += 1
            if load[t] - evicted >= cap[t]:
                cost += 1
            if cost and tabu[r * n_slots + t] > move:
                continue
            if cost < best_cost:
                best_t, best_cost, ties = t, cost, 1
            elif cost == best_cost:
                ties += 1
                if rng.randrange(ties) == 0:
                    best_t = t
        if best_t < 0:
            continue
        t = best_t
        evicted = [m for m in dict.fromkeys((sr[t], ir[t])) if m >= 0]
        if load[t] - len(evicted) >= cap[t]:
            victim = _table_victim(members[t], evicted, fixed, board, rng)
            if victim < 0:
                continue
            evicted.append(victim)
        for m in evicted:
            board.remove(m)
            tabu[m * n_slots + t] = move + 7 + rng.randrange(8)
        drop(r)
        board.place(r, t)
        for m in evicted:
            if not seat_elsewhere(m, move):
                where[m] = len(unplaced)
                unplaced.append(m)
        if board.value > best_value:
            best_value, best = board.value, list(slot_of)
    report.moves = move
    if board.value < best_value:
        board.reset(best)
    return report


def _table_victim(
    members: list[int], evicted: list[int], fixed: list[int], board: _Board, rng: random.Random
) -> int:
    """A meeting to take out of a slot whose tables are all used: preferably a light one
    (not a mutual pair), then one that has another free slot to go to; -1 if every meeting
    there is fixed or already evicted."""
    inst = board.inst
    if not members:
        return -1
    start = rng.randrange(len(members))
    best, best_key = -1, (0, 0)
    for k in range(len(members)):
        m = members[(start + k) % len(members)]
        if fixed[m] >= 0 or m in evicted:
            continue
        stuck = not any(u != board.slot_of[m] and board.fits(m, u) for u in inst.allowed[m])
        key = (inst.weight[m], int(stuck))
        if best < 0 or key < best_key:
            best, best_key = m, key
            if key == (1, 0):
                break
    return best


# --------------------------------------------------------------------------------------------
# Spreading: fewer back-to-back meetings, same count.


def _back_to_back(board_rows: Sequence[Sequence[int]]) -> int:
    """Number of pairs of consecutive slots in which a party has a meeting in both."""
    total = 0
    for row in board_rows:
        for t in range(1, len(row)):
            if row[t] >= 0 and row[t - 1] >= 0:
                total += 1
    return total


def _neighbours(row: list[int], t: int, vacated: int) -> int:
    n = 0
    if t > 0 and row[t - 1] >= 0 and t - 1 != vacated:
        n += 1
    if t + 1 < len(row) and row[t + 1] >= 0 and t + 1 != vacated:
        n += 1
    return n


def _spread(inst: _Instance, board: _Board, deadline: float, rng: random.Random) -> int:
    """Hill-climb on the back-to-back count; returns the number of moves and swaps made.

    A meeting moves to a free slot, or trades slots with another meeting of one of its
    parties, when that lowers the count for the parties involved. Full parties (an investor
    booked in every free slot) can only be improved by trades, hence both.
    """
    movable = [
        r for r in range(inst.n_requests) if inst.fixed_slot[r] < 0 and board.slot_of[r] >= 0
    ]
    changed = 0
    for _ in range(20):
        rng.shuffle(movable)
        improved = False
        for k, r in enumerate(movable):
            if k & 255 == 0 and time.perf_counter() > deadline:
                return changed
            if _better_slot(inst, board, r) or _better_trade(inst, board, r):
                changed += 1
                improved = True
        if not improved:
            break
    return changed


def _better_slot(inst: _Instance, board: _Board, r: int) -> bool:
    t = board.slot_of[r]
    sr, ir = board.s_at[inst.startup_of[r]], board.i_at[inst.investor_of[r]]
    here = _neighbours(sr, t, -1) + _neighbours(ir, t, -1)
    best_u, best_gain = -1, 0
    if here:
        for u in inst.allowed[r]:
            if u != t and sr[u] < 0 and ir[u] < 0 and board.load[u] < board.cap[u]:
                gain = here - _neighbours(sr, u, t) - _neighbours(ir, u, t)
                if gain > best_gain:
                    best_u, best_gain = u, gain
    if best_u < 0:
        return False
    board.remove(r)
    board.place(r, best_u)
    return True


def _better_trade(inst: _Instance, board: _Board, r: int) -> bool:
    """Swap r with another meeting of its investor (or of its startup) if that helps the two
    other parties; the shared party keeps the same slots, so only theirs change."""
    t = board.slot_of[r]
    mask = inst.allowed_mask
    for shared_row, other_of, other_rows in (
        (board.i_at[inst.investor_of[r]], inst.startup_of, board.s_at),
        (board.s_at[inst.startup_of[r]], inst.investor_of, board.i_at),
    ):
        mine = other_rows[other_of[r]]
        for u, q in enumerate(shared_row):
            if q < 0 or q == r or inst.fixed_slot[q] >= 0 or other_of[q] == other_of[r]:
                continue
            theirs = other_rows[other_of[q]]
            if mine[u] >= 0 or theirs[t] >= 0 or not (mask[r] >> u & 1 and mask[q] >> t & 1):
                continue
            gain = (
                _neighbours(mine, t, -1)
                - _neighbours(mine, u, t)
                + _neighbours(theirs, u, -1)
                - _neighbours(theirs, t, u)
            )
            if gain > 0:
                board.remove(r)
                board.remove(q)
                board.place(r, u)
                board.place(q, t)
                return True
    return False


# --------------------------------------------------------------------------------------------
# Upper bounds.


def _max_matching(adj: Sequence[Sequence[int]], n_right: int) -> int:
    """Maximum bipartite matching, left vertices 0..len(adj)-1.

    Augmenting paths in phases; within a phase a right vertex is visited at most once. That
    is safe: while the phase has not changed the matching, a vertex from which one search
    found no free vertex cannot lead another search to one either (after an augmentation a
    vertex may be skipped, but the next phase searches again). A phase without augmentation
    proves the matching maximum.
    """
    match_right = [-1] * n_right
    match_left = [-1] * len(adj)
    for u, row in enumerate(adj):
        for v in row:
            if match_right[v] < 0:
                match_right[v], match_left[u] = u, v
                break
    while True:
        seen = [False] * n_right
        augmented = False
        for root in range(len(adj)):
            if match_left[root] < 0 and _augment(root, adj, match_left, match_right, seen):
                augmented = True
        if not augmented:
            return sum(1 for v in match_left if v >= 0)


def _augment(
    root: int,
    adj: Sequence[Sequence[int]],
    match_left: list[int],
    match_right: list[int],
    seen: list[bool],
) -> bool:
    parent: dict[int, int] = {}  # right vertex -> the left vertex the search reached it from
    stack = [root]
    while stack:
        u = stack.pop()
        for v in adj[u]:
            if seen[v]:
                continue
            seen[v] = True
            parent[v] = u
            if match_right[v] >= 0:
                stack.append(match_right[v])
                continue
            while v >= 0:  # flip the path back to the root
                u = parent[v]
                previous = match_left[u]
                match_left[u], match_right[v] = v, u
                v = previous
            return True
    return False


def _party_matching_bound(inst: _Instance, party_of: list[int], n_parties: int) -> int:
    requests_of: list[list[int]] = [[] for _ in range(n_parties)]
    for r, p in enumerate(party_of):
        if inst.fixed_slot[r] < 0 and inst.allowed[r]:
            requests_of[p].append(r)
    total = 0
    for rs in requests_of:
        if not rs:
            continue
        slots = {t for r in rs for t in inst.allowed[r]}
        if len(rs) <= len(slots) and all(len(inst.allowed[r]) >= len(rs) for r in rs):
            total += len(rs)  # Hall's condition holds trivially
        else:
            total += _max_matching([inst.allowed[r] for r in rs], inst.n_slots)
    return total


def _slot_matching_bound(inst: _Instance, fixed_load: list[int]) -> int:
    pairs: list[dict[int, set[int]]] = [{} for _ in range(inst.n_slots)]  # startup -> investors
    for r, slots in enumerate(inst.allowed):
        if inst.fixed_slot[r] < 0:
            s, i = inst.startup_of[r], inst.investor_of[r]
            for t in slots:
                pairs[t].setdefault(s, set()).add(i)
    total = 0
    for t, adj in enumerate(pairs):
        room = inst.cap[t] - fixed_load[t]
        if adj and room > 0:
            total += min(room, _max_matching([list(v) for v in adj.values()], inst.n_investors))
    return total


def _lp_bound(
    inst: _Instance, fixed_load: list[int], time_limit_s: float, *, weighted: bool = False
) -> int | None:
    """Dual-certified LP relaxation bound on the meetings that are not fixed (on their
    score with `weighted`).

    None when HiGHS does not finish within the time limit.
    """
    n_slots, n_req = inst.n_slots, inst.n_requests
    s_row = n_req
    i_row = s_row + inst.n_startups * n_slots
    t_row = i_row + inst.n_investors * n_slots
    rows: list[int] = []
    cols: list[int] = []
    b = [1.0] * t_row + [float(max(c - f, 0)) for c, f in zip(inst.cap, fixed_load, strict=True)]
    n_var = 0
    gain: list[float] = []
    for r, slots in enumerate(inst.allowed):
        if inst.fixed_slot[r] >= 0:
            continue
        s, i = inst.startup_of[r], inst.investor_of[r]
        for t in slots:
            gain.append(float(inst.weight[r]) if weighted else 1.0)
            column = [r, s_row + s * n_slots + t, i_row + i * n_slots + t]
            if inst.cap[t] < BIG:
                column.append(t_row + t)
            rows += column
            cols += [n_var] * len(column)
            n_var += 1
    if n_var == 0:
        return 0
    a = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(b), n_var))
    c = np.array(gain)
    res = linprog(
        -c,
        A_ub=a,
        b_ub=np.array(b),
        bounds=(0, 1),
        method="highs",
        options={"time_limit": max(time_limit_s, 0.05)},
    )
    if res.status != 0:
        return None
    # Weak duality with 0 <= x <= 1 (implied by the request rows): for any y >= 0,
    # c.x <= b.y + sum_j max(0, c_j - (A^T y)_j). This holds whatever HiGHS's accuracy.
    y = np.maximum(-res.ineqlin.marginals, 0.0)
    certificate = float(np.array(b) @ y + np.maximum(0.0, c - a.T @ y).sum())
    return math.floor(certificate + 1e-6)


def _bounds(inst: _Instance, *, lp_time_limit_s: float = 0.0) -> dict[str, int]:
    """Every available bound, each on the total (fixed meetings included).

    The LP runs only with a positive time limit, and not when König already shows that the
    request count is reached (no limits at all and no party with more requests than slots).
    """
    n_fixed = sum(1 for t in inst.fixed_slot if t >= 0)
    fixed_load = [0] * inst.n_slots
    for t in inst.fixed_slot:
        if t >= 0:
            fixed_load[t] += 1
    free_part = {
        "common_free_slot": sum(
            1 for r, slots in enumerate(inst.allowed) if slots and inst.fixed_slot[r] < 0
        ),
        "startup_matching": _party_matching_bound(inst, inst.startup_of, inst.n_startups),
        "investor_matching": _party_matching_bound(inst, inst.investor_of, inst.n_investors),
    }
    if inst.has_tables:
        free_part["slot_matching"] = _slot_matching_bound(inst, fixed_load)
    if lp_time_limit_s > 0 and not _konig_settles(inst):
        value = _lp_bound(inst, fixed_load, lp_time_limit_s)
        if value is not None:
            free_part["lp_relaxation"] = value
    return {name: value + n_fixed for name, value in free_part.items()}


def _party_matching_score(inst: _Instance, party_of: list[int], n_parties: int) -> int:
    """Per party, the heaviest set of its requests that can sit in distinct usable slots.

    The requests that can be seated together form a transversal matroid, so taking them
    heaviest first and keeping each one an augmenting path can seat gives the maximum
    weight (the matroid greedy theorem); an augmenting path exists exactly when the kept
    set plus the new request can be matched (Berge)."""
    requests_of: list[list[int]] = [[] for _ in range(n_parties)]
    for r, p in enumerate(party_of):
        if inst.fixed_slot[r] < 0 and inst.allowed[r]:
            requests_of[p].append(r)
    weight = inst.weight
    total = 0
    for rs in requests_of:
        if not rs:
            continue
        slots = {t for r in rs for t in inst.allowed[r]}
        if len(rs) <= len(slots) and all(len(inst.allowed[r]) >= len(rs) for r in rs):
            total += sum(weight[r] for r in rs)  # Hall's condition holds trivially
            continue
        if len({weight[r] for r in rs}) == 1:
            total += weight[rs[0]] * _max_matching([inst.allowed[r] for r in rs], inst.n_slots)
            continue
        order = sorted(rs, key=lambda r: -weight[r])
        adj = [inst.allowed[r] for r in order]
        match_left, match_right = [-1] * len(adj), [-1] * inst.n_slots
        for u, r in enumerate(order):
            if _augment(u, adj, match_left, match_right, [False] * inst.n_slots):
                total += weight[r]
    return total


def _slot_matching_score(inst: _Instance, fixed_load: list[int]) -> int:
    """Per slot: at most `room` meetings forming a matching (M at most), of which at most
    `min(room, M_mutual)` are mutual, each adding `w - 1` to the score."""
    extra = inst.problem.mutual_weight - 1
    pairs: list[dict[int, set[int]]] = [{} for _ in range(inst.n_slots)]
    mutual: list[dict[int, set[int]]] = [{} for _ in range(inst.n_slots)]
    for r, slots in enumerate(inst.allowed):
        if inst.fixed_slot[r] < 0:
            s, i = inst.startup_of[r], inst.investor_of[r]
            for t in slots:
                pairs[t].setdefault(s, set()).add(i)
                if inst.mutual[r]:
                    mutual[t].setdefault(s, set()).add(i)
    total = 0
    for t, adj in enumerate(pairs):
        room = inst.cap[t] - fixed_load[t]
        if not adj or room <= 0:
            continue
        total += min(room, _max_matching([list(v) for v in adj.values()], inst.n_investors))
        if mutual[t] and extra:
            found = _max_matching([list(v) for v in mutual[t].values()], inst.n_investors)
            total += extra * min(room, found)
    return total


def _score_bounds(
    inst: _Instance, bounds: dict[str, int], *, lp_time_limit_s: float = 0.0
) -> dict[str, int]:
    """Every bound on the score (see the module's docstring); the count bounds themselves
    when no request weighs more than 1."""
    if all(w == 1 for w in inst.weight):
        return dict(bounds)
    fixed_value = sum(inst.weight[r] for r, t in enumerate(inst.fixed_slot) if t >= 0)
    n_fixed = sum(1 for t in inst.fixed_slot if t >= 0)
    fixed_load = [0] * inst.n_slots
    for t in inst.fixed_slot:
        if t >= 0:
            fixed_load[t] += 1
    free_part = {
        "common_free_slot": sum(
            inst.weight[r]
            for r, slots in enumerate(inst.allowed)
            if slots and inst.fixed_slot[r] < 0
        ),
        "startup_matching": _party_matching_score(inst, inst.startup_of, inst.n_startups),
        "investor_matching": _party_matching_score(inst, inst.investor_of, inst.n_investors),
    }
    if inst.has_tables:
        free_part["slot_matching"] = _slot_matching_score(inst, fixed_load)
    # All the meetings, plus (w - 1) for each mutual one: two count bounds added.
    only_mutual = replace(
        inst, allowed=[a if m else () for a, m in zip(inst.allowed, inst.mutual, strict=True)]
    )
    mutual_free = min(_bounds(only_mutual).values()) - n_fixed
    extra = inst.problem.mutual_weight - 1
    free_part["count_plus_mutual"] = min(bounds.values()) - n_fixed + extra * mutual_free
    if lp_time_limit_s > 0 and not _konig_settles(inst):
        value = _lp_bound(inst, fixed_load, lp_time_limit_s, weighted=True)
        if value is not None:
            free_part["lp_relaxation"] = value
    return {name: value + fixed_value for name, value in free_part.items()}


def _best_bound(bounds: dict[str, int]) -> tuple[int, str]:
    name = min(bounds, key=lambda k: bounds[k])  # dicts keep order: simplest argument wins ties
    return bounds[name], name


def upper_bound(problem: ScheduleProblem, *, lp_time_limit_s: float = 0.0) -> tuple[int, str]:
    """The tightest valid upper bound on the number of meetings, and which argument gave it.

    The combinatorial bounds take milliseconds. With `lp_time_limit_s > 0` and scipy
    installed the LP relaxation is tried too: it can only be tighter, but on the benchmark it
    equals `investor_matching` and on dense instances HiGHS needs more than a minute.
    """
    return _best_bound(_bounds(_compile(problem), lp_time_limit_s=lp_time_limit_s))


def score_upper_bound(problem: ScheduleProblem, *, lp_time_limit_s: float = 0.0) -> tuple[int, str]:
    """The tightest valid upper bound on the score (mutual requests weighted), and which
    argument gave it; the same as `upper_bound` without mutual requests."""
    inst = _compile(problem)
    bounds = _bounds(inst, lp_time_limit_s=lp_time_limit_s)
    return _best_bound(_score_bounds(inst, bounds, lp_time_limit_s=lp_time_limit_s))


# --------------------------------------------------------------------------------------------
# Exact mode.


def ortools_available() -> bool:
    return cp_model is not None


if cp_model is not None:

    class _StopAtBound(cp_model.CpSolverSolutionCallback):
        """Stops CP-SAT at the first schedule that meets a bound proved elsewhere."""

        def __init__(self, bound: int) -> None:
            super().__init__()
            self.bound = bound

        def on_solution_callback(self) -> None:
            if self.objective_value >= self.bound - 1e-6:
                self.stop_search()


def _cp_sat(
    inst: _Instance, board: _Board, time_limit_s: float, known_bound: int
) -> tuple[str, list[int] | None, int | None]:
    """Solve the model with CP-SAT, hinted with the board; returns status, solution, bound
    (all on the score: the weighted count).

    CP-SAT stops as soon as it finds a schedule that meets the proven combinatorial bound.
    (Adding the bound to the model as a constraint instead made CP-SAT slower.)
    """
    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}
    by_startup: dict[tuple[int, int], list[Any]] = {}
    by_investor: dict[tuple[int, int], list[Any]] = {}
    by_slot: dict[int, list[Any]] = {}
    for r, slots in enumerate(inst.allowed):
        for t in slots:
            v = model.new_bool_var(f"x{r}_{t}")
            x[r, t] = v
            by_startup.setdefault((inst.startup_of[r], t), []).append(v)
            by_investor.setdefault((inst.investor_of[r], t), []).append(v)
            by_slot.setdefault(t, []).append(v)
            model.add_hint(v, board.slot_of[r] == t)
        if inst.fixed_slot[r] >= 0:
            model.add(x[r, inst.fixed_slot[r]] == 1)
        elif slots:
            model.add_at_most_one(x[r, t] for t in slots)
    for group in (*by_startup.values(), *by_investor.values()):
        model.add_at_most_one(group)
    for t, group in by_slot.items():
        if inst.cap[t] < len(group):
            model.add(sum(group) <= inst.cap[t])
    model.maximize(sum(inst.weight[r] * v for (r, _t), v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.1)
    solver.parameters.num_workers = 8  # a full portfolio; 2 workers did worse on 2 cores
    status = solver.solve(model, _StopAtBound(known_bound))
    name = solver.status_name(status).lower()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return name, None, None
    solution = [-1] * inst.n_requests
    for (r, t), v in x.items():
        if solver.value(v):
            solution[r] = t
    if sum(inst.weight[r] for r, t in enumerate(solution) if t >= 0) >= known_bound:
        name = "optimal"  # stopped by the callback: the combinatorial bound proves it
    return name, solution, math.floor(solver.best_objective_bound + 1e-6)


# --------------------------------------------------------------------------------------------
# Results.


def _explain(inst: _Instance, board: _Board, r: int) -> UnplacedRequest:
    request = inst.problem.requests[r]
    s, i = inst.startup_of[r], inst.investor_of[r]
    common = inst.common[r]
    if not inst.startup_free[s]:
        reason = "startup_unavailable_all"
    elif not inst.investor_free[i]:
        reason = "investor_unavailable_all"
    elif not common:
        reason = "no_common_free_slot"
    elif all(board.s_at[s][t] >= 0 or board.i_at[i][t] >= 0 for t in common):
        reason = "conflicts"
    else:
        reason = "tables_full"
    return UnplacedRequest(request.id, request.startup_id, request.investor_id, reason, common)


def _result(
    inst: _Instance,
    board: _Board,
    bounds: dict[str, int],
    stats: dict[str, Any],
    score_bounds: dict[str, int] | None = None,
) -> ScheduleResult:
    """`bounds` are on the number of meetings, `score_bounds` on the score (the same when
    no request weighs more than 1); the schedule is proved optimal when its score meets
    the smallest score bound."""
    requests = inst.problem.requests
    bound, method = _best_bound(bounds)
    score_bound, score_method = _best_bound(score_bounds or bounds)
    placed = board.placed
    unplaced = [_explain(inst, board, r) for r, t in enumerate(board.slot_of) if t < 0]
    mutual_placed = sum(1 for r, t in enumerate(board.slot_of) if t >= 0 and inst.mutual[r])
    stats.update(
        requests=inst.n_requests,
        placed=placed,
        fixed=sum(1 for t in inst.fixed_slot if t >= 0),
        bounds=dict(bounds),
        mutual_requests=sum(inst.mutual),
        mutual_placed=mutual_placed,
        score=board.value,
        score_bounds=dict(score_bounds or bounds),
        score_bound_method=score_method,
        proved_optimal=board.value >= score_bound,
        back_to_back=_back_to_back(board.s_at) + _back_to_back(board.i_at),
    )
    return ScheduleResult(
        placements={requests[r].id: t for r, t in enumerate(board.slot_of) if t >= 0},
        unplaced=unplaced,
        upper_bound=bound,
        bound_method=method,
        share_of_bound=placed / bound if bound else 1.0,
        stats=stats,
        mutual_placed=mutual_placed,
        mutual_requests=sum(inst.mutual),
        score=board.value,
        score_bound=score_bound,
    )


def greedy_first_fit(problem: ScheduleProblem, *, with_bound: bool = True) -> ScheduleResult:
    """Baseline: requests in the order given, each in the first slot where it fits.

    With `with_bound=False` the only bound reported is the request count, so the time
    measured is the greedy's own.
    """
    started = time.perf_counter()
    inst = _compile(problem)
    board = _Board(inst)
    _greedy(inst, board, range(inst.n_requests))
    solve_time = time.perf_counter() - started
    if with_bound:
        bounds = _bounds(inst)
        score_bounds = _score_bounds(inst, bounds)
    else:
        bounds = {"request_count": inst.n_requests}
        score_bounds = {"request_count": sum(inst.weight)}
    stats = {"method": "greedy_first_fit", "solve_time_s": solve_time}
    stats["time_s"] = time.perf_counter() - started
    return _result(inst, board, bounds, stats, score_bounds)


def schedule(
    problem: ScheduleProblem,
    *,
    time_budget_s: float = 1.5,
    exact: bool = False,
    exact_time_limit_s: float = 60.0,
    seed: int = 0,
    max_moves: int | None = None,
) -> ScheduleResult:
    """Place as many requests as possible, then spread each party's meetings.

    The heuristic keeps to `time_budget_s`; its search also stops once it meets the upper
    bound or after `max_moves` moves (default: 200 per request). It is deterministic for a
    given seed unless the budget cuts the search short (`stats["stopped_by"] == "time"`).
    With `exact=True`, CP-SAT then works from the heuristic's solution for up to
    `exact_time_limit_s` more seconds (SchedulerError `exact_unavailable` without OR-Tools).
    Raises SchedulerError on bad input.
    """
    if exact and cp_model is None:
        raise SchedulerError(
            "The exact mode needs OR-Tools (pip install ortools).", "exact_unavailable"
        )
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - tie-breaking in a search, not secrecy
    inst = _compile(problem)
    board = _Board(inst)
    stats: dict[str, Any] = {"seed": seed}

    konig = _konig_applies(inst)
    if konig:
        _konig(inst, board)
    _greedy(inst, board, _most_constrained_first(inst))
    stats["method"] = "konig" if konig else "greedy+repair"
    stats["construction_placed"] = board.placed
    bounds = _bounds(inst)
    score_bounds = _score_bounds(inst, bounds)
    stats["bound_time_s"] = time.perf_counter() - started
    report = _repair_search(
        inst,
        board,
        target=min(score_bounds.values()),
        deadline=started + 0.85 * time_budget_s,  # the rest is for spreading
        max_moves=max_moves if max_moves is not None else 200 * inst.n_requests + 1000,
        rng=rng,
    )
    stats.update(search_moves=report.moves, stopped_by=report.stopped_by)
    _greedy(inst, board, range(inst.n_requests))  # the best state kept may have a free seat

    spread_deadline = started + time_budget_s
    if exact:
        _run_exact(inst, board, bounds, score_bounds, stats, exact_time_limit_s)
        spread_deadline = time.perf_counter() + 0.1 * time_budget_s
    stats["back_to_back_before_spread"] = _back_to_back(board.s_at) + _back_to_back(board.i_at)
    stats["spread_moves"] = _spread(inst, board, spread_deadline, rng)
    stats["time_s"] = time.perf_counter() - started
    return _result(inst, board, bounds, stats, score_bounds)


def evaluate(problem: ScheduleProblem, placements: Mapping[Hashable, int]) -> ScheduleResult:
    """The result of a schedule chosen earlier (request id → slot; fixed meetings are added),
    with the bound and the reasons for what is left, as `schedule` reports them.

    For saving the plan an organiser reviewed: raises SchedulerError (`stale_plan`) when the
    placements no longer fit the problem, for example after an availability change.
    """
    started = time.perf_counter()
    inst = _compile(problem)
    index = {request.id: r for r, request in enumerate(problem.requests)}
    solution = list(inst.fixed_slot)
    for request_id, t in placements.items():
        r = index.get(request_id)
        if r is None or not isinstance(t, int) or not 0 <= t < inst.n_slots:
            raise SchedulerError(f"request {request_id} cannot be placed in {t}", "stale_plan")
        if solution[r] < 0:
            solution[r] = t
    board = _Board(inst)
    board.reset(solution)
    bounds = _bounds(inst)
    result = _result(inst, board, bounds, {"method": "reviewed"}, _score_bounds(inst, bounds))
    problems = check_schedule(problem, result)
    if problems:
        raise SchedulerError("; ".join(problems[:3]), "stale_plan")
    result.stats["time_s"] = time.perf_counter() - started
    return result


def _run_exact(
    inst: _Instance,
    board: _Board,
    bounds: dict[str, int],
    score_bounds: dict[str, int],
    stats: dict[str, Any],
    limit: float,
) -> None:
    if board.value >= min(score_bounds.values()):
        stats["exact"] = "not needed: the heuristic reached the upper bound"
        return
    status, solution, bound = _cp_sat(inst, board, limit, min(score_bounds.values()))
    stats["exact"] = status
    if solution is not None:
        value = sum(inst.weight[r] for r, t in enumerate(solution) if t >= 0)
        if value > board.value:
            board.reset(solution)
            _greedy(inst, board, range(inst.n_requests))
            stats["method"] += "+cp_sat"
    if bound is not None:
        score_bounds["cp_sat"] = bound
        if all(w == 1 for w in inst.weight):  # the score is the count
            bounds["cp_sat"] = bound


# --------------------------------------------------------------------------------------------
# Checking.


def check_schedule(problem: ScheduleProblem, result: ScheduleResult) -> list[str]:
    """Every rule the result breaks, in English; an empty list means the schedule is valid."""
    problem_requests = {r.id: r for r in problem.requests}
    n_slots = len(problem.slots)
    tables = list(problem.tables) if problem.tables is not None else [None] * n_slots
    problems: list[str] = []
    seen: dict[tuple[str, Hashable, int], Hashable] = {}
    load = [0] * n_slots
    for rid, t in result.placements.items():
        req = problem_requests.get(rid)
        if req is None:
            problems.append(f"placement for unknown request {rid}")
            continue
        if not isinstance(t, int) or not 0 <= t < n_slots:
            problems.append(f"request {rid} placed in slot {t}, which does not exist")
            continue
        load[t] += 1
        for side, party, unavailable in (
            ("startup", req.startup_id, problem.startup_unavailable),
            ("investor", req.investor_id, problem.investor_unavailable),
        ):
            if t in unavailable.get(party, ()):
                problems.append(f"request {rid}: {side} {party} is unavailable in slot {t}")
            other = seen.setdefault((side, party, t), rid)
            if other != rid:
                problems.append(f"{side} {party} double-booked in slot {t} ({other} and {rid})")
    for t, (count, cap) in enumerate(zip(load, tables, strict=True)):
        if cap is not None and count > cap:
            problems.append(f"slot {t} holds {count} meetings for {cap} tables")
    for fm in problem.fixed:
        if result.placements.get(fm.request_id) != fm.slot:
            problems.append(f"fixed meeting {fm.request_id} is not in slot {fm.slot}")
    unplaced = {u.request_id for u in result.unplaced}
    for rid in problem_requests:
        if (rid in unplaced) == (rid in result.placements):
            problems.append(f"request {rid} must be either placed or listed as unplaced")
    return problems
