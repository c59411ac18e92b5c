"""The Celery app: work that should not hold a web request runs in worker processes.

Production: broker and results on Redis (`REDIS_URL`), any number of workers on any
number of machines, and one beat process for the periodic work:

    celery -A eventhub.jobs worker
    celery -A eventhub.jobs beat

Without `REDIS_URL` (`make run`), the broker is kombu's filesystem transport under
`instance/celery/`: nothing to install, one machine. In the test settings tasks run
eagerly, in the process that queues them (`JOBS_EAGER`).

Each task runs in an application context of its own. Tasks are acknowledged once they
finish (`acks_late`), so that a worker killed in the middle of one leaves it to another,
and written so that running one twice does nothing more than running it once. What a
task works on is a row in the database (a message, a job), committed before the task is
queued: the database, not the broker, is what nothing may lose.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask, current_app
from kombu.exceptions import OperationalError

# The modules that define tasks or the builders of e-mail messages (`@builds`), imported
# by every process that has the app, workers included.
TASK_MODULES = (
    "eventhub.notifications.tasks",
    "eventhub.registration.mail",
    "eventhub.registration.tasks",
    "eventhub.booths.notices",
    "eventhub.meetings.mail",
    "eventhub.meetings.tasks",
    "eventhub.notifications.summary",
    "eventhub.work.tasks",
    "eventhub.auth.mail",
    "eventhub.auth.tasks",
    "eventhub.deals.tables.mail",
    "eventhub.deals.tables.tasks",
    "eventhub.privacy.tasks",
)

# Periodic work, run by `celery -A eventhub.jobs beat` (in `make run`, by the worker).
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "requeue-stalled-mail": {
        "task": "eventhub.notifications.tasks.requeue_stalled_mail",
        "schedule": timedelta(minutes=1),
    },
    # Long work (bulk badges, exports, imports): jobs the broker lost or never took, and
    # the result files past JOB_FILES_KEPT_HOURS.
    "requeue-stalled-jobs": {
        "task": "eventhub.work.tasks.requeue_stalled_jobs",
        "schedule": timedelta(minutes=1),
    },
    "delete-expired-job-files": {
        "task": "eventhub.work.tasks.delete_expired_files",
        "schedule": timedelta(hours=1),
    },
    "purge-unconfirmed-signups": {
        "task": "eventhub.auth.tasks.purge_unconfirmed_signups",
        "schedule": timedelta(hours=24),
    },
    "expire-place-offers": {
        "task": "eventhub.registration.tasks.expire_place_offers",
        "schedule": timedelta(minutes=5),
    },
    "day-before-reminders": {
        "task": "eventhub.registration.tasks.send_day_before_reminders",
        "schedule": timedelta(hours=1),
    },
    # Sends each meeting day's agenda once it is past 07:00 where the event is.
    "meetings-morning-agenda": {
        "task": "eventhub.meetings.tasks.send_morning_agendas",
        "schedule": timedelta(hours=1),
    },
    # Meetings at tables: a party still absent N minutes after the start is a no-show.
    "tables-no-shows": {
        "task": "eventhub.deals.tables.tasks.record_no_shows",
        "schedule": timedelta(minutes=1),
    },
    # Tells the organisers, each morning (07:00 UTC), of the e-mails that failed for good.
    # Personal data past the retention of its event (law 09-08): anonymised, counts kept.
    "purge-expired-personal-data": {
        "task": "eventhub.privacy.tasks.purge_expired_personal_data",
        "schedule": timedelta(hours=24),
    },
    "mail-failure-summary": {
        "task": "eventhub.notifications.tasks.send_failure_summaries",
        "schedule": crontab(hour=7, minute=0),
    },
}


def embedded_broker_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "celery"


def celery_settings(app: Flask) -> dict[str, Any]:
    """Celery's settings from the app's configuration."""
    config = app.config
    settings: dict[str, Any] = {
        "imports": TASK_MODULES,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,
        "task_always_eager": bool(config["JOBS_EAGER"]),
        "task_eager_propagates": True,
        "timezone": "UTC",
        "beat_schedule": BEAT_SCHEDULE,
        "broker_connection_retry_on_startup": True,
        # With the broker down, queueing gives up quickly: the row stays queued in the
        # database and the periodic sweep queues it again once the broker is back.
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
        "broker_transport_options": {"max_retries": 2, "interval_start": 0},
    }
    redis_url = config.get("REDIS_URL")
    if redis_url:
        settings.update(broker_url=redis_url, result_backend=redis_url)
        # An unacknowledged task goes back to the queue after this long: longer than
        # the longest task (a 50,000-badge run takes a few minutes).
        settings["broker_transport_options"]["visibility_timeout"] = 3600
        return settings
    folder = embedded_broker_folder(app)
    settings.update(
        broker_url="filesystem://", beat_schedule_filename=str(folder / "beat-schedule")
    )
    settings["broker_transport_options"].update(
        data_folder_in=str(folder / "queue"),
        data_folder_out=str(folder / "queue"),
        processed_folder=str(folder / "processed"),
        store_processed=False,
        # Broadcast exchanges (worker control): beside the queue, not in the working folder.
        control_folder=str(folder / "control"),
    )
    if not config["JOBS_EAGER"]:
        for name in ("queue", "processed", "control"):
            (folder / name).mkdir(parents=True, exist_ok=True)
    return settings


def init_jobs(app: Flask) -> Celery:
    """The Celery app of `app`: its tasks run in an app context of `app`."""

    class AppContextTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=AppContextTask)
    celery.conf.update(celery_settings(app))
    celery.set_default()
    for module in TASK_MODULES:  # their tasks, so that `enqueue` finds them by name
        import_module(module)
    app.extensions["celery"] = celery
    return celery


def enqueue(task: Task | str, *args: Any, **options: Any) -> bool:
    """Queue `task` (a task or its name) on the current Flask app's Celery app; False, and
    a log entry, when the broker cannot be reached (the caller's rows stay as they are,
    for the periodic sweep to queue again)."""
    celery: Celery = current_app.extensions["celery"]
    name = task if isinstance(task, str) else task.name
    try:
        celery.tasks[name].apply_async(args, **options)
    except OperationalError:
        current_app.logger.warning("Could not queue %s%r: the broker is unreachable", name, args)
        return False
    return True


def __getattr__(name: str) -> Celery:
    """`celery -A eventhub.jobs` asks this module for `app`: the Celery app of a Flask app
    built from the environment, as `flask` and gunicorn build theirs."""
    if name not in ("app", "celery"):
        raise AttributeError(name)
    from eventhub import create_app  # the worker's entry point, like a WSGI module

    celery = create_app().extensions["celery"]
    globals()[name] = celery
    return celery
