"""The meetings' periodic job: the morning agenda of meeting days."""

from __future__ import annotations

from celery import shared_task

from eventhub.extensions import db
from eventhub.meetings.mail import queue_morning_agendas
from eventhub.models_common import utcnow


@shared_task(name="eventhub.meetings.tasks.send_morning_agendas")
def send_morning_agendas() -> int:
    """Hourly (see BEAT_SCHEDULE): today's agendas not sent yet, where it is past 07:00."""
    queued = queue_morning_agendas(utcnow())
    db.session.commit()
    return queued
