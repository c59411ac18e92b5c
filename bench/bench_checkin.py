"""Door check-in through real gunicorn workers, beside a bare Flask route, on SQLite and
PostgreSQL.

Seeds 50,000 confirmed registrations, then serves EventHub (its ordinary route, POST
/api/v1/events/<slug>/checkins with a device's bearer token, every hook of the app) and
the bare route of bench/bare_checkin.py (Flask-SQLAlchemy doing only the essential work:
HMAC check of the code, one indexed select, one ORM insert, commit), each by gunicorn with
4 sync workers on loopback, and loads them with wrk (16 connections, 4 threads) for a few
seconds per round. The two alternate, round after round, so that both see the same
machine; each line is the median round (by scans per second) with the rounds' range.
Each request scans another badge (admitted), until the bodies wrap (already inside).

    python bench/bench_checkin.py [--rounds 3] [--seconds 8] [--registrations 50000]
                                  [--no-postgres]

Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bare_checkin  # noqa: E402
from devtools.servers import (  # noqa: E402
    app_env,
    flask_command,
    gunicorn,
    postgres_database,
    run_in_app,
)

CONNECTIONS = 16
THREADS = 4
WORKERS = 4
SCAN_PATH = "/api/v1/events/bench/checkins"
BODIES_PER_ROUND = 20_000  # at most: each round scans badges of its own
POSTGRES_SERVER_URL = os.environ.get(
    "EVENTHUB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# The bars of issue 14: EventHub's route at least this share of the bare route's scans/s,
# with a p99 under this many milliseconds.
SHARE_BAR = 0.9
P99_BAR_MS = 40.0

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


def wrk(url: str, bodies: Path, seconds: int, headers: dict[str, str]) -> dict[str, float]:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(ROOT / "bench" / "scans.lua"), url, "--", str(bodies)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures


def write_bodies(path: Path, tokens: list[str]) -> Path:
    path.write_text("".join(json.dumps({"code": t, "gate": "North"}) + "\n" for t in tokens))
    return path


def bench_database(database_url: str, args: argparse.Namespace, tmp: Path) -> dict[str, list]:
    """Every round's figures of EventHub's route and the bare route, alternating."""
    env = app_env(database_url)  # production settings, rate limiter included
    flask_command(env, "db", "upgrade")
    per_round = min(BODIES_PER_ROUND, args.registrations // args.rounds)
    scans = per_round * args.rounds
    seed = SEED.replace("COUNT", str(args.registrations)).replace("SCANS", str(scans))
    seeded = run_in_app(env, seed, timeout=900)
    os.environ["DATABASE_URL"] = database_url
    bare_tokens = bare_checkin.prepare(args.registrations, scans)
    headers = {"Content-Type": "application/json"}
    device = {**headers, "Authorization": f"Bearer {seeded['secret']}"}
    runs: dict[str, list] = {"EventHub route": [], "bare Flask route": []}
    bare_app = "bench.bare_checkin:create_app()"
    with (
        gunicorn(env, workers=WORKERS) as eventhub_url,
        gunicorn(env, workers=WORKERS, app=bare_app) as bare_url,
    ):
        warm = write_bodies(tmp / "warm.jsonl", seeded["tokens"][:50])
        wrk(eventhub_url + SCAN_PATH, warm, 1, device)
        wrk(bare_url + "/scan", write_bodies(tmp / "bare-warm.jsonl", bare_tokens[:50]), 1, headers)
        for number in range(args.rounds):
            part = slice(number * per_round, (number + 1) * per_round)
            ours = write_bodies(tmp / f"eventhub-{number}.jsonl", seeded["tokens"][part])
            bare = write_bodies(tmp / f"bare-{number}.jsonl", bare_tokens[part])
            runs["EventHub route"].append(wrk(eventhub_url + SCAN_PATH, ours, args.seconds, device))
            runs["bare Flask route"].append(wrk(bare_url + "/scan", bare, args.seconds, headers))
    return runs


def median_round(rounds: list[dict]) -> dict:
    ordered = sorted(rounds, key=lambda r: r["rate"])
    return {**ordered[len(ordered) // 2], "low": ordered[0]["rate"], "high": ordered[-1]["rate"]}


def print_table(results: dict[str, dict[str, list]], args: argparse.Namespace) -> None:
    print()
    print(
        f"Check-in: {args.registrations:,} registrations, wrk {CONNECTIONS} connections, "
        f"gunicorn {WORKERS} sync workers, loopback; median of {args.rounds} alternating "
        f"rounds of {args.seconds} s"
    )
    header = f"{'database':<11} {'route':<17} {'scans/s':>8} {'range':>11} {'p50 ms':>7} "
    print(header + f"{'p99 ms':>7} {'refused':>8} {'socket errors':>14}")
    for database, runs in results.items():
        for name, rounds in runs.items():
            r = median_round(rounds)
            spread = f"{r['low']:.0f}–{r['high']:.0f}"
            print(
                f"{database:<11} {name:<17} {r['rate']:>8.0f} {spread:>11} {r['p50_ms']:>7.1f} "
                f"{r['p99_ms']:>7.1f} {r['refused']:>8} {r['socket_errors']:>14}"
            )
    print()
    print(f"{'database':<11} {'EventHub / bare':>16} {'bar':>5} {'p99 ms':>7} {'bar':>5}  verdict")
    for database, runs in results.items():
        ours, bare = (median_round(runs[name]) for name in runs)
        share = ours["rate"] / bare["rate"]
        ok = share >= SHARE_BAR and ours["p99_ms"] < P99_BAR_MS
        print(
            f"{database:<11} {share:>16.2f} {SHARE_BAR:>5} {ours['p99_ms']:>7.1f} "
            f"{P99_BAR_MS:>5.0f}  {'meets the bars' if ok else 'BELOW THE BARS'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("Check-in bench skipped: it needs wrk (Debian: apt-get install wrk).")
        return
    results: dict[str, dict[str, list]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = bench_database(f"sqlite:///{tmp}/bench.sqlite3", args, Path(tmp))
        if not args.no_postgres:
            try:
                with postgres_database(POSTGRES_SERVER_URL, "bench_checkin") as url:
                    results["PostgreSQL"] = bench_database(url, args, Path(tmp))
            except OSError as error:
                print(f"PostgreSQL not reachable ({error}); measured on SQLite only.")
    print_table(results, args)


if __name__ == "__main__":
    main()
