"""Two teammates saving the same meeting's record at the same moment (PostgreSQL, real
concurrent transactions): one wins, the other is told `changed_meanwhile`, never a 500
nor a lost edit."""

from __future__ import annotations

import threading
import time as clock

import pytest
from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.deals.dealflow.models import DealRecord, DealStep
from eventhub.deals.dealflow.records import DealFlowError, DealInput, record_deal
from eventhub.extensions import db
from eventhub.meetings.models import Meeting


def race(app, meeting_id: int, users: dict[str, int], data: dict[str, DealInput]) -> dict:
    """Each user saves its data; the first holds its transaction open for a moment."""
    results: dict[str, str] = {}

    def save(name: str, hold: float) -> None:
        with app.app_context():
            try:
                meeting = db.session.get(Meeting, meeting_id)
                record_deal(meeting, db.session.get(User, users[name]), data[name])
                clock.sleep(hold)
                db.session.commit()
                results[name] = "saved"
            except DealFlowError as error:
                db.session.rollback()
                results[name] = error.code
            finally:
                db.session.remove()

    first = threading.Thread(target=save, args=("atlas", 0.6))
    second = threading.Thread(target=save, args=("teammate", 0))
    first.start()
    clock.sleep(0.2)
    second.start()
    first.join(10)
    second.join(10)
    return results


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")


def test_two_first_records_at_once_one_wins(app, postgres_only, held, people):
    users = {"atlas": people["atlas"].id, "teammate": people["teammate"].id}
    data = {"atlas": DealInput("high", "send_deck", "A"), "teammate": DealInput("low", "pass", "T")}
    assert race(app, held.id, users, data) == {"atlas": "saved", "teammate": "changed_meanwhile"}
    db.session.expire_all()
    (stored,) = db.session.scalars(select(DealRecord)).all()
    assert (stored.next_step, stored.notes) == ("send_deck", "A")
    assert db.session.scalar(select(func.count()).select_from(DealStep)) == 1


def test_two_edits_of_the_same_version_at_once_one_wins(app, postgres_only, held, people, record):
    record(held, people["atlas"], "low", "send_deck", "First")
    users = {"atlas": people["atlas"].id, "teammate": people["teammate"].id}
    data = {
        "atlas": DealInput("high", "second_meeting", "A", version=1),
        "teammate": DealInput("none", "pass", "T", version=1),
    }
    assert race(app, held.id, users, data) == {"atlas": "saved", "teammate": "changed_meanwhile"}
    db.session.expire_all()
    stored = db.session.scalar(select(DealRecord))
    assert (stored.next_step, stored.notes, stored.version) == ("second_meeting", "A", 2)
    current = db.session.scalars(select(DealStep).where(DealStep.superseded_at.is_(None))).all()
    assert [step.step for step in current] == ["second_meeting"]
