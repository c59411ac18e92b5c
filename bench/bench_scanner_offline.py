"""The offline-first door scanner page with 50,000 badges, in Chromium (issue 17).

Seeds one running event with 50,000 registrations (names in Latin and Arabic script, three
categories, 5 % cancelled, 2 % of badges reissued, a fifth admitted today), serves the app
on 127.0.0.1 (werkzeug, threaded, SQLite) and drives Debian's Chromium with Playwright, as
the browser tests do. In the page it times (performance.measure, see static/js/scanner.js):
- the door list's download and store: the GET, its JSON parse and the one IndexedDB
  transaction that stores it (median of --lists fresh browser profiles);
- the delta after 100 registrations changed;
- the size of the IndexedDB database (navigator.storage.estimate, Chromium's usageDetails);
- offline decisions: code entered → answer on screen, for --scans scans with the network
  cut (median and p95), each a keyed hash, two IndexedDB reads, the rules, the queue write
  after the screen.
Then the same with the CPU slowed four times (DevTools' CPU throttling), as a stand-in for a
mid-range phone. The issue's bar: an offline decision in under 50 ms.

    python bench/bench_scanner_offline.py [--registrations 50000] [--scans 50] [--lists 3]
"""

from __future__ import annotations

import argparse
import logging
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, update
from werkzeug.serving import make_server

from eventhub import create_app
from eventhub.auth.models import User
from eventhub.auth.passwords import hash_password
from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import make_badge_token
from eventhub.checkin.gates import add_gate
from eventhub.checkin.models import Scan
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration
from eventhub.registration.search import search_key

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
TIMEZONE = "Africa/Casablanca"
GATE = "Hall door"
PASSWORD = "bench-door-password"  # noqa: S105 (a throwaway account of the bench database)
FIRST = ["Salma", "Youssef", "Hélène", "Omar", "Imane", "Karim", "Zoé", "Rachid", "Nadia",
         "مُحَمَّد", "فاطمة", "أحمد", "إيمان", "يوسف", "سلمى"]  # fmt: skip
LAST = ["Bennani", "Alaoui", "Lefèvre", "Ziani", "El Idrissi", "Tazi", "Amrani", "Chraïbi",
        "الأمين", "العلوي", "بناني", "الإدريسي"]  # fmt: skip
BATCH = 5000
CHANGED = 100
THROTTLED_CPU = 4
LIST_TIMEOUT_MS = 300_000


def seed(count: int) -> tuple[str, list[str]]:
    """The event's slug and the badge tokens of its registrations."""
    rng = random.Random(17)
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    event = Event(slug="bench-scanner", name="Bench Scanner", kind="expo", status="published",
                  venue="V", city="Marrakech", first_day=today - timedelta(days=1),
                  last_day=today + timedelta(days=1), timezone=TIMEZONE)  # fmt: skip
    hall = Zone(name="Hall 1")
    event.zones = [hall]
    event.categories = [
        AttendeeCategory(name="Visitor", colour="#2563eb", is_default=True),
        AttendeeCategory(name="Exhibitor", colour="#16a34a", position=1),
        AttendeeCategory(name="VIP", colour="#111827", position=2),
    ]
    db.session.add(event)
    db.session.flush()
    add_gate(event, GATE, hall)
    staff = User(role="staff", email="door@bench.test", name="Door",
                 password_hash=hash_password(PASSWORD))  # fmt: skip
    db.session.add(staff)
    db.session.commit()
    category_ids = [category.id for category in event.categories]
    key = badge_signing_key()
    now = utcnow() - timedelta(hours=2)  # before any cursor's overlap, as after a day's use
    tokens = []
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, count)):
            first, last = rng.choice(FIRST), f"{rng.choice(LAST)} {number}"
            email = f"guest{number}@example{number % 97}.ma"
            status = "cancelled" if rng.random() < 0.05 else "confirmed"
            version = rng.randint(2, 4) if rng.random() < 0.02 else 1
            code = rng.getrandbits(62) + 1
            tokens.append(make_badge_token(code, version, key))
            rows.append({
                "event_id": event.id, "category_id": rng.choices(category_ids, (90, 8, 2))[0],
                "email": email, "first_name": first, "last_name": last, "organization": "",
                "status": status, "source": "import", "language": "fr",
                "manage_token": secrets.token_urlsafe(32), "badge_code": code,
                "badge_version": version, "created_at": now, "updated_at": now,
                "search_key": search_key(first, last, email, ""),
            })  # fmt: skip
        db.session.execute(insert(Registration), rows)
    db.session.commit()
    ids = db.session.scalars(select(Registration.id).order_by(Registration.id)).all()
    db.session.execute(
        insert(Scan),
        [
            {"event_id": event.id, "registration_id": row_id, "gate": GATE, "result": "admitted",
             "code": "x", "device": "", "scanned_at": now, "recorded_at": now, "day": today,
             "zone_key": hall.id}
            for row_id in ids[::5]
        ],
    )  # fmt: skip
    db.session.commit()
    return event.slug, tokens


class Server:
    def __init__(self, app: Any) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def measures(page: Any, name: str) -> list[dict[str, Any]]:
    return page.evaluate(
        "(name) => performance.getEntriesByName(name)"
        ".map((entry) => ({duration: entry.duration, detail: entry.detail}))",
        name,
    )


def sign_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.fill("main form input[name='email']", "door@bench.test")
    page.fill("main form input[name='password']", PASSWORD)
    page.click("main form button[type='submit']")
    page.wait_for_url(lambda address: "/login" not in address)


def open_scanner(browser: Any, url: str, slug: str, count: int, cpu: int) -> tuple[Any, Any]:
    """A fresh profile on the scanner page, its list of `count` badges downloaded."""
    context = browser.new_context(base_url=url, locale="en-GB")
    page = context.new_page()
    sign_in(page, url)
    if cpu > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    page.goto(f"{url}/events/{slug}/scan")
    page.wait_for_function(
        f"document.getElementById('status-list').dataset.count === '{count}'",
        timeout=LIST_TIMEOUT_MS,
    )
    return context, page


def indexeddb_bytes(page: Any) -> int | None:
    return page.evaluate(
        "navigator.storage.estimate().then((e) => e.usageDetails ? e.usageDetails.indexedDB : null)"
    )


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


PHASES = {
    "answerMs": "server builds + sends its headers",
    "bodyMs": "body downloaded + JSON parsed",
    "storeMs": "one IndexedDB transaction",
}


def bench_lists(browser: Any, url: str, slug: str, count: int, lists: int, cpu: int) -> dict:
    """Median ms of the full list's download and store, and of each phase; its rows; the
    IndexedDB database's size."""
    entries, size = [], None
    for _ in range(lists):
        context, page = open_scanner(browser, url, slug, count, cpu)
        entries.append(measures(page, "eventhub-door-list")[0])
        size = indexeddb_bytes(page)
        context.close()
    return {
        "list_ms": statistics.median(entry["duration"] for entry in entries),
        "phases": {
            phase: statistics.median(entry["detail"][phase] for entry in entries)
            for phase in PHASES
        },
        "idb_bytes": size,
        "rows": entries[0]["detail"],
    }


def bench_scans(page: Any, tokens: list[str], scans: int) -> list[float]:
    """Offline decisions on `scans` badges (some unknown, some twice), in the page's ms."""
    rng = random.Random(5)
    picks = rng.sample(tokens, scans - scans // 10) + ["1" + "A" * 32] * (scans // 10)
    rng.shuffle(picks)
    page.context.set_offline(True)
    page.wait_for_function("document.getElementById('scanner-status').dataset.online === 'false'")
    page.select_option("#gate", GATE)
    page.click("#scan-code")
    before = len(measures(page, "eventhub-scan"))
    for number, token in enumerate(picks, start=1):
        page.keyboard.type(token)
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"performance.getEntriesByName('eventhub-scan').length >= {before + number}"
        )
    entries = measures(page, "eventhub-scan")[before:]
    assert all(entry["detail"]["offline"] for entry in entries), "a scan was answered online"
    page.wait_for_function(f"document.getElementById('status-queue').dataset.count === '{scans}'")
    return [entry["duration"] for entry in entries]


def bench_delta(app: Any, page: Any, slug: str) -> float:
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
        changed = db.session.scalars(
            select(Registration.id)
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
            .limit(CHANGED * 400)
        ).all()[::400]
        db.session.execute(
            update(Registration)
            .where(Registration.id.in_(changed))
            .values(first_name="Karima", updated_at=utcnow())
        )
        db.session.commit()
    before = len(measures(page, "eventhub-door-list"))
    page.evaluate("window.dispatchEvent(new Event('online'))")  # sync now
    page.wait_for_function(
        f"performance.getEntriesByName('eventhub-door-list').length > {before}", timeout=60_000
    )
    return measures(page, "eventhub-door-list")[before]["duration"]


def run(app: Any, url: str, slug: str, tokens: list[str], args: argparse.Namespace) -> list:
    from playwright.sync_api import sync_playwright

    count = len(tokens)
    lines = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for cpu in (1, THROTTLED_CPU):
                label = "desktop CPU" if cpu == 1 else f"CPU / {cpu} (mid-range phone)"
                figures = bench_lists(browser, url, slug, count, args.lists, cpu)
                context, page = open_scanner(browser, url, slug, count, cpu)
                delta_ms = bench_delta(app, page, slug)
                timings = bench_scans(page, tokens, args.scans)
                context.close()
                rows = figures["rows"]
                lines += [
                    (label, ""),
                    (
                        f"  full list ({rows['badges']:,} badge rows, {rows['entries']:,} "
                        "entries): GET + parse + store, median ms",
                        f"{figures['list_ms']:.0f}",
                    ),
                    *[
                        (f"    of which {label}, median ms", f"{figures['phases'][phase]:.0f}")
                        for phase, label in PHASES.items()
                    ],
                    (
                        f"  delta after {CHANGED} changed: GET + parse + store, ms",
                        f"{delta_ms:.0f}",
                    ),
                    (
                        "  IndexedDB size, MB",
                        f"{figures['idb_bytes'] / 1e6:.1f}" if figures["idb_bytes"] else "n/a",
                    ),
                    (
                        f"  offline decision, code → screen, median ms ({len(timings)} scans)",
                        f"{statistics.median(timings):.1f}",
                    ),
                    ("  offline decision, code → screen, p95 ms", f"{percentile_95(timings):.1f}"),
                    ("  offline decision, max ms", f"{max(timings):.1f}"),
                ]
        finally:
            browser.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--scans", type=int, default=50)
    parser.add_argument("--lists", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    if not CHROMIUM.exists():
        print("Skipped: Debian's Chromium is not installed (apt-get install -y chromium)")
        return
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/scan.sqlite3"}
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            slug, tokens = seed(args.registrations)
            print(f"  seeded {args.registrations:,} registrations in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            db.session.remove()
        server = Server(app)
        try:
            lines = run(app, server.url, slug, tokens, args)
        finally:
            server.stop()
            with app.app_context():
                db.engine.dispose()
    print(f"\nScanner page in Chromium, {args.registrations:,} registrations (SQLite, loopback)")
    for label, value in lines:
        print(f"  {label:78} {value:>8}")


if __name__ == "__main__":
    main()
