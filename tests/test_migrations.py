"""Migrations from empty: `flask db upgrade` on an empty database gives the models' schema,
and `downgrade` goes back to nothing. On SQLite, and on PostgreSQL when
EVENTHUB_TEST_DATABASE_URL is set (in a database of its own, created and dropped here)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.extensions import db

POSTGRES_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """Alembic's env.py calls logging.fileConfig, which disables every logger that exists:
    put them back so that later tests still see the app's log records."""
    loggers = {
        name: (logger.disabled, logger.level, list(logger.handlers), logger.propagate)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root = (logging.root.level, list(logging.root.handlers))
    yield
    for name, (disabled, level, handlers, propagate) in loggers.items():
        logger = logging.getLogger(name)
        logger.disabled, logger.level, logger.handlers, logger.propagate = (
            disabled,
            level,
            handlers,
            propagate,
        )
    logging.root.level, logging.root.handlers = root


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def check_upgrade_and_downgrade(database_uri: str) -> None:
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        try:
            assert table_names() == set()
            flask_migrate.upgrade()
            assert table_names() == {table.name for table in db.metadata.sorted_tables} | {
                "alembic_version"
            }
            assert schema_differences() == []

            flask_migrate.downgrade(revision="base")
            assert table_names() <= {"alembic_version"}

            flask_migrate.upgrade()  # and up again, from the bottom
            assert schema_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_upgrade_from_empty_gives_the_models_schema(tmp_path: Path):
    check_upgrade_and_downgrade(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_postgresql_upgrade_from_empty_gives_the_models_schema():
    import psycopg

    server = make_url(POSTGRES_URL).set(drivername="postgresql")
    name = f"{server.database}_migrations"
    admin_dsn = server.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        target = server.set(drivername="postgresql+psycopg", database=name)
        check_upgrade_and_downgrade(target.render_as_string(hide_password=False))
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
