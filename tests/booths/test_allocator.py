"""The booth allocator: hard rules, soft goals, explanations, determinism."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from eventhub.booths.allocator import (
    AllocationResult,
    AllocationWeights,
    Assignment,
    BoothRequest,
    BoothSlot,
    Reason,
    Unplaced,
    allocate,
    check_hard_rules,
    greedy_first_fit,
)

Allocator = Callable[..., AllocationResult]
BOTH = pytest.mark.parametrize("run", [allocate, greedy_first_fit], ids=["optimal", "greedy"])


def make_booth(booth_id: int, **overrides: Any) -> BoothSlot:
    hall_id = overrides.setdefault("hall_id", 1)
    area = overrides.setdefault("area", 9.0)
    overrides.setdefault("code", f"H{hall_id}-B{booth_id:02d}")
    overrides.setdefault("x", 4.0 * (booth_id - 1))
    overrides.setdefault("y", 0.0)
    overrides.setdefault("width", 3.0)
    overrides.setdefault("depth", area / overrides["width"])
    return BoothSlot(id=booth_id, **overrides)


def make_request(request_id: int, **overrides: Any) -> BoothRequest:
    overrides.setdefault("startup_name", f"Startup {request_id}")
    overrides.setdefault("kind", "standard")
    overrides.setdefault("area", 9.0)
    return BoothRequest(id=request_id, **overrides)


def random_show(seed: int = 7) -> tuple[list[BoothSlot], list[BoothRequest]]:
    rng = random.Random(seed)
    kinds, sectors = ("standard", "corner", "pod"), ("ai", "fintech", "health")
    booths = [
        make_booth(
            i,
            hall_id=1 + i % 3,
            x=float(rng.randint(0, 60)),
            y=float(rng.randint(0, 40)),
            area=float(rng.choice((6, 9, 12, 18))),
            kind=rng.choice(kinds),
            zone=rng.choice((*sectors, None)),
            status=rng.choices(("available", "held", "blocked"), (8, 1, 1))[0],
        )
        for i in range(1, 61)
    ]
    requests = [
        make_request(
            i,
            kind=rng.choice(kinds),
            area=float(rng.choice((6, 8, 9, 12))),
            sector=rng.choice(sectors),
            programme=rng.choice(("P1", "P2", None)),
            preferred_zones=tuple(rng.sample(sectors, rng.randint(0, 2))),
            preferred_booth_ids=tuple(rng.sample(range(1, 61), rng.randint(0, 2))),
        )
        for i in range(1, 51)
    ]
    booths[0] = replace(booths[0], pinned_application_id=3, status="allocated")
    return booths, requests


def booth_of(result: AllocationResult, application_id: int) -> int | None:
    return result.booth_by_application().get(application_id)


def codes(reasons: list[Reason]) -> list[str]:
    return [r.code for r in reasons]


def unplaced_reason(result: AllocationResult, application_id: int) -> Reason:
    return next(u.reason for u in result.unplaced if u.application_id == application_id)


# --- hard rules ------------------------------------------------------------------------


@BOTH
def test_kind_mismatch_never_assigned(run: Allocator) -> None:
    booths = [make_booth(1, kind="corner"), make_booth(2, kind="pod")]
    result = run(booths, [make_request(1, kind="standard")])
    assert result.assignments == []
    assert unplaced_reason(result, 1) == Reason("no_booth_of_kind", {"kind": "standard"})


@BOTH
def test_area_too_small_or_too_large_never_assigned(run: Allocator) -> None:
    booths = [make_booth(1, area=8.0), make_booth(2, area=14.0)]
    result = run(booths, [make_request(1, area=9.0)])
    reason = unplaced_reason(result, 1)
    assert reason.code == "no_booth_with_area"
    assert str(reason) == "no available standard booth with area between 9 and 13.5 m²"


@BOTH
def test_area_bounds_are_inclusive_and_factor_configurable(run: Allocator) -> None:
    booths = [make_booth(1, area=8.0), make_booth(2, area=13.5), make_booth(3, area=14.0)]
    assert booth_of(run(booths, [make_request(1, area=9.0)]), 1) == 2
    wide = AllocationWeights(max_area_factor=2.0)
    result = run([booths[0], booths[2]], [make_request(1, area=9.0)], wide)
    assert booth_of(result, 1) == 3


@BOTH
def test_blocked_held_and_allocated_booths_untouched(run: Allocator) -> None:
    booths = [
        make_booth(1, status="held"),
        make_booth(2, status="blocked"),
        make_booth(3, status="allocated"),
        make_booth(4),
    ]
    requests = [make_request(1, preferred_booth_ids=(1, 2, 3)), make_request(2)]
    result = run(booths, requests)
    assert [a.booth_id for a in result.assignments] == [4]
    assert {u.application_id for u in result.unplaced} == {1, 2} - {
        result.assignments[0].application_id
    }


def test_unavailable_first_choice_is_explained() -> None:
    booths = [make_booth(1, status="held"), make_booth(2)]
    result = allocate(booths, [make_request(1, preferred_booth_ids=(1,))])
    reasons = result.assignments[0].reasons
    assert Reason("first_choice_unavailable", {"booth": "H1-B01", "status": "held"}) in reasons
    assert "preference_not_met" in codes(reasons)


@BOTH
def test_pinned_booth_kept_even_against_the_rules(run: Allocator) -> None:
    booths = [
        make_booth(1, kind="island", status="allocated", pinned_application_id=2),
        make_booth(2),
    ]
    requests = [make_request(1, preferred_booth_ids=(1,)), make_request(2)]
    result = run(booths, requests)
    pinned = next(a for a in result.assignments if a.application_id == 2)
    assert (pinned.booth_id, pinned.pinned, codes(pinned.reasons)) == (1, True, ["pinned"])
    assert booth_of(result, 1) == 2
    assert check_hard_rules(booths, requests, result) == []


@BOTH
def test_pin_for_an_application_outside_the_run_leaves_the_booth_alone(run: Allocator) -> None:
    booths = [make_booth(1, pinned_application_id=99), make_booth(2, area=12.0)]
    result = run(booths, [make_request(1, preferred_booth_ids=(1,))])
    assert booth_of(result, 1) == 2
    assert codes(result.warnings) == ["pin_unknown_application"]


def test_application_pinned_twice_keeps_the_first_booth() -> None:
    booths = [make_booth(2, pinned_application_id=1), make_booth(1, pinned_application_id=1)]
    result = allocate(booths, [make_request(1)])
    assert booth_of(result, 1) == 1
    assert result.warnings == [
        Reason("pin_duplicate", {"application": 1, "booth": "H1-B01", "other": "H1-B02"})
    ]


def test_places_as_many_as_possible_where_greedy_does_not() -> None:
    booths = [make_booth(1), make_booth(2, area=12.0)]
    # Application 1 fits both booths and prefers booth 1; application 2 fits only booth 1.
    requests = [make_request(1, preferred_booth_ids=(1,)), make_request(2, area=7.0)]
    assert len(greedy_first_fit(booths, requests).assignments) == 1
    result = allocate(booths, requests)
    assert result.booth_by_application() == {1: 2, 2: 1}
    assert result.assignments[0].reasons[-1] == Reason(
        "first_choice_taken", {"booth": "H1-B01", "application": 2}
    )


# --- soft goals ------------------------------------------------------------------------


def test_preferences_honoured_when_possible() -> None:
    booths = [make_booth(1), make_booth(2), make_booth(3)]
    requests = [
        make_request(1, preferred_booth_ids=(1, 2)),
        make_request(2, preferred_booth_ids=(1,)),
        make_request(3, preferred_booth_ids=(3,)),
    ]
    result = allocate(booths, requests)
    assert result.booth_by_application() == {1: 2, 2: 1, 3: 3}
    first = result.assignments[0]
    assert Reason("preferred_booth", {"rank": 2}) in first.reasons
    assert str(first.reasons[-1]) == "first choice H1-B01 went to application 2"


def test_preferred_zones_in_order() -> None:
    booths = [make_booth(1, zone="ai"), make_booth(2, zone="health"), make_booth(3, zone="iot")]
    requests = [make_request(1, preferred_zones=("health", "ai"))]
    result = allocate(booths, requests)
    assert booth_of(result, 1) == 2
    assert Reason("preferred_zone", {"rank": 1, "zone": "health"}) in result.assignments[0].reasons


def test_sector_zone_preferred() -> None:
    booths = [make_booth(1, zone="fintech"), make_booth(2, zone=None), make_booth(3, zone="ai")]
    requests = [make_request(1, sector="ai"), make_request(2, sector="fintech")]
    result = allocate(booths, requests)
    assert result.booth_by_application() == {1: 3, 2: 1}
    assert str(result.assignments[0].reasons[1]) == "in its sector zone ai"


def test_little_wasted_area() -> None:
    booths = [make_booth(1, area=12.0), make_booth(2, area=9.0), make_booth(3, area=10.0)]
    result = allocate(booths, [make_request(1, area=9.0)])
    assert booth_of(result, 1) == 2


def test_programme_members_cluster_around_a_pinned_booth() -> None:
    # Hall 1 comes first in booth order; the pinned booth puts the pavilion in hall 2.
    hall_1 = [make_booth(i, hall_id=1) for i in range(1, 4)]
    hall_2 = [make_booth(i, hall_id=2, x=4.0 * (i - 4)) for i in range(4, 10)]
    hall_2[0] = replace(hall_2[0], pinned_application_id=1, status="allocated")
    requests = [make_request(i, programme="P") for i in range(1, 4)]
    result = allocate(hall_1 + hall_2, requests)
    assert result.booth_by_application() == {1: 4, 2: 5, 3: 6}
    pavilion = result.pavilions["P"]
    assert (pavilion.hall_id, pavilion.x, pavilion.source) == (2, 1.5, "pinned")
    assert str(result.assignments[1].reasons[-1]) == "4 m from the P pavilion"
    greedy = greedy_first_fit(hall_1 + hall_2, requests)
    assert greedy.booth_by_application() == {1: 4, 2: 1, 3: 2}


def test_programme_pavilion_from_a_first_pass() -> None:
    # Members 1 and 2 want hall 1; member 3 wastes less area in hall 2 but joins them.
    hall_1 = [make_booth(i, hall_id=1, area=10.0) for i in range(1, 4)]
    hall_2 = [make_booth(i, hall_id=2, area=9.0) for i in range(4, 7)]
    requests = [
        make_request(1, programme="P", preferred_booth_ids=(1,)),
        make_request(2, programme="P", preferred_booth_ids=(2,)),
        make_request(3, programme="P"),
    ]
    alone = allocate(hall_1 + hall_2, requests, AllocationWeights(programme=0.0))
    assert booth_of(alone, 3) in {4, 5, 6}
    result = allocate(hall_1 + hall_2, requests)
    assert result.booth_by_application() == {1: 1, 2: 2, 3: 3}
    assert (result.pavilions["P"].hall_id, result.pavilions["P"].source) == (1, "first_pass")
    assert result.stats["passes"] == 2
    assert codes(result.assignments[2].reasons)[-1] == "near_pavilion"


def test_another_hall_than_the_pavilion_is_explained() -> None:
    booths = [
        make_booth(1, hall_id=1, pinned_application_id=1),
        make_booth(2, hall_id=2, kind="pod"),
    ]
    requests = [make_request(1, programme="P"), make_request(2, programme="P", kind="pod")]
    result = allocate(booths, requests)
    assert str(result.assignments[1].reasons[-1]) == "hall 2, not the P pavilion hall 1"


# --- explanations, determinism, edge cases ---------------------------------------------


def test_unplaced_reasons_are_specific() -> None:
    booths = [
        make_booth(1, kind="island", area=36.0, status="held"),
        make_booth(2, kind="corner", area=12.0),
        make_booth(3, area=9.0),
    ]
    requests = [
        make_request(1, kind="pod", area=4.0),
        make_request(2, kind="island", area=36.0),
        make_request(3, kind="corner", area=24.0),
        make_request(4, area=9.0, preferred_booth_ids=(3,)),
        make_request(5, area=9.0),
        make_request(6, area=0.0),
    ]
    result = allocate(booths, requests)
    assert booth_of(result, 4) == 3
    messages = {u.application_id: str(u.reason) for u in result.unplaced}
    assert messages == {
        1: "no booth of kind pod",
        2: "no available booth of kind island (all held, blocked, allocated or pinned)",
        3: "no available corner booth with area between 24 and 36 m²",
        5: "all fitting booths (1) taken by better-matching applications",
        6: "area wanted must be positive (got 0)",
    }
    assert unplaced_reason(result, 5).params == {"count": 1}


def test_assignment_reasons_read_well() -> None:
    booths = [make_booth(1, area=12.0, zone="ai")]
    result = allocate(booths, [make_request(1, area=9.0, sector="fintech")])
    assert [str(r) for r in result.assignments[0].reasons] == [
        "standard booth of 12 m² for 9 m² wanted (3 m² spare)",
        "outside its sector zone fintech (booth zone: ai)",
    ]
    assert str(Reason("made_up", {"n": 1})) == "made_up {'n': 1}"


@BOTH
def test_deterministic_whatever_the_input_order(run: Allocator) -> None:
    booths, requests = random_show()
    first = run(booths, requests)
    assert run(booths, requests) == first
    shuffled_booths, shuffled_requests = booths[::-1], requests[::-1]
    random.Random(1).shuffle(shuffled_booths)
    assert run(shuffled_booths, shuffled_requests) == first


@BOTH
def test_random_show_keeps_every_hard_rule(run: Allocator) -> None:
    booths, requests = random_show()
    result = run(booths, requests)
    assert check_hard_rules(booths, requests, result) == []
    assert len(result.assignments) + len(result.unplaced) == len(requests)
    assert result.stats["placed"] == len(result.assignments)


def test_optimal_places_no_fewer_than_greedy() -> None:
    booths, requests = random_show(seed=11)
    assert len(allocate(booths, requests).assignments) >= len(
        greedy_first_fit(booths, requests).assignments
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_optimal_against_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    booths = [
        make_booth(i, area=float(rng.choice((9, 10, 12))), zone=rng.choice(("ai", "iot", None)))
        for i in range(1, 6)
    ]
    requests = [
        make_request(
            i,
            area=float(rng.choice((8, 9))),
            sector=rng.choice(("ai", "iot")),
            preferred_booth_ids=tuple(rng.sample(range(1, 6), 2)),
        )
        for i in range(1, 5)
    ]
    # Without programmes a pair's cost does not depend on the others: price each pair alone.
    pair_cost = {
        (r.id, b.id): a.cost
        for r in requests
        for b in booths
        for a in allocate([b], [r]).assignments
    }
    best = (0, 0.0)
    for choice in itertools.permutations([b.id for b in booths] + [None] * len(requests), 4):
        pairs = [(r.id, b) for r, b in zip(requests, choice, strict=True) if b is not None]
        if all(p in pair_cost for p in pairs):
            total = sum(pair_cost[p] for p in pairs)
            best = min(best, (-len(pairs), total), key=lambda t: (t[0], t[1]))
    result = allocate(booths, requests)
    assert -len(result.assignments) == best[0]
    assert sum(a.cost for a in result.assignments) == pytest.approx(best[1], abs=1e-3)


@BOTH
@pytest.mark.parametrize(
    ("booths", "requests"),
    [([], []), ([make_booth(1)], []), ([], [make_request(1)])],
    ids=["nothing", "no-requests", "no-booths"],
)
def test_empty_inputs(
    run: Allocator, booths: list[BoothSlot], requests: list[BoothRequest]
) -> None:
    result = run(booths, requests)
    assert result.assignments == []
    assert [u.application_id for u in result.unplaced] == [r.id for r in requests]
    assert check_hard_rules(booths, requests, result) == []


def test_bad_inputs_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate booth ids"):
        allocate([make_booth(1), make_booth(1)], [])
    with pytest.raises(ValueError, match="duplicate application ids"):
        allocate([], [make_request(1), make_request(1)])
    with pytest.raises(ValueError, match="max_area_factor"):
        AllocationWeights(max_area_factor=0.9)
    with pytest.raises(ValueError, match="preference"):
        AllocationWeights(preference=-1)


def test_check_hard_rules_finds_violations() -> None:
    booths = [
        make_booth(1, kind="corner"),
        make_booth(2, area=6.0),
        make_booth(3, area=20.0),
        make_booth(4, status="held"),
        make_booth(5, pinned_application_id=6),
        make_booth(6),
    ]
    requests = [make_request(i) for i in range(1, 9)]
    broken = AllocationResult(
        assignments=[
            Assignment(1, 1, 0.0, []),
            Assignment(2, 2, 0.0, []),
            Assignment(3, 3, 0.0, []),
            Assignment(4, 4, 0.0, []),
            Assignment(5, 5, 0.0, []),
            Assignment(6, 6, 0.0, []),
            Assignment(7, 6, 0.0, []),
            Assignment(7, 99, 0.0, []),
        ],
        unplaced=[Unplaced(1, Reason("fitting_booths_taken", {"count": 0}))],
        stats={},
    )
    violations = check_hard_rules(booths, requests, broken)
    assert violations == [
        "application 1 in booth H1-B01: kind corner, wanted standard",
        "application 2 in booth H1-B02: area 6 m² below 9 m²",
        "application 3 in booth H1-B03: area 20 m² above 13.5 m² (1.5 x 9)",
        "application 4 in booth H1-B04: booth is held",
        "booth H1-B05 is pinned to application 6, given to 5",
        "unknown application 7 or booth 99",
        "application 7 has 2 booths",
        "booth 6 given 2 times",
        "application 1 is both placed and unplaced",
        "application 8 is neither placed nor unplaced",
        "application 6 lost its pinned booth H1-B05",
    ]
