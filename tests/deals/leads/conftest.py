"""Fixtures of the leads tests: an expo where two startups have a booth, a third without
one, and two visitors: one who agreed to share their contact, one who did not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update

from eventhub.badges.signing import badge_token
from eventhub.booths.models import Booth
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support import factories

# What the anonymous visitor typed: none of it may reach an exhibitor.
SECRET = {
    "first_name": "Omar",
    "last_name": "Zouhairi",
    "email": "omar.zouhairi@hidden-org.example",
    "organization": "Hidden Org",
    "job_title": "Chief Secret Officer",
}
SECRETS = ("Omar", "Zouhairi", "omar.zouhairi", "Hidden Org", "Chief Secret Officer")
SHARED = {
    "first_name": "Salma",
    "last_name": "Bennani",
    "email": "salma@atlas-agri.example",
    "organization": "Atlas Agri",
    "job_title": "Head of innovation",
}


@dataclass
class Show:
    event: Any
    atlas: Any  # the owner of Atlas AI (booth A01)
    atlas_mate: Any  # a teammate
    souk: Any  # the owner of Souk Pay (booth A02)
    no_booth: Any  # a startup without a booth here
    shared: Any  # a registration that agreed to share its contact
    secret: Any  # one that did not
    shared_token: str
    secret_token: str


def give_booth(event: Any, code: str, startup: Any) -> None:
    application = factories.create_application(event, startup)
    db.session.execute(
        update(Booth)
        .where(Booth.event_id == event.id, Booth.code == code)
        .values(status="allocated", application_id=application.id)
    )
    db.session.commit()


def visitor(event: Any, share: bool, **values: Any) -> Any:
    registration = register(
        event,
        event.categories[0],
        Attendee(**values, country="MA", share_with_exhibitors=share),
        enforce_window=False,
    )
    db.session.commit()
    return registration


@pytest.fixture
def show(app, make_event) -> Show:
    event = make_event(slug="leads-expo", name="Leads Expo")
    factories.create_hall(event, booths=[("A01", 2, 2, 3, 3), ("A02", 5, 2, 3, 3)])
    atlas = factories.create_startup(name="Atlas AI")
    mate = factories.create_user("startup", name="Teammate of Atlas")
    mate.startup = atlas.startup
    souk = factories.create_startup(name="Souk Pay")
    no_booth = factories.create_startup(name="Later AI")
    db.session.commit()
    give_booth(event, "A01", atlas.startup)
    give_booth(event, "A02", souk.startup)
    shared = visitor(event, True, **SHARED)
    secret = visitor(event, False, **SECRET)
    return Show(
        event,
        atlas,
        mate,
        souk,
        no_booth,
        shared,
        secret,
        badge_token(shared),
        badge_token(secret),
    )


def assert_no_secret(text: str) -> None:
    for value in SECRETS:
        assert value not in text, f"{value!r} leaked"
