"""Benchmark the demo-day meeting scheduler against a greedy first-fit baseline.

    python bench/bench_scheduler.py [--seed N] [--budget SECONDS] [--exact-limit SECONDS]
                                    [--mutual SHARE]

A synthetic demo day: 500 startups, 150 investors, 20 slots, 3,000 accepted requests (no
startup above 12, no investor above 20), each party unavailable in each slot with
probability 0.2; and the same requests with nobody unavailable. A share of the requests
(10% by default) are mutual "must meet" pairs, which the scheduler places first (weight 2 in
its score); the "no mutual weight" row runs it with weight 1, to show what the weight
changes. Built deterministically from the seed. The exact CP-SAT row appears when OR-Tools
is installed. Columns: meetings placed, the upper bound on meetings, mutual pairs placed
of all mutual requests, the score and its upper bound (optimal when they meet).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub.meetings.scheduler import (
    MeetingRequest,
    ScheduleProblem,
    ScheduleResult,
    SlotSpec,
    check_schedule,
    greedy_first_fit,
    ortools_available,
    schedule,
    upper_bound,
)

STARTUPS, INVESTORS, SLOTS, REQUESTS = 500, 150, 20, 3000
MAX_PER_STARTUP, MAX_PER_INVESTOR, UNAVAILABLE = 12, 20, 0.2
MUTUAL = 0.1


def demo_day(
    seed: int, unavailable: float = UNAVAILABLE, mutual: float = MUTUAL, weight: int = 2
) -> ScheduleProblem:
    rng = random.Random(seed)
    pairs = _request_pairs(rng)
    marked = random.Random(seed + 1)  # its own stream: the rest is as without mutual pairs
    is_mutual = [marked.random() < mutual for _ in pairs]
    slots = [SlotSpec(start=f"{9 + t // 4:02d}:{t % 4 * 15:02d}") for t in range(SLOTS)]

    def away() -> set[int]:
        return {t for t in range(SLOTS) if rng.random() < unavailable}

    startup_away = {f"s{s}": away() for s in range(STARTUPS)}
    investor_away = {f"i{i}": away() for i in range(INVESTORS)}
    return ScheduleProblem(
        slots=slots,
        requests=[
            MeetingRequest(f"r{k}", f"s{s}", f"i{i}", mutual=is_mutual[k])
            for k, (s, i) in enumerate(pairs)
        ],
        startup_unavailable={k: v for k, v in startup_away.items() if v},
        investor_unavailable={k: v for k, v in investor_away.items() if v},
        mutual_weight=weight,
    )


def _request_pairs(rng: random.Random) -> list[tuple[int, int]]:
    """Distinct (startup, investor) pairs; startup degrees 1..12, investor degrees up to 20."""
    degree = [1] * STARTUPS
    left = REQUESTS - STARTUPS
    while left:
        s = rng.randrange(STARTUPS)
        if degree[s] < MAX_PER_STARTUP:
            degree[s] += 1
            left -= 1
    stubs = [s for s in range(STARTUPS) for _ in range(degree[s])]
    while True:  # a random assignment rarely gets stuck at the very end; then draw again
        pairs = _assign_investors(stubs, rng)
        if pairs is not None:
            return pairs


def _assign_investors(stubs: list[int], rng: random.Random) -> list[tuple[int, int]] | None:
    stubs = stubs[:]
    rng.shuffle(stubs)
    room = [MAX_PER_INVESTOR] * INVESTORS
    pairs: set[tuple[int, int]] = set()
    for s in stubs:
        open_ = [i for i in range(INVESTORS) if room[i] and (s, i) not in pairs]
        if not open_:
            return None
        most = max(room[i] for i in open_)
        # Fill investors roughly evenly so the last stubs still find a partner.
        i = rng.choice([i for i in open_ if room[i] >= most - 3])
        pairs.add((s, i))
        room[i] -= 1
    ordered = sorted(pairs)
    rng.shuffle(ordered)
    return ordered


def _row(name: str, problem: ScheduleProblem, bound: int, run: Callable[[], ScheduleResult]) -> str:
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    placed = len(result.placements)
    bound = min(bound, result.upper_bound)
    violations = len(check_schedule(problem, result))
    notes = [f"cp-sat: {result.stats['exact']}"] if "exact" in result.stats else []
    if result.score >= result.score_bound:
        notes.append("optimal (bound met)")
    note = "; ".join(notes)
    mutual = f"{result.mutual_placed}/{result.mutual_requests}"
    return (
        f"{name:<26} {placed:>7} {bound:>7} {placed / bound:>8.2%} {mutual:>9} "
        f"{result.score:>6} {result.score_bound:>6} {elapsed:>8.3f} {violations:>5}  {note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--budget", type=float, default=1.5, help="scheduler time budget (s)")
    parser.add_argument("--exact-limit", type=float, default=60.0, help="CP-SAT time limit (s)")
    parser.add_argument("--no-exact", action="store_true", help="skip the CP-SAT row")
    parser.add_argument(
        "--mutual", type=float, default=MUTUAL, help="share of mutual must-meet requests"
    )
    args = parser.parse_args()

    print(
        f"{STARTUPS} startups, {INVESTORS} investors, {SLOTS} slots, {REQUESTS} requests "
        f"(~{args.mutual:.0%} mutual must-meet), seed {args.seed}, "
        f"scheduler budget {args.budget} s"
    )
    header = (
        f"{'method':<26} {'placed':>7} {'bound':>7} {'share':>8} {'mutual':>9} "
        f"{'score':>6} {'s.bnd':>6} {'time s':>8} {'viol':>5}"
    )
    for label, rate in (
        ("each party unavailable in ~20% of slots", UNAVAILABLE),
        ("nobody unavailable", 0.0),
    ):
        problem = demo_day(args.seed, rate, args.mutual)
        unweighted = demo_day(args.seed, rate, args.mutual, weight=1)
        started = time.perf_counter()
        bound, method = upper_bound(problem)
        took = time.perf_counter() - started
        print(f"\n{label}: upper bound {bound} ({method}, {took:.3f} s)")
        print(header)
        rows = [
            ("greedy first-fit", lambda p=problem: greedy_first_fit(p, with_bound=False)),
            ("scheduler", lambda p=problem: schedule(p, time_budget_s=args.budget)),
            (
                "scheduler, no mutual weight",
                lambda p=unweighted: schedule(p, time_budget_s=args.budget),
            ),
        ]
        if args.no_exact:
            pass
        elif ortools_available():
            rows.append(
                (
                    "exact CP-SAT (greedy hint)",
                    lambda p=problem: schedule(
                        p, time_budget_s=0.0, exact=True, exact_time_limit_s=args.exact_limit
                    ),
                )
            )
        else:
            print(f"{'exact CP-SAT':<26} ortools is not installed")
        for name, run in rows:
            print(_row(name, problem, bound, run))


if __name__ == "__main__":
    main()
