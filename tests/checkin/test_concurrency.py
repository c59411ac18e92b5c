"""Two gates scanning one badge at the same instant: exactly one admission.

Real gunicorn workers serving tests/checkin/race_app.py (EventHub with every scan's
insert held a moment by a listener of the test, so that the requests really overlap),
and a control run without the unique index that shows the race happening.
"""

from __future__ import annotations

import threading
import uuid
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
RACE_APP = "tests.checkin.race_app:create_app()"

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


def scans_at_once(base_url: str, secret: str, payloads: list[dict]) -> list[tuple[int, dict]]:
    """POST every scan payload at the same instant, one thread each; (status, body) each."""
    barrier = threading.Barrier(len(payloads))
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def one(payload: dict) -> None:
        barrier.wait(timeout=20)
        answer = post_json(
            f"{base_url}/api/v1/events/race/checkins",
            payload,
            {"Authorization": f"Bearer {secret}"},
        )
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == len(payloads), answers
    return answers


def scan_all_at_once(base_url: str, secret: str, code: str) -> Counter:
    """One badge at SCANS gates at once: how many answers of each (status, result)."""
    payloads = [{"code": code, "gate": f"Gate {gate}"} for gate in range(SCANS)]
    answers = scans_at_once(base_url, secret, payloads)
    return Counter((status, body.get("result")) for status, body in answers)


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
    env = app_env(database_url)
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP)
    with gunicorn(env, workers=4, app=RACE_APP) as base_url:
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


def scan_from_every_worker(base_url: str, secret: str, code: str, gate: str) -> Counter:
    """SCANS scans at once (so that every worker answers some), by status and error code."""
    payloads = [{"code": code, "gate": gate, "nonce": uuid.uuid4().hex} for _ in range(SCANS)]
    answers = scans_at_once(base_url, secret, payloads)
    return Counter((status, body.get("error", {}).get("code")) for status, body in answers)


@contextmanager
def plain_server(database_url: str):
    env = app_env(database_url)
    flask_command(env, "db", "upgrade")
    setup = run_in_app(env, SETUP)
    with gunicorn(env, workers=4) as base_url:
        yield env, base_url, setup


def changes_from_another_process_count_at_the_next_scan(env, base_url, setup) -> None:
    secret, (first, second) = setup["secret"], setup["tokens"]
    warm = scan_from_every_worker(base_url, secret, first, "Any door")
    assert sum(warm.values()) == SCANS and all(status in (200, 201) for status, _ in warm)

    run_in_app(  # the organiser adds the event's first gate, elsewhere
        env,
        """
from eventhub.checkin.gates import add_gate
from eventhub.events.lookup import find_event
from eventhub.extensions import db
add_gate(find_event("race"), "North", None)
db.session.commit()
result = True
""",
    )
    assert scan_from_every_worker(base_url, secret, second, "Any door") == Counter(
        {(404, "unknown_gate"): SCANS}
    )
    assert all(
        status in (200, 201)
        for status, _ in scan_from_every_worker(base_url, secret, second, "north")
    )

    run_in_app(  # and revokes the device's token
        env,
        """
from sqlalchemy import select
from eventhub.auth.accounts import revoke_api_token
from eventhub.auth.models import ApiToken
from eventhub.extensions import db
revoke_api_token(db.session.scalar(select(ApiToken)))
db.session.commit()
result = True
""",
    )
    assert scan_from_every_worker(base_url, secret, second, "North") == Counter(
        {(401, "invalid_token"): SCANS}
    )


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_a_revoked_token_and_a_new_gate_count_at_once_in_every_worker_on_postgresql():
    with dedicated_postgres_database("checkin_changes") as url, plain_server(url) as server:
        changes_from_another_process_count_at_the_next_scan(*server)


@pytest.mark.slow
def test_a_revoked_token_and_a_new_gate_count_at_once_in_every_worker_on_sqlite(
    tmp_path: Path,
):
    with plain_server(f"sqlite:///{tmp_path / 'changes.sqlite3'}") as server:
        changes_from_another_process_count_at_the_next_scan(*server)
