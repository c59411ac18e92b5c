"""The daily retention job (BEAT_SCHEDULE in eventhub/jobs.py): anonymises the events
past their retention. A plain function (retention.purge_due_events) wrapped in a task;
safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from eventhub.models_common import utcnow
from eventhub.privacy.retention import purge_due_events

log = logging.getLogger(__name__)


@shared_task(name="eventhub.privacy.tasks.purge_expired_personal_data")
def purge_expired_personal_data() -> int:
    """How many events were anonymised."""
    reports = purge_due_events(utcnow())
    for report in reports:
        log.info("Anonymised %s: %s", report.event, report.counts())
    return len(reports)
