"""Registrations under real concurrency: gunicorn with 4 workers on a dedicated database.

- 40 simultaneous API registrations for an event of capacity 10: exactly 10 confirmed and
  30 waitlisted; the confirmed count never goes above the capacity. The control run serves
  the same requests from an app without the lock (`raced_app(…, guarded=False)`) and
  over-fills the event: the requests really overlap, and the lock is what keeps the count.
- 10 simultaneous registrations of one address: exactly one is created, the others get a
  clean 409, never a 500.
- The rate limit with REDIS_URL holds across the 4 workers: 20 POSTs under a limit of
  "5 per minute" let exactly 5 through.

The workers serve `raced_app`, which holds every registration for a moment between counting
the places and inserting its row (a wrapper around `has_room`, installed by this module, not
by the application), so that the requests really overlap.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from eventhub import create_app
from eventhub.events.models import AttendeeCategory, Event
from eventhub.registration import register as registration_logic
from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    post_json,
    run_in_app,
)

pytestmark = pytest.mark.slow

CAPACITY = 10
ATTEMPTS = 40
WINDOW = 0.1  # seconds between counting the places and inserting
# The control run: fewer requests (enough to pass the capacity), a longer window.
CONTROL_ATTEMPTS = 20
# A window much longer than the rest of a request (its badge and e-mail included): with
# 0.1 s the other three workers were once all past their commits while the tenth place was
# taken, and the race did not show.
CONTROL_WINDOW = 0.5
REDIS_URL = "redis://127.0.0.1:6379/7"
GUARDED_APP = f"tests.registration.test_concurrency:raced_app({WINDOW})"
UNGUARDED_APP = f"tests.registration.test_concurrency:raced_app({CONTROL_WINDOW}, guarded=False)"

SETUP = f"""
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from datetime import date, timedelta
event = Event(slug="race", name="Race Expo", kind="expo", status="published", venue="V",
              city="Rabat", first_day=date.today() + timedelta(days=5),
              last_day=date.today() + timedelta(days=6), capacity={CAPACITY})
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.commit()
result = event.id
"""

COUNTS = """
from sqlalchemy import func, select
from eventhub.extensions import db
from eventhub.registration.models import Registration
rows = db.session.execute(select(Registration.status, func.count()).group_by(Registration.status))
result = {status: count for status, count in rows}
"""


def body(number: int, email: str | None = None) -> dict[str, Any]:
    return {
        "first_name": "Amine",
        "last_name": f"Racer {number}",
        "email": email or f"racer{number}@example.com",
        "country": "MA",
    }


def all_at_once(count: int, call: Callable[[int], tuple[int, Any]]) -> list[tuple[int, Any]]:
    """`count` threads released together by a barrier; every wait is bounded."""
    barrier = threading.Barrier(count)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def one(number: int) -> None:
        barrier.wait(timeout=30)
        answer = call(number)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == count, f"only {len(answers)} of {count} requests answered"
    return answers


def hold_after_counting(seconds: float) -> None:
    """Make every registration wait `seconds` after counting the places (`has_room`, which
    `register` calls between the count and the insert), in this process."""
    count_places = registration_logic.has_room

    def counted_then_held(event: Event, category: AttendeeCategory) -> bool:
        room = count_places(event, category)
        time.sleep(seconds)
        return room

    registration_logic.has_room = counted_then_held


def raced_app(window: float, guarded: bool = True) -> Flask:
    """The app the race's gunicorn workers serve: the window widened, and for the control
    run only (`guarded=False`) the capacity lock taken out."""
    hold_after_counting(window)
    if not guarded:
        registration_logic.lock_event_places = lambda _event: None
    return create_app()


@contextmanager
def registration_server(
    database_url: str,
    tmp_path: Path,
    *,
    setup: bool = True,
    app: str = GUARDED_APP,
    **settings: str,
) -> Iterator[Any]:
    options = {
        "EVENTHUB_OUTBOX": str(tmp_path / "outbox"),
        "EVENTHUB_REGISTRATION_RATE_LIMIT": "1000 per minute",
        **settings,
    }
    env = app_env(database_url, **options)
    if setup:
        flask_command(env, "db", "upgrade")
        run_in_app(env, SETUP)
    with gunicorn(env, workers=4, app=app) as base_url:
        yield env, base_url


def check_capacity_race(env: dict[str, str], base_url: str) -> None:
    url = f"{base_url}/api/v1/events/race/registrations"
    answers = all_at_once(ATTEMPTS, lambda n: post_json(url, body(n)))
    outcome = Counter(
        (status, answer.get("status") if isinstance(answer, dict) else None)
        for status, answer in answers
    )
    assert outcome == Counter(
        {(201, "confirmed"): CAPACITY, (201, "waitlisted"): ATTEMPTS - CAPACITY}
    ), outcome
    assert run_in_app(env, COUNTS) == {"confirmed": CAPACITY, "waitlisted": ATTEMPTS - CAPACITY}

    duplicates = all_at_once(10, lambda n: post_json(url, body(n, "same@example.com")))
    statuses = Counter(status for status, _answer in duplicates)
    # One registration; the others are answered "check your e-mail" (the unique constraint
    # decides the ones that raced past the first look-up).
    assert statuses == Counter({201: 1, 202: 9}), duplicates
    assert {a["status"] for s, a in duplicates if s == 202} == {"check_email"}


@pytest.mark.postgres
@needs_postgres
def test_capacity_holds_under_concurrent_registrations_on_postgresql(tmp_path: Path):
    with (
        dedicated_postgres_database("reg_race") as url,
        registration_server(url, tmp_path) as (env, base_url),
    ):
        check_capacity_race(env, base_url)


@pytest.mark.postgres
@needs_postgres
def test_control_run_without_the_lock_overfills_the_event(tmp_path: Path):
    with (
        dedicated_postgres_database("reg_race_control") as url,
        registration_server(url, tmp_path, app=UNGUARDED_APP) as (env, base_url),
    ):
        url = f"{base_url}/api/v1/events/race/registrations"
        answers = all_at_once(CONTROL_ATTEMPTS, lambda n: post_json(url, body(n)))
        assert {status for status, _answer in answers} == {201}, answers
        counts = run_in_app(env, COUNTS)
        assert counts["confirmed"] > CAPACITY, counts  # the race the lock prevents


def test_capacity_holds_under_concurrent_registrations_on_sqlite(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    with registration_server(url, tmp_path) as (env, base_url):
        check_capacity_race(env, base_url)


@pytest.fixture
def redis_db() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def limited_run(base_url: str) -> list[int]:
    """20 registrations sent together, so that all 4 workers answer some of them."""
    target = f"{base_url}/api/v1/events/race/registrations"
    answers = all_at_once(20, lambda n: post_json(target, body(n)))
    refused = [answer for status, answer in answers if status == 429]
    assert all(answer["error"]["code"] == "rate_limited" for answer in refused)
    return [status for status, _answer in answers]


@pytest.mark.postgres
@needs_postgres
def test_rate_limit_holds_across_workers_with_redis(tmp_path: Path, redis_db: Any):
    with dedicated_postgres_database("reg_limit") as url:
        with registration_server(
            url, tmp_path, REDIS_URL=REDIS_URL, EVENTHUB_REGISTRATION_RATE_LIMIT="5 per minute"
        ) as (_env, base_url):
            statuses = limited_run(base_url)
        assert sum(1 for status in statuses if status != 429) == 5, statuses
        assert statuses.count(201) == 5
        assert redis_db.dbsize() > 0  # the counters live in Redis, shared by the workers

        # Control: with each worker's own memory (no REDIS_URL), the same limit lets more
        # requests through: what the shared storage prevents.
        with registration_server(
            url,
            tmp_path,
            setup=False,
            REDIS_URL="",
            EVENTHUB_REGISTRATION_RATE_LIMIT="5 per minute",
        ) as (_env, base_url):
            control = limited_run(base_url)
        assert sum(1 for status in control if status != 429) > 5, control
