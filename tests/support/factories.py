"""The test suite's factories: each makes rows as the application would, with defaults that
any keyword overrides, commits, and returns what it made.

Plain functions (Indico's way): the fixtures of tests/conftest.py and of each folder hand
them to the tests (`make_user`, `make_event`…), and a test or a helper module may call them
directly. They need an application context, which every test that uses `app` has.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from itertools import count
from typing import Any

from eventhub.auth.models import User
from eventhub.auth.passwords import hash_password
from eventhub.booths.floorplan import BoothSpec
from eventhub.booths.layout import HallDetails, add_booths
from eventhub.booths.layout import create_hall as add_hall
from eventhub.booths.models import BoothApplication, Hall
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.profiles.models import Startup
from eventhub.profiles.profiles import create_profile_for
from eventhub.registration.models import Registration
from eventhub.registration.register import Attendee, register

TEST_PASSWORD = "correct-horse-battery"  # every user made here signs in with it

_numbers = count(1)


@cache
def _password_hash() -> str:
    return hash_password(TEST_PASSWORD)  # Argon2 is slow on purpose: once per process


def create_user(role: str = "staff", **values: Any) -> User:
    """A user of `role` (with its startup or investor profile) whose password is
    TEST_PASSWORD."""
    number = next(_numbers)
    values.setdefault("email", f"{role}{number}@example.test")
    values.setdefault("name", f"{role.title()} Person {number}")
    values.setdefault("password_hash", _password_hash())
    user = User(role=role, **values)
    db.session.add(user)
    create_profile_for(user)
    db.session.commit()
    return user


def create_event(**values: Any) -> Event:
    """A published three-day expo starting in ten days, with a public default category
    "Visitor" and an invitation-only "VIP" (`with_categories=False`: none)."""
    number = next(_numbers)
    first_day = values.pop("first_day", date.today() + timedelta(days=10))
    values.setdefault("slug", f"test-expo-{number}")
    values.setdefault("name", f"Test Expo {number}")
    values.setdefault("kind", "expo")
    values.setdefault("status", "published")
    values.setdefault("venue", "Palais des Congrès")
    values.setdefault("city", "Marrakech")
    values.setdefault("last_day", first_day + timedelta(days=2))
    with_categories = values.pop("with_categories", True)
    event = Event(first_day=first_day, **values)
    if with_categories:
        event.categories = [
            AttendeeCategory(name="Visitor", colour="#2563eb", is_default=True, position=0),
            AttendeeCategory(name="VIP", colour="#111827", is_public=False, position=1),
        ]
    db.session.add(event)
    db.session.commit()
    return event


def create_registration(
    event: Event, category: AttendeeCategory | None = None, **values: Any
) -> Registration:
    """A registration made by the organiser (any category, whatever the window), confirmed
    unless the event or category is full."""
    number = next(_numbers)
    attendee = Attendee(
        first_name=values.pop("first_name", "Youssef"),
        last_name=values.pop("last_name", f"Alaoui {number}"),
        email=values.pop("email", f"guest{number}@example.com"),
        organization=values.pop("organization", "Argan Pay"),
        job_title=values.pop("job_title", "CTO"),
        country=values.pop("country", "MA"),
        language=values.pop("language", "fr"),
    )
    registration = register(
        event,
        category or event.categories[0],
        attendee,
        source=values.pop("source", "organiser"),
        public_only=False,
        enforce_window=False,
    )
    assert not values, f"unknown registration values: {values}"
    db.session.commit()
    return registration


def create_startup(**values: Any) -> User:
    """A startup account; its profile (`user.startup`) takes any Startup column given."""
    number = next(_numbers)
    user = create_user("startup", name=values.pop("contact", f"Founder {number}"))
    startup = user.startup
    startup.name = values.pop("name", f"Startup {number}")
    values.setdefault("sector", "ai")
    values.setdefault("programme", "Accelerate")
    values.setdefault("city_site", "Rabat")
    values.setdefault("pitch", f"{startup.name} turns sunlight into irrigation.")
    for key, value in values.items():
        setattr(startup, key, value)
    db.session.commit()
    return user


def create_investor(**values: Any) -> User:
    """An investor account; its profile (`user.investor`) takes any Investor column given."""
    user = create_user("investor")
    investor = user.investor
    values.setdefault("fund", f"Fund of {user.name}")
    values.setdefault("sectors", ["ai", "fintech"])
    values.setdefault("stages", ["seed"])
    values.setdefault("ticket_min_eur", 50_000)
    values.setdefault("ticket_max_eur", 500_000)
    for key, value in values.items():
        setattr(investor, key, value)
    db.session.commit()
    return user


def create_hall(
    event: Event, name: str = "Hall 1", width: float = 40, depth: float = 20, **values: Any
) -> Hall:
    """A hall of the expo, with `booths=[(code, x, y, width, depth, {column: value}), …]`."""
    booths = values.pop("booths", [])
    hall = add_hall(event, HallDetails(name=name, width=width, depth=depth))
    specs = [
        BoothSpec(code, x, y, w, d, **(rest[0] if rest else {}))
        for code, x, y, w, d, *rest in booths
    ]
    if specs:
        add_booths(event, hall, specs)
    for key, value in values.items():
        setattr(hall, key, value)
    db.session.commit()
    return hall


def create_application(
    event: Event, startup: Startup, status: str = "approved", **values: Any
) -> BoothApplication:
    """A booth application of `startup` (approved by default): a 9 m² standard booth."""
    application = BoothApplication(
        event_id=event.id,
        startup_id=startup.id,
        kind=values.pop("kind", "standard"),
        area_wanted=values.pop("area", 9.0),
        preferred_zones=values.pop("zones", []),
        preferred_booths=values.pop("booths", []),
        programme=values.pop("programme", startup.programme),
        city_site=startup.city_site,
        status=status,
        **values,
    )
    db.session.add(application)
    db.session.commit()
    return application
