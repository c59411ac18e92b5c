"""Fixtures of the booth tests: an expo with halls and booths, startups and applications."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from eventhub.booths.floorplan import BoothSpec
from eventhub.booths.layout import HallDetails, add_booths, booth_by_code, create_hall
from eventhub.booths.models import BoothApplication
from eventhub.extensions import db


@pytest.fixture
def expo(make_event: Callable[..., Any]) -> Any:
    return make_event(slug="booth-expo", name="Booth Expo")


@pytest.fixture
def make_hall() -> Callable[..., Any]:
    """make_hall(event, name="Hall 1", width=40, depth=20, booths=[(code, x, y, w, d, **kw)])."""

    def factory(event: Any, name: str = "Hall 1", width: float = 40, depth: float = 20, **kw):
        booths = kw.pop("booths", [])
        hall = create_hall(event, HallDetails(name=name, width=width, depth=depth))
        specs = [
            BoothSpec(code, x, y, w, d, **(rest[0] if rest else {}))
            for code, x, y, w, d, *rest in booths
        ]
        if specs:
            add_booths(event, hall, specs)
        for key, value in kw.items():
            setattr(hall, key, value)
        db.session.commit()
        return hall

    return factory


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
def make_startup(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """make_startup(name=..., sector=..., programme=...) → (user, startup), committed."""
    counter = iter(range(1, 10_000))

    def factory(**values: Any) -> tuple[Any, Any]:
        number = next(counter)
        user = make_user("startup", name=values.pop("contact", f"Founder {number}"))
        startup = user.startup
        startup.name = values.pop("name", f"Startup {number}")
        startup.sector = values.pop("sector", "ai")
        startup.programme = values.pop("programme", "Accelerate")
        startup.city_site = values.pop("city_site", "Rabat")
        for key, value in values.items():
            setattr(startup, key, value)
        db.session.commit()
        return user, startup

    return factory


@pytest.fixture
def make_application() -> Callable[..., Any]:
    """make_application(event, startup, status="approved", kind=..., area=...) → committed."""

    def factory(event: Any, startup: Any, status: str = "approved", **values: Any) -> Any:
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

    return factory


@pytest.fixture
def outbox(app: Flask, tmp_path: Path) -> Iterator[Callable[[], list[EmailMessage]]]:
    """outbox() → the e-mails written so far (parsed .eml files), oldest first."""
    folder = tmp_path / "outbox"
    saved = {key: app.config.get(key) for key in ("OUTBOX", "MAIL_SERVER")}
    app.config.update(OUTBOX=str(folder), MAIL_SERVER=None)

    def read() -> list[EmailMessage]:
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]

    yield read
    app.config.update(saved)


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
