"""The startup's and the investor's home pages: what they show, computed without HTTP, the
pages themselves, and who may see them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from eventhub.booths.layout import booth_by_code
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingRequest, StartupUnavailability
from eventhub.meetings.slots import SettingsDetails, save_settings
from eventhub.profiles.home import investor_home, missing_profile_fields, startup_home
from tests.support import factories

TODAY = date.today()
NOON = datetime.combine(TODAY, time(12), tzinfo=UTC)


def add_meeting(event: Any, startup: Any, investor: Any, starts_at: datetime, **values: Any):
    meeting = Meeting(
        event_id=event.id,
        startup_id=startup.id,
        investor_id=investor.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=20),
        **values,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def add_request(event: Any, startup: Any, investor: Any, status: str = "pending"):
    request = MeetingRequest(
        event_id=event.id,
        startup_id=startup.id,
        investor_id=investor.id,
        pitch="Solar irrigation",
        status=status,
    )
    db.session.add(request)
    db.session.commit()
    return request


def demo_day(**values: Any) -> Any:
    values.setdefault("kind", "demo_day")
    values.setdefault("name", "Casablanca Demo Day")
    event = factories.create_event(**values)
    save_settings(
        event,
        SettingsDetails(
            booking_open=True,
            requests_open=True,
            max_meetings_per_startup=None,
            max_requests_per_startup=10,
            cutoff_hours=24,
            max_concurrent_meetings=None,
        ),
    )
    db.session.commit()
    return event


def allocate(event: Any, startup: Any, code: str) -> Any:
    application = factories.create_application(event, startup)
    booth = booth_by_code(event, code)
    booth.status, booth.application_id, booth.allocated_at = "allocated", application.id, NOON
    db.session.commit()
    return booth


@pytest.fixture
def startup_world(app):
    """A startup (website missing) with a meeting in Dubai, requests, a booth at one expo,
    and another expo open for applications."""
    user = factories.create_startup(name="Argan Solar", website="", stage="seed")
    startup = user.startup
    investor = factories.create_investor(fund="Atlas Ventures").investor
    other = factories.create_investor(fund="Sahara Capital").investor
    dubai = demo_day(slug="dubai-day", name="Dubai Demo Day", timezone="Asia/Dubai")
    ten_local = datetime.combine(dubai.first_day, time(6), tzinfo=UTC)  # 10:00 in Dubai
    add_meeting(dubai, startup, investor, ten_local, table_name="T7")
    add_meeting(dubai, startup, other, ten_local + timedelta(hours=1), status="cancelled")
    add_meeting(dubai, startup, other, NOON - timedelta(days=3))  # over
    add_request(dubai, startup, other, "pending")
    add_request(dubai, startup, investor, "withdrawn")
    expo = factories.create_event(slug="gitex", name="Gitex Africa")
    factories.create_hall(expo, name="Hall 2", booths=[("B07", 1, 1, 3, 3), ("B08", 5, 1, 3, 3)])
    allocate(expo, startup, "B07")
    factories.create_event(slug="open-expo", name="Open Expo")
    return user


def test_profile_completeness_reads_the_startup_fields(app):
    startup = factories.create_startup(website="https://argan.example").startup
    assert missing_profile_fields(startup) == ()
    startup.pitch, startup.programme = "", ""
    assert missing_profile_fields(startup) == ("programme", "pitch")


def test_startup_home(startup_world):
    startup = startup_world.startup
    home = startup_home(startup)
    assert [(m.investor.fund, m.table_name) for m in home.next_meetings] == [
        ("Atlas Ventures", "T7")
    ]
    assert [(r.investor.fund, r.status) for r in home.requests] == [("Sahara Capital", "pending")]
    assert [(b.code, b.hall.name, b.hall.event.slug) for b in home.booths] == [
        ("B07", "Hall 2", "gitex")
    ]
    assert [(a.event.slug, a.status) for a in home.applications] == [("gitex", "approved")]
    assert [(item.kind, item.event.slug if item.event else None) for item in home.to_do] == [
        ("profile", None),
        ("availability", "dubai-day"),
        ("booth", "open-expo"),
    ]
    assert home.to_do[0].missing == ("website",)


def test_availability_is_done_once_marked(startup_world):
    startup = startup_world.startup
    request = db.session.query(MeetingRequest).filter_by(status="pending").one()
    start = datetime.combine(request.event.first_day, time(8), tzinfo=UTC)
    db.session.add(
        StartupUnavailability(
            event_id=request.event_id,
            startup_id=startup.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=20),
        )
    )
    db.session.commit()
    assert "availability" not in [item.kind for item in startup_home(startup).to_do]


def test_a_new_startup_has_only_things_to_do(app):
    factories.create_event(slug="open-expo")
    home = startup_home(factories.create_startup(website="").startup)
    assert (home.next_meetings, home.requests, home.booths, home.applications) == ([], [], [], [])
    assert [item.kind for item in home.to_do] == ["profile", "booth"]


def test_startup_home_page(client, in_english, auth, startup_world):
    auth.login(startup_world)
    response = client.get("/my/home")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "10:00–10:20" in page  # in Dubai time, without seconds
    assert "T7" in page and "Atlas Ventures" in page
    assert "/events/gitex/floor-plan?booth=B07#booth-B07" in page
    assert "Hall 2" in page and "Approved" in page
    assert "Complete your profile" in page and "website" in page
    assert "/events/dubai-day/availability" in page and "/events/dubai-day/requests" in page
    assert "Apply for a booth at Open Expo" in page
    assert "/events/open-expo/booth-application" in page
    assert 'href="/my/home"' in page  # the navigation leads back home


@pytest.fixture
def investor_world(app):
    """An investor with meetings yesterday, today (one over, one to come) and tomorrow, in an
    event held in UTC; requests pending and accepted."""
    user = factories.create_investor(fund="Atlas Ventures")
    investor = user.investor
    event = demo_day(slug="today-day", first_day=TODAY - timedelta(days=1), timezone="UTC")
    names = ("Argan", "Cedar", "Dune", "Oasis")
    startups = [factories.create_startup(name=name).startup for name in names]
    meetings = {
        "yesterday": add_meeting(event, startups[2], investor, NOON - timedelta(days=1)),
        "morning": add_meeting(event, startups[0], investor, NOON - timedelta(hours=3)),
        "afternoon": add_meeting(event, startups[1], investor, NOON + timedelta(hours=3)),
        "tomorrow": add_meeting(event, startups[3], investor, NOON + timedelta(days=1)),
    }
    add_meeting(
        event, startups[0], investor, NOON + timedelta(hours=4), status="cancelled"
    )  # never shown
    add_request(event, startups[0], investor, "pending")
    add_request(event, startups[1], investor, "accepted")
    return user, meetings


def test_investor_home(investor_world):
    user, meetings = investor_world
    since = NOON - timedelta(days=2)
    for name, created in (("morning", since - timedelta(hours=1)), ("tomorrow", NOON)):
        meetings[name].created_at = created
    meetings["afternoon"].created_at = since + timedelta(hours=1)
    meetings["yesterday"].created_at = since - timedelta(days=1)
    db.session.commit()

    home = investor_home(user.investor, since, now=NOON)
    assert home.today == [meetings["morning"], meetings["afternoon"]]
    assert home.next_meetings == [meetings["tomorrow"]]
    assert [r.startup.name for r in home.waiting_requests] == ["Argan"]
    assert home.new_bookings == [meetings["tomorrow"], meetings["afternoon"]]  # newest first
    assert len(investor_home(user.investor, None, now=NOON).new_bookings) == 4


def test_investor_home_page_shows_bookings_since_the_previous_sign_in(
    client, in_english, auth, investor_world
):
    user, meetings = investor_world
    user.last_login_at = NOON - timedelta(days=5)
    for meeting in meetings.values():
        meeting.created_at = NOON - timedelta(days=6)
    meetings["tomorrow"].created_at = NOON - timedelta(days=4)  # after the last sign-in
    db.session.commit()
    auth.login(user)
    page = client.get("/my/home").get_data(as_text=True)
    assert "Today&#39;s meetings" in page or "Today's meetings" in page
    assert "Requests waiting for your answer" in page and "/events/today-day/requests" in page
    new = page.split("New bookings since your last sign-in", 1)[1]
    assert "Oasis" in new and "Argan" not in new and "Cedar" not in new
    assert 'href="/my/home"' in page


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/my/home")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_other_roles_are_refused(client, login_as, role):
    login_as(role)
    assert client.get("/my/home").status_code == 403
