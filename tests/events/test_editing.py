"""Event logic without HTTP: local times and UTC, registration windows, categories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from eventhub.events.editing import (
    CategoryDetails,
    EventDetails,
    EventError,
    add_zone,
    create_event,
    default_category,
    details_of,
    remove_zone,
    rename_zone,
    save_category,
    to_local_naive,
    to_utc,
    update_event,
)
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db

# Time zones. Morocco keeps UTC+1 all year except during Ramadan, when it goes back to
# UTC+0 (22 December 2030 to 26 January 2031 in the tz database); Paris has summer time.


@pytest.mark.parametrize(
    ("timezone", "local", "utc"),
    [
        ("Africa/Casablanca", datetime(2031, 6, 10, 9, 0), datetime(2031, 6, 10, 8, 0)),
        ("Africa/Casablanca", datetime(2031, 12, 1, 9, 0), datetime(2031, 12, 1, 8, 0)),
        ("Africa/Casablanca", datetime(2031, 1, 10, 9, 0), datetime(2031, 1, 10, 9, 0)),
        ("Europe/Paris", datetime(2031, 1, 15, 9, 0), datetime(2031, 1, 15, 8, 0)),
        ("Europe/Paris", datetime(2031, 7, 15, 9, 0), datetime(2031, 7, 15, 7, 0)),
        ("UTC", datetime(2031, 7, 15, 9, 0), datetime(2031, 7, 15, 9, 0)),
    ],
    ids=["casablanca-summer", "casablanca-winter", "casablanca-ramadan", "paris-winter",
         "paris-summer", "utc"],
)  # fmt: skip
def test_to_utc_and_back(timezone, local, utc):
    moment = to_utc(local, timezone)
    assert moment == utc.replace(tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)
    assert to_local_naive(moment, timezone) == local


def test_casablanca_has_no_summer_time_shift():
    """Unlike Paris, Casablanca is at UTC+1 on both sides of the European clock change."""
    before = to_utc(datetime(2031, 3, 29, 12, 0), "Africa/Casablanca")
    after = to_utc(datetime(2031, 3, 31, 12, 0), "Africa/Casablanca")
    assert before.hour == after.hour == 11
    paris_before = to_utc(datetime(2031, 3, 29, 12, 0), "Europe/Paris")
    paris_after = to_utc(datetime(2031, 3, 31, 12, 0), "Europe/Paris")
    assert (paris_before.hour, paris_after.hour) == (11, 10)


def test_paris_spring_forward_gap():
    """02:30 on 30 March 2031 does not exist in Paris: read with the offset before the jump."""
    moment = to_utc(datetime(2031, 3, 30, 2, 30), "Europe/Paris")
    assert moment == datetime(2031, 3, 30, 1, 30, tzinfo=UTC)
    assert to_local_naive(moment, "Europe/Paris") == datetime(2031, 3, 30, 3, 30)


def test_paris_fall_back_ambiguity():
    """02:30 on 26 October 2031 happens twice in Paris: the first one (summer time) is meant."""
    moment = to_utc(datetime(2031, 10, 26, 2, 30), "Europe/Paris")
    assert moment == datetime(2031, 10, 26, 0, 30, tzinfo=UTC)
    an_hour_later = moment + timedelta(hours=1)
    assert to_local_naive(an_hour_later, "Europe/Paris") == datetime(2031, 10, 26, 2, 30)


def test_none_passes_through():
    assert to_utc(None, "Europe/Paris") is None
    assert to_local_naive(None, "Europe/Paris") is None


def test_to_local_naive_accepts_any_aware_moment():
    moment = datetime(2031, 7, 15, 9, 0, tzinfo=UTC).astimezone(
        to_utc(datetime(2031, 7, 15), "Asia/Dubai").tzinfo
    )
    assert to_local_naive(moment, "Asia/Dubai") == datetime(2031, 7, 15, 13, 0)


# Registration windows.

OPENS = datetime(2031, 4, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2031, 6, 11, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("opens", "closes", "now", "state"),
    [
        (None, None, OPENS, "open"),
        (OPENS, CLOSES, OPENS - timedelta(seconds=1), "not_yet"),
        (OPENS, CLOSES, OPENS, "open"),
        (OPENS, CLOSES, CLOSES - timedelta(seconds=1), "open"),
        (OPENS, CLOSES, CLOSES, "closed"),
        (OPENS, CLOSES, CLOSES + timedelta(days=30), "closed"),
        (OPENS, None, OPENS + timedelta(days=3650), "open"),
        (None, CLOSES, CLOSES - timedelta(days=3650), "open"),
        (None, CLOSES, CLOSES, "closed"),
    ],
    ids=["no-window", "before", "at-opening", "last-second", "at-closing", "after",
         "never-closes", "always-open-until", "closed-at"],
)  # fmt: skip
def test_registration_state(app, opens, closes, now, state):
    """(The app: building a model needs every mapped class imported, as the app does.)"""
    event = Event(registration_opens_at=opens, registration_closes_at=closes)
    assert event.registration_state(now) == state


def test_registration_state_at_the_same_moment_in_another_zone(app):
    event = Event(registration_opens_at=OPENS, registration_closes_at=CLOSES)
    paris_now = OPENS.astimezone(to_utc(datetime(2031, 4, 1), "Europe/Paris").tzinfo)
    assert event.registration_state(paris_now) == "open"


# Default category.


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        ([("Visitor", True, False), ("Press", True, True)], "Press"),
        ([("VIP", False, False), ("Visitor", True, False), ("Press", True, False)], "Visitor"),
        ([("VIP", False, True), ("Visitor", True, False)], "Visitor"),
        ([("VIP", False, False), ("Staff", False, False)], None),
        ([], None),
    ],
    ids=["the-default", "first-public", "private-default-ignored", "none-public", "none"],
)
def test_default_category(app, categories, expected):
    """Categories as (name, public, default), in their order."""
    event = Event(
        categories=[
            AttendeeCategory(name=name, is_public=public, is_default=default)
            for name, public, default in categories
        ]
    )
    found = default_category(event)
    assert (found.name if found else None) == expected


# Saving categories (logic, on the database).


@pytest.fixture
def event(make_event):
    event = make_event(slug="expo", first_day=date(2031, 6, 10), last_day=date(2031, 6, 12))
    event.zones.extend([Zone(name="Hall 1"), Zone(name="VIP lounge")])
    db.session.commit()
    return event


def details(**changes) -> CategoryDetails:
    values = {
        "name": "Press",
        "colour": "#EA580C",
        "is_public": True,
        "is_default": False,
        "capacity": None,
        "position": 3,
        "days": [],
        "zone_ids": [],
    }
    values.update(changes)
    return CategoryDetails(**values)


def test_save_new_category(event):
    hall = event.zones[0]
    press = save_category(
        event, details(days=[date(2031, 6, 12), date(2031, 6, 10)], zone_ids=[hall.id])
    )
    db.session.commit()
    assert press.id is not None
    assert press.colour == "#ea580c"
    assert press.days == [date(2031, 6, 10), date(2031, 6, 12)]
    assert press.zones == [hall]
    assert press.may_enter_on(date(2031, 6, 10)) and not press.may_enter_on(date(2031, 6, 11))
    assert press.may_enter_zone(hall.id) and not press.may_enter_zone(event.zones[1].id)


def test_no_days_and_no_zones_mean_everywhere_every_day(event):
    press = save_category(event, details())
    assert all(press.may_enter_on(day) for day in event.days)
    assert all(press.may_enter_zone(zone.id) for zone in event.zones)
    assert press.may_enter_zone(None)


def test_update_category_replaces_days_and_zones(event):
    press = save_category(event, details(days=[date(2031, 6, 10)], zone_ids=[event.zones[0].id]))
    db.session.commit()
    save_category(
        event,
        details(name="press", days=[date(2031, 6, 11)], zone_ids=[event.zones[1].id]),
        press,
    )
    db.session.commit()
    db.session.expire_all()
    press = db.session.get(AttendeeCategory, press.id)
    assert press.name == "press"
    assert press.days == [date(2031, 6, 11)]
    assert [zone.name for zone in press.zones] == ["VIP lounge"]


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"name": "Visitor"}, "category_exists", "name"),
        ({"name": "vIsItOr"}, "category_exists", "name"),
        ({"days": [date(2031, 6, 13)]}, "day_outside", "days"),
        ({"days": [date(2031, 6, 9), date(2031, 6, 10)]}, "day_outside", "days"),
        ({"zone_ids": [999_999]}, "zone_unknown", "zones"),
        ({"is_default": True, "is_public": False}, "default_private", "is_default"),
    ],
    ids=["duplicate", "duplicate-other-case", "day-after", "day-before", "unknown-zone",
         "private-default"],
)  # fmt: skip
def test_save_category_refusals(event, changes, code, field):
    with pytest.raises(EventError) as raised:
        save_category(event, details(**changes))
    assert (raised.value.code, raised.value.field) == (code, field)
    assert str(raised.value.message)
    db.session.rollback()
    assert [c.name for c in event.categories] == ["Visitor", "VIP"]


def test_save_category_refuses_a_zone_of_another_event(event, make_event):
    other = make_event(slug="other")
    other.zones.append(Zone(name="Their hall"))
    db.session.commit()
    with pytest.raises(EventError) as raised:
        save_category(event, details(zone_ids=[event.zones[0].id, other.zones[0].id]))
    assert raised.value.code == "zone_unknown"


def test_a_category_keeps_its_own_name(event):
    vip = event.categories[1]
    save_category(event, details(name="VIP", is_public=False), vip)
    assert vip.name == "VIP"


def test_only_one_default_category(event):
    visitor, vip = event.categories
    assert visitor.is_default
    press = save_category(event, details(is_default=True))
    assert [c.name for c in event.categories if c.is_default] == ["Press"]
    save_category(event, details(name="VIP", is_public=True, is_default=True), vip)
    assert [c.name for c in event.categories if c.is_default] == ["VIP"]
    save_category(event, details(name="VIP", is_public=True, is_default=False), vip)
    assert not any(c.is_default for c in event.categories)
    assert default_category(event) is visitor
    assert press.is_default is False


# Events and zones.


def event_details(**changes) -> EventDetails:
    values = {
        "name": "Rabat Fintech Days",
        "slug": "rabat-fintech",
        "kind": "expo",
        "status": "draft",
        "venue": "OLM Souissi",
        "city": "Rabat",
        "timezone": "Africa/Casablanca",
        "first_day": date(2031, 6, 10),
        "last_day": date(2031, 6, 11),
        "registration_opens_local": datetime(2031, 4, 1, 9, 0),
        "registration_closes_local": None,
    }
    values.update(changes)
    return EventDetails(**values)


def test_create_event_stores_utc_and_details_of_gives_local_times(app):
    event = create_event(event_details())
    db.session.commit()
    assert event.registration_opens_at == datetime(2031, 4, 1, 8, 0, tzinfo=UTC)
    shown = details_of(event)
    assert shown["registration_opens"] == datetime(2031, 4, 1, 9, 0)
    assert shown["registration_closes"] is None
    assert shown["slug"] == "rabat-fintech"


def test_changing_the_time_zone_keeps_the_wall_clock_time(app):
    event = create_event(event_details())
    update_event(event, event_details(timezone="Europe/Paris"))
    assert event.registration_opens_at == datetime(2031, 4, 1, 7, 0, tzinfo=UTC)


def test_slug_is_unique(app):
    create_event(event_details())
    db.session.commit()
    with pytest.raises(EventError) as raised:
        create_event(event_details(name="Copy"))
    assert (raised.value.code, raised.value.field) == ("slug_taken", "slug")
    db.session.rollback()
    other = create_event(event_details(slug="other"))
    with pytest.raises(EventError):
        update_event(other, event_details(slug="rabat-fintech"))


def test_zone_names_are_unique_per_event(event):
    with pytest.raises(EventError) as raised:
        add_zone(event, "hall 1")
    assert (raised.value.code, raised.value.field) == ("zone_exists", "name")
    hall, lounge = event.zones
    with pytest.raises(EventError):
        rename_zone(lounge, "HALL 1", "")
    rename_zone(hall, "hall 1", "lower case is fine for the zone itself")
    assert add_zone(event, "Demo stage").id is not None


def test_remove_zone_keeps_the_categories_that_named_it(event):
    hall, lounge = event.zones
    vip = event.categories[1]
    vip.zones = [hall, lounge]
    db.session.commit()
    remove_zone(lounge)
    db.session.commit()
    db.session.expire_all()
    assert [zone.name for zone in event.zones] == ["Hall 1"]
    assert [zone.name for zone in vip.zones] == ["Hall 1"]
