"""Two gates scanning one badge at the same instant: exactly one admission.

Real gunicorn workers, a test-only delay between the check and the write
(CHECKIN_RACE_WINDOW_SECONDS) so that the requests really overlap, and a control run
on a copy of the schema without the unique index that shows the race happening.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    post_json,
    run_in_app,
)

SCANS = 8
WINDOW = "0.4"

SETUP = """
from datetime import date, timedelta
from eventhub.auth.accounts import create_user, issue_api_token
from eventhub.badges.signing import badge_token
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
event = Event(slug="race", name="Race Expo", kind="expo", status="published", venue="V",
              city="Rabat", first_day=date.today() - timedelta(days=1),
              last_day=date.today() + timedelta(days=1))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.flush()
staff = create_user("gate@example.test", "gate-password-1", "staff", "Gate staff")
secret = issue_api_token(staff, "race").secret
tokens = []
for number in range(2):
    attendee = Attendee("Amine", f"Racer {number}", f"racer{number}@example.test")
    registration = register(event, event.categories[0], attendee, enforce_window=False)
    db.session.flush()
    tokens.append(badge_token(registration))
db.session.commit()
result = {"secret": secret, "tokens": tokens}
"""


def scan_all_at_once(base_url: str, secret: str, code: str) -> Counter:
    barrier = threading.Barrier(SCANS)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def one(gate: int) -> None:
        barrier.wait(timeout=20)
        status, body = post_json(
            f"{base_url}/api/v1/events/race/checkins",
            {"code": code, "gate": f"Gate {gate}"},
            {"Authorization": f"Bearer {secret}"},
        )
        with lock:
            answers.append((status, body.get("result") if isinstance(body, dict) else None))

    threads = [threading.Thread(target=one, args=(gate,)) for gate in range(SCANS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == SCANS, answers
    return Counter(answers)


def admissions(env: dict[str, str]) -> int:
    return run_in_app(
        env,
        """
from sqlalchemy import func, select
from eventhub.checkin.models import Scan
from eventhub.extensions import db
result = db.session.scalar(select(func.count()).where(Scan.result == "admitted"))
""",
    )


@contextmanager
def race_server(database_url: str):
    env = app_env(database_url, EVENTHUB_CHECKIN_RACE_WINDOW_SECONDS=WINDOW)
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP)
    with gunicorn(env, workers=4) as base_url:
        yield env, base_url, setup


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_one_admission_among_simultaneous_scans_on_postgresql():
    with dedicated_postgres_database("checkin_race") as url, race_server(url) as (env, base, setup):
        answers = scan_all_at_once(base, setup["secret"], setup["tokens"][0])
        assert answers == Counter({(201, "admitted"): 1, (200, "already_inside"): SCANS - 1})
        assert admissions(env) == 1

        # Control: without the unique index the same requests admit the badge twice or
        # more, which shows the requests really raced and that the index is the guard.
        run_in_app(
            env,
            """
from sqlalchemy import text
from eventhub.extensions import db
db.session.execute(text("DROP INDEX uq_scans_one_admission_per_day"))
db.session.commit()
result = True
""",
        )
        control = scan_all_at_once(base, setup["secret"], setup["tokens"][1])
        assert control[(201, "admitted")] > 1, control


@pytest.mark.slow
def test_one_admission_among_simultaneous_scans_on_sqlite(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    with race_server(url) as (env, base, setup):
        answers = scan_all_at_once(base, setup["secret"], setup["tokens"][0])
        assert answers == Counter({(201, "admitted"): 1, (200, "already_inside"): SCANS - 1})
        assert admissions(env) == 1
