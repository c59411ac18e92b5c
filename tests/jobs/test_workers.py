"""Jobs on real processes: gunicorn takes registrations, a Celery worker on the machine's
Redis sends the confirmations to a real SMTP server (aiosmtpd).

- A registration through the web process is confirmed by the worker, badge attached.
- SMTP down while 200 registrations arrive, then back on the same port: every
  confirmation arrives exactly once (by Message-ID and by recipient), every row `sent`.
- A worker killed (SIGKILL) in the middle of a sending loses nothing: the message stays
  claimed until the sweep (`requeue_stalled_mail`) queues it again for another worker.
- Redis down: a registration still succeeds at once, its message stays `queued` in the
  database, and the sweep queues it once the broker answers again.

Each test has a database of its own (SQLite in tmp, or PostgreSQL next to
EVENTHUB_TEST_DATABASE_URL) and Redis database 5, emptied before and after. Without Redis
at 127.0.0.1:6379 the tests are skipped with the reason shown, unless
EVENTHUB_REQUIRE_REDIS=1 (as .ci/run sets), which makes that a failure.
"""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text, update

from devtools.workers import SmtpSink, Worker, celery_worker, flush_redis, redis_problem
from eventhub.config import database_uri
from eventhub.notifications.models import MailMessage
from tests.support.servers import (
    POSTGRES_URL,
    app_env,
    dedicated_postgres_database,
    flask_command,
    free_port,
    gunicorn,
    post_json,
    run_in_app,
)

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/5"
SLUG = "jobs"
REGISTRATIONS_WITH_SMTP_DOWN = 200

SETUP = f"""
from datetime import date, timedelta
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
event = Event(slug="{SLUG}", name="Jobs Expo", kind="expo", status="published", venue="V",
              city="Rabat", first_day=date.today() + timedelta(days=5),
              last_day=date.today() + timedelta(days=6))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.commit()
result = event.id
"""

# What the beat does every minute: the sweep, as a job the worker runs.
SWEEP = """
from eventhub.notifications.tasks import requeue_stalled_mail
result = requeue_stalled_mail.delay().id
"""


@pytest.fixture
def redis_url() -> Iterator[str]:
    problem = redis_problem(REDIS_URL)
    if problem is not None:
        if os.environ.get("EVENTHUB_REQUIRE_REDIS") == "1":
            pytest.fail(f"{problem}; EVENTHUB_REQUIRE_REDIS=1 makes this an error.")
        pytest.skip(f"needs Redis at 127.0.0.1:6379: {problem}")
    flush_redis(REDIS_URL)
    yield REDIS_URL
    flush_redis(REDIS_URL)


@contextmanager
def database_of_its_own(tmp_path: Path) -> Iterator[str]:
    if POSTGRES_URL:
        with dedicated_postgres_database("jobs_workers") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'jobs.sqlite3'}"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A migrated database with one published event."""
    with database_of_its_own(tmp_path) as url:
        env = app_env(url)
        flask_command(env, "db", "upgrade")
        run_in_app(env, SETUP)
        yield url


@pytest.fixture
def rows(database_url: str) -> Iterator[Engine]:
    """The test's own connection to that database, to read what the processes did."""
    engine = create_engine(database_uri(database_url, Path(".")))
    yield engine
    engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture
def env(database_url: str, redis_url: str, smtp: SmtpSink, tmp_path: Path) -> dict[str, str]:
    """The settings of the web and worker processes: jobs on Redis, mail to aiosmtpd."""
    return app_env(
        database_url,
        REDIS_URL=redis_url,
        EVENTHUB_JOBS_EAGER="false",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        EVENTHUB_MAIL_RETRY_SECONDS="1",
        EVENTHUB_MAIL_TIMEOUT="5",
        EVENTHUB_OUTBOX=str(tmp_path / "outbox"),
        EVENTHUB_REGISTRATION_RATE_LIMIT="10000 per minute",
    )


@pytest.fixture
def web(env: dict[str, str]) -> Iterator[str]:
    with gunicorn(env, workers=2) as base_url:
        yield base_url


@pytest.fixture
def worker(env: dict[str, str], tmp_path: Path) -> Iterator[Worker]:
    with celery_worker(env, tmp_path / "worker.log") as running:
        yield running


def body(number: int) -> dict[str, Any]:
    return {
        "first_name": "Yassine",
        "last_name": f"Attendee {number}",
        "email": f"attendee{number}@example.com",
        "country": "MA",
    }


def register(base_url: str, number: int) -> tuple[int, Any]:
    return post_json(f"{base_url}/api/v1/events/{SLUG}/registrations", body(number))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.2)


def mail_rows(engine: Engine) -> list[tuple[str, str, int]]:
    """(recipient, status, attempts) of every message, oldest first."""
    with engine.connect() as connection:
        query = text("SELECT recipient, status, attempts FROM mail_messages ORDER BY id")
        return [tuple(row) for row in connection.execute(query)]


def statuses(engine: Engine) -> Counter:
    return Counter(status for _recipient, status, _attempts in mail_rows(engine))


def test_the_worker_sends_the_confirmation_with_the_badge(web, worker, smtp, rows):
    status, answer = register(web, 1)
    assert (status, answer["status"]) == (201, "confirmed")
    wait_for(lambda: len(smtp.received) == 1, "the confirmation at the SMTP server")

    [received] = smtp.received
    assert received.recipients == ["attendee1@example.com"]
    message = received.message()
    assert "Jobs Expo" in message["Subject"]
    [badge] = message.iter_attachments()
    assert badge.get_filename().endswith(".pdf")
    assert badge.get_content().startswith(b"%PDF")
    wait_for(lambda: statuses(rows) == {"sent": 1}, "the message recorded as sent")
    assert mail_rows(rows) == [("attendee1@example.com", "sent", 1)]
    assert "send_mail" in worker.log()


def test_smtp_down_then_back_every_confirmation_arrives_once(web, worker, smtp, rows):
    smtp.stop()
    count = REGISTRATIONS_WITH_SMTP_DOWN
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda number: register(web, number), range(count)))
    assert Counter(status for status, _answer in answers) == {201: count}
    # Every message tried at least once against the closed port, and kept for later.
    wait_for(
        lambda: all(attempts >= 1 for _r, _s, attempts in mail_rows(rows)),
        "a first failed attempt at every message",
    )
    assert statuses(rows)["sent"] == 0

    smtp.start()
    wait_for(lambda: statuses(rows) == {"sent": count}, "every message sent", timeout=180)
    time.sleep(3)  # a late duplicate would arrive now

    assert len(smtp.received) == count
    assert set(Counter(smtp.message_ids()).values()) == {1}
    recipients = Counter(smtp.recipients())
    assert set(recipients.values()) == {1}
    assert set(recipients) == {f"attendee{number}@example.com" for number in range(count)}
    assert max(attempts for _r, _s, attempts in mail_rows(rows)) >= 2


@contextmanager
def silent_smtp_port() -> Iterator[int]:
    """A port that accepts connections and never greets: a sending hangs there."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_a_worker_killed_mid_send_loses_nothing(web, env, smtp, rows, tmp_path):
    with silent_smtp_port() as port:
        hanging = {**env, "MAIL_PORT": str(port), "EVENTHUB_MAIL_TIMEOUT": "120"}
        with celery_worker(hanging, tmp_path / "killed.log", name="killed") as doomed:
            assert register(web, 1)[0] == 201
            wait_for(lambda: statuses(rows) == {"sending": 1}, "the message claimed")
            doomed.kill()
    assert mail_rows(rows) == [("attendee1@example.com", "sending", 1)]

    # Another worker; the sweep takes a message claimed more than a second ago as stalled.
    sweeping = {**env, "EVENTHUB_MAIL_STALLED_AFTER_SECONDS": "1"}
    with celery_worker(sweeping, tmp_path / "second.log", name="second") as second:
        time.sleep(1.5)
        run_in_app(sweeping, SWEEP)
        wait_for(lambda: statuses(rows) == {"sent": 1}, "the message sent by the second worker")
        time.sleep(2)
        assert "requeue_stalled_mail" in second.log()
    assert mail_rows(rows) == [("attendee1@example.com", "sent", 2)]
    assert len(smtp.received) == 1
    assert smtp.recipients() == ["attendee1@example.com"]


def test_redis_down_the_registration_succeeds_and_its_message_waits(env, worker, smtp, rows):
    unreachable = {**env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    with gunicorn(unreachable, workers=1) as web:
        started = time.monotonic()
        status, answer = register(web, 1)
        elapsed = time.monotonic() - started
    assert (status, answer["status"]) == (201, "confirmed")
    assert elapsed < 2.0, f"the registration took {elapsed:.2f}s with Redis down"
    time.sleep(2)
    assert mail_rows(rows) == [("attendee1@example.com", "queued", 0)]
    assert smtp.received == []

    # A minute later (the sweep leaves a message queued less than a minute ago to its job),
    # with the broker back, the beat's sweep queues it and the worker sends it.
    a_minute_ago = datetime.now(UTC) - timedelta(minutes=2)
    with rows.begin() as connection:
        connection.execute(update(MailMessage).values(due_at=a_minute_ago))
    run_in_app(env, SWEEP)
    wait_for(lambda: statuses(rows) == {"sent": 1}, "the waiting message sent")
    assert smtp.recipients() == ["attendee1@example.com"]
