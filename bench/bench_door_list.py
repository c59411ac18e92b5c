"""The scanners' door list of 50,000 badges, on SQLite and PostgreSQL.

Seeds one published event with 50,000 registrations (names in Latin and Arabic script,
three categories, 5 % cancelled, 3 % waitlisted, 2 % of badges reissued up to four times),
a fifth of them admitted today, some gone out and back in. Then times, in the app's process:
`build_door_list` for the full list (median of the repetitions), its JSON encoding and
gzip (level 6, Flask-Compress's), the whole GET through the app with an API token and
`Accept-Encoding: gzip`; then the delta after 100 registrations changed, and the bytes of
each (JSON, gzip, and zstd/brotli as Flask-Compress prefers them when a browser offers
them). PostgreSQL runs when EVENTHUB_BENCH_DATABASE_URL or EVENTHUB_TEST_DATABASE_URL
names a server (a database `bench_door_list` is created on it and dropped after), unless
--no-postgres. The issue's budget: 50,000 badges in at most 5 MB over the wire.

    python bench/bench_door_list.py [--registrations 50000] [--repeat 7] [--no-postgres]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import brotli
from flask import Flask
from flask_compress.compat import compression
from sqlalchemy import insert, select, text, update

from devtools.servers import postgres_database
from eventhub import create_app
from eventhub.auth.accounts import issue_api_token
from eventhub.auth.models import User
from eventhub.checkin.door_list import build_door_list
from eventhub.checkin.models import Scan
from eventhub.checkin.scanning import event_day
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration
from eventhub.registration.search import search_key

POSTGRES_SERVER_URL = os.environ.get("EVENTHUB_BENCH_DATABASE_URL") or os.environ.get(
    "EVENTHUB_TEST_DATABASE_URL"
)
FIRST = ["Salma", "Youssef", "Hélène", "Omar", "Imane", "Karim", "Zoé", "Rachid", "Nadia",
         "Amina", "Mehdi", "Sofia", "Hamza", "Leila", "Anas", "Camille", "Ines", "Yassine",
         "مُحَمَّد", "فاطمة", "أحمد", "إيمان", "يوسف", "سلمى", "خديجة", "عمر", "ليلى"]  # fmt: skip
SYLLABLES = ["ben", "al", "ta", "zi", "ra", "mou", "el", "dri", "ssi", "ka", "la", "oui",
             "cha", "bi", "ne", "fas", "ri", "ha", "mi", "do"]  # fmt: skip
ARABIC_LAST = ["الأمين", "العلوي", "بناني", "الإدريسي", "التازي", "الفاسي", "الشرايبي",
               "المنصوري", "الزياني", "العمراني"]  # fmt: skip
BATCH = 5000
CHANGED = 100
GZIP_LEVEL = 6  # Flask-Compress's COMPRESS_LEVEL


def last_name(rng: random.Random) -> str:
    """Some 8,000 different family names: real lists are far more varied than a few."""
    if rng.random() < 0.25:
        return rng.choice(ARABIC_LAST)
    prefix = rng.choice(["", "", "", "El ", "Ben "])
    return prefix + "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def seed(count: int) -> Event:
    rng = random.Random(17)
    now = utcnow()
    before = now - timedelta(hours=2)  # everything written before the cursor's overlap
    today = now.date()
    event = Event(slug="bench-door-list", name="Bench Door List", kind="expo",
                  status="published", venue="V", city="Marrakech",
                  first_day=today - timedelta(days=1), last_day=today + timedelta(days=1),
                  timezone="Africa/Casablanca")  # fmt: skip
    event.categories = [
        AttendeeCategory(name="Visitor", colour="#2563eb", is_default=True),
        AttendeeCategory(name="Exhibitor", colour="#16a34a", position=1),
        AttendeeCategory(name="VIP", colour="#111827", position=2),
    ]
    db.session.add(event)
    db.session.commit()
    category_ids = [category.id for category in event.categories]
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, count)):
            first, last = rng.choice(FIRST), last_name(rng)
            email = f"guest{number}@example{number % 97}.ma"
            draw = rng.random()
            status = "cancelled" if draw < 0.05 else "waitlisted" if draw < 0.08 else "confirmed"
            version = rng.randint(2, 5) if rng.random() < 0.02 else 1
            rows.append({
                "event_id": event.id, "category_id": rng.choices(category_ids, (90, 8, 2))[0],
                "email": email, "first_name": first, "last_name": last, "organization": "",
                "status": status, "source": "import", "language": "fr",
                "manage_token": secrets.token_urlsafe(32), "badge_code": rng.getrandbits(62) + 1,
                "badge_version": version, "created_at": before, "updated_at": before,
                "search_key": search_key(first, last, email, ""),
            })  # fmt: skip
        db.session.execute(insert(Registration), rows)
    db.session.commit()
    seed_scans(event, rng, before)
    db.session.execute(text("ANALYZE"))  # the planner's statistics, as after a day's use
    db.session.commit()
    return event


def seed_scans(event: Event, rng: random.Random, before: datetime) -> None:
    """A fifth admitted today; a tenth of those gone out, half of those back in."""
    day = event_day(event, before)
    ids = db.session.scalars(
        select(Registration.id).where(Registration.status == "confirmed").order_by(Registration.id)
    ).all()

    def movements(result: str, of: list[tuple[int, int | None]]) -> list[int]:
        rows = [
            {"event_id": event.id, "registration_id": registration_id, "gate": "North",
             "result": result, "code": "x", "device": "", "day": day, "follows_scan_id": follows,
             "scanned_at": before - timedelta(seconds=rng.randint(0, 3600)),
             "recorded_at": before}
            for registration_id, follows in of
        ]  # fmt: skip
        statement = insert(Scan).returning(Scan.id, sort_by_parameter_order=True)
        return db.session.scalars(statement, rows).all()

    admitted = ids[::5]
    admitted_scans = movements("admitted", [(row_id, None) for row_id in admitted])
    out = list(zip(admitted[::10], admitted_scans[::10], strict=True))
    exit_scans = movements("exited", out)
    movements(
        "reentered",
        [(row_id, scan) for (row_id, _), scan in list(zip(out, exit_scans, strict=True))[::2]],
    )
    movements("already_inside", [(row_id, None) for row_id in admitted[::7]])
    db.session.commit()


def bench_staff() -> User:
    """A door staff account for the API token (it never signs in: no password)."""
    return User(role="staff", email="door@bench.test", name="Door", password_hash="!")  # noqa: S106


@dataclass(frozen=True)
class Timing:
    """Medians of the wall-clock time and of this process's CPU time (less sensitive to
    other processes on a busy machine; a PostgreSQL server's own work is not in it)."""

    wall_ms: float
    cpu_ms: float

    def text(self, digits: int = 0) -> str:
        return f"{self.wall_ms:.{digits}f} ({self.cpu_ms:.{digits}f})"


def median_ms(action: Callable[[], Any], repeat: int) -> tuple[Timing, Any]:
    action()  # warm
    wall, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return Timing(statistics.median(wall), statistics.median(cpu)), result


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def sizes(body: dict[str, Any]) -> dict[str, int]:
    raw = encode(body)
    return {
        "json": len(raw),
        "gzip": len(gzip.compress(raw, GZIP_LEVEL)),
        "zstd": len(compression.zstd.compress(raw, 3)),
        "br": len(brotli.compress(raw, quality=4, lgwin=22)),
    }


def http_get_ms(app: Flask, path: str, secret: str, repeat: int) -> tuple[Timing, int, str]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Encoding": "gzip"}

    def get() -> Any:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.status_code
        return response

    elapsed, response = median_ms(get, repeat)
    return elapsed, len(response.get_data()), response.headers.get("Content-Encoding", "none")


def run(database_uri: str, count: int, repeat: int) -> list[tuple[str, str]]:
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    lines: list[tuple[str, str]] = []
    with app.app_context():
        db.create_all()
        try:
            started = time.perf_counter()
            event = seed(count)
            print(f"  seeded {count:,} registrations in {time.perf_counter() - started:.1f} s")
            slug, event_id = event.slug, event.id
            secret = issue_api_token(bench_staff(), "bench").secret
            db.session.commit()
            event = db.session.get(Event, event_id)
            build_ms, full = median_ms(lambda: build_door_list(event, None, utcnow()), repeat)
            encode_ms, raw = median_ms(lambda: encode(full), repeat)
            gzip_ms, _ = median_ms(lambda: gzip.compress(raw, GZIP_LEVEL), repeat)
            full_sizes = sizes(full)
            badges = len(full["badges"])
            lines += [
                ("badge rows (registrations + reissued versions)", f"{badges:,}"),
                ("entries today (in/out)", f"{len(full['entries']):,}"),
                ("full list: build_door_list, ms", build_ms.text()),
                ("full list: JSON encode, ms", encode_ms.text()),
                ("full list: gzip -6, ms", gzip_ms.text()),
                *[(f"full list: {name} bytes", f"{size:,}") for name, size in full_sizes.items()],
                ("full list: gzip bytes per badge row", f"{full_sizes['gzip'] / badges:.1f}"),
            ]
            cursor = full["cursor"]
            changed = db.session.scalars(
                select(Registration.id).order_by(Registration.id).offset(17).limit(CHANGED * 400)
            ).all()[::400]
            db.session.execute(
                update(Registration)
                .where(Registration.id.in_(changed))
                .values(first_name="Karima", updated_at=utcnow())
            )
            db.session.commit()
            event = db.session.get(Event, event_id)
            delta_ms, delta = median_ms(lambda: build_door_list(event, cursor, utcnow()), repeat)
            assert delta["full"] is False
            delta_sizes = sizes(delta)
            lines += [
                (f"delta after {len(changed)} changed: badge rows", f"{len(delta['badges']):,}"),
                (f"delta after {len(changed)} changed: build_door_list, ms", delta_ms.text(1)),
                *[(f"delta: {name} bytes", f"{size:,}") for name, size in delta_sizes.items()],
            ]
        finally:
            db.session.remove()
    path = f"/api/v1/events/{slug}/door-list"
    elapsed, size, encoding = http_get_ms(app, path, secret, repeat)
    lines.append((f"GET full list over HTTP ({encoding}), ms", elapsed.text()))
    lines.append((f"GET full list over HTTP ({encoding}), body bytes", f"{size:,}"))
    elapsed, size, encoding = http_get_ms(app, f"{path}?since={cursor}", secret, repeat)
    lines.append((f"GET delta over HTTP ({encoding}), ms", elapsed.text(1)))
    with app.app_context():
        db.engine.dispose()
    return lines


def print_table(title: str, lines: list[tuple[str, str]]) -> None:
    print(f"\n{title} (times: median wall ms, and CPU ms of this process)")
    for label, value in lines:
        print(f"  {label:58} {value:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        lines = run(f"sqlite:///{folder}/door_list.sqlite3", args.registrations, args.repeat)
        print_table(f"SQLite, {args.registrations:,} registrations", lines)
    if args.no_postgres or not POSTGRES_SERVER_URL:
        print("\nPostgreSQL: skipped (set EVENTHUB_BENCH_DATABASE_URL)")
        return
    with postgres_database(POSTGRES_SERVER_URL, "bench_door_list") as url:
        print("\nPostgreSQL")
        lines = run(url.replace("postgresql://", "postgresql+psycopg://", 1), args.registrations,
                    args.repeat)  # fmt: skip
        print_table(f"PostgreSQL, {args.registrations:,} registrations", lines)


if __name__ == "__main__":
    main()
