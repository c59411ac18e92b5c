"""The scheduler places mutual "must meet" pairs first, and still proves its optimum."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from eventhub.meetings.scheduler import (
    FixedMeeting,
    MeetingRequest,
    ScheduleProblem,
    SchedulerError,
    SlotSpec,
    check_schedule,
    evaluate,
    greedy_first_fit,
    schedule,
    score_upper_bound,
)


def problem_of(requests, n_slots=1, **kwargs: Any) -> ScheduleProblem:
    return ScheduleProblem(slots=[SlotSpec() for _ in range(n_slots)], requests=requests, **kwargs)


def test_without_the_weight_the_mutual_pair_loses_with_it_it_wins():
    """One investor, one free slot, two accepted requests: the ordinary one comes first
    (lower id, same constraints), so without the weight it takes the slot."""
    requests = [
        MeetingRequest("plain", "s1", "i1"),
        MeetingRequest("mutual", "s2", "i1", mutual=True),
    ]
    unweighted = schedule(problem_of(requests, mutual_weight=1))
    assert unweighted.placements == {"plain": 0}
    assert unweighted.mutual_placed == 0 and unweighted.mutual_requests == 1

    weighted = schedule(problem_of(requests))
    assert weighted.placements == {"mutual": 0}
    assert (weighted.mutual_placed, weighted.mutual_requests) == (1, 1)
    assert weighted.score == weighted.score_bound == 2
    assert weighted.stats["proved_optimal"] is True
    assert weighted.upper_bound == 1 and len(weighted.placements) == 1
    assert "1 of 1 mutual must-meet pairs placed" in str(weighted)


def test_a_mutual_pair_displaces_one_meeting_through_the_repair_search():
    """Greedy seats s1–i1 (mutual) last only if it is most constrained... here the mutual
    request must take slot 0, held by a plain request that can move to slot 1; a third
    request makes the plain one's move cost a meeting: with weight 2 the mutual pair is
    worth it, the count stays the same."""
    requests = [
        MeetingRequest("a", "s1", "i1"),  # could go in 0 or 1
        MeetingRequest("b", "s2", "i1", mutual=True),  # only slot 0 (s2 away in 1)
        MeetingRequest("c", "s3", "i1"),  # only slot 1 (s3 away in 0)
    ]
    problem = problem_of(requests, n_slots=2, startup_unavailable={"s2": {1}, "s3": {0}})
    result = schedule(problem)
    assert result.placements["b"] == 0
    assert result.mutual_placed == 1
    assert len(result.placements) == 2 == result.upper_bound
    assert result.score == result.score_bound == 3
    assert not check_schedule(problem, result)


def test_a_pair_against_two_meetings_is_a_tie_at_weight_two_and_wins_at_three():
    """Placing the mutual pair costs two other meetings: at weight 2 the score ties
    (2 = 1 + 1); the combinatorial bounds cannot see it (3), the LP can (2)."""
    requests = [
        MeetingRequest("m", "s1", "i1", mutual=True),
        MeetingRequest("x", "s1", "i2"),
        MeetingRequest("y", "s2", "i1"),
    ]
    result = schedule(problem_of(requests))
    assert result.score == 2 and result.score_bound == 3
    assert not result.stats["proved_optimal"]
    assert score_upper_bound(problem_of(requests), lp_time_limit_s=2.0) == (2, "lp_relaxation")
    heavier = schedule(problem_of(requests, mutual_weight=3))
    assert heavier.placements == {"m": 0} and heavier.score == 3


def brute_force_score(problem: ScheduleProblem) -> int:
    """Best score over every assignment (slot or none per request), apart from the code."""
    n_slots = len(problem.slots)
    tables = problem.tables or [None] * n_slots
    best = 0
    fixed = {fm.request_id: fm.slot for fm in problem.fixed}
    options = [[fixed[r.id]] if r.id in fixed else [-1, *range(n_slots)] for r in problem.requests]
    for choice in itertools.product(*options):
        seen: set[tuple[str, Any, int]] = set()
        load = [0] * n_slots
        ok = True
        value = 0
        for req, t in zip(problem.requests, choice, strict=True):
            if t < 0:
                continue
            keys = {("s", req.startup_id, t), ("i", req.investor_id, t)}
            if (
                keys & seen
                or t in problem.startup_unavailable.get(req.startup_id, ())
                or t in problem.investor_unavailable.get(req.investor_id, ())
            ):
                ok = False
                break
            seen |= keys
            load[t] += 1
            if tables[t] is not None and load[t] > tables[t]:
                ok = False
                break
            value += problem.mutual_weight if req.mutual else 1
        if ok:
            best = max(best, value)
    return best


def random_weighted(rng: random.Random) -> ScheduleProblem:
    n_slots = rng.randint(1, 3)
    startups = [f"s{k}" for k in range(rng.randint(1, 3))]
    investors = [f"i{k}" for k in range(rng.randint(1, 3))]
    requests = [
        MeetingRequest(
            f"r{k}", rng.choice(startups), rng.choice(investors), mutual=rng.random() < 0.4
        )
        for k in range(rng.randint(1, 6))
    ]
    tables = [rng.choice([None, 1, 2]) for _ in range(n_slots)] if rng.random() < 0.5 else None
    return ScheduleProblem(
        slots=[SlotSpec() for _ in range(n_slots)],
        requests=requests,
        startup_unavailable={
            s: {t for t in range(n_slots) if rng.random() < 0.3} for s in startups
        },
        investor_unavailable={
            i: {t for t in range(n_slots) if rng.random() < 0.3} for i in investors
        },
        tables=tables,
        mutual_weight=rng.choice([1, 2, 3]),
    )


@pytest.mark.parametrize("seed", range(60))
def test_score_bound_is_valid_and_met_when_optimal(seed):
    problem = random_weighted(random.Random(seed))
    optimum = brute_force_score(problem)
    result = schedule(problem, time_budget_s=0.5)
    assert not check_schedule(problem, result)
    assert result.score <= optimum <= result.score_bound
    if result.stats["proved_optimal"]:
        assert result.score == optimum
    # small instances: the search reaches the optimum
    assert result.score == optimum
    baseline = greedy_first_fit(problem)
    assert baseline.score <= optimum <= baseline.score_bound


def test_weighted_lp_bound_is_valid():
    for seed in range(20):
        problem = random_weighted(random.Random(100 + seed))
        assert score_upper_bound(problem, lp_time_limit_s=2.0)[0] >= brute_force_score(problem)


def test_fixed_mutual_meetings_count_in_the_score():
    requests = [
        MeetingRequest("f", "s1", "i1", mutual=True),
        MeetingRequest("g", "s2", "i1"),
    ]
    problem = problem_of(requests, n_slots=2, fixed=[FixedMeeting("f", 1)])
    result = schedule(problem)
    assert result.placements == {"f": 1, "g": 0}
    assert result.score == result.score_bound == 3
    again = evaluate(problem, {"g": 0})
    assert again.score == 3 and again.mutual_placed == 1


def test_exact_mode_uses_the_weights():
    pytest.importorskip("ortools")
    requests = [
        MeetingRequest("plain", "s1", "i1"),
        MeetingRequest("mutual", "s2", "i1", mutual=True),
    ]
    result = schedule(problem_of(requests), time_budget_s=0.0, exact=True, exact_time_limit_s=5)
    assert result.placements == {"mutual": 0}


@pytest.mark.parametrize("weight", [0, -1, 1.5, True, 10_000])
def test_bad_weight_is_refused(weight):
    with pytest.raises(SchedulerError) as caught:
        schedule(problem_of([MeetingRequest("a", "s", "i")], mutual_weight=weight))
    assert caught.value.code == "bad_weight"
