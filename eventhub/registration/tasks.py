"""The registration's periodic jobs: offers of freed places that expired, and the reminder
the day before an event.

Each is a plain function over a UTC moment (tested without Celery), wrapped in a task run by
beat (see BEAT_SCHEDULE in eventhub/jobs.py). Both are safe to run twice: an expiry takes
the event's lock and reads the offers again under it, and a reminder's key names the
registration and the event's first day, so it is recorded once however often the job runs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from celery import shared_task
from sqlalchemy import String, cast, exists, func, literal, select

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.models import MailMessage, MailOptOut
from eventhub.registration.mail import (
    REMINDER_KIND,
    REMINDER_TOPIC,
    notify_offer_expired,
    notify_statuses,
    queue_reminder,
)
from eventhub.registration.models import Registration
from eventhub.registration.register import expire_offers

# Reminders are sent from this local time on, the day before the event's first day.
REMINDER_FROM = time(8, 0)
# Registrations read and queued per transaction: a big show has 50,000.
REMINDER_BATCH = 1000


def expire_due_offers(now: datetime) -> int:
    """Cancel every offer past its deadline, tell its attendee, and offer the place to the
    next on the waiting list; one transaction per event. Returns how many expired."""
    event_ids = db.session.scalars(
        select(Registration.event_id)
        .where(Registration.status == "offered", Registration.offer_expires_at <= now)
        .distinct()
    ).all()
    db.session.rollback()  # no read transaction left open before the lock is taken
    count = 0
    for event_id in event_ids:
        event = db.session.get(Event, event_id)
        if event is None:
            continue
        expired, offered = expire_offers(event, now)
        for registration in expired:
            notify_offer_expired(registration)
        notify_statuses(offered)
        db.session.commit()
        count += len(expired)
    return count


def events_due_for_reminder(now: datetime) -> list[Event]:
    """The published events whose first day is tomorrow in their own time zone, where it is
    already REMINDER_FROM or later."""
    today_utc = now.date()
    candidates = db.session.scalars(
        select(Event).where(
            Event.status == "published",
            Event.first_day.between(today_utc, today_utc + timedelta(days=2)),
        )
    ).all()
    due = []
    for event in candidates:
        local = now.astimezone(event.tz)
        if event.first_day == local.date() + timedelta(days=1) and local.time() >= REMINDER_FROM:
            due.append(event)
    return due


def _reminder_key_of_row(first_day: date):
    """The SQL expression of `reminder_key(Registration.id, first_day)`."""
    return (
        literal(f"{REMINDER_KIND}:")
        + cast(Registration.id, String)
        + literal(f":{first_day.isoformat()}")
    )


def queue_event_reminders(event: Event, batch: int = REMINDER_BATCH) -> int:
    """Queue the day-before reminder of each confirmed registration of `event` not reminded
    yet (and not turned off), `batch` registrations per transaction. Returns how many."""
    event_id, first_day = event.id, event.first_day
    already = exists().where(MailMessage.key == _reminder_key_of_row(first_day))
    opted_out = exists().where(
        MailOptOut.email == func.lower(Registration.email), MailOptOut.topic == REMINDER_TOPIC
    )
    queued = 0
    after = 0
    while True:
        rows = db.session.execute(
            select(Registration.id, Registration.email, Registration.language)
            .where(
                Registration.event_id == event_id,
                Registration.status == "confirmed",
                Registration.id > after,
                ~already,
                ~opted_out,
            )
            .order_by(Registration.id)
            .limit(batch)
        ).all()
        if not rows:
            return queued
        for registration_id, email, language in rows:
            queued += queue_reminder(registration_id, email, language, event_id, first_day)
        db.session.commit()
        after = rows[-1].id


def queue_reminders(now: datetime) -> int:
    """Queue the day-before reminders of every event that starts tomorrow."""
    return sum(queue_event_reminders(event) for event in events_due_for_reminder(now))


@shared_task(name="eventhub.registration.tasks.expire_place_offers")
def expire_place_offers() -> int:
    return expire_due_offers(utcnow())


@shared_task(name="eventhub.registration.tasks.send_day_before_reminders")
def send_day_before_reminders() -> int:
    return queue_reminders(utcnow())
