"""Finding an event's zone or category for a page, and the forms' view of what the
organiser typed (EventForm.details, CategoryForm.for_event and details)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from eventhub.events.editing import CategoryDetails, EventDetails
from eventhub.events.forms import CategoryForm, EventForm
from eventhub.events.lookup import category_or_404, zone_or_404
from eventhub.events.models import AttendeeCategory, Zone
from eventhub.extensions import db


@pytest.fixture
def event(make_event):
    event = make_event(first_day=date(2031, 6, 10), last_day=date(2031, 6, 11))
    event.zones.extend([Zone(name="Hall 1"), Zone(name="Stage")])
    db.session.commit()
    return event


def test_zone_and_category_of_this_event_only(app, event, make_event):
    other = make_event()
    other.zones.append(Zone(name="Theirs"))
    db.session.commit()
    hall, visitor = event.zones[0], event.categories[0]
    assert zone_or_404(event, hall.id) is hall
    assert category_or_404(event, visitor.id) is visitor
    for find, thing in ((zone_or_404, other.zones[0]), (category_or_404, other.categories[0])):
        with pytest.raises(NotFound):
            find(event, thing.id)
        with pytest.raises(NotFound):
            find(event, 2**31 - 1)


def test_event_form_details(app):
    data = MultiDict(
        {
            "name": "Gitex Africa",
            "slug": "gitex-africa",
            "kind": "expo",
            "status": "draft",
            "venue": "Bab Jdid",
            "city": "Marrakech",
            "timezone": "Africa/Casablanca",
            "first_day": "2031-06-10",
            "last_day": "2031-06-12",
            "registration_opens": "2031-05-01T09:00",
        }
    )
    with app.test_request_context(method="POST", data=data):
        form = EventForm(meta={"csrf": False})
        assert form.validate(), form.errors
        details = form.details()
    assert details == EventDetails(
        name="Gitex Africa",
        slug="gitex-africa",
        kind="expo",
        status="draft",
        venue="Bab Jdid",
        city="Marrakech",
        timezone="Africa/Casablanca",
        first_day=date(2031, 6, 10),
        last_day=date(2031, 6, 12),
        description="",
        main_language="fr",
        registration_opens_local=datetime(2031, 5, 1, 9, 0),
        registration_closes_local=None,
        capacity=None,
        offer_hold_hours=48,
        requires_email_confirmation=False,
    )


def test_category_form_offers_the_event_days_and_zones(app, event):
    hall, stage = event.zones
    press = AttendeeCategory(name="Press", colour="#ea580c", capacity=20, zones=[stage])
    event.categories.append(press)
    press.set_days([date(2031, 6, 11)])
    db.session.commit()
    with app.test_request_context():
        form = CategoryForm.for_event(event, press)
        assert form.days.choices == [("2031-06-10", "2031-06-10"), ("2031-06-11", "2031-06-11")]
        assert form.zones.choices == [(hall.id, "Hall 1"), (stage.id, "Stage")]
        assert (form.name.data, form.capacity.data) == ("Press", 20)
        assert (form.days.data, form.zones.data) == (["2031-06-11"], [stage.id])
        assert CategoryForm.for_event(event).name.data is None


def test_category_form_details(app, event):
    hall = event.zones[0]
    data = MultiDict(
        [
            ("name", "Press"),
            ("colour", "#EA580C"),
            ("is_public", "y"),
            ("days", "2031-06-11"),
            ("zones", str(hall.id)),
        ]
    )
    with app.test_request_context(method="POST", data=data):
        form = CategoryForm.for_event(event)
        form.meta.csrf = False
        assert form.validate(), form.errors
        details = form.details()
    assert details == CategoryDetails(
        name="Press",
        colour="#EA580C",
        is_public=True,
        is_default=False,
        capacity=None,
        position=0,
        days=[date(2031, 6, 11)],
        zone_ids=[hall.id],
    )
