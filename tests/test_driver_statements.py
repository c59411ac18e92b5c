"""A statement run on the driver gives what the same statement gives through SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, literal, select

from eventhub.checkin.models import Scan
from eventhub.driver_statements import DriverStatement
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import insert_ignoring_duplicates


def insert_scan(dialect: str):
    return insert_ignoring_duplicates(Scan.__table__, dialect).returning(
        Scan.__table__.c.id, Scan.__table__.c.scanned_at, Scan.__table__.c.day
    )


def test_an_insert_and_a_select_give_what_sqlalchemy_gives(app, make_event):
    event = make_event()
    at = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
    values = {
        "event_id": event.id,
        "gate": "Porte نورث",
        "result": "unknown",
        "code": "X",
        "device": "",
        "scanned_at": at,
        "day": date(2026, 12, 3),
        "nonce": "scan-0000000001",
    }
    connection = db.session.connection()
    insert = DriverStatement(insert_scan)
    inserted = insert.first(connection, values)
    assert inserted is not None
    scan_id, scanned_at, day = inserted
    assert scanned_at == at and scanned_at.tzinfo is not None and day == date(2026, 12, 3)

    # The same nonce again: the unique index holds its place, and nothing comes back.
    assert insert.first(connection, values) is None

    by_id = (
        select(Scan.id, Scan.gate, Scan.scanned_at, Scan.day, Event.slug)
        .join(Event)
        .where(Scan.id == bindparam("scan_id"), Scan.day == bindparam("day"))
    )
    parameters = {"scan_id": scan_id, "day": date(2026, 12, 3)}
    through_sqlalchemy = tuple(connection.execute(by_id, parameters).one())
    assert DriverStatement(lambda _dialect: by_id).first(connection, parameters) == (
        through_sqlalchemy
    )
    assert through_sqlalchemy[1] == "Porte نورث" and through_sqlalchemy[2] == at
    missing = {"scan_id": scan_id + 1, "day": date(2026, 12, 3)}
    assert (
        DriverStatement(
            lambda _dialect: select(Scan.id).where(Scan.id == bindparam("scan_id"))
        ).scalar(connection, missing)
        is None
    )
    db.session.commit()


def test_a_statement_whose_sql_is_made_per_call_is_refused(app):
    statement = DriverStatement(
        lambda _dialect: select(Scan.id).where(Scan.gate == literal("N", literal_execute=True))
    )
    with pytest.raises(ValueError, match="post-compile"):
        statement.first(db.session.connection(), {})
