"""Database connections: a pooled connection is tested before use only after a pause.

SQLAlchemy's `pool_pre_ping` sends a ping on every checkout, which is one more round trip
on every request: a door scanner makes one request per badge. A connection that came back
to the pool moments ago was working then; one that has been idle longer than
DATABASE_PING_AFTER_IDLE_SECONDS (the database may have restarted meanwhile) is pinged,
and replaced by a fresh one if the ping fails. A connection that breaks while in use is
still detected by SQLAlchemy, which then discards the pool's other connections too.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

_RETURNED_AT = "eventhub_returned_at"


def ping_idle_connections(engine: Engine, after_seconds: float) -> None:
    pool = engine.pool

    @event.listens_for(pool, "checkin")
    def remember_return(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def ping_if_idle(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at <= after_seconds:
            return  # new, or back a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)  # the dialect's own, as pool_pre_ping
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (a new one).
            raise exc.DisconnectionError(str(error)) from error


def init_pooling(app: Flask) -> None:
    from eventhub.extensions import db

    after_seconds = float(app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    with app.app_context():
        for engine in db.engines.values():
            ping_idle_connections(engine, after_seconds)
