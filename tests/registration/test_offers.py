"""Places offered to the waiting list: a freed place is offered (held for the event's
`offer_hold_hours`, counted as taken), accepted or declined on the private page, expired by
the periodic job; the refusals of bad actions; capacity never exceeded, races included."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from eventhub.events.models import AttendeeCategory
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.models import MailMessage
from eventhub.registration.models import Registration
from eventhub.registration.register import (
    RegistrationError,
    accept_offer,
    cancel,
    change_category,
    confirmed_count,
    event_is_full,
)
from eventhub.registration.tasks import expire_due_offers
from tests.support.race_windows import statement_holder


def statuses(event: Any) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Registration.email, Registration.status).where(Registration.event_id == event.id)
    )
    return dict(rows.all())


def kinds() -> list[str]:
    return list(db.session.scalars(select(MailMessage.kind).order_by(MailMessage.id)))


@pytest.fixture
def full_event(make_event, make_registration) -> Any:
    """Capacity 1: first@ confirmed, second@ and third@ waiting, in that order."""
    event = make_event(capacity=1, offer_hold_hours=24, timezone="Africa/Casablanca")
    for name in ("first", "second", "third"):
        make_registration(event, email=f"{name}@example.com", language="en")
    return event


def registration_of(email: str) -> Registration:
    db.session.expire_all()
    return db.session.scalar(select(Registration).where(Registration.email == email))


def test_a_cancellation_offers_the_place_held_for_the_hold_hours(
    app, client, in_english, full_event, outbox
):
    first = registration_of("first@example.com")
    before = utcnow()
    assert client.post(f"/r/{first.manage_token}/cancel").status_code == 302
    assert statuses(full_event) == {
        "first@example.com": "cancelled",
        "second@example.com": "offered",
        "third@example.com": "waitlisted",
    }
    second = registration_of("second@example.com")
    assert before + timedelta(hours=24) <= second.offer_expires_at
    assert second.offer_expires_at <= utcnow() + timedelta(hours=24)
    # The place offered is taken: nobody else gets it meanwhile.
    assert confirmed_count(full_event) == 1 and event_is_full(full_event)

    offer = outbox()[-1]
    assert offer["To"] == "second@example.com"
    assert offer["Subject"] == f"A place is free for you at {full_event.name}"
    assert offer["Content-Language"] == "en"
    text = offer.get_body(("plain",)).get_content()
    manage_url = f"{app.config['PUBLIC_BASE_URL']}/r/{second.manage_token}"
    assert manage_url in text and manage_url in offer.get_body(("html",)).get_content()
    # The deadline in the event's time zone (Casablanca is UTC+1 outside Ramadan, +0 in it).
    local = second.offer_expires_at.astimezone(full_event.tz)
    assert f"{local:%-I}:{local:%M}" in text and "Africa/Casablanca" in text
    assert not list(offer.iter_attachments())


def test_accept_on_the_private_page_confirms_and_sends_the_badge(
    client, in_english, full_event, outbox
):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    second = registration_of("second@example.com")
    page = client.get(f"/r/{second.manage_token}").get_data(as_text=True)
    assert "Accept the place" in page and "Decline the place" in page
    assert "held for you until" in page

    response = client.post(f"/r/{second.manage_token}/offer/accept")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/r/{second.manage_token}"
    assert statuses(full_event)["second@example.com"] == "confirmed"
    badge = outbox()[-1]
    assert badge["To"] == "second@example.com"
    assert badge["Subject"] == f"Your badge for {full_event.name}"
    assert [a.get_content_type() for a in badge.iter_attachments()] == ["application/pdf"]
    page = client.get(f"/r/{second.manage_token}").get_data(as_text=True)
    assert "Your place is confirmed" in page and "Accept the place" not in page

    # Accepting again changes nothing and says why.
    again = client.post(f"/r/{second.manage_token}/offer/accept", follow_redirects=True)
    assert "You have already accepted this place." in again.get_data(as_text=True)
    assert kinds().count("registration.confirmed") == 1  # told once


def test_decline_cancels_and_offers_the_place_to_the_next(client, in_english, full_event, outbox):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    second = registration_of("second@example.com")
    response = client.post(f"/r/{second.manage_token}/offer/decline", follow_redirects=True)
    assert "it is offered to the next person waiting" in response.get_data(as_text=True)
    assert statuses(full_event) == {
        "first@example.com": "cancelled",
        "second@example.com": "cancelled",
        "third@example.com": "offered",
    }
    sent = [(m["To"], m["Subject"]) for m in outbox()[-2:]]
    assert sent == [
        ("second@example.com", f"Your registration for {full_event.name} is cancelled"),
        ("third@example.com", f"A place is free for you at {full_event.name}"),
    ]


def test_accepting_after_the_deadline_is_refused(client, in_english, full_event, outbox):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    second = registration_of("second@example.com")
    second.offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/r/{second.manage_token}").get_data(as_text=True)
    assert "that time has passed" in page and "Accept the place" not in page
    response = client.post(f"/r/{second.manage_token}/offer/accept", follow_redirects=True)
    assert "This offer has expired" in response.get_data(as_text=True)
    assert statuses(full_event)["second@example.com"] == "offered"  # the job expires it
    with pytest.raises(RegistrationError) as refused:
        accept_offer(registration_of("second@example.com"))
    assert refused.value.code == "offer_expired"
    db.session.rollback()


def test_the_expiry_job_cancels_tells_and_offers_to_the_next_once(app, full_event, outbox):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    second = registration_of("second@example.com")
    deadline = second.offer_expires_at
    assert expire_due_offers(deadline - timedelta(seconds=1)) == 0
    assert expire_due_offers(deadline + timedelta(seconds=1)) == 1
    assert statuses(full_event) == {
        "first@example.com": "cancelled",
        "second@example.com": "cancelled",
        "third@example.com": "offered",
    }
    expired, offered = outbox()[-2:]
    assert expired["To"] == "second@example.com"
    assert expired["Subject"] == f"The place offered at {full_event.name} has gone"
    assert "was not accepted in time" in expired.get_body(("plain",)).get_content()
    assert offered["To"] == "third@example.com"
    count = len(outbox())
    assert expire_due_offers(deadline + timedelta(seconds=2)) == 0  # again: nothing more
    assert len(outbox()) == count


def test_bad_actions_are_refused_and_change_nothing(
    client, in_english, full_event, make_registration, outbox
):
    first = registration_of("first@example.com")
    waiting = registration_of("second@example.com")
    # Nothing is offered to a confirmed or a waiting registration.
    for registration, message in (
        (first, "You have already accepted this place."),
        (waiting, "No place is offered to this registration."),
    ):
        for action in ("accept", "decline"):
            response = client.post(
                f"/r/{registration.manage_token}/offer/{action}", follow_redirects=True
            )
            assert response.status_code == 200
            assert message in response.get_data(as_text=True)
    assert set(statuses(full_event).values()) == {"confirmed", "waitlisted"}
    # Unknown or malformed tokens, and GET, are no actions.
    for token in ("nope", "x" * 65, "a%00b"):
        assert client.post(f"/r/{token}/offer/accept").status_code == 404
    assert client.get(f"/r/{first.manage_token}/offer/accept").status_code == 405
    assert kinds() == []  # nobody was told anything


def test_someone_elses_token_acts_only_on_that_registration(client, in_english, full_event):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    third = registration_of("third@example.com")
    # third@ holds its own token: it cannot take the place offered to second@.
    response = client.post(f"/r/{third.manage_token}/offer/accept", follow_redirects=True)
    assert "No place is offered to this registration." in response.get_data(as_text=True)
    assert statuses(full_event)["second@example.com"] == "offered"
    assert statuses(full_event)["third@example.com"] == "waitlisted"


def test_the_buttons_need_the_csrf_token(client, csrf_enabled, full_event):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    second = registration_of("second@example.com")
    for action in ("accept", "decline"):
        assert client.post(f"/r/{second.manage_token}/offer/{action}").status_code == 400
    assert statuses(full_event)["second@example.com"] == "offered"


def test_raising_capacity_offers_the_new_places(client, in_english, login_as, full_event, outbox):
    login_as("admin")
    form = {
        "name": full_event.name,
        "slug": full_event.slug,
        "kind": "expo",
        "status": "published",
        "venue": full_event.venue,
        "city": full_event.city,
        "timezone": full_event.timezone,
        "first_day": full_event.first_day.isoformat(),
        "last_day": full_event.last_day.isoformat(),
        "capacity": "3",
        "offer_hold_hours": "12",
    }
    response = client.post(f"/organiser/events/{full_event.slug}/edit", data=form)
    assert response.status_code == 302
    assert statuses(full_event) == {
        "first@example.com": "confirmed",
        "second@example.com": "offered",
        "third@example.com": "offered",
    }
    db.session.refresh(full_event)
    assert full_event.offer_hold_hours == 12
    second = registration_of("second@example.com")
    assert second.offer_expires_at <= utcnow() + timedelta(hours=12)
    assert [m["To"] for m in outbox()[-2:]] == ["second@example.com", "third@example.com"]


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "100000"])
def test_the_hold_hours_must_be_a_positive_number_of_hours(
    client, in_english, login_as, make_event, value
):
    login_as("admin")
    event = make_event(offer_hold_hours=30)
    form = {
        "name": event.name,
        "slug": event.slug,
        "kind": "expo",
        "status": "published",
        "venue": event.venue,
        "city": event.city,
        "timezone": event.timezone,
        "first_day": event.first_day.isoformat(),
        "last_day": event.last_day.isoformat(),
        "offer_hold_hours": value,
    }
    response = client.post(f"/organiser/events/{event.slug}/edit", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Number must be between 1 and 720." in page or "Not a valid integer value." in page
    db.session.refresh(event)
    assert event.offer_hold_hours == 30


def test_a_category_capacity_raised_offers_its_places(
    client, login_as, make_event, make_registration, outbox
):
    login_as("admin")
    event = make_event()
    press = AttendeeCategory(name="Press", colour="#ea580c", capacity=1)
    event.categories.append(press)
    db.session.commit()
    make_registration(event, press, email="p1@example.com")
    make_registration(event, press, email="p2@example.com")
    assert statuses(event)["p2@example.com"] == "waitlisted"
    response = client.post(
        f"/organiser/events/{event.slug}/categories/{press.id}/edit",
        data={"name": "Press", "colour": "#ea580c", "is_public": "y", "capacity": "2"},
    )
    assert response.status_code == 302
    assert statuses(event)["p2@example.com"] == "offered"


def test_a_category_change_frees_a_place_for_that_category(app, make_event, make_registration):
    event = make_event()
    press = AttendeeCategory(name="Press", colour="#ea580c", capacity=1)
    event.categories.append(press)
    db.session.commit()
    moving = make_registration(event, press, email="p1@example.com")
    make_registration(event, press, email="p2@example.com")
    offered = change_category(moving, event.categories[0])
    db.session.commit()
    assert [r.email for r in offered] == ["p2@example.com"]
    assert statuses(event) == {"p1@example.com": "confirmed", "p2@example.com": "offered"}


def test_no_offer_once_the_event_is_over(app, make_event, make_registration):
    event = make_event(capacity=1)
    first = make_registration(event, email="a@example.com")
    make_registration(event, email="b@example.com")
    event.first_day = event.first_day - timedelta(days=30)
    event.last_day = event.first_day + timedelta(days=1)
    db.session.commit()
    assert cancel(first) == []
    db.session.commit()
    assert statuses(event)["b@example.com"] == "waitlisted"


def test_the_api_and_the_list_show_offered_places(client, login_as, full_event, outbox):
    login_as("admin")
    cancel(registration_of("first@example.com"))
    db.session.commit()
    body = client.get(
        f"/api/v1/events/{full_event.slug}/registrations", query_string={"status": "offered"}
    ).get_json()
    [item] = body["items"]
    assert item["status"] == "offered" and item["email"] == "second@example.com"
    assert item["offer_expires_at"].startswith(
        registration_of("second@example.com").offer_expires_at.isoformat()[:16]
    )
    others = client.get(f"/api/v1/events/{full_event.slug}/registrations").get_json()["items"]
    assert all(i["offer_expires_at"] is None for i in others if i["status"] != "offered")
    page = client.get(f"/organiser/events/{full_event.slug}/registrations").get_data(as_text=True)
    assert "status-offered" in page


# --- Races ------------------------------------------------------------------------------


def _at_once(app: Flask, calls: list[tuple[str, str]]) -> list[int]:
    """POST each (path, name) from its own thread with its own client, all at once."""
    statuses_seen: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(calls))

    def one(path: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(path)
        with lock:
            statuses_seen.append(response.status_code)

    threads = [threading.Thread(target=one, args=(path,)) for path, _name in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses_seen


@pytest.fixture
def held_registration_updates() -> Any:
    """Each UPDATE of a registration waits a moment before it goes to the database, so
    that simultaneous requests have all read what they check before any of them writes."""
    hold = statement_holder("UPDATE registrations", 0.2)
    sa_event.listen(Engine, "before_cursor_execute", hold)
    yield
    sa_event.remove(Engine, "before_cursor_execute", hold)


def test_two_accepts_at_once_confirm_once(app, full_event, outbox, held_registration_updates):
    cancel(registration_of("first@example.com"))
    db.session.commit()
    token = registration_of("second@example.com").manage_token
    answers = _at_once(app, [(f"/r/{token}/offer/accept", "a"), (f"/r/{token}/offer/accept", "b")])
    assert Counter(answers) == {302: 2}
    assert statuses(full_event)["second@example.com"] == "confirmed"
    confirmations = db.session.scalar(
        select(func.count()).where(
            MailMessage.kind == "registration.confirmed",
            MailMessage.recipient == "second@example.com",
        )
    )
    assert confirmations == 1


def test_cancellations_at_once_never_offer_more_than_the_capacity(
    app, make_event, make_registration, outbox, held_registration_updates
):
    event = make_event(capacity=2)
    confirmed = [make_registration(event, email=f"c{n}@example.com") for n in range(2)]
    for n in range(4):
        make_registration(event, email=f"w{n}@example.com")
    answers = _at_once(app, [(f"/r/{r.manage_token}/cancel", r.email) for r in confirmed])
    assert Counter(answers) == {302: 2}
    final = statuses(event)
    assert Counter(final.values()) == {"cancelled": 2, "offered": 2, "waitlisted": 2}
    # The first two on the list, each offered its own place.
    assert final["w0@example.com"] == final["w1@example.com"] == "offered"
    assert confirmed_count(event) == event.capacity
    offers = db.session.scalar(
        select(func.count()).where(MailMessage.kind == "registration.offered")
    )
    assert offers == 2
