"""Column helpers shared by the models of every capability."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

MAX_ROW_ID = 2**31 - 1  # the largest INTEGER primary key on PostgreSQL


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC datetime is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def connection_or_session(connection: Connection | None) -> Connection:
    """`connection`, or the session's (in its transaction) when none is given."""
    from eventhub.extensions import db

    return db.session.connection() if connection is None else connection


def insert_ignoring_duplicates(model: Any, dialect: str | None = None) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike (`dialect`: the
    session's when not given)."""
    from eventhub.extensions import db

    dialect = dialect or db.session.get_bind().dialect.name
    construct = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return construct(model).on_conflict_do_nothing()
