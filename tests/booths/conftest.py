"""Fixtures of the booth tests: an expo with halls and booths, startups and applications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from eventhub.booths.layout import booth_by_code
from eventhub.extensions import db
from tests.support import factories


@pytest.fixture
def expo(make_event: Callable[..., Any]) -> Any:
    return make_event(slug="booth-expo", name="Booth Expo")


@pytest.fixture
def make_hall(app: Flask) -> Callable[..., Any]:
    """make_hall(event, name="Hall 1", width=40, depth=20, booths=[(code, x, y, w, d, **kw)])."""
    return factories.create_hall


@pytest.fixture
def make_startup(app: Flask) -> Callable[..., tuple[Any, Any]]:
    """make_startup(name=..., sector=..., programme=...) → (user, startup), committed."""

    def factory(**values: Any) -> tuple[Any, Any]:
        user = factories.create_startup(**values)
        return user, user.startup

    return factory


@pytest.fixture
def make_application(app: Flask) -> Callable[..., Any]:
    """make_application(event, startup, status="approved", kind=..., area=...) → committed."""
    return factories.create_application


@pytest.fixture
def row_of_booths(expo: Any, make_hall: Callable[..., Any]) -> Any:
    """Hall 1 (40 × 20 m) with six 3 × 3 standard booths A01–A06 in zone `ai`, and Hall 2
    (30 × 20 m) with two fintech booths F01–F02 and a 2 × 2 pod P01."""
    hall = make_hall(
        expo,
        booths=[(f"A0{n}", 2 + 3 * (n - 1), 2, 3, 3, {"zone": "ai"}) for n in range(1, 7)],
    )
    make_hall(
        expo,
        name="Hall 2",
        width=30,
        booths=[
            ("F01", 2, 2, 3, 3, {"zone": "fintech"}),
            ("F02", 5, 2, 3, 3, {"zone": "fintech"}),
            ("P01", 10, 10, 2, 2, {"kind": "pod"}),
        ],
    )
    return hall


@pytest.fixture
def show(row_of_booths, make_startup, make_application):
    """(event, applications by name): three approved startups (Atlas AI, Argan AI wanting
    A04, Souk Pay of fintech), an approved pod (Cedar Pod) and a pending one (Later AI)."""
    event = row_of_booths.event
    apps = {}
    for name, sector, values in (
        ("Atlas AI", "ai", {}),
        ("Argan AI", "ai", {"booths": ["A04"]}),
        ("Souk Pay", "fintech", {"zones": ["fintech"]}),
        ("Cedar Pod", "edtech", {"kind": "pod", "area": 4.0}),
    ):
        _user, startup = make_startup(name=name, sector=sector)
        apps[name] = make_application(event, startup, **values)
    _user, waiting = make_startup(name="Later AI")
    apps["Later AI"] = make_application(event, waiting, status="pending")
    return event, apps


@pytest.fixture
def open_hall(show):
    """`show` with Hall 1 (A01–A06) open for self-service."""
    event, apps = show
    hall = booth_by_code(event, "A01").hall
    hall.self_service = True
    db.session.commit()
    return event, apps


@pytest.fixture
def plan(row_of_booths, make_startup, make_application):
    """The expo with Atlas AI allocated to A01 and an approved, unplaced Argan AI."""
    event = row_of_booths.event
    _user, atlas = make_startup(name="Atlas AI")
    application = make_application(event, atlas)
    _user, argan = make_startup(name="Argan AI")
    make_application(event, argan)
    a01 = booth_by_code(event, "A01")
    a01.status, a01.application_id = "allocated", application.id
    db.session.commit()
    return event
