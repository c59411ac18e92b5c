"""Events that have the attendee confirm the address (double opt-in, issue 20 finding 5):
every public registration is answered alike, nothing is held until the link is followed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from eventhub.badges.signing import badge_token
from eventhub.checkin.door_list import build_door_list
from eventhub.checkin.scanning import ScanInput, door_event, perform_scan
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration
from eventhub.registration.optin import CHECK_EMAIL_INTERVAL
from eventhub.registration.register import confirmed_count
from tests.support.dates import event_today

API_BODY = {
    "first_name": "Karim",
    "last_name": "Tazi",
    "email": "karim@example.com",
    "organization": "Sahara Capital",
    "job_title": "Partner",
    "country": "MA",
}
LINK = re.compile(r"http://localhost:5000(/registration/confirm/[A-Za-z0-9_-]+)")


def api_url(event: Event) -> str:
    return f"/api/v1/events/{event.slug}/registrations"


def registration_of(email: str) -> Registration:
    registration = db.session.scalar(select(Registration).where(Registration.email == email))
    db.session.refresh(registration)
    return registration


def text_of(message: Any) -> str:
    return message.get_body(("plain",)).get_content()


def confirm_path(message: Any) -> str:
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return match.group(1)


def without_nonces(page: str) -> str:
    """The page apart from what differs on every response (CSP nonce, CSRF token)."""
    page = re.sub(r'nonce="[^"]*"', "", page)
    return re.sub(r'(name="csrf-token" content|name="csrf_token"[^>]*value)="[^"]*"', "", page)


@pytest.fixture
def optin_event(make_event) -> Event:
    return make_event(requires_email_confirmation=True, capacity=1)


def test_new_and_duplicate_api_answers_are_identical(client, optin_event, outbox):
    first = client.post(api_url(optin_event), json=API_BODY)
    again = client.post(api_url(optin_event), json=API_BODY)
    assert first.status_code == again.status_code == 202
    assert first.get_data() == again.get_data()
    assert first.json["status"] == "check_email"
    nonce = re.compile(r"'nonce-[^']*'")
    assert [(name, nonce.sub("", value)) for name, value in first.headers.items()] == [
        (name, nonce.sub("", value)) for name, value in again.headers.items()
    ]
    registration = registration_of("karim@example.com")
    assert registration.status == "unconfirmed"
    assert registration.manage_token not in first.get_data(as_text=True)


def test_new_and_duplicate_pages_are_identical(client, in_english, optin_event, form_data, outbox):
    url = f"/events/{optin_event.slug}/register"
    # A new address, the same address once confirmed, another new one: the same page.
    confirmed = client.post(url, data=form_data(email="new@example.com"))
    registration = registration_of("new@example.com")
    registration.status = "confirmed"
    registration.check_email_sent_at = None
    db.session.commit()
    duplicate = client.post(url, data=form_data(email="new@example.com"))
    fresh = client.post(url, data=form_data(email="other@example.com"))
    assert confirmed.status_code == duplicate.status_code == fresh.status_code == 200
    pages = {without_nonces(r.get_data(as_text=True)) for r in (confirmed, duplicate, fresh)}
    assert len(pages) == 1
    assert "Check your e-mail" in pages.pop()
    assert registration.manage_token not in duplicate.get_data(as_text=True)
    # The address's owner gets the private link, the new one a link to confirm.
    assert f"/r/{registration.manage_token}" in text_of(outbox()[-2])
    assert LINK.search(text_of(outbox()[-1]))


def test_unconfirmed_holds_no_place_no_badge_and_no_door(client, make_event, outbox):
    today = event_today()
    event = make_event(
        requires_email_confirmation=True,
        capacity=1,
        first_day=today - timedelta(days=1),
        last_day=today + timedelta(days=1),
    )
    assert client.post(api_url(event), json=API_BODY).status_code == 202
    registration = registration_of("karim@example.com")
    assert confirmed_count(event) == 0
    assert client.get(f"/r/{registration.manage_token}/badge.pdf").status_code == 409
    door_list = build_door_list(event, None, utcnow())
    assert [row for row in door_list["badges"] if row[1] == registration.id] == []
    scan_input = ScanInput(code=badge_token(registration), gate="North")
    outcome = perform_scan(door_event(event.slug), scan_input)
    db.session.commit()
    assert outcome.result == "revoked" and outcome.reason == "unconfirmed"
    # The one place of the event still goes to the next registration that is confirmed.
    assert client.post(api_url(event), json={**API_BODY, "email": "b@example.com"}).status_code
    [first_link, second_link] = [confirm_path(message) for message in outbox()]
    assert client.post(second_link).status_code == 302
    assert registration_of("b@example.com").status == "confirmed"
    assert client.post(first_link).status_code == 302
    assert registration_of("karim@example.com").status == "waitlisted"


def test_the_link_confirms_and_sends_the_badge(client, in_english, optin_event, outbox):
    assert client.post(api_url(optin_event), json=API_BODY).status_code == 202
    [message] = outbox()
    assert message["To"] == "karim@example.com"
    assert message["Subject"] == f"Confirm your registration for {optin_event.name}"
    path = confirm_path(message)
    registration = registration_of("karim@example.com")
    secret = path.rsplit("/", 1)[1]
    assert registration.confirm_token_hash not in (None, secret)  # only its SHA-256 is kept
    assert len(registration.confirm_token_hash) == 64
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my registration" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert registration_of("karim@example.com").status == "unconfirmed"  # GET changes nothing
    response = client.post(path)
    assert response.status_code == 302
    registration = registration_of("karim@example.com")
    assert response.headers["Location"] == f"/r/{registration.manage_token}"
    assert registration.status == "confirmed" and registration.confirmed_at is not None
    badge_mail = outbox()[-1]
    assert badge_mail["Subject"] == f"Your badge for {optin_event.name}"
    assert f"/r/{registration.manage_token}" in text_of(badge_mail)
    [attachment] = badge_mail.iter_attachments()
    assert attachment.get_content().startswith(b"%PDF")
    assert client.get(f"/r/{registration.manage_token}/badge.pdf").status_code == 200
    # The link is used: a clear refusal, and nothing changes.
    for answer in (client.get(path), client.post(path)):
        assert answer.status_code == 409
        assert "confirmed already" in answer.get_data(as_text=True)
    assert len(outbox()) == 2


def test_expired_or_unknown_link_is_refused(client, in_english, optin_event, outbox):
    assert client.post(api_url(optin_event), json=API_BODY).status_code == 202
    path = confirm_path(outbox()[0])
    registration = registration_of("karim@example.com")
    registration.confirm_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for answer in (client.get(path), client.post(path)):
        assert answer.status_code == 410
        assert "expired" in answer.get_data(as_text=True)
    assert registration_of("karim@example.com").status == "unconfirmed"
    for bad in ("nope", "x" * 300, path.rsplit("/", 1)[1][:-2] + "AA"):
        answer = client.post(f"/registration/confirm/{bad}")
        assert answer.status_code == 404
        assert "not valid" in answer.get_data(as_text=True)
    assert len(outbox()) == 1


def test_registering_again_while_unconfirmed_sends_a_new_link(client, optin_event, outbox):
    assert client.post(api_url(optin_event), json=API_BODY).status_code == 202
    old_path = confirm_path(outbox()[0])
    # Within the interval: the same answer, no new mail.
    assert client.post(api_url(optin_event), json=API_BODY).status_code == 202
    assert len(outbox()) == 1
    registration = registration_of("karim@example.com")
    registration.check_email_sent_at -= CHECK_EMAIL_INTERVAL
    registration.confirm_expires_at = utcnow() - timedelta(hours=1)  # the first one expired
    db.session.commit()
    answer = client.post(api_url(optin_event), json={**API_BODY, "first_name": "Kamal"})
    assert answer.status_code == 202
    new_path = confirm_path(outbox()[-1])
    assert new_path != old_path
    assert client.post(old_path).status_code == 404  # replaced by the new link
    assert client.post(new_path).status_code == 302
    registration = registration_of("karim@example.com")
    assert registration.status == "confirmed"
    assert registration.first_name == "Kamal"  # the latest form, confirmed by the owner


def test_confirming_needs_the_csrf_token(client, csrf_enabled, optin_event, outbox):
    assert client.post(api_url(optin_event), json=API_BODY).status_code == 202
    path = confirm_path(outbox()[0])
    assert client.post(path).status_code == 400
    assert registration_of("karim@example.com").status == "unconfirmed"
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(path, data={"csrf_token": token}).status_code == 302
    assert registration_of("karim@example.com").status == "confirmed"


def test_the_organiser_turns_it_on_in_the_event_form(client, login_as, make_event):
    event = make_event()
    login_as("admin")
    form = {
        "name": event.name,
        "slug": event.slug,
        "kind": event.kind,
        "status": "published",
        "main_language": "fr",
        "venue": event.venue,
        "city": event.city,
        "timezone": event.timezone,
        "first_day": event.first_day.isoformat(),
        "last_day": event.last_day.isoformat(),
        "offer_hold_hours": "48",
        "requires_email_confirmation": "y",
    }
    page = client.get(f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    assert 'name="requires_email_confirmation"' in page
    assert client.post(f"/organiser/events/{event.slug}/edit", data=form).status_code == 302
    db.session.refresh(event)
    assert event.requires_email_confirmation is True
    del form["requires_email_confirmation"]
    assert client.post(f"/organiser/events/{event.slug}/edit", data=form).status_code == 302
    db.session.refresh(event)
    assert event.requires_email_confirmation is False
