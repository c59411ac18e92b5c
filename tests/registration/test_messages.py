"""The registration messages beyond confirmed/waitlisted/cancelled: a new badge, and the
reminder the day before the event (the hourly job: when, to whom, once only)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.notifications.mailing import build
from eventhub.notifications.models import MailMessage
from eventhub.notifications.preferences import opt_out
from eventhub.registration.models import Registration
from eventhub.registration.register import cancel
from eventhub.registration.tasks import (
    events_due_for_reminder,
    queue_event_reminders,
    queue_reminders,
)

FIRST_DAY = date(2031, 6, 10)
# 08:00 in Dubai (UTC+4 all year) the day before FIRST_DAY.
EIGHT_IN_DUBAI = datetime(2031, 6, 9, 4, 0, tzinfo=UTC)


def organiser_url(event, registration, action: str) -> str:
    return f"/organiser/events/{event.slug}/registrations/{registration.id}/{action}"


def test_a_new_badge_is_sent_with_the_badge_attached(
    app, client, login_as, make_event, make_registration, outbox
):
    login_as("admin")
    event = make_event()
    registration = make_registration(event, language="en")
    client.post(organiser_url(event, registration, "reissue-badge"))
    [message] = outbox()
    assert message["To"] == registration.email
    assert message["Subject"] == f"Your new badge for {event.name}"
    assert message["Content-Language"] == "en"
    text = message.get_body(("plain",)).get_content()
    assert "Your previous badge no longer opens the doors" in text
    assert f"{app.config['PUBLIC_BASE_URL']}/r/{registration.manage_token}" in text
    [badge] = message.iter_attachments()
    assert badge.get_content_type() == "application/pdf"
    assert badge.get_content().startswith(b"%PDF")
    # Each new badge is its own message.
    client.post(organiser_url(event, registration, "reissue-badge"))
    assert len(outbox()) == 2


def test_a_new_badge_in_arabic_is_right_to_left(client, login_as, make_event, make_registration,
                                               outbox):  # fmt: skip
    login_as("admin")
    event = make_event()
    registration = make_registration(event, language="ar")
    client.post(organiser_url(event, registration, "reissue-badge"))
    [message] = outbox()
    assert message["Content-Language"] == "ar"
    assert 'dir="rtl"' in message.get_body(("html",)).get_content()


def test_no_badge_mail_for_a_registration_without_a_place(
    client, login_as, make_event, make_registration, outbox
):
    login_as("admin")
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event)
    client.post(organiser_url(event, waiting, "reissue-badge"))
    assert outbox() == []


# --- The day-before reminder -----------------------------------------------------------


@pytest.fixture
def tomorrow_in_dubai(make_event):
    return make_event(
        first_day=FIRST_DAY, timezone="Asia/Dubai", venue="World Trade Centre", city="Dubai"
    )


def test_due_from_eight_the_day_before_in_the_events_time_zone(app, make_event, tomorrow_in_dubai):
    utc_event = make_event(first_day=FIRST_DAY, timezone="UTC")
    make_event(first_day=FIRST_DAY, timezone="Asia/Dubai", status="draft")
    day_after = make_event(first_day=date(2031, 6, 11), timezone="Asia/Dubai")
    assert events_due_for_reminder(datetime(2031, 6, 9, 3, 59, tzinfo=UTC)) == []
    assert events_due_for_reminder(EIGHT_IN_DUBAI) == [tomorrow_in_dubai]
    late = datetime(2031, 6, 9, 19, 59, tzinfo=UTC)  # 23:59 in Dubai, 19:59 in UTC
    assert set(events_due_for_reminder(late)) == {tomorrow_in_dubai, utc_event}
    # On the first day itself, it is the turn of the events of the day after.
    assert events_due_for_reminder(datetime(2031, 6, 10, 6, 0, tzinfo=UTC)) == [day_after]


def test_the_reminder_tells_the_practical_details_and_how_to_stop(
    app, tomorrow_in_dubai, make_registration, outbox
):
    registration = make_registration(tomorrow_in_dubai, language="en")
    assert queue_reminders(EIGHT_IN_DUBAI) == 1
    [message] = outbox()
    assert message["To"] == registration.email
    assert message["Subject"] == f"Tomorrow: {tomorrow_in_dubai.name}"
    assert message["Content-Language"] == "en"
    base = app.config["PUBLIC_BASE_URL"]
    text = message.get_body(("plain",)).get_content()
    assert f"{base}/r/{registration.manage_token}/badge.pdf" in text
    assert "World Trade Centre, Dubai" in text and "Asia/Dubai" in text
    assert "9:00" in text and "6:00" in text  # the opening hours
    assert f"{base}/mail/unsubscribe/" in text
    unsubscribe = "".join(str(message["List-Unsubscribe"]).split())
    assert unsubscribe.startswith(f"<{base}/mail/unsubscribe/") and unsubscribe.endswith(">")
    assert unsubscribe.strip("<>") in text
    assert f"{base}/mail/unsubscribe/" in message.get_body(("html",)).get_content()


def test_each_confirmed_attendee_is_reminded_once_however_often_the_job_runs(
    app, make_event, tomorrow_in_dubai, make_registration, outbox
):
    event = make_event(first_day=FIRST_DAY, timezone="Asia/Dubai", capacity=5)
    confirmed = [make_registration(event) for _ in range(5)]
    make_registration(event)  # waitlisted: nothing to show at the door
    cancel(confirmed[0])
    db.session.commit()
    # Small batches: every batch queued and committed on its own.
    assert queue_event_reminders(event, batch=2) == 4
    assert queue_event_reminders(event, batch=2) == 0
    assert queue_reminders(EIGHT_IN_DUBAI) == 0
    assert len(outbox()) == 4
    reminded = set(
        db.session.scalars(
            select(MailMessage.recipient).where(MailMessage.kind == "registration.reminder")
        )
    )
    assert reminded == {r.email for r in confirmed[1:]}


def test_someone_who_turned_reminders_off_gets_none(
    app, tomorrow_in_dubai, make_registration, outbox
):
    quiet = make_registration(tomorrow_in_dubai, email="quiet@example.com")
    told = make_registration(tomorrow_in_dubai, email="told@example.com")
    opt_out("Quiet@Example.com", "reminders")
    db.session.commit()
    assert queue_reminders(EIGHT_IN_DUBAI) == 1
    assert [message["To"] for message in outbox()] == [told.email]
    assert db.session.scalar(select(func.count()).where(MailMessage.recipient == quiet.email)) == 0


def test_a_reminder_of_a_registration_cancelled_meanwhile_is_not_sent(
    app, tomorrow_in_dubai, make_registration, outbox
):
    registration = make_registration(tomorrow_in_dubai)
    queue_reminders(EIGHT_IN_DUBAI)
    assert len(outbox()) == 1
    # A message built after the registration was cancelled says nothing.
    message = db.session.scalar(select(MailMessage))
    db.session.get(Registration, registration.id).status = "cancelled"
    db.session.commit()
    assert build(message) is None
