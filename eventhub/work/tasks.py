"""The jobs' tasks: run one job, queue again what stalled, delete expired files."""

from __future__ import annotations

from celery import Task, shared_task

from eventhub.models_common import utcnow
from eventhub.work.runners import perform
from eventhub.work.tracking import RUN_TASK, delete_expired, requeue_stalled_jobs


@shared_task(bind=True, name=RUN_TASK, max_retries=None)
def run_job(self: Task, job_id: int) -> str:
    attempt = perform(job_id)
    if attempt.retry_in is not None and not self.request.is_eager:
        # Eagerly (tests) a retry would run at once: the periodic sweep takes it later.
        raise self.retry(countdown=attempt.retry_in)
    return attempt.status


@shared_task(name="eventhub.work.tasks.requeue_stalled_jobs")
def requeue_stalled_jobs_task() -> int:
    return requeue_stalled_jobs(utcnow())


@shared_task(name="eventhub.work.tasks.delete_expired_files")
def delete_expired_files() -> list[int]:
    files, rows = delete_expired(utcnow())
    return [files, rows]
