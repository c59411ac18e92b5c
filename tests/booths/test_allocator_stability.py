"""A stable allocation: a run keeps current placements, moves a startup only when that is
the only way to place another (with the reason), and counts new, moved and kept; re-optimising
drops the keeping."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from eventhub.booths.allocator import (
    AllocationResult,
    AllocationWeights,
    BoothRequest,
    BoothSlot,
    Reason,
    allocate,
    change_counts,
    check_hard_rules,
    greedy_first_fit,
)
from tests.booths.test_allocator import make_booth, make_request, random_show

BOTH = pytest.mark.parametrize("run", [allocate, greedy_first_fit], ids=["optimal", "greedy"])


def holding(requests: list[BoothRequest], result: AllocationResult) -> list[BoothRequest]:
    """The requests as they stand after `result` was committed: each holds its booth."""
    given = result.booth_by_application()
    return [replace(r, current_booth_id=given.get(r.id)) for r in requests]


def by_application(result: AllocationResult):
    return {a.application_id: a for a in result.assignments}


def test_a_run_keeps_every_current_placement_and_places_only_the_new() -> None:
    booths, requests = random_show()
    first = allocate(booths, requests[:40])
    placed = holding(requests[:40], first)
    before = first.booth_by_application()
    # The same applications again: every placement is kept.
    same = allocate(booths, placed)
    assert same.booth_by_application() == before
    assert change_counts(same) == {"new": 0, "moved": 0, "kept": len(before), "removed": 0}
    kept = next(a for a in same.assignments if a.change == "kept" and not a.pinned)
    assert kept.reasons[0].code == "kept"
    assert str(kept.reasons[0]).startswith("kept: its current booth H")
    # Ten more approved: the run places them and moves a startup only to place another.
    result = allocate(booths, placed + requests[40:])
    assert check_hard_rules(booths, placed + requests[40:], result) == []
    assert result.stats["mode"] == "keep"
    counts = change_counts(result)
    assert counts["kept"] + counts["moved"] == len(before) and counts["removed"] == 0
    assert counts["new"] == len(result.assignments) - len(before)
    for moved in result.moves:
        assert moved.reasons[0].code == "moved_to_place"
        newcomer = moved.reasons[0].params["application"]
        assert result.booth_by_application()[newcomer] == before[moved.application_id]
    # Re-optimising places no more, and moves many more startups that had a booth.
    again = allocate(booths, placed + requests[40:], reoptimise=True)
    assert again.stats["mode"] == "reoptimise"
    assert len(again.assignments) == len(result.assignments)
    assert change_counts(again)["moved"] > counts["moved"]


def test_a_better_booth_is_no_reason_to_move() -> None:
    booths = [make_booth(1), make_booth(2)]
    request = make_request(1, preferred_booth_ids=(2,), current_booth_id=1)
    result = allocate(booths, [request])
    assert by_application(result)[1].change == "kept" and result.booth_by_application() == {1: 1}
    moved = by_application(allocate(booths, [request], reoptimise=True))[1]
    assert (moved.booth_id, moved.change) == (2, "moved")
    assert moved.reasons[0] == Reason("moved_reoptimised", {"booth": "H1-B01"})
    assert str(moved.reasons[0]) == "moved from H1-B01: the whole plan was re-optimised"


@BOTH
def test_pinned_and_held_booths_count_as_kept(run) -> None:
    booths = [make_booth(1, status="allocated", pinned_application_id=1), make_booth(2)]
    requests = [make_request(1, current_booth_id=1), make_request(2, current_booth_id=2)]
    result = run(booths, requests)
    assert [(a.application_id, a.change) for a in result.assignments] == [(1, "kept"), (2, "kept")]
    assert change_counts(result) == {"new": 0, "moved": 0, "kept": 2, "removed": 0}


def test_a_move_only_when_it_is_the_only_way_to_place_someone() -> None:
    # Atlas (8 m² wanted) holds B01 (9 m²) and would fit B02 (12 m²) too; Noria (6 m²)
    # fits only B01. Placing Noria needs Atlas to move, and the move says so.
    booths = [make_booth(1, area=9.0), make_booth(2, area=12.0)]
    atlas = make_request(1, area=8.0, current_booth_id=1, preferred_booth_ids=(1,))
    noria = make_request(2, area=6.0)
    result = allocate(booths, [atlas, noria])
    assert result.booth_by_application() == {1: 2, 2: 1}
    moved = by_application(result)[1]
    assert moved.change == "moved"
    assert moved.reasons[0] == Reason("moved_to_place", {"booth": "H1-B01", "application": 2})
    assert "the only way to place" in str(moved.reasons[0])
    assert change_counts(result) == {"new": 1, "moved": 1, "kept": 0, "removed": 0}
    # With B02 blocked, moving Atlas would place nobody more: Atlas stays, Noria waits.
    blocked = [booths[0], replace(booths[1], status="blocked")]
    result = allocate(blocked, [atlas, noria])
    assert result.booth_by_application() == {1: 1}
    assert [u.application_id for u in result.unplaced] == [2]
    assert by_application(result)[1].change == "kept"


def test_an_application_whose_booth_no_longer_fits_is_placed_anew() -> None:
    booths = [make_booth(1, area=9.0), make_booth(2, area=18.0)]
    # It asked for 9 m² and holds B01; now it wants 16 m².
    grown = make_request(1, area=16.0, current_booth_id=1)
    moved = by_application(allocate(booths, [grown]))[1]
    assert (moved.booth_id, moved.change) == (2, "moved")
    assert moved.reasons[0] == Reason("moved_current_unfit", {"booth": "H1-B01"})
    # Nothing fits it any more: it loses its booth, counted as removed.
    result = allocate(booths[:1], [grown])
    assert result.assignments == [] and result.unplaced[0].previous_booth_id == 1
    assert change_counts(result)["removed"] == 1


def test_a_current_booth_gone_is_a_move_with_its_reason() -> None:
    booths = [make_booth(1, status="blocked"), make_booth(2)]
    moved = by_application(allocate(booths, [make_request(1, current_booth_id=1)]))[1]
    assert moved.change == "moved"
    assert moved.reasons[0] == Reason("moved_current_unavailable", {"booth": "H1-B01"})


def _brute_force(booths: list[BoothSlot], requests: list[BoothRequest]) -> tuple[int, int]:
    """(most placed, fewest moves among those) over every assignment of a tiny show."""
    factor = AllocationWeights().max_area_factor
    options = [
        [None] + [b.id for b in booths if b.kind == r.kind and r.area <= b.area <= r.area * factor]
        for r in requests
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        placed = [c for c in choice if c is not None]
        if len(placed) != len(set(placed)):
            continue
        moves = sum(
            1
            for r, c in zip(requests, choice, strict=True)
            if r.current_booth_id is not None and c != r.current_booth_id
        )
        best = max(best, (len(placed), -moves))
    return best[0], -best[1]


@pytest.mark.parametrize("seed", range(12))
def test_the_fewest_moves_that_place_the_most(seed: int) -> None:
    rng = random.Random(seed)
    booths = [
        make_booth(i, area=float(rng.choice((6, 9, 12))), kind=rng.choice(("standard", "pod")))
        for i in range(1, 6)
    ]
    holders = rng.sample(booths, 3)
    requests = [
        make_request(
            i,
            kind=booth.kind,
            area=booth.area * rng.choice((1.0, 0.8)),
            current_booth_id=booth.id,
            preferred_booth_ids=(rng.randint(1, 5),),
        )
        for i, booth in enumerate(holders, start=1)
    ]
    requests += [
        make_request(i, kind=rng.choice(("standard", "pod")), area=float(rng.choice((6, 8, 9))))
        for i in (4, 5, 6)
    ]
    result = allocate(booths, requests)
    assert check_hard_rules(booths, requests, result) == []
    most, fewest = _brute_force(booths, requests)
    counts = change_counts(result)
    assert (len(result.assignments), counts["moved"] + counts["removed"]) == (most, fewest)
    for assignment in result.moves:
        assert assignment.reasons[0].code in ("moved_to_place", "moved_current_unfit")


def test_keeping_is_deterministic_whatever_the_input_order() -> None:
    booths, requests = random_show(seed=11)
    placed = holding(requests[:30], allocate(booths, requests[:30])) + requests[30:]
    first = allocate(booths, placed)
    shuffled = allocate(list(reversed(booths)), list(reversed(placed)))
    assert first.assignments == shuffled.assignments
