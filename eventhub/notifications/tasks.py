"""The mail jobs: send one message, queue again what stalled, tell the organisers each
day of the messages that failed."""

from __future__ import annotations

from celery import Task, shared_task

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.mailing import requeue_stalled, send_message
from eventhub.notifications.summary import queue_failure_summaries


@shared_task(bind=True, name="eventhub.notifications.tasks.send_mail", max_retries=None)
def send_mail(self: Task, message_id: int) -> str:
    attempt = send_message(message_id)
    if attempt.retry_in is not None and not self.request.is_eager:
        # Eagerly (tests) a retry would run at once: the periodic sweep takes it later.
        raise self.retry(countdown=attempt.retry_in)
    return attempt.status


@shared_task(name="eventhub.notifications.tasks.requeue_stalled_mail")
def requeue_stalled_mail() -> int:
    return requeue_stalled(utcnow())


@shared_task(name="eventhub.notifications.tasks.send_failure_summaries")
def send_failure_summaries() -> int:
    """Daily: the organisers' summary of the messages that failed for good in the last 24
    hours (once a day per organiser, however often it runs)."""
    queued = queue_failure_summaries(utcnow())
    db.session.commit()
    return queued
