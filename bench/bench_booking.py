"""Meeting booking under contention, through real gunicorn workers on PostgreSQL.

100 startups (each with its own API token) book the same slot at the same instant through
gunicorn with 4 sync workers: exactly one must get 201 and the 99 others 409 `slot_taken`,
and no startup may end up in two overlapping meetings. The runs:

- one slot, guarded: the application as it is;
- one slot, guarded, with a 50 ms race window between the checks and the insert (the
  workers serve `windowed_app`, which wraps `booking.insert_meeting` in a delay), so that
  the requests really overlap;
- control: the same with the guards taken out (no lock rows, no slot row lock, no partial
  unique indexes), which shows the race the guards prevent;
- 100 distinct slots: every startup books a slot of its own, for the throughput of
  successful bookings.

Prints, for each run, the answers, the overlaps found in the database afterwards, and the
throughput and latency. Skips with a message when PostgreSQL is unreachable.

    python bench/bench_booking.py [--startups 100] [--window 0.05]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devtools.servers import (
    admin_connect,
    app_env,
    flask_command,
    gunicorn,
    post_json,
    run_in_app,
)
from eventhub import create_app
from eventhub.meetings import booking
from eventhub.meetings.slots import LockedSlot

WORKERS = 4
WINDOW_SECONDS = float(os.environ.get("BENCH_RACE_WINDOW_SECONDS", "0"))  # for windowed_app
DATABASE = "bench_meetings"
POSTGRES_ADMIN_URL = os.environ.get(
    "EVENTHUB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

SETUP = """
from datetime import date, time, timedelta
from eventhub.auth.accounts import issue_api_token
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.slots import SlotPlan, open_slots
from eventhub.profiles.profiles import create_profile_for
event = Event(slug="bench-day", name="Bench Day", kind="demo_day", status="published",
              venue="V", city="Casablanca", first_day=date.today() + timedelta(days=7),
              last_day=date.today() + timedelta(days=8))
db.session.add(event)
db.session.flush()
def user(email, role):
    account = User(email=email, role=role, name=email.split("@")[0], password_hash="!")
    db.session.add(account)
    create_profile_for(account)
    db.session.flush()
    return account
def slots(number, day, start, end, length=20):
    plan = SlotPlan(days=[event.days[day]], start=time.fromisoformat(start),
                    end=time.fromisoformat(end), length_minutes=length)
    return [s.id for s in open_slots(event, user(f"investor{number}@bench.test",
                                                 "investor").investor, plan)]
contended = {"guarded": slots(0, 0, "09:00", "09:20")[0],
             "window": slots(1, 0, "10:00", "10:20")[0],
             "control": slots(2, 0, "11:00", "11:20")[0]}
distinct = []
for number in range(COUNT // 5 + 1):
    distinct += slots(100 + number, 1, "09:00", "10:40")
secrets = [issue_api_token(user(f"startup{n}@bench.test", "startup"), "bench").secret
           for n in range(COUNT)]
db.session.commit()
result = {"contended": contended, "distinct": distinct[:COUNT], "secrets": secrets}
"""

CHECK = """
from collections import Counter
from sqlalchemy import select
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
rows = db.session.scalars(select(Meeting).where(Meeting.status == "confirmed")).all()
def stats(slot_ids):
    mine = [m for m in rows if m.slot_id in slot_ids]
    per_slot = Counter(m.slot_id for m in mine)
    return {
        "double_booked_slots": sum(1 for n in per_slot.values() if n > 1),
        "startup_overlaps": sum(1 for a in mine for b in mine if a.id < b.id
                                and a.startup_id == b.startup_id
                                and a.starts_at < b.ends_at and b.starts_at < a.ends_at),
    }
result = {name: stats(set(ids)) for name, ids in GROUPS.items()}
"""

DROP_GUARDS = """
from sqlalchemy import text
from eventhub.extensions import db
db.session.execute(text("DROP INDEX uq_meetings_slot_confirmed"))
db.session.execute(text("DROP INDEX uq_meetings_pair_confirmed"))
db.session.commit()
result = True
"""


def guarded_app():
    """The application as it is (gunicorn's workers call these factories)."""
    return create_app()


def windowed_app():
    """The application, each booking waiting BENCH_RACE_WINDOW_SECONDS between its checks
    and its insert, its locks held."""
    insert_meeting = booking.insert_meeting

    def insert_late(meeting):
        time.sleep(WINDOW_SECONDS)
        insert_meeting(meeting)

    booking.insert_meeting = insert_late
    return guarded_app()


def unguarded_app():
    """`windowed_app` with the booking guards taken out: for the control run only."""
    booking.lock_startup = lambda event, startup: None
    booking.lock_slot = lambda slot, only_open=False: LockedSlot(
        slot.starts_at, slot.ends_at, slot.table_id
    )
    return windowed_app()


def book_all(base_url: str, calls: list[tuple[str, int]]) -> dict:
    """POST every (token, slot) booking at once from its own thread; answers and timings."""
    barrier = threading.Barrier(len(calls) + 1)
    answers: list[tuple[int, str | None, float]] = []
    lock = threading.Lock()

    def one(secret: str, slot_id: int) -> None:
        barrier.wait(timeout=60)
        started = time.perf_counter()
        status, body = post_json(
            f"{base_url}/api/v1/events/bench-day/slots/{slot_id}/booking",
            {"note": "bench"},
            {"Authorization": f"Bearer {secret}"},
        )
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        with lock:
            answers.append((status, code, time.perf_counter() - started))

    threads = [threading.Thread(target=one, args=call) for call in calls]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    latencies = sorted(answer[2] for answer in answers)
    return {
        "answers": Counter((status, code) for status, code, _ in answers),
        "elapsed": elapsed,
        "rate": len(answers) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000,
    }


def warm_up(base_url: str, secret: str) -> None:
    """Reads from a few threads at once, so that every worker has its connection ready."""
    host, port = base_url.removeprefix("http://").split(":")

    def read() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Authorization": f"Bearer {secret}"}
        connection.request("GET", "/api/v1/events/bench-day/slots?free=1", headers=headers)
        connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=read) for _ in range(2 * WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def postgres_url() -> str | None:
    try:
        with admin_connect(POSTGRES_ADMIN_URL) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    except Exception as error:
        print(f"PostgreSQL is not reachable ({error}): the booking bench needs it; skipped.")
        return None
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


def drop_database() -> None:
    with admin_connect(POSTGRES_ADMIN_URL) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def run(url: str, args: argparse.Namespace) -> list[tuple[str, dict]]:
    env = app_env(url, EVENTHUB_RATELIMIT_ENABLED="false")
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP.replace("COUNT", str(args.startups)), timeout=600)
    secrets, contended = setup["secrets"], setup["contended"]
    rows = []
    distinct_label = f"{args.startups} distinct slots, guarded"
    with gunicorn(env, workers=WORKERS, app="bench.bench_booking:guarded_app()") as base_url:
        warm_up(base_url, secrets[0])
        rows.append(
            ("one slot, guarded", book_all(base_url, [(s, contended["guarded"]) for s in secrets]))
        )
        rows.append(
            (
                distinct_label,
                book_all(base_url, list(zip(secrets, setup["distinct"], strict=True))),
            )
        )
    window_env = {**env, "BENCH_RACE_WINDOW_SECONDS": str(args.window)}
    window_label = f"{args.window * 1000:.0f} ms window"
    with gunicorn(
        window_env, workers=WORKERS, app="bench.bench_booking:windowed_app()"
    ) as base_url:
        warm_up(base_url, secrets[0])
        rows.append(
            (
                f"one slot, guarded, {window_label}",
                book_all(base_url, [(s, contended["window"]) for s in secrets]),
            )
        )
    run_in_app(env, DROP_GUARDS)
    with gunicorn(
        window_env, workers=WORKERS, app="bench.bench_booking:unguarded_app()"
    ) as base_url:
        warm_up(base_url, secrets[0])
        rows.append(
            (
                f"control: no guard, {window_label}",
                book_all(base_url, [(s, contended["control"]) for s in secrets]),
            )
        )
    groups = {
        "one slot, guarded": [contended["guarded"]],
        distinct_label: setup["distinct"],
        f"one slot, guarded, {window_label}": [contended["window"]],
        f"control: no guard, {window_label}": [contended["control"]],
    }
    checks = run_in_app(env, CHECK.replace("GROUPS", repr(groups)))
    for name, figures in rows:
        figures.update(checks[name])
    return rows


def print_table(rows: list[tuple[str, dict]], args: argparse.Namespace) -> None:
    print()
    print(
        f"Booking: {args.startups} startups at once, gunicorn {WORKERS} sync workers, "
        "PostgreSQL, loopback"
    )
    print(
        f"{'run':<34} {'201':>4} {'409':>4} {'other':>5} {'double':>6} {'overlap':>7} "
        f"{'req/s':>6} {'p50 ms':>7} {'p99 ms':>7}  refusals"
    )
    for name, r in rows:
        answers: Counter = r["answers"]
        created = answers[(201, None)]
        conflicts = sum(n for (status, _code), n in answers.items() if status == 409)
        other = sum(answers.values()) - created - conflicts
        codes = Counter()
        for (status, code), n in answers.items():
            if status == 409:
                codes[code] += n
        print(
            f"{name:<34} {created:>4} {conflicts:>4} {other:>5} {r['double_booked_slots']:>6} "
            f"{r['startup_overlaps']:>7} {r['rate']:>6.0f} {r['p50']:>7.0f} {r['p99']:>7.0f}  "
            f"{dict(codes)}"
        )
    guarded = [r for name, r in rows if "guarded" in name and name.startswith("one slot")]
    ok = all(
        r["answers"][(201, None)] == 1
        and r["answers"][(409, "slot_taken")] == args.startups - 1
        and r["double_booked_slots"] == 0
        and r["startup_overlaps"] == 0
        for r in guarded
    )
    control = next(r for name, r in rows if name.startswith("control"))
    print(
        f"Guarded runs: exactly one 201 and {args.startups - 1} x 409 slot_taken, no double "
        f"booking: {'yes' if ok else 'NO'}. Control without the guards: "
        f"{control['answers'][(201, None)]} x 201 for one slot (the race the guards stop)."
    )
    distinct = next(r for name, r in rows if "distinct" in name)
    print(
        f"Booking throughput: {distinct['answers'][(201, None)] / distinct['elapsed']:.0f} "
        f"bookings/s (distinct slots), {rows[0][1]['rate']:.0f} answers/s (one slot)."
    )
    if not ok:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--startups", type=int, default=100)
    parser.add_argument("--window", type=float, default=0.05, help="race window, seconds")
    args = parser.parse_args()
    url = postgres_url()
    if url is None:
        return
    try:
        rows = run(url, args)
    finally:
        drop_database()
    print_table(rows, args)


if __name__ == "__main__":
    main()
