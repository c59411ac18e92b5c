"""Column helpers shared by the models of every capability."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from eventhub.extensions import db

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


def search_text(typed: str | None) -> str:
    """What a search box's text looks for: its printable characters, trimmed."""
    return "".join(char for char in (typed or "") if char.isprintable()).strip()


def contains_text(text: str, *columns: Any) -> ColumnElement[bool]:
    """One of `columns` contains `text`, ignoring case; `%`, `_` and `\\` in `text` are
    taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(column.ilike(f"%{escaped}%", escape="\\") for column in columns))


def insert_ignoring_duplicates(model: Any, dialect: str | None = None) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike (`dialect`: the
    session's when not given)."""
    dialect = dialect or db.session.get_bind().dialect.name
    construct = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return construct(model).on_conflict_do_nothing()


def counts_by_status(
    status: Any, statuses: Sequence[str], *conditions: ColumnElement[bool]
) -> dict[str, int]:
    """How many rows match `conditions` in each of `statuses` (every one named, 0 too): one
    GROUP BY on the `status` column."""
    rows = db.session.execute(select(status, func.count()).where(*conditions).group_by(status))
    counts = dict.fromkeys(statuses, 0)
    counts.update({value: count for value, count in rows})
    return counts
