"""The help desk's search over 50,000 registrations, on SQLite and PostgreSQL.

Seeds one published event with 50,000 confirmed registrations (names, organisations and
e-mails in Latin and Arabic script, a fifth of them admitted today), then times
`find_people` (one statement: the folded words matched with LIKE in search_key, the number
exactly, with category and today's entry) for several kinds of query, in the app's
process: median and p95 over the repetitions of each kind. PostgreSQL runs when
EVENTHUB_BENCH_DATABASE_URL or EVENTHUB_TEST_DATABASE_URL names a server (a database
`bench_desk` is created on it and dropped after), unless --no-postgres.

    python bench/bench_desk.py [--registrations 50000] [--repeat 50] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text

from devtools.servers import postgres_database
from eventhub import create_app
from eventhub.checkin.desk import find_people
from eventhub.checkin.models import Scan
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.search import search_key

POSTGRES_SERVER_URL = os.environ.get("EVENTHUB_BENCH_DATABASE_URL") or os.environ.get(
    "EVENTHUB_TEST_DATABASE_URL"
)
FIRST = ["Salma", "Youssef", "Hélène", "Omar", "Imane", "Karim", "Zoé", "Rachid", "Nadia",
         "مُحَمَّد", "فاطمة", "أحمد", "إيمان", "يوسف", "سلمى"]  # fmt: skip
LAST = ["Bennani", "Alaoui", "Lefèvre", "Ziani", "El Idrissi", "Tazi", "Amrani", "Chraïbi",
        "الأمين", "العلوي", "بناني", "الإدريسي"]  # fmt: skip
ORGS = ["Atlas AI", "Argan Pay", "École Centrale", "Maroc Telecom", "Sahara Capital",
        "جامعة الأخوين", "مؤسسة الابتكار", "DigitAgri", "Boost up Lab"]  # fmt: skip
BATCH = 5000


def seed(count: int) -> tuple[Event, list[Registration]]:
    rng = random.Random(17)
    today = date.today()
    event = Event(slug="bench-desk", name="Bench Desk", kind="expo", status="published",
                  venue="V", city="Marrakech", first_day=today - timedelta(days=1),
                  last_day=today + timedelta(days=1), timezone="UTC")  # fmt: skip
    event.categories = [AttendeeCategory(name="Visitor", colour="#2563eb", is_default=True)]
    db.session.add(event)
    db.session.commit()
    category_id = event.categories[0].id
    now = datetime.now(UTC)
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, count)):
            first, last, org = rng.choice(FIRST), rng.choice(LAST), rng.choice(ORGS)
            email = f"guest{number}@example{number % 97}.ma"
            rows.append({
                "event_id": event.id, "category_id": category_id, "email": email,
                "first_name": first, "last_name": f"{last} {number}", "organization": org,
                "status": "confirmed", "source": "import", "language": "fr",
                "manage_token": secrets.token_urlsafe(32), "badge_code": number + 1,
                "badge_version": 1, "created_at": now, "confirmed_at": now,
                "search_key": search_key(first, f"{last} {number}", email, org),
            })  # fmt: skip
        db.session.execute(insert(Registration), rows)
    db.session.commit()
    ids = db.session.scalars(select(Registration.id).order_by(Registration.id)).all()
    db.session.execute(
        insert(Scan),
        [
            {"event_id": event.id, "registration_id": row_id, "gate": "North",
             "result": "admitted", "code": "x", "device": "", "scanned_at": now,
             "day": today, "manual": False, "note": ""}
            for row_id in ids[::5]
        ],
    )  # fmt: skip
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # the planner's statistics, as after a day's use
    db.session.commit()
    return event, ids


def queries(ids: list[int], event: Event) -> dict[str, list[str]]:
    rng = random.Random(1)
    picks = [rng.choice(ids) for _ in range(20)]
    return {
        "name, rare (lefevre 4242)": ["lefevre 4242", "bennani 123", "tazi 4999"],
        "name, common (salma)": ["salma", "HELENE", "omar ziani"],
        "Arabic, folded (محمد)": ["محمد", "الامين", "فاطمه"],
        "e-mail (guest777@)": ["guest777@", "guest31415@example", "@example13.ma"],
        "organisation (ecole centrale)": ["ecole centrale", "argan", "جامعة"],
        "registration number": [f"{event.id:03d}-{pick:06d}" for pick in picks],
        "nothing found": ["zzzqqq", "xylophone", "نننننن"],
    }


def time_queries(event: Event, ids: list[int], repeat: int) -> list[tuple[str, float, float, int]]:
    lines = []
    for label, typed in queries(ids, event).items():
        find_people(event, typed[0])  # warm
        timings, found = [], 0
        for round_number in range(repeat):
            text_typed = typed[round_number % len(typed)]
            started = time.perf_counter()
            people = find_people(event, text_typed)
            timings.append((time.perf_counter() - started) * 1000)
            found = max(found, len(people))
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        lines.append((label, statistics.median(timings), p95, found))
    return lines


def run(database_uri: str, count: int, repeat: int) -> list[tuple[str, float, float, int]]:
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        db.create_all()
        try:
            started = time.perf_counter()
            event, ids = seed(count)
            print(f"  seeded {count:,} registrations in {time.perf_counter() - started:.1f} s")
            event = db.session.get(Event, event.id)
            return time_queries(event, ids, repeat)
        finally:
            db.session.remove()
            db.engine.dispose()


def print_table(title: str, lines: list[tuple[str, float, float, int]]) -> None:
    print(f"\n{title}")
    print(f"  {'query':32} {'median ms':>10} {'p95 ms':>8} {'found':>6}")
    for label, median, p95, found in lines:
        print(f"  {label:32} {median:10.2f} {p95:8.2f} {found:6d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        lines = run(f"sqlite:///{folder}/desk.sqlite3", args.registrations, args.repeat)
        print_table(f"SQLite, {args.registrations:,} registrations, limit 20", lines)
    if args.no_postgres or not POSTGRES_SERVER_URL:
        print("\nPostgreSQL: skipped (set EVENTHUB_BENCH_DATABASE_URL)")
        return
    with postgres_database(POSTGRES_SERVER_URL, "bench_desk") as url:
        print("\nPostgreSQL")
        lines = run(url.replace("postgresql://", "postgresql+psycopg://", 1), args.registrations,
                    args.repeat)  # fmt: skip
        print_table(f"PostgreSQL, {args.registrations:,} registrations, limit 20", lines)


if __name__ == "__main__":
    main()
