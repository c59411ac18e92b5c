"""Badge benchmark: `python bench/bench_badges.py [--sizes 1000,10000,50000] [--cores N]`.

Bulk PDFs: each run is a fresh child process (or one per core) that builds synthetic
badges lazily (seeded: Latin names, one in eight Arabic, one in twenty very long; a signed
token per badge, as the app makes them) and streams them with `write_badges` into a PDF
file. Badges per second count from the first badge to the closed file (interpreter start
and imports excluded); peak memory is the child's maximum resident set size (os.wait4).
"All cores" splits the badges into one chunk per core, one PDF per core, run side by
side; its memory column is the largest child and, after "/", all children together.

Token verification: `read_badge_token` over pre-made tokens in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub.badges.render import BadgeData, write_badges
from eventhub.badges.tokens import make_badge_token, new_badge_code, read_badge_token

SEED = 20261
KEY = b"bench-badge-signing-key-32-bytes"
FIRST_NAMES = ("Amina", "Youssef", "Léa", "Mehdi", "Sofia", "Karim", "Chloé", "Omar", "Inès")
LAST_NAMES = ("El Amrani", "Benali", "Dubois", "Tazi", "Martin", "Ouazzani", "Haddad", "Nguyen")
ARABIC_NAMES = ("محمد الأمين بن عبد الله", "فاطمة الزهراء العلوي", "يوسف بنعلي", "سلمى التازي")
LONG_NAME = "Maria-Fernanda Alexandra de los Santos Rodríguez-Villanueva y Montenegro"
ORGANISATIONS = ("Université Mohammed VI Polytechnique", "Atlas Fintech SARL", "جامعة القاضي عياض")
CATEGORIES = (("Visitor", "#2A9D8F"), ("Exhibitor", "#E9C46A"), ("VIP", "#111111"))
TOKENS_TO_VERIFY = 200_000


def synthetic_badges(count: int, start: int = 0) -> Iterator[BadgeData]:
    rng = random.Random(SEED + start)
    for number in range(start, start + count):
        if number % 20 == 7:
            name = LONG_NAME
        elif number % 8 == 3:
            name = rng.choice(ARABIC_NAMES)
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        category, colour = rng.choice(CATEGORIES)
        yield BadgeData(
            full_name=name,
            organization=rng.choice(ORGANISATIONS),
            job_title="Head of Partnerships" if number % 3 else None,
            category_name=category,
            category_colour=colour,
            event_name="GITEX Africa 2026",
            event_dates="14–16 April 2026",
            venue="Bab Jdid, Marrakech",
            registration_number=f"EH-2026-{number:06d}",
            token=make_badge_token(new_badge_code(), 1, KEY),
            language="en",
        )


def render_child(start: int, count: int, path: str) -> None:
    """In the child process: write the PDF, print timings as JSON."""
    began, cpu = time.time(), time.process_time()
    with open(path, "wb") as out:
        written = write_badges(synthetic_badges(count, start), out)
    print(
        json.dumps(
            {
                "count": written,
                "start": began,
                "end": time.time(),
                "cpu": time.process_time() - cpu,
                "bytes": os.path.getsize(path),
            }
        )
    )


def run_processes(count: int, processes: int, folder: str) -> dict[str, float]:
    """Render ``count`` badges split over ``processes`` children running side by side."""
    chunks = [count // processes + (i < count % processes) for i in range(processes)]
    children = []
    start = 0
    for index, chunk in enumerate(chunks):
        path = os.path.join(folder, f"badges-{count}-{processes}-{index}.pdf")
        command = [sys.executable, __file__, "--child", str(start), str(chunk), path]
        children.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
        start += chunk
    reports, peaks = [], []
    for child in children:
        _, status, usage = os.wait4(child.pid, 0)
        output = child.stdout.read() if child.stdout else ""
        child.stdout and child.stdout.close()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"benchmark child failed with exit code {child.returncode}")
        reports.append(json.loads(output))
        peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
    for index in range(processes):
        os.unlink(os.path.join(folder, f"badges-{count}-{processes}-{index}.pdf"))
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return {
        "rate": sum(r["count"] for r in reports) / seconds,
        "cpu_rate": sum(r["count"] for r in reports) / sum(r["cpu"] for r in reports),
        "peak": max(peaks),
        "total_peak": sum(peaks),
        "kb_per_badge": sum(r["bytes"] for r in reports) / count / 1024,
    }


def token_rates() -> tuple[float, float]:
    """Tokens verified per second: wall clock, and CPU time of this process."""
    tokens = [make_badge_token(new_badge_code(), 1, KEY) for _ in range(TOKENS_TO_VERIFY)]
    began, cpu = time.perf_counter(), time.process_time()
    for token in tokens:
        read_badge_token(token, KEY)
    return len(tokens) / (time.perf_counter() - began), len(tokens) / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="badge counts, comma separated")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--child", nargs=3, metavar=("START", "COUNT", "PATH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        render_child(int(args.child[0]), int(args.child[1]), args.child[2])
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"Badge PDFs (A6, one page per badge), {os.cpu_count()} cores, load average {_load()}")
    print()
    print("| badges | processes | badges/s | CPU badges/s per core | peak RSS MB | PDF KB/badge |")
    print("|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="eventhub-bench-") as folder:
        for count in sizes:
            for processes in sorted({1, args.cores}):
                figures = run_processes(count, processes, folder)
                label = "1" if processes == 1 else f"{processes} (one PDF per core)"
                peak = f"{figures['peak']:.0f}"
                if processes > 1:
                    peak += f" / {figures['total_peak']:.0f} all"
                print(
                    f"| {count:,} | {label} | {figures['rate']:,.0f} | "
                    f"{figures['cpu_rate']:,.0f} | {peak} | {figures['kb_per_badge']:.2f} |"
                )
    print()
    wall, cpu = token_rates()
    print(f"Token verification, one process: {wall:,.0f} tokens/s ({cpu:,.0f} per CPU second)")


def _load() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
