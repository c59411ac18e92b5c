"""The public pages: the list of events, an event's page, drafts, unknown addresses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from eventhub.events.models import Zone
from eventhub.extensions import db

pytestmark = pytest.mark.usefixtures("in_english")


def page_of(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_home_lists_upcoming_published_events_in_date_order(client, make_event):
    today = date.today()
    later = make_event(name="Later Demo Day", kind="demo_day", first_day=today + timedelta(days=30))
    make_event(name="Running Expo", first_day=today - timedelta(days=1))
    make_event(name="Draft Expo", status="draft")
    make_event(name="Archived Expo", status="archived")
    make_event(
        name="Past Expo",
        first_day=today - timedelta(days=10),
        last_day=today - timedelta(days=8),
    )
    response = client.get("/")
    assert response.status_code == 200
    page = page_of(response)
    assert page.index("Running Expo") < page.index("Later Demo Day")
    for hidden in ("Draft Expo", "Archived Expo", "Past Expo"):
        assert hidden not in page
    assert f"/events/{later.slug}" in page


def test_home_without_events(client):
    page = page_of(client.get("/"))
    assert "No event is announced yet." in page


def test_event_page_shows_the_event(client, make_event):
    event = make_event(
        name="Marrakech Tech Expo",
        venue="Bab Jdid",
        city="Marrakech",
        description="Three days of AI.",
        first_day=date(2031, 3, 4),
        last_day=date(2031, 3, 6),
    )
    event.zones.append(Zone(name="Hall 1 · AI"))
    db.session.commit()
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    page = page_of(response)
    for text in ("Marrakech Tech Expo", "Bab Jdid, Marrakech", "Three days of AI.", "Hall 1 · AI"):
        assert text in page
    assert "Visitor" in page and "VIP" in page
    assert "Open registration" in page and "By invitation" in page
    assert "Mar 4, 2031" in page and "Mar 6, 2031" in page
    assert "Africa/Casablanca" in page


def test_user_text_is_escaped(client, make_event):
    event = make_event(name="<script>alert(1)</script>", description="<b>bold</b>")
    page = page_of(client.get(f"/events/{event.slug}"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [
        (None, None, "Registration is open."),
        (-1, +1, "Registration is open."),
        (+1, +2, "Registration opens on"),
        (-2, -1, "Registration is closed."),
    ],
    ids=["always-open", "in-window", "not-yet", "closed"],
)
def test_event_page_tells_whether_registration_is_open(client, make_event, opens, closes, expected):
    now = datetime.now(UTC)
    event = make_event(
        registration_opens_at=now + timedelta(days=opens) if opens is not None else None,
        registration_closes_at=now + timedelta(days=closes) if closes is not None else None,
    )
    assert expected in page_of(client.get(f"/events/{event.slug}"))


def test_times_are_shown_in_the_event_time_zone(client, make_event):
    event = make_event(
        first_day=date(2031, 6, 10),
        last_day=date(2031, 6, 12),
        timezone="Africa/Casablanca",
        registration_opens_at=datetime(2031, 6, 1, 8, 0, tzinfo=UTC),
        registration_closes_at=datetime(2031, 6, 12, 16, 0, tzinfo=UTC),
    )
    page = page_of(client.get(f"/events/{event.slug}")).replace("\u202f", " ")
    # 08:00 UTC is 09:00 in Casablanca (UTC+1 outside Ramadan).
    assert "Registration opens on Jun 1, 2031, 9:00 AM" in page  # to the minute


@pytest.mark.parametrize("status", ["draft", "archived"])
@pytest.mark.parametrize("role", ["anonymous", "staff", "startup", "investor"])
def test_unpublished_event_is_hidden_from_everyone_but_organisers(
    client, login_as, make_event, status, role
):
    event = make_event(name="Secret Expo", status=status)
    if role != "anonymous":
        login_as(role)
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 404
    assert "Secret Expo" not in page_of(response)


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_event_is_visible_to_organisers(client, login_as, make_event, status):
    event = make_event(name="Secret Expo", status=status)
    login_as("admin")
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    page = page_of(response)
    assert "Secret Expo" in page
    assert status.title() in page
    assert f"/organiser/events/{event.slug}/edit" in page


@pytest.mark.parametrize(
    "path",
    [
        "/events/no-such-event",
        "/events/" + "x" * 3000,
        "/events/%00",
        "/events/..%2f..%2fetc%2fpasswd",
        "/no-such-page",
        "/startups/99999999999999999999",
    ],
)
def test_unknown_address_gets_the_app_s_404_page(client, login_as, path):
    login_as("startup")
    response = client.get(path)
    assert response.status_code == 404
    page = page_of(response)
    assert "Page not found" in page
    assert "There is nothing here. Check the address." in page
    assert "Page not found · EventHub" in page  # the app's layout, not a bare error
    assert 'href="/"' in page


def test_the_404_page_is_translated(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = page_of(client.get("/events/no-such-event"))
    assert 'lang="fr"' in page


def test_wrong_method_gets_the_app_s_405_page(client):
    response = client.post("/")
    assert response.status_code == 405
    assert "EventHub" in page_of(response)
