"""Migrations from empty: `flask db upgrade` on an empty database gives the models' schema,
and `downgrade` goes back to nothing. On SQLite, and on PostgreSQL when
EVENTHUB_TEST_DATABASE_URL is set (in a database of its own, created and dropped here)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
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


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URI of a database of its own next to EVENTHUB_TEST_DATABASE_URL's, dropped after."""
    import psycopg

    server = make_url(POSTGRES_URL).set(drivername="postgresql")
    name = f"{server.database}_migrations"
    admin_dsn = server.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        target = server.set(drivername="postgresql+psycopg", database=name)
        yield target.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_postgresql_upgrade_from_empty_gives_the_models_schema():
    with postgres_database() as uri:
        check_upgrade_and_downgrade(uri)


def check_admissions_become_admitted_scans(database_uri: str) -> None:
    """0005 folds the admissions into their scans, and its downgrade brings them back."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="0003")
            registration_id, event_id = _a_registration()
            day, at = date(2026, 11, 20), datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
            _execute(
                "INSERT INTO admissions (id, event_id, registration_id, day, gate, admitted_at) "
                "VALUES (7, :event, :registration, :day, 'North', :at)",
                event=event_id, registration=registration_id, day=day, at=at,
            )  # fmt: skip
            for result, admission_id in (("admitted", 7), ("already_inside", 7), ("unknown", None)):
                _execute(
                    "INSERT INTO scans (event_id, registration_id, admission_id, gate, result, "
                    "code, device, scanned_at) VALUES (:event, :registration, :admission, "
                    "'North', :result, 'x', '', :at)",
                    event=event_id, registration=registration_id, admission=admission_id,
                    result=result, at=at,
                )  # fmt: skip
            db.session.commit()

            flask_migrate.upgrade()
            rows = db.session.execute(text("SELECT result, day FROM scans ORDER BY id")).all()
            assert [(result, _as_date(day)) for result, day in rows] == [
                ("admitted", day),
                ("already_inside", day),
                ("unknown", None),
            ]
            db.session.commit()

            flask_migrate.downgrade(revision="0003")
            admissions = db.session.execute(
                text("SELECT registration_id, day, gate FROM admissions")
            ).all()
            assert [(r, _as_date(d), g) for r, d, g in admissions] == [
                (registration_id, day, "North")
            ]
            linked = db.session.execute(
                text("SELECT result FROM scans WHERE admission_id IS NOT NULL ORDER BY id")
            ).scalars()
            assert list(linked) == ["admitted", "already_inside"]
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def _a_registration() -> tuple[int, int]:
    """An event and a registration, written in SQL: the models are ahead of revision 0003."""
    _execute(
        "INSERT INTO events (id, slug, name, kind, status, description, venue, city, timezone, "
        "first_day, last_day, created_at) VALUES (1, 'm', 'M', 'expo', 'published', '', 'V', "
        "'Rabat', 'Africa/Casablanca', :first, :last, :at)",
        first=date(2026, 11, 20), last=date(2026, 11, 21), at=datetime(2026, 11, 1, tzinfo=UTC),
    )  # fmt: skip
    _execute(
        "INSERT INTO attendee_categories (id, event_id, name, colour, is_default, is_public, "
        "position) "
        "VALUES (1, 1, 'Visitor', '#1d4ed8', :yes, :yes, 0)",
        yes=True,
    )
    _execute(
        "INSERT INTO registrations (id, event_id, category_id, email, first_name, last_name, "
        "organization, job_title, country, language, status, source, manage_token, badge_code, "
        "badge_version, created_at) VALUES (1, 1, 1, 'm@example.test', 'Amal', 'Idrissi', '', "
        "'', '', 'fr', 'confirmed', 'online', :token, 12345, 1, :at)",
        token="t" * 43, at=datetime(2026, 11, 1, tzinfo=UTC),
    )  # fmt: skip
    db.session.commit()
    return 1, 1


def _execute(sql: str, **values: object) -> None:
    db.session.execute(text(sql), values)


def _as_date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite: text


def test_sqlite_admissions_become_admitted_scans(tmp_path: Path):
    check_admissions_become_admitted_scans(f"sqlite:///{tmp_path / 'admissions.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_postgresql_admissions_become_admitted_scans():
    with postgres_database() as uri:
        check_admissions_become_admitted_scans(uri)


def check_search_keys_are_backfilled(database_uri: str) -> None:
    """0009 fills the help desk's search key of the registrations already there."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="0008")
            _a_registration()
            _execute("UPDATE registrations SET first_name = 'Ămal', organization = 'École Ṭ'")
            db.session.commit()
            flask_migrate.upgrade()
            key = db.session.execute(text("SELECT search_key FROM registrations")).scalar()
            assert key == "amal idrissi m@example.test ecole t"
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_search_keys_are_backfilled(tmp_path: Path):
    check_search_keys_are_backfilled(f"sqlite:///{tmp_path / 'search.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_postgresql_search_keys_are_backfilled():
    with postgres_database() as uri:
        check_search_keys_are_backfilled(uri)
