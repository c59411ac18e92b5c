"""Fixtures of the personal-data tests (form_data is in tests/conftest.py): an attendee
with a scan at the door and a lead recorded at a booth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from eventhub.checkin.models import Scan
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support import factories


@dataclass
class Attendee:
    event: Any
    registration: Any
    exhibitor: Any  # the startup whose booth scanned the badge
    token: str


def add_scan(event: Any, registration: Any, gate: str = "North", **values: Any) -> Scan:
    now = values.pop("scanned_at", utcnow())
    scan = Scan(
        event_id=event.id,
        registration_id=registration.id,
        gate=gate,
        result=values.pop("result", "admitted"),
        code=values.pop("code", "B1-CODE-OF-BADGE"),
        scanned_at=now,
        recorded_at=now,
        day=values.pop("day", event.first_day),
        note=values.pop("note", ""),
        manual=values.pop("manual", False),
    )
    db.session.add(scan)
    db.session.commit()
    return scan


def add_lead(event: Any, registration: Any, startup: Any, note: str = "Wants a pilot") -> Lead:
    lead = Lead(
        event_id=event.id,
        startup_id=startup.id,
        registration_id=registration.id,
        note=note,
        tags="pilot, agri",
        rating=4,
    )
    db.session.add(lead)
    db.session.commit()
    return lead


@pytest.fixture
def attendee(make_event, make_registration) -> Attendee:
    event = make_event()
    registration = make_registration(
        event, first_name="Meryem", last_name="El Idrissi", email="meryem@argan.example"
    )
    exhibitor = factories.create_startup(name="Souk Pay").startup
    add_scan(event, registration, gate="North door")
    add_lead(event, registration, exhibitor)
    return Attendee(event, registration, exhibitor, registration.manage_token)


@pytest.fixture
def past_event(make_event) -> Any:
    """An expo whose last day was 14 months ago: past the default 12 months' retention."""
    last_day = utcnow().date() - timedelta(days=430)
    return make_event(first_day=last_day - timedelta(days=2), last_day=last_day)
