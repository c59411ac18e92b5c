"""Fixtures of the tests of jobs on real processes: a database of the test's own (SQLite in
tmp, or PostgreSQL next to EVENTHUB_TEST_DATABASE_URL) with one event, Redis database 5,
an SMTP server (aiosmtpd), gunicorn and a Celery worker.

Without Redis at 127.0.0.1:6379 the tests are skipped with the reason shown, unless
EVENTHUB_REQUIRE_REDIS=1 (as .ci/run sets), which makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from devtools.workers import SmtpSink, Worker, celery_worker, flush_redis, redis_problem
from eventhub.config import database_uri
from tests.jobs.helpers import REDIS_URL, SETUP
from tests.support.servers import (
    POSTGRES_URL,
    app_env,
    dedicated_postgres_database,
    flask_command,
    free_port,
    gunicorn,
    run_in_app,
)


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
        EVENTHUB_INSTANCE_PATH=str(tmp_path / "instance"),
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
