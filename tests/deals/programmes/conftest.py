"""Fixtures of the programme outcome tests: an expo where DigitAgri startups held booths,
scanned leads, met investors (one meeting held, one missed), marked each other and
recorded a next step; an Accelerate startup only asked for a meeting; Boost up Lab did
nothing; and a second event whose figures must not leak into the first's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from eventhub.booths.models import Booth
from eventhub.deals.dealflow.models import DealRecord
from eventhub.deals.leads.models import Lead
from eventhub.deals.matchmaking.models import MatchMark
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.models_common import utcnow
from tests.support import factories


@dataclass
class World:
    event: Any
    other_event: Any
    programmes: dict[str, Any]  # by name
    agri: list[Any]  # three DigitAgri startups (profiles)
    accelerate: Any


def give_booth(event: Any, code: str, startup: Any) -> None:
    application = factories.create_application(event, startup)
    db.session.execute(
        update(Booth)
        .where(Booth.event_id == event.id, Booth.code == code)
        .values(status="allocated", application_id=application.id)
    )


def meeting(event: Any, investor: Any, startup: Any, hours_ago: float, **values: Any) -> Meeting:
    starts_at = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
    row = Meeting(
        event_id=event.id,
        investor_id=investor.id,
        startup_id=startup.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=20),
        table_name="T1",
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


def request(event: Any, investor: Any, startup: Any, status: str) -> MeetingRequest:
    row = MeetingRequest(
        event_id=event.id,
        investor_id=investor.id,
        startup_id=startup.id,
        pitch="Let us meet.",
        status=status,
    )
    db.session.add(row)
    db.session.flush()
    return row


def mark(event: Any, startup: Any, investor: Any, side: str, value: str) -> None:
    db.session.add(
        MatchMark(
            event_id=event.id, startup_id=startup.id, investor_id=investor.id, side=side, mark=value
        )
    )


@pytest.fixture
def world(app, make_event, programmes) -> World:
    event = make_event(slug="outcome-expo", name="Outcome Expo")
    other = make_event(slug="other-expo", name="Other Expo")
    factories.create_hall(event, booths=[("A01", 2, 2, 3, 3), ("A02", 6, 2, 3, 3)])
    agri = [
        factories.create_startup(name=f"Agri {n}", programme="DigitAgri").startup for n in range(3)
    ]
    accelerate = factories.create_startup(name="Speedy", programme="Accelerate").startup
    factories.create_startup(name="No programme", programme="")
    inv1 = factories.create_investor(fund="Atlas Ventures").investor
    inv2 = factories.create_investor(fund="Sahara Capital").investor
    give_booth(event, "A01", agri[0])
    give_booth(event, "A02", agri[1])
    visitors = [factories.create_registration(event) for _ in range(2)]
    # Agri 0 scanned both visitors, Agri 1 the first again: 3 leads, 2 visitors.
    for startup, registration in (
        (agri[0], visitors[0]),
        (agri[0], visitors[1]),
        (agri[1], visitors[0]),
    ):
        db.session.add(
            Lead(event_id=event.id, startup_id=startup.id, registration_id=registration.id)
        )
    # Agri 0 asked Atlas, who accepted: the meeting was held.
    accepted = request(event, inv1, agri[0], "accepted")
    held = meeting(event, inv1, agri[0], 20, request_id=accepted.id, source="scheduler")
    held.outcome = "held"
    # Agri 1 booked Sahara's open slot directly and did not come; a request it withdrew.
    meeting(event, inv2, agri[1], 10, outcome="no_show")
    request(event, inv2, agri[1], "withdrawn")
    # Speedy (Accelerate) only asked.
    request(event, inv2, accelerate, "pending")
    # Both sides of Agri 0 – Atlas want to meet; Agri 1 – Sahara only one side.
    mark(event, agri[0], inv1, "startup", "must")
    mark(event, agri[0], inv1, "investor", "would")
    mark(event, agri[1], inv2, "startup", "must")
    mark(event, agri[1], inv2, "investor", "not_now")
    db.session.add(
        DealRecord(
            meeting_id=held.id,
            event_id=event.id,
            investor_id=inv1.id,
            startup_id=agri[0].id,
            interest="high",
            next_step="second_meeting",
            notes="Private notes of Atlas",
        )
    )
    # The other event: Agri 2 met Atlas there; it takes no part in Outcome Expo.
    elsewhere = meeting(other, inv1, agri[2], 30, outcome="held")
    db.session.add(
        DealRecord(
            meeting_id=elsewhere.id,
            event_id=other.id,
            investor_id=inv1.id,
            startup_id=agri[2].id,
            interest="low",
            next_step="term_sheet",
        )
    )
    db.session.commit()
    return World(event, other, {p.name: p for p in programmes}, agri, accelerate)
