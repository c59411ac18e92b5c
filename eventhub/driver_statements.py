"""Core statements compiled once per dialect and run on the database driver's cursor.

For the two statements every door scan runs (the badge holder's lookup and the scan's
insert): there SQLAlchemy's execution layer (execution context, result object, parameter
processing per call) costs more CPU than the statement itself; measured on PostgreSQL,
the holder's lookup took 106 µs of CPU through `Connection.execute` and 49 µs on the
driver. What SQLAlchemy decides is kept: the SQL is its compilation of a Core statement
for the connection's dialect, and values and results go through the same type
conversions (`TypeEngine.dialect_impl(dialect)`'s bind and result processors). What is
skipped is per-execution machinery only: no events, no statement cache lookup, and
driver errors arrive unwrapped.

Only for statements without post-compile parameters (no expanding IN, no
`literal_execute`): their SQL must be final at compile time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # bound parameters, in their order in `sql` when positional
    positional: bool
    bind_processors: tuple[Processor, ...]  # by `names`
    result_processors: tuple[Processor, ...]  # by column


class DriverStatement:
    """The statement `build(dialect name)`, run on the DBAPI cursor. As SQLAlchemy does,
    it is compiled for each dialect and set of value names it meets (an INSERT's columns
    are the values it is given)."""

    def __init__(self, build: Callable[[str], Any]) -> None:
        self.build = build
        self._compilations: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def first(self, connection: Connection, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row of the result (converted as SQLAlchemy would), or None."""
        compiled = self._compiled(connection.dialect, tuple(values))
        parameters = _parameters(compiled, values)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, parameters)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return None
        return tuple(
            value if process is None or value is None else process(value)
            for process, value in zip(compiled.result_processors, row, strict=True)
        )

    def scalar(self, connection: Connection, values: dict[str, Any]) -> Any:
        row = self.first(connection, values)
        return row[0] if row is not None else None

    def _compiled(self, dialect: Dialect, names: tuple[str, ...]) -> _Compiled:
        found = self._compilations.get((dialect.name, names))
        if found is None:
            statement = self.build(dialect.name)
            found = self._compilations[dialect.name, names] = _compile(statement, dialect, names)
        return found


def _compile(statement: Any, dialect: Dialect, names: tuple[str, ...]) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    assert isinstance(compiled, SQLCompiler)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("a DriverStatement cannot have post-compile parameters")
    if compiled.positional:
        bound = tuple(compiled.positiontup or ())
    else:
        bound = tuple(compiled.bind_names.values())
    bind_processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in bound
    )
    result_processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.exported_columns  # a select's columns, or what it RETURNS
    )
    return _Compiled(
        compiled.string, bound, bool(compiled.positional), bind_processors, result_processors
    )


def _parameters(compiled: _Compiled, values: dict[str, Any]) -> Any:
    converted = [
        value if process is None or value is None else process(value)
        for process, value in zip(
            compiled.bind_processors, (values[name] for name in compiled.names), strict=True
        )
    ]
    if compiled.positional:
        return converted
    return dict(zip(compiled.names, converted, strict=True))
