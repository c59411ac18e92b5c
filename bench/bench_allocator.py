"""Booth allocator benchmark: `python bench/bench_allocator.py`.

Builds a synthetic show deterministically (seeded RNG): 1,600 booths in 20 halls, zones by
sector, four kinds, some held, blocked and pinned booths; 1,500 approved applications with
sectors, six programmes (about 60 members each) and preferences. Runs `allocate` and
`greedy_first_fit` and prints their figures side by side. Then the stability check: the
show holds the booths `allocate` gave, 30 more applications are approved, and a run that
keeps current placements is set against 'Re-optimise everything' (new, moved, kept).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub.booths.allocator import (
    AllocationResult,
    AllocationWeights,
    BoothRequest,
    BoothSlot,
    allocate,
    change_counts,
    check_hard_rules,
    greedy_first_fit,
    programme_pavilions,
)

SEED = 20260
HALLS = 20
BOOTHS_PER_HALL = 80
APPLICATIONS = 1500
HALL_WIDTH = 100.0
ROW_PITCH = 10.0  # deepest booth (6 m) plus a 4 m aisle
RUNS = 3
LATE_APPLICATIONS = 30
SECTORS = (
    "fintech",
    "healthtech",
    "agritech",
    "edtech",
    "ai",
    "mobility",
    "cleantech",
    "ecommerce",
)
PROGRAMMES = (
    "Tech Accelerator",
    "Women in Tech",
    "Green Startups",
    "University Spinouts",
    "Diaspora Founders",
    "Africa Scale-up",
)
# kind -> booths per hall, (width, depth) sizes on offer
BOOTH_MIX: dict[str, tuple[int, tuple[tuple[float, float], ...]]] = {
    "standard": (56, ((3, 3), (4, 3), (6, 3))),
    "corner": (10, ((4, 3), (6, 3), (6, 4))),
    "island": (4, ((6, 6), (9, 6), (12, 6))),
    "pod": (10, ((2, 2), (3, 2))),
}
# Slightly more corners and islands wanted than offered, so some must stay unplaced.
KIND_WEIGHTS = {"standard": 0.70, "corner": 0.14, "island": 0.06, "pod": 0.10}
Allocator = Callable[..., AllocationResult]


def build_hall(rng: random.Random, hall_id: int, first_id: int) -> list[BoothSlot]:
    sizes = [
        (kind, rng.choice(options))
        for kind, (count, options) in BOOTH_MIX.items()
        for _ in range(count)
    ]
    rng.shuffle(sizes)
    left, right = SECTORS[(2 * hall_id) % len(SECTORS)], SECTORS[(2 * hall_id + 1) % len(SECTORS)]
    booths: list[BoothSlot] = []
    x = y = 0.0
    for n, (kind, (width, depth)) in enumerate(sizes):
        if x + width > HALL_WIDTH:
            x, y = 0.0, y + ROW_PITCH
        zone = None if y == 0 else (left if x < HALL_WIDTH / 2 else right)
        status = rng.choices(("available", "held", "blocked"), (0.95, 0.03, 0.02))[0]
        booths.append(
            BoothSlot(
                id=first_id + n,
                code=f"H{hall_id + 1}-B{n + 1:02d}",
                hall_id=hall_id + 1,
                x=x,
                y=y,
                width=width,
                depth=depth,
                area=width * depth,
                zone=zone,
                price_tier="front" if y == 0 else "standard",
                kind=kind,
                status=status,
            )
        )
        x += width + 1.0
    return booths


def build_booths(rng: random.Random) -> list[BoothSlot]:
    booths: list[BoothSlot] = []
    for hall in range(HALLS):
        booths += build_hall(rng, hall, len(booths) + 1)
    return booths


def wanted_area(rng: random.Random, kind: str) -> float:
    width, depth = rng.choice(BOOTH_MIX[kind][1])
    # Some ask for an odd size, which only a larger booth can hold.
    return width * depth * rng.choice((1.0, 1.0, 1.0, 0.85))


def build_request(rng: random.Random, app_id: int, booths: Sequence[BoothSlot]) -> BoothRequest:
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    area = wanted_area(rng, kind)
    sector = rng.choice(SECTORS)
    zones: tuple[str, ...] = ()
    if rng.random() < 0.7:
        zones = (sector, *rng.sample([s for s in SECTORS if s != sector], rng.randint(0, 2)))
    booth_ids: tuple[int, ...] = ()
    if rng.random() < 0.3:
        fitting = [b.id for b in booths if b.kind == kind and area <= b.area <= area * 1.5]
        # Front-row booths of the first halls are the popular picks.
        popular = [i for i in fitting if i <= 3 * BOOTHS_PER_HALL] or fitting
        pool = popular if rng.random() < 0.6 else fitting
        booth_ids = tuple(rng.sample(pool, min(len(pool), rng.randint(1, 3))))
    return BoothRequest(
        id=app_id,
        startup_name=f"Startup {app_id:04d}",
        kind=kind,
        area=area,
        sector=sector,
        programme=rng.choice(PROGRAMMES) if rng.random() < 0.25 else None,
        city_site=rng.choice(("Marrakech", "Casablanca", "Rabat", "Tangier")),
        preferred_zones=zones,
        preferred_booth_ids=booth_ids,
    )


def pin_some(booths: list[BoothSlot], requests: Sequence[BoothRequest]) -> list[BoothSlot]:
    """Pin five Tech Accelerator members by hand in hall 4, as an organiser would."""
    members = [r for r in requests if r.programme == PROGRAMMES[0] and r.kind == "standard"][:5]
    by_id = {b.id: b for b in booths}
    for request in members:
        booth = next(
            b
            for b in booths
            if b.hall_id == 4
            and b.kind == "standard"
            and b.status == "available"
            and request.area <= b.area <= request.area * 1.5
        )
        by_id[booth.id] = replace(booth, status="allocated", pinned_application_id=request.id)
        booths = list(by_id.values())
    return booths


def build_show(seed: int = SEED) -> tuple[list[BoothSlot], list[BoothRequest]]:
    rng = random.Random(seed)
    booths = build_booths(rng)
    requests = [build_request(rng, i + 1, booths) for i in range(APPLICATIONS)]
    return pin_some(booths, requests), requests


def timed(
    allocator: Allocator, booths: Sequence[BoothSlot], requests: Sequence[BoothRequest]
) -> tuple[AllocationResult, float, float]:
    """The result, then median wall and CPU seconds of RUNS runs (CPU time is less sensitive
    to other processes sharing the machine)."""
    wall: list[float] = []
    cpu: list[float] = []
    result = None
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = allocator(booths, requests)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert result is not None
    return result, statistics.median(wall), statistics.median(cpu)


def measure(
    result: AllocationResult,
    seconds: tuple[float, float],
    booths: Sequence[BoothSlot],
    requests: Sequence[BoothRequest],
    weights: AllocationWeights,
) -> dict[str, str]:
    booth_by_id = {b.id: b for b in booths}
    given = {a.application_id: booth_by_id[a.booth_id] for a in result.assignments}
    placed = [(r, given[r.id]) for r in requests if r.id in given]
    in_zone = [b.zone == r.sector for r, b in placed if r.sector]
    wishing = [r for r in requests if r.preferred_booth_ids or r.preferred_zones]
    first_met = [first_wish_met(r, given.get(r.id)) for r in wishing]
    pavilions = programme_pavilions(booths, requests, result.assignments)
    distances = []
    for request, booth in placed:
        pavilion = pavilions.get(request.programme or "")
        if pavilion is None:
            continue
        if booth.hall_id != pavilion.hall_id:
            distances.append(weights.other_hall_distance)
        else:
            cx, cy = booth.centre
            dist = ((cx - pavilion.x) ** 2 + (cy - pavilion.y) ** 2) ** 0.5
            distances.append(min(dist, weights.other_hall_distance))
    pinned = {a.application_id for a in result.assignments if a.pinned}
    wasted = [b.area - r.area for r, b in placed if r.id not in pinned]
    return {
        "allocation time (s, median of 3)": f"{seconds[0]:.3f}",
        "  of which CPU time (s)": f"{seconds[1]:.3f}",
        "placed": f"{len(placed)} / {len(requests)}",
        "hard rules broken": str(len(check_hard_rules(booths, requests, result, weights))),
        "placed in sector zone": share(in_zone),
        "first preference met": share(first_met),
        "mean distance to pavilion (m)": f"{statistics.fmean(distances):.1f}",
        "programme members in pavilion hall": share(
            [d < weights.other_hall_distance for d in distances]
        ),
        "mean wasted area (m²)": f"{statistics.fmean(wasted):.2f}",
    }


def first_wish_met(request: BoothRequest, booth: BoothSlot | None) -> bool:
    if booth is None:
        return False
    if request.preferred_booth_ids:
        return booth.id == request.preferred_booth_ids[0]
    return booth.zone == request.preferred_zones[0]


def share(flags: Sequence[bool]) -> str:
    return f"{100 * sum(flags) / len(flags):.1f} %" if flags else "n/a"


def print_table(columns: dict[str, dict[str, str]]) -> None:
    names = list(columns)
    rows = list(next(iter(columns.values())))
    label_width = max(len(r) for r in rows)
    widths = [max(len(n), *(len(columns[n][r]) for r in rows)) for n in names]
    header = " | ".join(n.rjust(w) for n, w in zip(names, widths, strict=True))
    print(f"{'':<{label_width}} | {header}")
    print("-" * (label_width + 3 + len(header)))
    for row in rows:
        cells = " | ".join(columns[n][row].rjust(w) for n, w in zip(names, widths, strict=True))
        print(f"{row:<{label_width}} | {cells}")


def stability(
    booths: list[BoothSlot], requests: list[BoothRequest], result: AllocationResult
) -> int:
    """Commit `result`, approve LATE_APPLICATIONS more, and compare keeping with
    re-optimising; returns the number of hard rules broken."""
    given = result.booth_by_application()
    rng = random.Random(SEED + 1)
    late = [build_request(rng, len(requests) + i + 1, booths) for i in range(LATE_APPLICATIONS)]
    holding = [replace(r, current_booth_id=given.get(r.id)) for r in requests] + late
    broken = 0
    print(
        f"stability: {len(given)} placements held, {LATE_APPLICATIONS} more applications approved"
    )
    for name, reoptimise in (("keep (default)", False), ("re-optimise", True)):
        run = allocate(booths, holding, reoptimise=reoptimise)
        _, wall, cpu = timed(
            lambda b, r, o=reoptimise: allocate(b, r, reoptimise=o), booths, holding
        )
        counts = change_counts(run)
        broken += len(check_hard_rules(booths, holding, run))
        print(
            f"  {name:<15} {len(run.assignments)} placed: {counts['new']} new, "
            f"{counts['moved']} moved, {counts['kept']} kept, {counts['removed']} removed; "
            f"{wall:.3f} s ({cpu:.3f} s CPU)"
        )
    return broken


def main() -> int:
    booths, requests = build_show()
    weights = AllocationWeights()
    available = sum(b.status == "available" and b.pinned_application_id is None for b in booths)
    print(
        f"synthetic show (seed {SEED}): {len(requests)} applications, {len(booths)} booths "
        f"in {HALLS} halls, {available} available; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    columns: dict[str, dict[str, str]] = {}
    broken = 0
    results: dict[str, AllocationResult] = {}
    for name, allocator in (("allocate", allocate), ("greedy_first_fit", greedy_first_fit)):
        result, wall, cpu = timed(allocator, booths, requests)
        results[name] = result
        columns[name] = measure(result, (wall, cpu), booths, requests, weights)
        broken += int(columns[name]["hard rules broken"])
    print_table(columns)
    optimal = results["allocate"]
    print(f"allocate: {optimal.stats['passes']} passes, {optimal.stats['components']} components")
    for unplaced in optimal.unplaced[:3]:
        print(f"  unplaced {unplaced.application_id}: {unplaced.reason}")
    example = next(a for a in optimal.assignments if not a.pinned)
    print(f"  application {example.application_id}: " + "; ".join(map(str, example.reasons)))
    broken += stability(booths, requests, optimal)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
