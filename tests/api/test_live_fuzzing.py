"""Schemathesis over the live API, as a client meets it: gunicorn in production mode on a
database of the run's kind seeded with the demo data, and `schemathesis run --checks all`
against its /api/v1/openapi.json, once without credentials and once with a door token.

Every check is on, `positive_data_acceptance` included: a request the document calls
valid must be answered 2xx, or 401/403/404/409 (a credential, a permission, a record or
a state the document cannot know), or 410 (a revoked badge). The run is bounded in time
(EVENTHUB_FUZZ_SECONDS each, default 40) and its seed fixed (EVENTHUB_FUZZ_SEED), so a
failure can be replayed: the output shows the `curl` of each failing case.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.servers import BIN
from tests.support.servers import (
    POSTGRES_URL,
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    run_in_app,
)

pytestmark = pytest.mark.slow

FUZZ_SECONDS = int(os.environ.get("EVENTHUB_FUZZ_SECONDS", "40"))
SEED = int(os.environ.get("EVENTHUB_FUZZ_SEED", "20261206"))
DEMO_EXPO = "tech-expo-marrakech"
CONFIG = f"""\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "410"]

[parameters]
# The demo expo: random slugs would only ever meet a 404.
slug = "{DEMO_EXPO}"
"""


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('fuzzing') / 'eventhub.sqlite3'}"
        return
    with dedicated_postgres_database("fuzzing") as url:
        yield url


@pytest.fixture(scope="module")
def live_api(database_url: str) -> Iterator[tuple[str, str]]:
    """The base URL of gunicorn serving the demo data, and a door token of the demo's
    door staff for the demo expo. The rate limiter is off: thousands of requests from one
    address would otherwise meet 429s instead of the API."""
    env = app_env(
        database_url, SECRET_KEY=secrets.token_hex(32), EVENTHUB_RATELIMIT_ENABLED="false"
    )
    flask_command(env, "db", "upgrade", timeout=300)
    flask_command(env, "seed-demo", timeout=600)
    door_token = run_in_app(
        env,
        f"""
from sqlalchemy import select
from eventhub.auth.accounts import issue_api_token
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
staff = db.session.scalar(select(User).where(User.email == "staff@eventhub.test"))
expo = db.session.scalar(select(Event).where(Event.slug == "{DEMO_EXPO}"))
result = issue_api_token(staff, "Fuzzing gate phone", scope="door", event=expo).secret
db.session.commit()
""",
    )
    with gunicorn(env, workers=2, timeout=90) as url:
        yield url, door_token


@pytest.mark.parametrize("credentials", ["none", "door token"])
def test_schemathesis_finds_no_failure(
    live_api: tuple[str, str], credentials: str, tmp_path: Path
) -> None:
    url, door_token = live_api
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(BIN / "schemathesis"),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-time",
        str(FUZZ_SECONDS),
        "--seed",
        str(SEED),
        # One worker: hypothesis reads lambda sources with `ast`, which Python 3.11 cannot
        # do from two threads at once ("AST constructor recursion depth mismatch").
        "--workers",
        "1",
    ]
    if credentials == "door token":
        command += ["--header", f"Authorization: Bearer {door_token}"]
    result = subprocess.run(
        command,
        cwd=tmp_path,  # its cache of crashes goes there
        capture_output=True,
        text=True,
        timeout=FUZZ_SECONDS * 4 + 120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    assert "generated" in output, output[-5_000:]  # it did test something
