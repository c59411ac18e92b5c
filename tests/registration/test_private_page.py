"""The attendee's private page /r/<token>: badge preview, PDF, calendar, cancelling."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar

from eventhub.events.models import AttendeeCategory
from eventhub.extensions import db


def test_private_page_shows_badge_preview_and_links(
    client, in_english, make_event, make_registration
):
    event = make_event()
    registration = make_registration(event, first_name="Meryem", last_name="El Idrissi")
    response = client.get(f"/r/{registration.manage_token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Meryem El Idrissi" in page
    assert "<svg" in page  # the QR code of the badge
    assert registration.number in page
    assert f"/r/{registration.manage_token}/badge.pdf" in page
    assert f"/r/{registration.manage_token}/event.ics" in page
    assert f"/r/{registration.manage_token}/cancel" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_tokens_are_404(client):
    for token in ("nope", "x" * 43, "x" * 200, "abc%00def", "a.b"):
        assert client.get(f"/r/{token}").status_code == 404
        assert client.get(f"/r/{token}/badge.pdf").status_code == 404
        assert client.get(f"/r/{token}/event.ics").status_code == 404
        assert client.post(f"/r/{token}/cancel").status_code == 404


def test_badge_pdf(client, make_event, make_registration):
    registration = make_registration(make_event())
    response = client.get(f"/r/{registration.manage_token}/badge.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("inline;")
    download = client.get(f"/r/{registration.manage_token}/badge.pdf?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_calendar_has_the_event_time_zone(client, make_event, make_registration):
    event = make_event(timezone="Africa/Casablanca")
    registration = make_registration(event)
    response = client.get(f"/r/{registration.manage_token}/event.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    entries = [c for c in calendar.walk("VEVENT")]
    assert len(entries) == len(event.days) == 3
    first = entries[0]
    assert first["DTSTART"].params["TZID"] == "Africa/Casablanca"
    start: datetime = first.decoded("DTSTART")
    assert start.date() == event.first_day
    assert (start.hour, start.minute) == (9, 0)
    assert str(start.tzinfo) == "Africa/Casablanca" or start.tzinfo.key == "Africa/Casablanca"
    assert str(first["SUMMARY"]) == event.name
    assert calendar.walk("VTIMEZONE")  # the zone travels with the file
    assert registration.manage_token.encode() not in response.data  # the private link stays private


def test_calendar_keeps_to_the_category_days(client, make_event, make_registration):
    event = make_event()
    day_pass = AttendeeCategory(name="Day pass", is_public=True)
    event.categories.append(day_pass)
    day_pass.set_days([event.last_day])
    db.session.commit()
    registration = make_registration(event, category=day_pass)
    calendar = Calendar.from_ical(client.get(f"/r/{registration.manage_token}/event.ics").data)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("DTSTART").date() == event.last_day


def test_cancel_needs_a_confirmation_step(
    client, in_english, make_event, make_registration, outbox
):
    registration = make_registration(make_event(), language="en")
    token = registration.manage_token
    page = client.get(f"/r/{token}/cancel")
    assert page.status_code == 200
    assert "Cancel my registration?" in page.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == "confirmed"

    response = client.post(f"/r/{token}/cancel")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/r/{token}"
    db.session.refresh(registration)
    assert registration.status == "cancelled"
    assert registration.cancelled_at is not None
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "This registration is cancelled." in page
    assert "<svg" not in page
    assert client.get(f"/r/{token}/badge.pdf").status_code == 409
    assert client.get(f"/r/{token}/event.ics").status_code == 404
    [message] = outbox()
    assert "cancel" in message["Subject"].lower()

    again = client.post(f"/r/{token}/cancel", follow_redirects=True)
    assert "already cancelled" in again.get_data(as_text=True)


def test_cancel_form_needs_the_csrf_token(client, make_event, make_registration, csrf_enabled):
    registration = make_registration(make_event())
    assert client.post(f"/r/{registration.manage_token}/cancel").status_code == 400
    db.session.refresh(registration)
    assert registration.status == "confirmed"


def test_waitlisted_page_shows_the_position(client, in_english, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event)
    assert waiting.status == "waitlisted"
    page = client.get(f"/r/{waiting.manage_token}").get_data(as_text=True)
    assert "You are number 1 on the waiting list" in page
    assert "<svg" not in page
    assert "badge.pdf" not in page
