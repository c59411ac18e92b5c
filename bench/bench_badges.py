"""Badge benchmark: `python bench/bench_badges.py [--sizes 1000,10000,50000]`.

Bulk runs as the organiser's download and the `badges` command make them: each run is a
fresh child process that builds synthetic badges lazily (seeded: Latin names, one in
eight Arabic, one in twenty very long; a signed token per badge, as the app makes them)
and writes them with `BadgeRun` (badges/bulk.py: reportlab's canvas, one per part of
2,000 badges, and qrcode) to a file: one PDF up to 2,000 badges, else a ZIP of part PDFs.
Badges per second count from the first badge to the closed file (interpreter start and
imports excluded), in one process; peak memory is the child's maximum resident set size
(os.wait4), imports included. The bars: at least 300 badges/s, and a 50,000-badge run
under 300 MB.

Token verification: `read_badge_token` over pre-made tokens in this process.

Figures taken while other work runs on the machine are noisy: compare runs on a quiet one.
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

from reportlab.lib import rl_accel

from eventhub.badges.bulk import PART_SIZE, BadgeRun
from eventhub.badges.render import BadgeData
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
MIN_RATE = 300  # badges per second, one process
MAX_PEAK_MB = 300  # for a 50,000-badge run
PEAK_BAR_SIZE = 50_000


def synthetic_badges(count: int) -> Iterator[BadgeData]:
    rng = random.Random(SEED)
    for number in range(count):
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
            language="ar" if number % 8 == 3 else "en",
        )


def render_child(count: int, folder: str) -> None:
    """In the child process: write the run, print its timings as JSON."""
    began, cpu = time.perf_counter(), time.process_time()
    run = BadgeRun(synthetic_badges(count), f"badges-{count}")
    path = os.path.join(folder, run.filename)
    with open(path, "wb") as out:
        written = run.write(out)
    report = {
        "count": written,
        "seconds": time.perf_counter() - began,
        "cpu": time.process_time() - cpu,
        "bytes": os.path.getsize(path),
        "format": "ZIP" if run.is_archive else "PDF",
    }
    os.unlink(path)
    print(json.dumps(report))


def run_child(count: int, folder: str) -> dict[str, float | str]:
    """One run in a fresh process; its report and its peak RSS in MB."""
    command = [sys.executable, __file__, "--child", str(count), folder]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"benchmark child failed with exit code {child.returncode}")
    report = json.loads(output)
    report["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return report


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
    parser.add_argument("--child", nargs=2, metavar=("COUNT", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        render_child(int(args.child[0]), args.child[1])
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    accelerated = all(
        getattr(rl_accel, name).__module__ == "_rl_accel" for name in rl_accel.__all__
    )
    print(
        f"Badges on reportlab's canvas with qrcode, one process; rl_accel "
        f"{'in use' if accelerated else 'NOT installed'}; parts of {PART_SIZE:,} badges; "
        f"{os.cpu_count()} cores, load average {_load()} (noisy if other work runs)"
    )
    print()
    print("| badges | file | badges/s | CPU badges/s | peak RSS MB | KB/badge | bars |")
    print("|---:|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="eventhub-bench-") as folder:
        for count in sizes:
            report = run_child(count, folder)
            rate = report["count"] / report["seconds"]
            cpu_rate = report["count"] / report["cpu"]
            bars = [f"rate {'ok' if rate >= MIN_RATE else 'BELOW'} (>= {MIN_RATE}/s)"]
            if count >= PEAK_BAR_SIZE:
                ok = report["peak_mb"] < MAX_PEAK_MB
                bars.append(f"memory {'ok' if ok else 'OVER'} (< {MAX_PEAK_MB} MB)")
            print(
                f"| {count:,} | {report['format']} | {rate:,.0f} | {cpu_rate:,.0f} | "
                f"{report['peak_mb']:.0f} | {report['bytes'] / count / 1024:.2f} | "
                f"{', '.join(bars)} |"
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
