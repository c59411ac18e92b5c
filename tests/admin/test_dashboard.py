"""The organiser dashboard and the door duty page: their figures without HTTP, the pages
for the roles that may see them, and refused for the others."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eventhub.admin.dashboard import door_duty_events, organiser_dashboard
from eventhub.auth.accounts import record_audit
from eventhub.extensions import db


def test_dashboard_figures(app, make_event, make_user):
    today = date.today()
    past = make_event(first_day=today - timedelta(days=30), status="archived")
    draft = make_event(first_day=today + timedelta(days=60), status="draft")
    soon = make_event(first_day=today + timedelta(days=5))
    admin = make_user("admin")
    for role in ("staff", "staff", "startup", "investor", "investor"):
        make_user(role)
    for number in range(20):
        record_audit(admin if number % 2 else None, "event.update", f"target-{number}")
    db.session.commit()

    dashboard = organiser_dashboard()
    assert dashboard.events == [draft, soon, past]  # every event, latest first
    assert dashboard.users_by_role == {"admin": 1, "staff": 2, "startup": 1, "investor": 2}
    assert dashboard.staff_count == 2
    assert (dashboard.startup_count, dashboard.investor_count) == (1, 2)
    assert len(dashboard.recent_audit) == 15
    assert dashboard.recent_audit[0].target == "target-19"  # newest first
    assert organiser_dashboard(recent=3).recent_audit[-1].target == "target-17"


def test_an_empty_dashboard(app):
    dashboard = organiser_dashboard()
    assert dashboard.events == [] and dashboard.recent_audit == []
    assert (dashboard.staff_count, dashboard.startup_count, dashboard.investor_count) == (0, 0, 0)


def test_door_duty_lists_published_events_not_over(app, make_event):
    today = date.today()
    running = make_event(first_day=today - timedelta(days=1))  # ends tomorrow
    later = make_event(first_day=today + timedelta(days=20))
    make_event(first_day=today - timedelta(days=10))  # over
    make_event(first_day=today + timedelta(days=3), status="draft")
    assert door_duty_events(today) == [running, later]


def test_dashboard_page(client, in_english, login_as, make_event):
    event = make_event(name="Gitex Africa")
    admin = login_as("admin")
    record_audit(admin, "registration.export", event.slug)
    db.session.commit()
    page = client.get("/organiser/").get_data(as_text=True)
    assert "Gitex Africa" in page
    assert f"/organiser/events/{event.slug}/registrations" in page
    assert "registration.export" in page and admin.name in page


def test_staff_home_page(client, in_english, login_as, make_event):
    make_event(name="Demo Day Casablanca")
    make_event(name="Draft Show", status="draft")
    login_as("staff")
    page = client.get("/staff/").get_data(as_text=True)
    assert "Demo Day Casablanca" in page and "Draft Show" not in page


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_only_organisers_see_the_dashboard(client, login_as, role):
    login_as(role)
    assert client.get("/organiser/").status_code == 403
    assert client.get("/staff/").status_code == (200 if role == "staff" else 403)


def test_anonymous_is_sent_to_sign_in(client):
    for path in ("/organiser/", "/staff/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
