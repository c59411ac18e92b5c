"""Shared fixtures: the app on a real database (SQLite, or PostgreSQL through
EVENTHUB_TEST_DATABASE_URL), a client, factories and logging in as each role."""

from __future__ import annotations

import email
import email.policy
import html
import os
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import text

from eventhub import create_app
from eventhub.extensions import db
from tests.support import factories
from tests.support.factories import TEST_PASSWORD

pytest_plugins = ["tests.support.browser"]


def _database_of_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist (`-n 2`), each worker gets a PostgreSQL database of its own, next
    to the one given, since each empties its tables after every test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, _, name = url.rpartition("/")
    name, separator, query = name.partition("?")
    database = f"{name}_{worker}"
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{database}"')
    return f"{base}/{database}{separator}{query}"


POSTGRES_URL = _database_of_this_worker(os.environ.get("EVENTHUB_TEST_DATABASE_URL"))
if POSTGRES_URL:  # for tests/support/servers.py, imported after this module
    os.environ["EVENTHUB_TEST_DATABASE_URL"] = POSTGRES_URL


def test_database_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    if POSTGRES_URL:
        from eventhub.config import database_uri

        return database_uri(POSTGRES_URL, Path("."))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'eventhub-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": test_database_uri(tmp_path_factory),
        }
    )
    app.instance_path = str(instance)
    with app.app_context():
        _reset_schema()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _reset_schema() -> None:
    """Start from an empty database, whatever an earlier run or branch left in it."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()


def _empty_all_tables() -> None:
    # DELETE, children first: on near-empty tables it is far cheaper than TRUNCATE on
    # PostgreSQL (which rewrites every table), and the same on both databases.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that uses the app runs in its context and leaves the database empty."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    Requests made inside the test's app context (see `_app_context`) reuse it, and so its
    `g`: without this, the user Flask-Login cached there, the locale flask-babel cached,
    the CSRF token Flask-WTF cached and any bearer-token state would leak from one request
    to the next, and a test could pass with an expired or missing session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def rate_limits_enabled(app: Flask) -> Iterator[None]:
    from eventhub.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    if not limiter.initialized:
        # Flask-Limiter skips all of its set-up for an app created with limits off. Give it
        # its storage now; its request hooks are not needed, the views' limits are checked
        # by their decorators (and hooks can no longer be added once requests were served).
        app.extensions.setdefault("limiter", set()).add(limiter)
        limiter.init_app(app)
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.reset()
    limiter.enabled = False
    app.config["RATELIMIT_ENABLED"] = False


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    """make_user(role="staff", email=..., name=...) → a committed User with TEST_PASSWORD."""
    return factories.create_user


@pytest.fixture
def make_event(app: Flask) -> Callable[..., Any]:
    """make_event(**overrides) → a committed, published expo starting in 10 days."""
    return factories.create_event


@pytest.fixture
def make_registration(app: Flask) -> Callable[..., Any]:
    """make_registration(event, category=None, **attendee) → a committed registration."""
    return factories.create_registration


@pytest.fixture
def programmes(app: Flask) -> list[Any]:
    """The demo's three programmes (Boost up Lab, Accelerate, DigitAgri), committed: the
    forms offer the organiser's programmes only (eventhub/deals/programmes)."""
    from eventhub.deals.programmes.catalogue import all_programmes
    from eventhub.deals.programmes.demo import seed_programmes
    from eventhub.demo import SeedReport

    seed_programmes(SeedReport())
    db.session.commit()
    return all_programmes()


@pytest.fixture
def form_data() -> Callable[..., dict[str, str]]:
    """form_data(**overrides) → a complete, valid public form submission."""

    def build(**overrides: str) -> dict[str, str]:
        data = {
            "first_name": "Salma",
            "last_name": "Bennani",
            "email": "salma@example.com",
            "organization": "Atlas AI",
            "job_title": "CEO",
            "country": "MA",
            "consent": "y",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build


@pytest.fixture
def outbox(app: Flask, tmp_path: Path) -> Iterator[Callable[[], list[EmailMessage]]]:
    """outbox() → the e-mails written so far (parsed .eml files), oldest first."""
    folder = tmp_path / "outbox"
    saved = {key: app.config.get(key) for key in ("OUTBOX", "MAIL_SERVER")}
    app.config.update(OUTBOX=str(folder), MAIL_SERVER=None)

    def read() -> list[EmailMessage]:
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]

    read.folder = folder  # type: ignore[attr-defined]
    yield read
    app.config.update(saved)


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: Any, password: str = TEST_PASSWORD) -> Any:
        return self.client.post("/login", data={"email": user.email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def login_as(make_user: Callable[..., Any], auth: Auth) -> Callable[[str], Any]:
    """login_as("admin") → a new user of that role, logged in on `client`."""

    def do(role: str) -> Any:
        user = make_user(role)
        response = auth.login(user)
        assert response.status_code == 302, response.data
        return user

    return do


@pytest.fixture
def in_english(client: FlaskClient) -> FlaskClient:
    """The client asks for English pages (the app's default language is French)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def logic_in_english(app: Flask) -> Iterator[None]:
    """What logic says outside a request (errors, audit sentences, the language of an
    e-mail to someone who chose none) is in English too."""
    with force_locale("en"):
        yield


@pytest.fixture
def csrf_token(client: FlaskClient) -> Callable[[str], str]:
    """csrf_token(path="/") → the CSRF token of the client's session, read from a page."""

    def read(path: str = "/") -> str:
        page = client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', page
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    return read


@pytest.fixture
def field_errors() -> Callable[[Any, str], list[str]]:
    """field_errors(response, "slug") → the messages shown at that field of the form."""

    def read(response: Any, field_id: str) -> list[str]:
        page = response.get_data(as_text=True)
        match = re.search(
            rf'<(\w+)[^>]*\bid="{re.escape(field_id)}-errors"[^>]*>(.*?)</\1>', page, re.S
        )
        if match is None:
            return []
        items = re.findall(r"<li[^>]*>(.*?)</li>", match.group(2), re.S)
        return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]

    return read
