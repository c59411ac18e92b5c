"""Registration logic details (the savepoint) and the demo seeder."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import func, select

from eventhub.demo import SeedReport, _seed_demo_day, _seed_expo
from eventhub.extensions import db
from eventhub.registration import demo as registration_demo
from eventhub.registration import register as logic
from eventhub.registration.models import Registration
from eventhub.registration.register import Attendee, RegistrationError, register


def count(event=None) -> int:
    query = select(func.count()).select_from(Registration)
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    return db.session.scalar(query) or 0


def test_a_refused_duplicate_keeps_the_rest_of_the_transaction(app, make_event, monkeypatch):
    """The unique constraint's refusal rolls back to a savepoint, not the whole transaction."""
    event = make_event()
    visitor = event.categories[0]
    register(event, visitor, Attendee("A", "One", "one@example.com"), enforce_window=False)
    db.session.flush()
    # Bypass the friendly pre-check so that the database constraint itself refuses the row.
    with monkeypatch.context() as patch:
        patch.setattr(logic, "find_by_email", lambda event, email: None)
        with pytest.raises(RegistrationError) as refused:
            register(event, visitor, Attendee("B", "Two", "ONE@example.com"), enforce_window=False)
    assert refused.value.code == "already_registered"
    register(event, visitor, Attendee("C", "Three", "three@example.com"), enforce_window=False)
    db.session.commit()
    assert sorted(db.session.scalars(select(Registration.email))) == [
        "one@example.com",
        "three@example.com",
    ]


def test_demo_defaults_are_several_hundred():
    assert registration_demo.EXPO_REGISTRATIONS >= 300
    assert registration_demo.DEMO_DAY_REGISTRATIONS > 0


def test_demo_registrations_are_deterministic_and_idempotent(app, monkeypatch):
    monkeypatch.setattr(registration_demo, "EXPO_REGISTRATIONS", 60)
    monkeypatch.setattr(registration_demo, "DEMO_DAY_REGISTRATIONS", 12)

    report = SeedReport()
    expo = _seed_expo(report, date(2027, 3, 1))
    demo_day = _seed_demo_day(report, date(2027, 3, 22))
    db.session.flush()

    first = SeedReport()
    registration_demo.seed_registrations(first, expo=expo, demo_day=demo_day, rng=random.Random(7))
    db.session.commit()
    assert first.created == {"registrations": 72}
    assert (count(expo), count(demo_day)) == (60, 12)

    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == expo.id).order_by(Registration.email)
    ).all()
    snapshot = [(r.email, r.first_name, r.last_name, r.category.name, r.status) for r in rows]
    assert {r.source for r in rows} == {"demo"}
    assert any("\u0600" <= r.first_name[0] <= "\u06ff" for r in rows)  # Arabic script
    assert len({r.category.name for r in rows}) >= 3
    assert "cancelled" in {r.status for r in rows}

    again = SeedReport()
    registration_demo.seed_registrations(again, expo=expo, demo_day=demo_day, rng=random.Random(7))
    db.session.commit()
    assert again.created == {}
    assert (count(expo), count(demo_day)) == (60, 12)

    # The same seed on an empty database gives the same people.
    db.session.execute(Registration.__table__.delete())
    db.session.commit()
    registration_demo.seed_registrations(
        SeedReport(), expo=expo, demo_day=demo_day, rng=random.Random(7)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == expo.id).order_by(Registration.email)
    ).all()
    assert [(r.email, r.first_name, r.last_name, r.category.name, r.status) for r in rows] == (
        snapshot
    )
