"""Startups choosing the same booth at the same instant: exactly one gets it.

Real gunicorn workers (4) on a PostgreSQL database of their own, one logged-in session per
startup, serving the app of tests/booths/race_app.py: EventHub with each booth UPDATE held
a moment by a listener of the test, so that the requests really overlap between the check
and the write. The losers get 409 `booth_taken` with the booths still free. A control run
serves the same app with the conditional UPDATE made unconditional: then several startups
are told they got the booth, which shows the race is real and the condition is the guard.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    run_in_app,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

STARTUPS = 6
PASSWORD = "race-password-1"

SETUP = f"""
from datetime import date, timedelta
from eventhub.auth.accounts import create_user
from eventhub.booths.floorplan import BoothSpec
from eventhub.booths.layout import HallDetails, add_booths, create_hall
from eventhub.booths.models import BoothApplication
from eventhub.events.models import Event
from eventhub.extensions import db
event = Event(slug="race", name="Race Expo", kind="expo", status="published", venue="V",
              city="Rabat", first_day=date.today() + timedelta(days=5),
              last_day=date.today() + timedelta(days=6))
db.session.add(event)
db.session.flush()
hall = create_hall(event, HallDetails(name="Pavilion", width=30, depth=10))
hall.self_service = True
add_booths(event, hall, [BoothSpec(f"B0{{n}}", 3 * n, 2, 3, 3) for n in range(1, 5)])
emails = []
for number in range({STARTUPS}):
    email = f"racer{{number}}@example.test"
    user = create_user(email, "{PASSWORD}", "startup", f"Racer {{number}}")
    db.session.add(BoothApplication(event_id=event.id, startup_id=user.startup_id,
                                    area_wanted=9, status="approved"))
    emails.append(user.email)
db.session.commit()
result = emails
"""


class Session:
    """A browser's cookie jar, logged in as one startup."""

    def __init__(self, base_url: str, email: str) -> None:
        self.base = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )
        login_page = self.get("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', login_page).group(1)
        form = {"csrf_token": token, "email": email, "password": PASSWORD}
        status, _body = self.request("/login", urllib.parse.urlencode(form).encode(), {})
        assert status == 302, f"login of {email} failed"
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', self.get("/")).group(1)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def request(self, path: str, data: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def pick(self, code: str) -> tuple[int, dict]:
        status, body = self.request(
            f"/api/v1/events/race/booths/{code}/pick",
            b"",
            {"X-CSRFToken": self.csrf, "Content-Type": "application/json"},
        )
        return status, json.loads(body or b"null")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None

    def http_error_302(self, request, response, code, message, headers):
        return response


def all_pick_at_once(sessions: list[Session], code: str) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(sessions))
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def one(session: Session) -> None:
        barrier.wait(timeout=20)
        answer = session.pick(code)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == len(sessions), answers
    return answers


def holders(env: dict[str, str]) -> dict[str, str | None]:
    return run_in_app(
        env,
        """
from sqlalchemy import select
from eventhub.booths.models import Booth
from eventhub.extensions import db
result = {b.code: (b.exhibitor.name if b.exhibitor else None)
          for b in db.session.scalars(select(Booth).order_by(Booth.code))}
""",
    )


@needs_postgres
def test_one_startup_gets_a_booth_chosen_at_the_same_instant(tmp_path: Path):
    with dedicated_postgres_database("booth_race") as url:
        env = app_env(
            url,
            EVENTHUB_SESSION_COOKIE_SECURE="false",
            EVENTHUB_RATELIMIT_ENABLED="false",
            EVENTHUB_OUTBOX=str(tmp_path / "outbox"),
        )
        flask_command(env, "db", "upgrade")
        emails = run_in_app(env, SETUP)
        with gunicorn(env, workers=4, app="tests.booths.race_app:create_app()") as base_url:
            sessions = [Session(base_url, email) for email in emails]
            answers = all_pick_at_once(sessions, "B01")
        statuses = Counter(status for status, _body in answers)
        assert statuses == Counter({201: 1, 409: STARTUPS - 1}), answers
        winner = next(body for status, body in answers if status == 201)
        for status, body in answers:
            if status == 409:
                assert body["error"]["code"] == "booth_taken"
                free = [booth["code"] for booth in body["error"]["details"]["free_booths"]]
                assert free == ["B02", "B03", "B04"]
        booths = holders(env)
        assert booths["B01"] == winner["booth"]["exhibitor"]["name"]
        assert list(booths.values()).count(None) == 3

        # Control: the same requests on the app without the condition. Several startups
        # are told that one booth is theirs: the requests did overlap, and the condition is
        # what made exactly one of them win above. On a loaded machine one round may not
        # overlap (a worker slow to answer its first request), so up to three free booths
        # are tried; one round with several winners is the proof.
        control_app = "tests.booths.race_app:create_unguarded_app()"
        with gunicorn(env, workers=4, app=control_app) as base_url:
            sessions = [Session(base_url, email) for email in emails]
            for code in ("B02", "B03", "B04"):
                control = all_pick_at_once(sessions, code)
                if Counter(status for status, _body in control)[201] > 1:
                    break
        assert Counter(status for status, _body in control)[201] > 1, control
