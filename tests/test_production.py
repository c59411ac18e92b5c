"""The README's production start, for real: `flask db upgrade`, then gunicorn with two
workers, EVENTHUB_ENV=production, a SECRET_KEY and DATABASE_URL from the environment.

The database is of the test run's kind but never the shared test database: a fresh SQLite
file, or a PostgreSQL database of its own beside EVENTHUB_TEST_DATABASE_URL's.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from collections.abc import Iterator

import pytest
import requests

from devtools.servers import BIN, ROOT
from tests.support.servers import (
    POSTGRES_URL,
    app_env,
    dedicated_postgres_database,
    flask_command,
    free_port,
    gunicorn,
)

pytestmark = pytest.mark.slow

ADMIN_EMAIL = "organiser@example.org"
ADMIN_PASSWORD = "production-check-password"
BOOT_TIMEOUT = 60


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('production') / 'eventhub.sqlite3'}"
        return
    with dedicated_postgres_database("production") as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    """`gunicorn -w 2 'eventhub:create_app()'` in production on a migrated database."""
    env = app_env(database_url, SECRET_KEY=secrets.token_hex(32))
    flask_command(env, "db", "upgrade")
    flask_command(env, "create-user", ADMIN_EMAIL, "--role", "admin", "--password", ADMIN_PASSWORD)
    with gunicorn(env, workers=2, timeout=BOOT_TIMEOUT) as url:
        yield url


def test_pages_and_api_answer(server: str) -> None:
    home = requests.get(server + "/", timeout=10)
    assert home.status_code == 200
    assert "EventHub" in home.text

    events = requests.get(server + "/api/v1/events", timeout=10)
    assert events.status_code == 200
    assert events.headers["Content-Type"].startswith("application/json")
    assert events.json() == []


def test_session_cookie_is_secure_httponly_and_lax(server: str) -> None:
    response = requests.get(server + "/login", timeout=10)
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "secure" in flags
    assert "httponly" in flags
    assert flags["samesite"].lower() == "samesite=lax"


def test_a_login_holds_across_workers(server: str) -> None:
    """Sessions are signed with the shared SECRET_KEY, so any worker honours them.
    (The cookie is Secure, so it is passed by hand over this plain-HTTP loopback.)"""
    form = requests.get(server + "/login", timeout=10)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text)
    assert token, form.text
    login = requests.post(
        server + "/login",
        data={"csrf_token": token.group(1), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        headers={"Cookie": f"session={form.cookies['session']}"},
        allow_redirects=False,
        timeout=30,
    )
    assert login.status_code == 302, login.text
    assert login.headers["Location"].endswith("/organiser/")
    session = login.cookies["session"]
    for _ in range(6):
        dashboard = requests.get(
            server + "/organiser/",
            headers={"Cookie": f"session={session}"},
            allow_redirects=False,
            timeout=10,
        )
        assert dashboard.status_code == 200
    anonymous = requests.get(server + "/organiser/", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302


def test_production_refuses_to_boot_without_secret_key(database_url: str) -> None:
    env = app_env(database_url)
    del env["SECRET_KEY"]
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{free_port()}"]
    process = subprocess.Popen(
        [*command, "eventhub:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=BOOT_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode != 0
    assert "SECRET_KEY must be set" in output
