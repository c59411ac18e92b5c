"""The demo-day meeting scheduler: hand-made cases, reasons, bad input, and random small
instances checked against the rules and against brute force."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

import pytest

from eventhub.meetings import scheduler as scheduler_module
from eventhub.meetings.scheduler import (
    FixedMeeting,
    MeetingRequest,
    ScheduleProblem,
    SchedulerError,
    ScheduleResult,
    SlotSpec,
    check_schedule,
    greedy_first_fit,
    schedule,
    upper_bound,
)


@pytest.fixture
def make_problem() -> Callable[..., ScheduleProblem]:
    """`make_problem(pairs, n_slots=3, **overrides)`; request ids are r0, r1, ..."""

    def make(pairs: list[tuple[str, str]], n_slots: int = 3, **kwargs: Any) -> ScheduleProblem:
        kwargs.setdefault(
            "slots", [SlotSpec(start=f"{9 + t}:00", end=f"{9 + t}:30") for t in range(n_slots)]
        )
        requests = [MeetingRequest(f"r{k}", s, i) for k, (s, i) in enumerate(pairs)]
        return ScheduleProblem(requests=requests, **kwargs)

    return make


def random_problem(rng: random.Random, n_requests: int, n_slots: int) -> ScheduleProblem:
    startups = [f"s{k}" for k in range(rng.randint(1, 4))]
    investors = [f"i{k}" for k in range(rng.randint(1, 4))]
    requests = [
        MeetingRequest(f"r{k}", rng.choice(startups), rng.choice(investors))
        for k in range(n_requests)
    ]

    def away() -> set[int]:
        return {t for t in range(n_slots) if rng.random() < 0.3}

    tables = [rng.choice([None, 1, 2]) for _ in range(n_slots)] if rng.random() < 0.5 else None
    return ScheduleProblem(
        slots=[SlotSpec() for _ in range(n_slots)],
        requests=requests,
        startup_unavailable={s: away() for s in startups},
        investor_unavailable={i: away() for i in investors},
        tables=tables,
    )


def brute_force_optimum(problem: ScheduleProblem) -> int:
    """Backtracking over every assignment, written apart from the code under test."""
    n_slots = len(problem.slots)
    fixed = {fm.request_id: fm.slot for fm in problem.fixed}
    tables = problem.tables or [None] * n_slots
    busy: set[tuple[str, Any, int]] = set()
    load = [0] * n_slots
    best = 0

    def fits(req: MeetingRequest, t: int) -> bool:
        return (
            t not in problem.startup_unavailable.get(req.startup_id, ())
            and t not in problem.investor_unavailable.get(req.investor_id, ())
            and ("s", req.startup_id, t) not in busy
            and ("i", req.investor_id, t) not in busy
            and (tables[t] is None or load[t] < tables[t])
        )

    def go(k: int, placed: int) -> None:
        nonlocal best
        best = max(best, placed)
        if k == len(problem.requests) or placed + len(problem.requests) - k <= best:
            return
        req = problem.requests[k]
        for t in [fixed[req.id]] if req.id in fixed else range(n_slots):
            if fits(req, t):
                keys = {("s", req.startup_id, t), ("i", req.investor_id, t)}
                busy.update(keys)
                load[t] += 1
                go(k + 1, placed + 1)
                busy.difference_update(keys)
                load[t] -= 1
        if req.id not in fixed:
            go(k + 1, placed)

    go(0, 0)
    return best


def reasons(result: ScheduleResult) -> dict[Any, str]:
    return {u.request_id: u.reason for u in result.unplaced}


# --- König: no limits ------------------------------------------------------------------------


def test_konig_places_every_request_when_no_party_exceeds_the_slots(make_problem):
    rng = random.Random(5)
    n_slots = 6
    pairs: list[tuple[str, str]] = []
    degree: dict[str, int] = {}
    while len(pairs) < 120:
        s, i = f"s{rng.randrange(25)}", f"i{rng.randrange(25)}"
        if degree.get(s, 0) < n_slots and degree.get(i, 0) < n_slots:
            pairs.append((s, i))  # repeated pairs allowed: a multigraph
            degree[s] = degree.get(s, 0) + 1
            degree[i] = degree.get(i, 0) + 1
    problem = make_problem(pairs, n_slots=n_slots)

    result = schedule(problem)

    assert len(result.placements) == len(pairs)
    assert result.stats["method"] == "konig"
    assert (result.upper_bound, result.share_of_bound) == (len(pairs), 1.0)
    assert check_schedule(problem, result) == []


def test_konig_beats_first_fit_on_a_bad_order(make_problem):
    # First fit: b-z and a-y in slot 0, c-y in slot 1, and c-z finds c busy in 1, z in 0.
    problem = make_problem([("b", "z"), ("a", "y"), ("c", "y"), ("c", "z")], n_slots=2)

    assert len(greedy_first_fit(problem).placements) == 3
    assert len(schedule(problem).placements) == 4


# --- limits, fixed meetings, reasons ----------------------------------------------------------


def test_fixed_meetings_stay_and_others_work_around_them(make_problem):
    problem = make_problem(
        [("a", "x"), ("a", "y"), ("b", "x")],
        n_slots=2,
        fixed=[FixedMeeting("r0", 1)],
    )

    result = schedule(problem)

    assert result.placements == {"r0": 1, "r1": 0, "r2": 0}
    assert result.stats["fixed"] == 1
    assert check_schedule(problem, result) == []


def test_each_unplaced_request_says_why(make_problem):
    problem = make_problem(
        [
            ("gone", "x"),  # r0: startup away all day
            ("a", "away"),  # r1: investor away all day
            ("b", "x"),  # r2: b free only in 0, x free only in 1 and 2
            ("c", "y"),  # r3, r4: c has one free slot and two investors
            ("c", "z"),
            ("d", "w"),  # r5, r6: slot 2 has one table
            ("e", "v"),
        ],
        startup_unavailable={"gone": {0, 1, 2}, "b": {1, 2}, "c": {1, 2}, "d": {0, 1}, "e": {0, 1}},
        investor_unavailable={"away": [0, 1, 2], "x": {0}},
        tables=[None, None, 1],
    )

    result = schedule(problem)

    assert reasons(result) == {
        "r0": "startup_unavailable_all",
        "r1": "investor_unavailable_all",
        "r2": "no_common_free_slot",
        "r3" if "r4" in result.placements else "r4": "conflicts",
        "r5" if "r6" in result.placements else "r6": "tables_full",
    }
    assert result.upper_bound == len(result.placements) == 2
    assert check_schedule(problem, result) == []
    unplaced = next(u for u in result.unplaced if u.request_id == "r2")
    assert str(unplaced) == (
        "Request r2 (startup b, investor x) was not placed: "
        "the startup and the investor have no free slot in common."
    )
    assert "2 meetings placed, upper bound 2" in str(result)


def test_tables_limit_each_slot(make_problem):
    pairs = [(f"s{k}", f"i{k}") for k in range(5)]
    problem = make_problem(pairs, n_slots=2, tables=[2, 1])

    result = schedule(problem)

    assert len(result.placements) == 3
    assert result.upper_bound == 3
    assert {u.reason for u in result.unplaced} == {"tables_full"}
    assert check_schedule(problem, result) == []


def test_spreading_avoids_back_to_back_without_losing_meetings(make_problem):
    problem = make_problem([("a", "x"), ("a", "y"), ("a", "z")], n_slots=6)

    result = schedule(problem)

    slots = sorted(result.placements.values())
    assert len(slots) == 3
    assert all(later - earlier >= 2 for earlier, later in itertools.pairwise(slots))
    assert result.stats["back_to_back"] == 0


def test_same_seed_same_schedule():
    problem = random_problem(random.Random(11), n_requests=40, n_slots=5)

    assert schedule(problem, seed=3).placements == schedule(problem, seed=3).placements


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"fixed": [FixedMeeting("nope", 0)]}, "bad_fixed"),
        ({"fixed": [FixedMeeting("r0", 0), FixedMeeting("r0", 1)]}, "bad_fixed"),
        ({"fixed": [FixedMeeting("r0", 5)]}, "fixed_unavailable"),
        (
            {"fixed": [FixedMeeting("r0", 0)], "startup_unavailable": {"a": {0}}},
            "fixed_unavailable",
        ),
        ({"fixed": [FixedMeeting("r0", 0), FixedMeeting("r1", 0)]}, "fixed_conflict"),
        (
            {"fixed": [FixedMeeting("r0", 0), FixedMeeting("r2", 0)], "tables": [1, 1]},
            "fixed_tables",
        ),
        ({"investor_unavailable": {"x": {7}}}, "bad_slot"),
        ({"tables": [1]}, "bad_tables"),
        ({"tables": [1, -1]}, "bad_tables"),
    ],
)
def test_bad_input_is_refused_with_a_code(make_problem, overrides, code):
    problem = make_problem([("a", "x"), ("a", "y"), ("b", "z")], n_slots=2, **overrides)

    with pytest.raises(SchedulerError) as caught:
        schedule(problem)

    assert caught.value.code == code


def test_duplicate_request_ids_are_refused(make_problem):
    problem = make_problem([("a", "x")])
    problem.requests = [*problem.requests, MeetingRequest("r0", "b", "y")]

    with pytest.raises(SchedulerError, match="share one id"):
        schedule(problem)


# --- the checker ------------------------------------------------------------------------------


def test_check_schedule_names_every_broken_rule(make_problem):
    problem = make_problem(
        [("a", "x"), ("a", "y"), ("b", "x"), ("c", "z")],
        n_slots=2,
        startup_unavailable={"c": {1}},
        tables=[1, None],
        fixed=[FixedMeeting("r3", 0)],
    )
    bad = ScheduleResult(
        placements={"r0": 0, "r1": 0, "r2": 0, "r3": 1, "ghost": 0},
        unplaced=[],
        upper_bound=0,
        bound_method="",
        share_of_bound=0.0,
    )

    problems = "\n".join(check_schedule(problem, bad))

    assert "unknown request ghost" in problems
    assert "startup a double-booked in slot 0" in problems
    assert "investor x double-booked in slot 0" in problems
    assert "startup c is unavailable in slot 1" in problems
    assert "slot 0 holds 3 meetings for 1 tables" in problems
    assert "fixed meeting r3 is not in slot 0" in problems


def test_check_schedule_wants_every_request_accounted_for(make_problem):
    problem = make_problem([("a", "x"), ("b", "y")])
    result = ScheduleResult({"r0": 0}, [], 2, "", 0.5)

    assert check_schedule(problem, result) == [
        "request r1 must be either placed or listed as unplaced"
    ]


# --- random small instances -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(60))
def test_random_tiny_instances_reach_the_brute_force_optimum(seed):
    rng = random.Random(seed)
    problem = random_problem(rng, n_requests=rng.randint(1, 9), n_slots=rng.randint(1, 3))
    optimum = brute_force_optimum(problem)

    result = schedule(problem, time_budget_s=0.5)
    greedy = greedy_first_fit(problem)

    assert check_schedule(problem, result) == []
    assert check_schedule(problem, greedy) == []
    assert len(result.placements) == optimum
    assert len(greedy.placements) <= optimum
    assert optimum <= result.upper_bound == upper_bound(problem)[0]


@pytest.mark.parametrize("seed", range(30))
def test_random_tiny_instances_with_a_fixed_meeting_reach_the_optimum(seed):
    rng = random.Random(500 + seed)
    problem = random_problem(rng, n_requests=rng.randint(2, 8), n_slots=rng.randint(1, 3))
    placed = greedy_first_fit(problem).placements
    problem.fixed = [FixedMeeting(rid, t) for rid, t in list(placed.items())[:1]]

    result = schedule(problem, time_budget_s=0.5)

    assert check_schedule(problem, result) == []
    assert len(result.placements) == brute_force_optimum(problem) <= result.upper_bound


@pytest.mark.parametrize("seed", range(20))
def test_random_small_instances_with_fixed_meetings_stay_valid(seed):
    rng = random.Random(100 + seed)
    problem = random_problem(rng, n_requests=30, n_slots=4)
    first = greedy_first_fit(problem)
    problem.fixed = [FixedMeeting(rid, t) for rid, t in list(first.placements.items())[:4]]

    result = schedule(problem, time_budget_s=0.2, max_moves=2000)

    assert check_schedule(problem, result) == []
    assert len(first.placements) <= len(result.placements) <= result.upper_bound
    assert result.share_of_bound == len(result.placements) / result.upper_bound


def test_lp_bound_is_valid_and_no_weaker(make_problem):
    for seed in range(5):
        rng = random.Random(200 + seed)
        problem = random_problem(rng, n_requests=rng.randint(1, 6), n_slots=rng.randint(1, 3))
        combinatorial, _ = upper_bound(problem)
        with_lp, _ = upper_bound(problem, lp_time_limit_s=5.0)
        assert brute_force_optimum(problem) <= with_lp <= combinatorial


def test_investor_side_bound_names_itself(make_problem):
    # One investor, four requests, two free slots: at most two meetings.
    problem = make_problem(
        [("a", "x"), ("b", "x"), ("c", "x"), ("d", "x")], investor_unavailable={"x": {0}}
    )

    assert upper_bound(problem) == (2, "investor_matching")
    assert len(schedule(problem).placements) == 2


# --- exact mode -------------------------------------------------------------------------------


def test_exact_mode_without_ortools_is_refused_with_a_clear_error(monkeypatch, make_problem):
    monkeypatch.setattr(scheduler_module, "cp_model", None)
    problem = make_problem([("a", "x"), ("b", "x"), ("a", "y")], n_slots=1)

    with pytest.raises(SchedulerError) as refused:
        schedule(problem, time_budget_s=0.0, exact=True)

    assert refused.value.code == "exact_unavailable"
    assert "OR-Tools" in str(refused.value.message)
    assert len(schedule(problem, time_budget_s=0.0).placements) == 1  # without it: the heuristic


def test_exact_mode_solves_to_optimality():
    pytest.importorskip("ortools")
    rng = random.Random(6)  # an instance where the greedy construction falls one short
    problem = random_problem(rng, n_requests=rng.randint(4, 9), n_slots=rng.randint(2, 3))

    result = schedule(problem, time_budget_s=0.0, exact=True, exact_time_limit_s=5.0)

    assert result.stats["construction_placed"] < len(result.placements)
    assert len(result.placements) == brute_force_optimum(problem)
    assert result.stats["exact"] == "optimal"
    assert check_schedule(problem, result) == []
