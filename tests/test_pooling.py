"""Pooled connections are pinged only after a pause, and a dead one is replaced unseen."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from eventhub.config import database_uri
from eventhub.pooling import ping_idle_connections
from tests.support.servers import POSTGRES_URL, needs_postgres


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}", pool_size=1)
    yield engine
    engine.dispose()


def count_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[int]:
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def ping(dbapi_connection: object) -> bool:
        pings.append(id(dbapi_connection))
        if fail and len(pings) == 1:
            raise sqlite3.OperationalError("the server closed the connection")
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def dbapi_id(engine: Engine) -> int:
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        return id(connection.connection.dbapi_connection)


def test_a_connection_back_a_moment_ago_is_not_pinged(sqlite_engine, monkeypatch):
    ping_idle_connections(sqlite_engine, after_seconds=3600)
    pings = count_pings(sqlite_engine, monkeypatch)
    first = dbapi_id(sqlite_engine)
    assert [dbapi_id(sqlite_engine) for _ in range(5)] == [first] * 5
    assert pings == []


def test_an_idle_connection_is_pinged(sqlite_engine, monkeypatch):
    ping_idle_connections(sqlite_engine, after_seconds=0.01)
    pings = count_pings(sqlite_engine, monkeypatch)
    first = dbapi_id(sqlite_engine)  # a new connection: no ping
    assert pings == []
    time.sleep(0.02)
    assert dbapi_id(sqlite_engine) == first
    assert pings == [first]


def test_an_idle_connection_that_fails_its_ping_is_replaced(sqlite_engine, monkeypatch):
    ping_idle_connections(sqlite_engine, after_seconds=0.01)
    pings = count_pings(sqlite_engine, monkeypatch, fail=True)
    opened: list[object] = []
    event.listen(sqlite_engine, "connect", lambda dbapi_connection, _record: opened.append(1))
    first = dbapi_id(sqlite_engine)
    time.sleep(0.02)
    dbapi_id(sqlite_engine)  # no error: the pool opened another connection
    assert pings == [first]
    assert len(opened) == 2


@needs_postgres
def test_a_postgresql_connection_killed_while_idle_is_replaced():
    assert POSTGRES_URL
    engine = create_engine(database_uri(POSTGRES_URL, Path(".")), pool_size=1)
    ping_idle_connections(engine, after_seconds=0.01)
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with create_engine(database_uri(POSTGRES_URL, Path("."))).connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.commit()
        time.sleep(0.05)
        with engine.connect() as connection:  # would fail without the ping
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
