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

import socket
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from devtools.workers import celery_worker
from eventhub.notifications.models import MailMessage
from tests.jobs.helpers import SWEEP, mail_rows, register, statuses, wait_for
from tests.support.servers import free_port, gunicorn, run_in_app

pytestmark = pytest.mark.slow

REGISTRATIONS_WITH_SMTP_DOWN = 200


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
