"""The organiser's forms for events, zones and categories: what they save, what they refuse.

Every refusal shows the same form again (422) with the message at the field, and saves
nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from eventhub.auth.models import AuditEntry
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def organiser(login_as):
    return login_as("admin")


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(instance: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(instance), instance.id)


def event_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Rabat Fintech Days",
        "slug": "rabat-fintech-2031",
        "kind": "expo",
        "status": "draft",
        "description": "Payments, credit and insurance.",
        "venue": "OLM Souissi",
        "city": "Rabat",
        "timezone": "Africa/Casablanca",
        "first_day": "2031-06-10",
        "last_day": "2031-06-11",
        "registration_opens": "2031-04-01T09:00",
        "registration_closes": "2031-06-11T18:00",
        "capacity": "5000",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Events.


def test_new_event_form(client, organiser):
    response = client.get("/organiser/events/new")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="slug"' in page and 'name="first_day"' in page
    assert "Africa/Casablanca" in page


def test_create_event(client, organiser):
    response = client.post("/organiser/events/new", data=event_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/events/rabat-fintech-2031/zones"
    event = db.session.scalars(select(Event)).one()
    assert (event.name, event.kind, event.status) == ("Rabat Fintech Days", "expo", "draft")
    assert (event.venue, event.city, event.capacity) == ("OLM Souissi", "Rabat", 5000)
    assert event.days == [date(2031, 6, 10), date(2031, 6, 11)]
    # Times typed in the event's zone (UTC+1 in June) are stored in UTC.
    assert event.registration_opens_at == datetime(2031, 4, 1, 8, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(2031, 6, 11, 17, 0, tzinfo=UTC)
    audit = db.session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.target, audit.actor_id) == (
        "event.create",
        "rabat-fintech-2031",
        organiser.id,
    )


def test_create_event_with_only_the_required_fields(client, organiser):
    data = event_data(
        description="",
        registration_opens="",
        registration_closes="",
        capacity="",
        status="published",
    )
    response = client.post("/organiser/events/new", data=data)
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert event.registration_opens_at is None and event.registration_closes_at is None
    assert event.capacity is None and event.description == ""
    assert client.get("/events/rabat-fintech-2031").status_code == 200


def test_create_event_in_another_time_zone(client, organiser):
    data = event_data(timezone="Europe/Paris", registration_opens="2031-04-01T09:00")
    client.post("/organiser/events/new", data=data)
    event = db.session.scalars(select(Event)).one()
    assert event.timezone == "Europe/Paris"
    assert event.registration_opens_at == datetime(2031, 4, 1, 7, 0, tzinfo=UTC)  # CEST


BAD_EVENTS = {
    "missing-name": ({"name": ""}, "name", "This field is required."),
    "blank-name": ({"name": "   "}, "name", "This field is required."),
    "missing-slug": ({"slug": None}, "slug", "This field is required."),
    "missing-venue": ({"venue": ""}, "venue", "This field is required."),
    "missing-city": ({"city": ""}, "city", "This field is required."),
    "missing-first-day": ({"first_day": ""}, "first_day", "This field is required."),
    "malformed-first-day": ({"first_day": "2031-02-30"}, "first_day", "Not a valid date value."),
    "missing-last-day": ({"last_day": None}, "last_day", "This field is required."),
    "last-day-before-first": (
        {"first_day": "2031-06-10", "last_day": "2031-06-09"},
        "last_day",
        "The last day cannot be before the first day.",
    ),
    "closes-before-opens": (
        {"registration_opens": "2031-06-01T09:00", "registration_closes": "2031-05-01T09:00"},
        "registration_closes",
        "Registration must close after it opens.",
    ),
    "closes-when-opens": (
        {"registration_opens": "2031-06-01T09:00", "registration_closes": "2031-06-01T09:00"},
        "registration_closes",
        "Registration must close after it opens.",
    ),
    "malformed-opening": (
        {"registration_opens": "tomorrow"},
        "registration_opens",
        "Not a valid datetime value.",
    ),
    "slug-with-capitals": (
        {"slug": "Rabat-Fintech"},
        "slug",
        "Use lowercase letters, digits and single hyphens only.",
    ),
    "slug-with-spaces": (
        {"slug": "rabat fintech"},
        "slug",
        "Use lowercase letters, digits and single hyphens only.",
    ),
    "slug-with-double-hyphen": (
        {"slug": "rabat--fintech"},
        "slug",
        "Use lowercase letters, digits and single hyphens only.",
    ),
    "slug-with-slash": (
        {"slug": "rabat/fintech"},
        "slug",
        "Use lowercase letters, digits and single hyphens only.",
    ),
    "slug-too-short": ({"slug": "ab"}, "slug", "Field must be between 3 and 80 characters long."),
    "slug-too-long": (
        {"slug": "a" * 81},
        "slug",
        "Field must be between 3 and 80 characters long.",
    ),
    "name-too-long": ({"name": "x" * 161}, "name", "Field cannot be longer than 160 characters."),
    "unknown-kind": ({"kind": "party"}, "kind", "Not a valid choice."),
    "unknown-status": ({"status": "deleted"}, "status", "Not a valid choice."),
    "unknown-time-zone": ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone."),
    "path-as-time-zone": ({"timezone": "../../etc/passwd"}, "timezone", "Unknown time zone."),
    "zero-capacity": ({"capacity": "0"}, "capacity", "Number must be between 1 and 1000000."),
    "negative-capacity": (
        {"capacity": "-5"},
        "capacity",
        "Number must be between 1 and 1000000.",
    ),
    "huge-capacity": (
        {"capacity": "99999999999999999999"},
        "capacity",
        "Number must be between 1 and 1000000.",
    ),
    "text-capacity": ({"capacity": "lots"}, "capacity", "Not a valid integer value."),
}


def test_create_event_refuses_bad_input(client, organiser, field_errors, subtests):
    """One subtest per case of BAD_EVENTS, signed in once."""
    for case, (changes, field, message) in BAD_EVENTS.items():
        with subtests.test(case):
            response = client.post("/organiser/events/new", data=event_data(**changes))
            assert response.status_code == 422
            assert message in field_errors(response, field)
            page = response.get_data(as_text=True)
            assert "Please correct the fields marked below." in page
            kept = "OLM Souissi" if "venue" not in changes else "Rabat"
            assert f'value="{kept}"' in page  # what was typed is kept
            assert count(Event) == 0
            assert count(AuditEntry) == 0


def test_create_event_refuses_a_slug_in_use(client, organiser, make_event, field_errors):
    make_event(slug="rabat-fintech-2031", name="The first one")
    response = client.post("/organiser/events/new", data=event_data())
    assert response.status_code == 422
    assert field_errors(response, "slug") == ["Another event already uses this short name."]
    assert count(Event) == 1
    assert db.session.scalars(select(Event.name)).one() == "The first one"


def test_edit_event_form_shows_local_times(client, organiser, make_event):
    event = make_event(
        timezone="Africa/Casablanca",
        registration_opens_at=datetime(2031, 4, 1, 8, 0, tzinfo=UTC),
    )
    page = client.get(f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2031-04-01T09:00"' in page
    assert f'value="{event.name}"' in page


def test_edit_event(client, organiser, make_event):
    event = make_event(slug="old-slug")
    response = client.post(
        "/organiser/events/old-slug/edit",
        data=event_data(name="Renamed", slug="new-slug", status="published"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/events/new-slug/edit"
    event = fresh(event)
    assert (event.name, event.slug, event.status) == ("Renamed", "new-slug", "published")
    assert event.first_day == date(2031, 6, 10)
    assert db.session.scalars(select(AuditEntry.action)).all() == ["event.update"]
    assert client.get("/organiser/events/old-slug/edit").status_code == 404


def test_edit_event_keeping_its_slug(client, organiser, make_event):
    make_event(slug="rabat-fintech-2031")
    response = client.post(
        "/organiser/events/rabat-fintech-2031/edit", data=event_data(name="Renamed")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [BAD_EVENTS[key] for key in ("missing-name", "last-day-before-first", "closes-before-opens")],
)
def test_edit_event_refuses_bad_input(
    client, organiser, make_event, field_errors, changes, field, message
):
    event = make_event(slug="rabat-fintech-2031", name="Unchanged")
    before = (event.first_day, event.last_day)
    response = client.post("/organiser/events/rabat-fintech-2031/edit", data=event_data(**changes))
    assert response.status_code == 422
    assert message in field_errors(response, field)
    event = fresh(event)
    assert event.name == "Unchanged"
    assert (event.first_day, event.last_day) == before
    assert count(AuditEntry) == 0


def test_edit_event_refuses_another_event_s_slug(client, organiser, make_event, field_errors):
    make_event(slug="taken")
    event = make_event(slug="mine", name="Mine")
    response = client.post("/organiser/events/mine/edit", data=event_data(slug="taken"))
    assert response.status_code == 422
    assert field_errors(response, "slug") == ["Another event already uses this short name."]
    event = fresh(event)
    assert (event.slug, event.name) == ("mine", "Mine")


def test_edit_unknown_event_is_404(client, organiser):
    assert client.get("/organiser/events/nope/edit").status_code == 404
    assert client.post("/organiser/events/nope/edit", data=event_data()).status_code == 404


def test_create_event_without_csrf_token_is_refused(client, make_user, csrf_token, csrf_enabled):
    admin = make_user("admin")
    client.post(
        "/login",
        data={
            "email": admin.email,
            "password": "correct-horse-battery",
            "csrf_token": csrf_token("/login"),
        },
    )
    response = client.post("/organiser/events/new", data=event_data())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Bad request" in page
    assert "The form expired or was sent from elsewhere. Please reload it and try again." in page
    assert "Bad request · EventHub" in page
    assert count(Event) == 0

    response = client.post(
        "/organiser/events/new", data={**event_data(), "csrf_token": "forged-token"}
    )
    assert response.status_code == 400
    assert count(Event) == 0

    token = csrf_token("/organiser/events/new")
    response = client.post("/organiser/events/new", data={**event_data(), "csrf_token": token})
    assert response.status_code == 302
    assert count(Event) == 1


# Zones.


@pytest.fixture
def event(make_event):
    return make_event(slug="expo", first_day=date(2031, 6, 10), last_day=date(2031, 6, 12))


def zone_names(event: Event) -> list[str]:
    return [zone.name for zone in fresh(event).zones]


def test_add_zones(client, organiser, event):
    response = client.post(
        "/organiser/events/expo/zones", data={"name": "Hall 1", "description": "AI & deep tech"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/events/expo/zones"
    client.post("/organiser/events/expo/zones", data={"name": "VIP lounge"})
    assert zone_names(event) == ["Hall 1", "VIP lounge"]
    page = client.get("/organiser/events/expo/zones").get_data(as_text=True)
    assert "AI &amp; deep tech" in page


ZONE_NAMES = {
    "missing": ("", "This field is required."),
    "blank": ("   ", "This field is required."),
    "too-long": ("x" * 81, "Field cannot be longer than 80 characters."),
    "duplicate": ("Hall 1", "This event already has a zone with that name."),
    "duplicate-other-case": ("hall 1", "This event already has a zone with that name."),
    "duplicate-spaces": ("  Hall 1  ", "This event already has a zone with that name."),
}


def test_add_zone_refuses_bad_input(client, organiser, event, field_errors, subtests):
    event.zones.append(Zone(name="Hall 1"))
    db.session.commit()
    for case, (name, message) in ZONE_NAMES.items():
        with subtests.test(case):
            response = client.post("/organiser/events/expo/zones", data={"name": name})
            assert response.status_code == 422
            assert field_errors(response, "name") == [message]
            assert zone_names(event) == ["Hall 1"]


def test_same_zone_name_in_two_events(client, organiser, event, make_event):
    other = make_event(slug="other")
    other.zones.append(Zone(name="Hall 1"))
    db.session.commit()
    response = client.post("/organiser/events/expo/zones", data={"name": "Hall 1"})
    assert response.status_code == 302
    assert zone_names(event) == ["Hall 1"]


def test_rename_zone(client, organiser, event):
    event.zones.append(Zone(name="Hall 1"))
    db.session.commit()
    zone_id = event.zones[0].id
    path = f"/organiser/events/expo/zones/{zone_id}/edit"
    assert 'value="Hall 1"' in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"name": "hall 1", "description": "Now lower case"})
    assert response.status_code == 302
    zone = db.session.get(Zone, zone_id)
    assert (zone.name, zone.description) == ("hall 1", "Now lower case")


def test_rename_zone_to_another_zone_s_name(client, organiser, event, field_errors):
    event.zones.extend([Zone(name="Hall 1"), Zone(name="Hall 2")])
    db.session.commit()
    zone_id = event.zones[1].id
    response = client.post(f"/organiser/events/expo/zones/{zone_id}/edit", data={"name": "HALL 1"})
    assert response.status_code == 422
    assert field_errors(response, "name") == ["This event already has a zone with that name."]
    assert zone_names(event) == ["Hall 1", "Hall 2"]


def test_zone_of_another_event_is_404(client, organiser, event, make_event):
    other = make_event(slug="other")
    other.zones.append(Zone(name="Their hall"))
    db.session.commit()
    zone_id = other.zones[0].id
    assert client.get(f"/organiser/events/expo/zones/{zone_id}/edit").status_code == 404
    response = client.post(
        f"/organiser/events/expo/zones/{zone_id}/edit", data={"name": "Mine now"}
    )
    assert response.status_code == 404
    assert client.post(f"/organiser/events/expo/zones/{zone_id}/delete").status_code == 404
    assert zone_names(other) == ["Their hall"]


def test_delete_zone_keeps_the_categories_that_used_it(client, organiser, event):
    hall, lounge = Zone(name="Hall 1"), Zone(name="VIP lounge")
    event.zones.extend([hall, lounge])
    event.categories[1].zones = [hall, lounge]
    db.session.commit()
    response = client.post(f"/organiser/events/expo/zones/{lounge.id}/delete")
    assert response.status_code == 302
    assert zone_names(event) == ["Hall 1"]
    vip = fresh(event).categories[1]
    assert vip.name == "VIP"
    assert [zone.name for zone in vip.zones] == ["Hall 1"]
    assert db.session.scalars(select(AuditEntry.action)).all() == ["zone.delete"]


# Categories.


def category_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Press",
        "colour": "#EA580C",
        "is_public": "y",
        "capacity": "200",
        "position": "3",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def categories_of(event: Event) -> list[str]:
    return [category.name for category in fresh(event).categories]


def test_add_category_with_days_and_zones(client, organiser, event):
    event.zones.extend([Zone(name="Hall 1"), Zone(name="Stage")])
    db.session.commit()
    hall = event.zones[0]
    response = client.post(
        "/organiser/events/expo/categories",
        data=category_data(days=["2031-06-12", "2031-06-11"], zones=[str(hall.id)]),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/events/expo/categories"
    press = fresh(event).categories[-1]
    assert (press.name, press.colour, press.is_public, press.is_default) == (
        "Press",
        "#ea580c",
        True,
        False,
    )
    assert (press.capacity, press.position) == (200, 3)
    assert press.days == [date(2031, 6, 11), date(2031, 6, 12)]
    assert [zone.name for zone in press.zones] == ["Hall 1"]


def test_add_the_new_default_category(client, organiser, event):
    response = client.post(
        "/organiser/events/expo/categories", data=category_data(is_default="y", position="0")
    )
    assert response.status_code == 302
    defaults = [c.name for c in fresh(event).categories if c.is_default]
    assert defaults == ["Press"]


BAD_CATEGORIES = {
    "missing-name": ({"name": ""}, "name", "This field is required."),
    "duplicate-name": (
        {"name": "visitor"},
        "name",
        "This event already has a category with that name.",
    ),
    "missing-colour": ({"colour": ""}, "colour", "This field is required."),
    "colour-word": ({"colour": "red"}, "colour", "Give a colour as #RRGGBB, for example #1f6feb."),
    "colour-short": (
        {"colour": "#fff"},
        "colour",
        "Give a colour as #RRGGBB, for example #1f6feb.",
    ),
    "colour-not-hex": (
        {"colour": "#12345g"},
        "colour",
        "Give a colour as #RRGGBB, for example #1f6feb.",
    ),
    "colour-css-injection": (
        {"colour": "#123456;background:url(x)"},
        "colour",
        "Give a colour as #RRGGBB, for example #1f6feb.",
    ),
    "day-outside-event": (
        {"days": ["2031-06-13"]},
        "days",
        "'2031-06-13' is not a valid choice for this field.",
    ),
    "day-not-a-date": (
        {"days": ["someday"]},
        "days",
        "'someday' is not a valid choice for this field.",
    ),
    "zone-not-a-number": (
        {"zones": ["hall"]},
        "zones",
        "Invalid choice(s): one or more data inputs could not be coerced.",
    ),
    "default-but-private": (
        {"is_default": "y", "is_public": None},
        "is_default",
        "The default category must be open to public registration.",
    ),
    "zero-capacity": ({"capacity": "0"}, "capacity", "Number must be between 1 and 1000000."),
    "negative-position": ({"position": "-1"}, "position", "Number must be between 0 and 999."),
}


def test_add_category_refuses_bad_input(client, organiser, event, field_errors, subtests):
    """One subtest per case of BAD_CATEGORIES, signed in once."""
    for case, (changes, field, message) in BAD_CATEGORIES.items():
        with subtests.test(case):
            response = client.post(
                "/organiser/events/expo/categories", data=category_data(**changes)
            )
            assert response.status_code == 422
            assert message in field_errors(response, field)
            assert "Please correct the fields marked below." in response.get_data(as_text=True)
            assert categories_of(event) == ["Visitor", "VIP"]


def test_add_category_refuses_a_zone_of_another_event(
    client, organiser, event, make_event, field_errors
):
    other = make_event(slug="other")
    other.zones.append(Zone(name="Their hall"))
    db.session.commit()
    response = client.post(
        "/organiser/events/expo/categories",
        data=category_data(zones=[str(other.zones[0].id)]),
    )
    assert response.status_code == 422
    assert field_errors(response, "zones")
    assert categories_of(event) == ["Visitor", "VIP"]


def test_edit_category(client, organiser, event):
    event.zones.append(Zone(name="Stage"))
    db.session.commit()
    vip = event.categories[1]
    path = f"/organiser/events/expo/categories/{vip.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'value="VIP"' in page
    response = client.post(
        path,
        data=category_data(
            name="VIP guests",
            colour="#111111",
            is_public=None,
            days=["2031-06-10"],
            zones=[str(event.zones[0].id)],
        ),
    )
    assert response.status_code == 302
    vip = fresh(vip)
    assert (vip.name, vip.colour, vip.is_public) == ("VIP guests", "#111111", False)
    assert vip.days == [date(2031, 6, 10)]
    assert [zone.name for zone in vip.zones] == ["Stage"]

    response = client.post(path, data=category_data(name="VIP guests", days=[], zones=[]))
    assert response.status_code == 302
    vip = fresh(vip)
    assert vip.days == [] and vip.zones == []  # every day, every zone


def test_edit_category_keeps_its_own_name_in_another_case(client, organiser, event):
    vip = event.categories[1]
    response = client.post(
        f"/organiser/events/expo/categories/{vip.id}/edit", data=category_data(name="vip")
    )
    assert response.status_code == 302
    assert categories_of(event) == ["Visitor", "vip"]


def test_edit_category_moves_the_default(client, organiser, event):
    vip = event.categories[1]
    response = client.post(
        f"/organiser/events/expo/categories/{vip.id}/edit",
        data=category_data(name="VIP", is_default="y", position="1"),
    )
    assert response.status_code == 302
    assert {c.name: c.is_default for c in fresh(event).categories} == {
        "Visitor": False,
        "VIP": True,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [BAD_CATEGORIES[key] for key in ("duplicate-name", "colour-word", "day-outside-event")],
)
def test_edit_category_refuses_bad_input(
    client, organiser, event, field_errors, changes, field, message
):
    vip = event.categories[1]
    response = client.post(
        f"/organiser/events/expo/categories/{vip.id}/edit",
        data=category_data(**{"name": "VIP", **changes}),
    )
    assert response.status_code == 422
    assert message in field_errors(response, field)
    vip = fresh(vip)
    assert (vip.name, vip.colour, vip.days) == ("VIP", "#111827", [])


def test_category_of_another_event_is_404(client, organiser, event, make_event):
    other = make_event(slug="other")
    theirs = other.categories[0]
    path = f"/organiser/events/expo/categories/{theirs.id}/edit"
    assert client.get(path).status_code == 404
    assert client.post(path, data=category_data(name="Mine now")).status_code == 404
    assert fresh(theirs).name == "Visitor"


@pytest.mark.parametrize(
    "path",
    [
        "/organiser/events/expo/zones/99999999999999999999/edit",
        "/organiser/events/expo/categories/99999999999999999999/edit",
        "/organiser/events/expo/categories/0/edit",
        "/organiser/events/nope/categories",
        "/organiser/events/nope/zones",
    ],
)
def test_unknown_ids_are_404(client, organiser, event, path):
    assert client.get(path).status_code == 404
    assert client.post(path, data={"name": "x"}).status_code == 404
    assert count(AttendeeCategory) == 2
