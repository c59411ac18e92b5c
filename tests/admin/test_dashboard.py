"""The organiser dashboard and the door duty page: their figures without HTTP, the pages
for the roles that may see them, and refused for the others."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
from sqlalchemy import event

from eventhub.admin.dashboard import (
    CHART_DAYS,
    door_duty_events,
    event_figures,
    organiser_dashboard,
)
from eventhub.auth.accounts import record_audit
from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.notifications.models import MailMessage
from tests.support import factories
from tests.support.dates import event_today


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
    assert "exported the registrations of <bdi>Gitex Africa</bdi>" in page and admin.name in page
    assert "registration.export" not in page


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


# The figures per event.


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _scan(event, day: date, result: str = "admitted") -> Scan:
    return Scan(event_id=event.id, gate="North", result=result, code=f"c{next(_codes)}", day=day)


def _mail(event, status: str) -> MailMessage:
    number = next(_codes)
    return MailMessage(
        key=f"k{number}", kind="test", event_id=event.id, recipient="a@b.test", status=status
    )


_codes = count(1)


@pytest.fixture
def busy_event(make_event, make_registration):
    """An expo running today (UTC) with registrations over three days, scans, booths,
    meetings and e-mails."""
    today = date.today()
    event = make_event(slug="busy", name="Busy Expo", first_day=today, timezone="UTC", capacity=40)
    registrations = [make_registration(event) for _ in range(4)]
    for registration, day in zip(
        registrations,
        (today, today, today - timedelta(days=2), today - timedelta(days=40)),
        strict=True,
    ):
        registration.created_at = _at(day)
    registrations[1].status = "cancelled"
    db.session.add_all(
        [
            _scan(event, today),
            _scan(event, today),
            _scan(event, today - timedelta(days=1)),
            _scan(event, today, "already_inside"),
            _mail(event, "failed"),
            _mail(event, "failed"),
            _mail(event, "sent"),
        ]
    )
    hall = factories.create_hall(event, booths=[(f"A0{n}", 3 * n, 1, 3, 3) for n in range(3)])
    startup_users = [factories.create_startup() for _ in range(3)]
    application = factories.create_application(event, startup_users[0].startup)
    factories.create_application(event, startup_users[1].startup, status="pending")
    factories.create_application(event, startup_users[2].startup, status="pending")
    booth = hall.booths[0]
    booth.status, booth.application_id, booth.allocated_at = "allocated", application.id, _at(today)
    hall.booths[1].status = "blocked"
    investor = factories.create_investor().investor
    for user, status, outcome in (
        (startup_users[0], "confirmed", "held"),
        (startup_users[1], "confirmed", None),
        (startup_users[2], "cancelled", None),
    ):
        db.session.add(
            Meeting(
                event_id=event.id,
                startup_id=user.startup.id,
                investor_id=investor.id,
                starts_at=_at(today, 9),
                ends_at=_at(today, 10),
                status=status,
                outcome=outcome,
            )
        )
    db.session.commit()
    return event


def test_event_figures(busy_event, make_event):
    today = date.today()
    quiet = make_event(slug="quiet")
    dashboard = organiser_dashboard()
    figures = dashboard.figures[busy_event.id]
    assert (figures.registered, figures.registrations["cancelled"]) == (3, 1)
    assert len(figures.per_day) == CHART_DAYS and figures.per_day[-1] == (today, 2)
    assert dict(figures.per_day)[today - timedelta(days=2)] == 1
    assert figures.chart_total == 3  # the one of 40 days ago is before the chart
    assert (figures.capacity, figures.capacity_used, figures.waitlisted) == (40, 8, 0)
    assert figures.applications_pending == 2 and figures.meetings_booked == 2
    assert figures.arrivals_today == 2
    assert (figures.booths_allocated, figures.booths_free, figures.booth_count) == (1, 1, 3)
    assert (figures.meetings_scheduled, figures.meetings_held) == (2, 1)
    assert figures.mail_failures == 2
    empty = dashboard.figures[quiet.id]
    assert (empty.registered, empty.arrivals_today, empty.booth_count) == (0, 0, 0)
    assert (empty.meetings_scheduled, empty.mail_failures, empty.chart_total) == (0, 0, 0)
    assert (empty.capacity_used, empty.applications_pending) == (None, 0)
    # Not started: the chart ends today, in the quiet event's own zone (past 23:00 UTC it
    # is already tomorrow in Casablanca).
    assert empty.per_day[-1][0] == event_today()


def test_registrations_are_counted_on_the_event_s_own_day(make_event, make_registration):
    today = date.today()
    event = make_event(first_day=today, timezone="Asia/Tokyo")  # UTC+9
    registration = make_registration(event)
    registration.created_at = datetime.combine(today, time(0, 30), tzinfo=UTC) - timedelta(
        hours=2
    )  # 22:30 UTC yesterday: 07:30 today in Tokyo
    db.session.commit()
    figures = event_figures([event], datetime.combine(today, time(5), tzinfo=UTC))
    assert figures[event.id].per_day[-1] == (today, 1)


def _statements(callable_) -> int:
    seen = []

    def count_statement(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        callable_()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    return len(seen)


def test_the_dashboard_runs_the_same_few_statements_whatever_the_events(
    busy_event, make_event, make_registration
):
    db.session.expire_all()
    one = _statements(organiser_dashboard)
    for number in range(6):
        other = make_event(slug=f"more-{number}")
        make_registration(other)
        db.session.add(_mail(other, "failed"))
    db.session.commit()
    db.session.expire_all()
    assert _statements(organiser_dashboard) == one <= 12


def test_dashboard_page_shows_each_event_s_figures(client, in_english, login_as, busy_event):
    login_as("admin")
    page = client.get("/organiser/").get_data(as_text=True)
    assert "Events at a glance" in page and "<svg" in page
    assert "Registrations per day" in page and "<table" in page
    assert "/organiser/events/busy/mail?status=failed" in page
    assert "/organiser/events/busy/attendance" in page


def test_the_chart_starts_when_registration_opened(make_event):
    today = date.today()
    event = make_event(first_day=today + timedelta(days=5), timezone="UTC")
    event.registration_opens_at = _at(today - timedelta(days=6), 9)
    db.session.commit()
    per_day = event_figures([event], _at(today))[event.id].per_day
    assert per_day[0][0] == today - timedelta(days=6)
    assert len(per_day) == 7
    event.registration_opens_at = _at(today + timedelta(days=2))  # not open yet
    assert [day for day, _ in event_figures([event], _at(today))[event.id].per_day] == [today]


def test_the_dashboard_page_shows_the_new_figures(client, in_english, login_as, busy_event):
    login_as("admin")
    page = client.get("/organiser/").get_data(as_text=True)
    assert "confirmed / capacity" in page and "3 / 40" in page
    assert (
        "booth applications pending" in page and "/organiser/events/busy/booth-applications" in page
    )
    assert "meetings booked" in page and "waiting list" in page and "checked in today" in page
    # The chart's text is not scaled with its width: no viewBox, labels in CSS pixels.
    chart = page[page.index('<figure class="reg-chart">') :]
    chart = chart[: chart.index("</svg>")]
    assert 'role="img"' in chart and "viewBox" not in chart
    assert "<title" in chart and "<desc" in chart
    assert "Registrations per day, as a table" in page


def test_the_dashboard_page_runs_as_many_statements_for_seven_events_as_for_one(
    client, login_as, busy_event, make_event, make_registration
):
    login_as("admin")
    client.get("/organiser/")  # the session's first request loads what it caches
    one = _statements(lambda: client.get("/organiser/"))
    for number in range(6):
        other = make_event(slug=f"page-{number}", kind="demo_day" if number % 2 else "expo")
        make_registration(other)
    db.session.commit()
    seven = _statements(lambda: client.get("/organiser/"))
    print(f"dashboard page: {one} statements with 1 event, {seven} with 7")
    assert seven == one <= 20
