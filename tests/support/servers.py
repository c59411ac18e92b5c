"""Real servers for tests (devtools/servers.py), and the test database's PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from devtools.servers import (
    app_env,
    flask_command,
    free_port,
    gunicorn,
    post_json,
    postgres_database,
    run_in_app,
)

__all__ = [
    "POSTGRES_URL",
    "app_env",
    "dedicated_postgres_database",
    "flask_command",
    "free_port",
    "gunicorn",
    "needs_postgres",
    "post_json",
    "run_in_app",
]

POSTGRES_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL")

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="needs PostgreSQL: set EVENTHUB_TEST_DATABASE_URL"
)


@contextmanager
def dedicated_postgres_database(suffix: str) -> Iterator[str]:
    """A fresh database next to the test one (its name plus `suffix`), dropped afterwards."""
    assert POSTGRES_URL
    name = POSTGRES_URL.rpartition("/")[2].split("?")[0]
    with postgres_database(POSTGRES_URL, f"{name}_{suffix}") as url:
        yield url
