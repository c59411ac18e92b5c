from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from eventhub.checkin.gates import add_gate
from eventhub.events.models import Zone
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support.dates import event_today


@pytest.fixture
def running_event(make_event: Callable[..., Any]) -> Any:
    """A published expo that started yesterday and ends tomorrow, in its time zone."""
    today = event_today()
    return make_event(first_day=today - timedelta(days=1), last_day=today + timedelta(days=1))


@pytest.fixture
def make_registration() -> Callable[..., Any]:
    counter = iter(range(1, 100_000))

    def factory(event: Any, category: Any = None, **values: Any) -> Any:
        number = next(counter)
        attendee = Attendee(
            first_name=values.pop("first_name", "Salma"),
            last_name=values.pop("last_name", f"Bennani {number}"),
            email=values.pop("email", f"visitor{number}@example.test"),
            organization=values.pop("organization", "Atlas AI"),
        )
        registration = register(
            event,
            category or event.categories[0],
            attendee,
            source="organiser",
            public_only=False,
            enforce_window=False,
        )
        db.session.commit()
        return registration

    return factory


def zoned_event(event: Any) -> Any:
    """`event` with a hall its default category may enter and a lounge it may not, each
    behind a door: "Hall door" and "Lounge door"."""
    hall, lounge = Zone(name="Hall 1"), Zone(name="VIP lounge")
    event.zones.extend([hall, lounge])
    event.categories[0].zones = [hall]
    db.session.flush()
    add_gate(event, "Hall door", hall)
    add_gate(event, "Lounge door", lounge)
    db.session.commit()
    return event
