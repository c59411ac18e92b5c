"""Concurrent writes on PostgreSQL: two organisers adding the same programme at once get
one row; the second is told the name is taken (the unique key, not the check before it)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from eventhub.deals.programmes.catalogue import ProgrammeError, save_programme
from eventhub.deals.programmes.models import Programme
from eventhub.extensions import db


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")


def test_one_programme_per_name_under_a_race(app):
    save_programme(None, "Green Tech")
    db.session.flush()  # the unique key is taken, not committed yet
    outcome: dict = {}

    def second():
        with app.app_context():
            try:
                save_programme(None, "Green Tech")
                db.session.commit()
            except ProgrammeError as error:
                db.session.rollback()
                outcome["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()  # waiting on the first transaction's key
    db.session.commit()
    thread.join(10)
    assert outcome["error"].code == "programme_exists"
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 1
