"""Door check-in throughput through real gunicorn workers, on SQLite and PostgreSQL.

Seeds 50,000 confirmed registrations, starts gunicorn (4 sync workers) on loopback and
sends scans from 16 concurrent connections: first badges never seen (admitted), then the
same badges again (already inside); either is the holder's lookup, which brings the day's
first entry, then the scan's insert. Prints scans per second and p50/p99 latency for each,
beside a bare endpoint (token check, one indexed lookup, one insert: bench/bare_checkin.py)
served the same way on the same machine.

Both servers run side by side and their runs alternate, round after round, so that both
see the same machine; each line is the median round (by scans per second), with the
range of the rounds beside it.

    python bench/bench_checkin.py [--scans 4000] [--rounds 3] [--registrations 50000]
                                  [--no-postgres]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bare_checkin import prepare  # noqa: E402
from tests.support.servers import (  # noqa: E402
    _admin_connect,
    app_env,
    flask_command,
    gunicorn,
    run_in_app,
)

CONNECTIONS = 16
WORKERS = 4
POSTGRES_ADMIN_URL = os.environ.get(
    "EVENTHUB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

SEED = """
import secrets
from datetime import date, timedelta
from sqlalchemy import insert
from eventhub.auth.accounts import create_user, issue_api_token
from eventhub.badges.signing import badge_token
from eventhub.badges.tokens import new_badge_code
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration
event = Event(slug="bench", name="Bench Expo", kind="expo", status="published", venue="V",
              city="Marrakech", first_day=date.today() - timedelta(days=1),
              last_day=date.today() + timedelta(days=1))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.flush()
category_id = event.categories[0].id
staff = create_user("bench@example.test", "bench-password-1", "staff", "Bench")
secret = issue_api_token(staff, "bench").secret
codes = []
rows = []
for number in range(COUNT):
    code = new_badge_code()
    codes.append(code)
    rows.append(dict(event_id=event.id, category_id=category_id, email=f"v{number}@bench.test",
                     first_name="Visitor", last_name=str(number), organization="Bench",
                     status="confirmed", source="demo", manage_token=secrets.token_urlsafe(32),
                     badge_code=code, badge_version=1, language="fr", job_title="", country=""))
    if len(rows) == 5000:
        db.session.execute(insert(Registration), rows)
        rows = []
if rows:
    db.session.execute(insert(Registration), rows)
db.session.commit()
from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import make_badge_token
key = badge_signing_key()
result = {"secret": secret, "tokens": [make_badge_token(code, 1, key) for code in codes[:SCANS]]}
"""


def drive(port: int, path: str, bodies: list[bytes], headers: dict[str, str]) -> dict[str, float]:
    """Send every body once from CONNECTIONS threads; returns throughput and latencies."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    cursor = iter(range(len(bodies)))

    def worker() -> None:
        local_latencies = []
        local_statuses: dict[int, int] = {}
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", path, bodies[index], headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            local_latencies.append(time.perf_counter() - started)
            local_statuses[response.status] = local_statuses.get(response.status, 0) + 1
        with lock:
            latencies.extend(local_latencies)
            for status, count in local_statuses.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "statuses": statuses,
    }


def scan_bodies(tokens: list[str]) -> list[bytes]:
    return [json.dumps({"code": token, "gate": "North"}).encode() for token in tokens]


def seed_eventhub(database_url: str, registrations: int, tokens: int) -> tuple[dict, dict]:
    env = app_env(database_url)  # production settings, rate limiter included
    flask_command(env, "db", "upgrade")
    seeded = run_in_app(
        env, SEED.replace("COUNT", str(registrations)).replace("SCANS", str(tokens)), timeout=900
    )
    return env, seeded


def bench_database(
    database_url: str, bare_url: str, args: argparse.Namespace
) -> dict[str, list[dict]]:
    """Every round's figures of each run, EventHub's and the bare endpoint's alternating."""
    per_round = args.scans - 50
    env, seeded = seed_eventhub(database_url, args.registrations, 50 + per_round * args.rounds)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {seeded['secret']}"}
    bodies = scan_bodies(seeded["tokens"])
    bare_env, bare_tokens = prepare(bare_url, args.registrations, args.scans)
    bare_bodies = scan_bodies(bare_tokens)
    bare_headers = {"Content-Type": "application/json"}
    path = "/api/v1/events/bench/checkins"
    runs: dict[str, list[dict]] = {name: [] for name in RUNS}
    with (
        gunicorn(env, workers=WORKERS) as base_url,
        gunicorn(bare_env, workers=WORKERS, app="bench.bare_checkin:app") as bare_base_url,
    ):
        port, bare_port = (int(url.rsplit(":", 1)[1]) for url in (base_url, bare_base_url))
        drive(port, path, bodies[:50], headers)  # warm up the workers
        drive(bare_port, "/scan", bare_bodies[:50], bare_headers)
        for number in range(args.rounds):
            fresh = bodies[50 + number * per_round : 50 + (number + 1) * per_round]
            runs["EventHub, admitted"].append(drive(port, path, fresh, headers))
            runs["EventHub, already inside"].append(drive(port, path, fresh, headers))
            runs["bare endpoint"].append(drive(bare_port, "/scan", bare_bodies[50:], bare_headers))
    return runs


RUNS = ("EventHub, admitted", "EventHub, already inside", "bare endpoint")
# The bare prototype's limits quoted by the issue (scans/s), measured on another day.
ISSUE_REFERENCE = {"SQLite": 1270, "PostgreSQL": 690}


def postgres_database(name: str) -> str | None:
    try:
        with _admin_connect(POSTGRES_ADMIN_URL) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:
        print(f"PostgreSQL not reachable ({error}); skipping it.")
        return None
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str) -> None:
    with _admin_connect(POSTGRES_ADMIN_URL) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def median_round(rounds: list[dict]) -> dict:
    ordered = sorted(rounds, key=lambda r: r["rate"])
    return {**ordered[len(ordered) // 2], "low": ordered[0]["rate"], "high": ordered[-1]["rate"]}


def print_table(results: dict[str, dict[str, list[dict]]], args: argparse.Namespace) -> None:
    print()
    print(
        f"Check-in: {args.registrations:,} registrations, {args.scans - 50:,} scans per run, "
        f"{CONNECTIONS} connections, gunicorn {WORKERS} sync workers, loopback; "
        f"median of {args.rounds} alternating rounds"
    )
    print(
        f"{'database':<11} {'run':<26} {'scans/s':>8} {'range':>12} {'p50 ms':>7} "
        f"{'p99 ms':>7}  statuses"
    )
    for database, runs in results.items():
        for name in RUNS:
            r = median_round(runs[name])
            spread = f"{r['low']:.0f}–{r['high']:.0f}"
            figures = f"{r['rate']:>8.0f} {spread:>12} {r['p50']:>7.1f} {r['p99']:>7.1f}"
            print(f"{database:<11} {name:<26} {figures}  {r['statuses']}")
    print()
    print(
        f"{'database':<11} {'run':<26} {'of the bare endpoint here':>26} "
        f"{'of the issue reference':>24}  (bar: 75%)"
    )
    for database, runs in results.items():
        bare = median_round(runs["bare endpoint"])["rate"]
        reference = ISSUE_REFERENCE[database]
        for name in RUNS[:2]:
            rate = median_round(runs[name])["rate"]
            print(
                f"{database:<11} {name:<26} {100 * rate / bare:>25.0f}% "
                f"{100 * rate / reference:>15.0f}% of {reference:,}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--scans", type=int, default=4_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, list[dict]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = bench_database(
            f"sqlite:///{tmp}/bench.sqlite3", f"sqlite:///{tmp}/bare.sqlite3", args
        )
    if not args.no_postgres:
        url, bare_url = postgres_database("bench_checkin"), postgres_database("bench_bare")
        if url and bare_url:
            try:
                results["PostgreSQL"] = bench_database(url, bare_url, args)
            finally:
                drop_postgres_database("bench_checkin")
                drop_postgres_database("bench_bare")
    print_table(results, args)


if __name__ == "__main__":
    main()
