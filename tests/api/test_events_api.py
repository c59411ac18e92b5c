"""GET /api/v1/events and /api/v1/events/<slug>: published events only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from eventhub.events.models import Zone
from eventhub.extensions import db


@pytest.fixture
def expo_with_zones(make_event):
    """A published expo whose VIP category may enter only the VIP lounge, on the first day."""
    first_day = date(2031, 5, 6)
    event = make_event(
        slug="gitex-africa-2031",
        name="GITEX Africa 2031",
        first_day=first_day,
        registration_opens_at=datetime(2031, 1, 10, 9, 0, tzinfo=UTC),
    )
    hall, lounge = Zone(name="Hall 1"), Zone(name="VIP Lounge")
    event.zones = [hall, lounge]
    vip = event.categories[1]
    vip.zones = [lounge]
    vip.set_days([first_day])
    db.session.commit()
    return event


def test_list_shows_published_events_only_earliest_first(client, make_event):
    today = date.today()
    make_event(slug="later", name="Later Expo", first_day=today + timedelta(days=40))
    make_event(slug="demo-day", name="Demo Day", kind="demo_day", city="Rabat", first_day=today)
    make_event(slug="secret", name="Draft Expo", status="draft")
    make_event(slug="old", name="Archived Expo", status="archived")

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    events = response.get_json()
    assert [event["slug"] for event in events] == ["demo-day", "later"]
    assert events[0] == {
        "slug": "demo-day",
        "name": "Demo Day",
        "kind": "demo_day",
        "city": "Rabat",
        "first_day": today.isoformat(),
        "last_day": (today + timedelta(days=2)).isoformat(),
    }


def test_list_is_empty_without_published_events(client, make_event):
    make_event(status="draft")
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    assert response.get_json() == []


def test_detail_has_the_event_its_zones_and_categories(client, expo_with_zones):
    response = client.get("/api/v1/events/gitex-africa-2031")

    assert response.status_code == 200
    event = response.get_json()
    assert event["name"] == "GITEX Africa 2031"
    assert event["kind"] == "expo"
    assert event["status"] == "published"
    assert event["timezone"] == "Africa/Casablanca"
    assert event["first_day"] == "2031-05-06"
    assert event["last_day"] == "2031-05-08"
    assert event["registration_opens_at"] == "2031-01-10T09:00:00+00:00"
    assert event["registration_closes_at"] is None
    assert event["zones"] == ["Hall 1", "VIP Lounge"]
    visitor, vip = event["categories"]
    assert visitor["name"] == "Visitor"
    assert visitor["is_default"] is True
    assert visitor["days"] == []  # every day
    assert visitor["zones"] == []  # every zone
    assert vip["name"] == "VIP"
    assert vip["is_public"] is False
    assert vip["colour"] == "#111827"
    assert vip["days"] == ["2031-05-06"]
    assert vip["zones"] == ["VIP Lounge"]
    assert set(vip) == {
        "id",
        "name",
        "colour",
        "is_public",
        "is_default",
        "capacity",
        "days",
        "zones",
    }


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_event_is_404_json(client, make_event, api_error, status):
    make_event(slug="not-yet", status=status)
    api_error(client.get("/api/v1/events/not-yet"), 404, "event_not_found")


@pytest.mark.parametrize("slug", ["no-such-event", "GITEX-AFRICA-2031", "x" * 300, "é", "a b"])
def test_unknown_slug_is_404_json(client, expo_with_zones, api_error, slug):
    api_error(client.get(f"/api/v1/events/{slug}"), 404, "event_not_found")


def test_nul_in_the_address_is_404_json_not_a_database_error(client, expo_with_zones, api_error):
    """PostgreSQL refuses NUL in text: the API answers before asking it."""
    api_error(client.get("/api/v1/events/gitex%00"), 404, "not_found")


def test_nul_in_a_query_parameter_is_404_json_like_in_the_path(client, expo_with_zones, api_error):
    api_error(client.get("/api/v1/events?city=%00"), 404, "not_found")


def test_event_api_needs_no_login_and_ignores_a_bad_token(client, expo_with_zones):
    """Public reads stay public: a stale token on a device does not lock it out of them."""
    response = client.get(
        "/api/v1/events/gitex-africa-2031", headers={"Authorization": "Bearer ehk_revoked"}
    )
    assert response.status_code == 200
