"""Long work as a job: a row the organiser can watch, a result file, an error.

A view starts a job with `create_job(…)` (the row is inserted in the request's
transaction), commits, then `queue_job(job)`: the job is queued only once its row exists,
and if the broker cannot be reached the row simply stays `queued` until the periodic sweep
(`requeue_stalled_jobs`) queues it again. A worker runs it once it has claimed it with a
conditional UPDATE (`claim`): a job already done, or running in another worker, is not
redone.

While it runs, the job reports its progress with `Progress`, an atomic UPDATE at most
every 1 % of the work or every second, on a connection of its own (the worker's session
may be reading rows in batches through an open cursor). It ends with `finish` (its file,
written atomically under `instance/jobs/<job id>/` by `result_file`, and a summary) or
with `fail` (a message for the organiser), who may `retry_job` a failed one.

`expires_at` says when the row next needs attention, by status:

- queued: when the sweep queues it again if no worker took it;
- running: when the worker's lease ends (each progress report renews it); past it, the
  worker is presumed dead and the job is queued again;
- done or failed: when its file is deleted (JOB_FILES_KEPT_HOURS after it ended); the row
  itself stays ROWS_KEPT longer, so that the organiser is told the file has expired.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.jobs import enqueue
from eventhub.models_common import utcnow
from eventhub.work.models import Job

RUN_TASK = "eventhub.work.tasks.run_job"
JOBS_FOLDER = "jobs"
RESULT_STEM = "result"
UPLOAD_STEM = "upload"
# A queued job no worker took this long after it was queued is queued again.
REQUEUE_AFTER = timedelta(minutes=1)
# A running job whose worker reported nothing for this long is presumed lost.
LEASE = timedelta(minutes=10)
# Rows of ended jobs are kept this long after their file expired, then deleted.
ROWS_KEPT = timedelta(days=30)
# An unexpected error is tried again this many times in all before the job fails for good.
MAX_ATTEMPTS = 3
# Progress is written when it moved by this share of the total, or after this long.
PROGRESS_STEP = 0.01
PROGRESS_SECONDS = 1.0


class JobError(DomainError):
    """Why a job cannot do its work (no badge to print, a file that cannot be read): it
    fails at once with this message, which is shown to the organiser."""


@dataclass
class Outcome:
    """What a finished job leaves: a file (its path under the jobs folder) and a summary."""

    file_path: str = ""
    file_name: str = ""
    mimetype: str = ""
    summary: dict[str, Any] = field(default_factory=dict)


# --- Files ---------------------------------------------------------------------------------


def jobs_folder() -> Path:
    return Path(current_app.instance_path) / JOBS_FOLDER


def job_folder(job_id: int) -> Path:
    return jobs_folder() / str(int(job_id))


def file_of(job: Job) -> Path | None:
    """The job's result file on disk, if it still has one (never outside its folder)."""
    if not job.file_path:
        return None
    path = (jobs_folder() / job.file_path).resolve()
    if path.parent != job_folder(job.id).resolve() or not path.is_file():
        return None
    return path


@contextmanager
def result_file(job_id: int, suffix: str) -> Iterator[BinaryIO]:
    """A file to write the job's result to, which appears under its final name only once
    written in full (a temporary file, then an atomic rename). Yields the open file; its
    path under the jobs folder is `result_path(job_id, suffix)`."""
    folder = job_folder(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".result-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / f"{RESULT_STEM}{suffix}")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def result_path(job_id: int, suffix: str) -> str:
    return f"{int(job_id)}/{RESULT_STEM}{suffix}"


def save_upload(job: Job, data: bytes, suffix: str) -> None:
    """Keep an uploaded file for the job to read (an import's spreadsheet)."""
    folder = job_folder(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{UPLOAD_STEM}{suffix}"
    (folder / name).write_bytes(data)
    job.params = {**job.params, "upload": name}


def read_upload(job: Job) -> bytes:
    name = job.params.get("upload")
    path = job_folder(job.id) / str(name or "")
    if not name or path.parent != job_folder(job.id) or not path.is_file():
        raise JobError(_l("The uploaded file is no longer there: upload it again."), "no_upload")
    return path.read_bytes()


def remove_upload(job: Job) -> None:
    name = job.params.get("upload")
    if name:
        (job_folder(job.id) / str(name)).unlink(missing_ok=True)


# --- Starting, claiming, progress, the end --------------------------------------------------


def create_job(
    kind: str,
    *,
    event_id: int | None,
    requested_by_id: int | None,
    params: dict[str, Any] | None = None,
    total: int = 0,
    now: datetime | None = None,
) -> Job:
    """A queued job, flushed (it has its id); the caller commits, then calls queue_job."""
    now = now or utcnow()
    job = Job(
        kind=kind,
        event_id=event_id,
        requested_by_id=requested_by_id,
        params=dict(params or {}),
        status="queued",
        done=0,
        total=total,
        attempts=0,
        created_at=now,
        expires_at=now + REQUEUE_AFTER,
    )
    db.session.add(job)
    db.session.flush()
    return job


def queue_job(job_id: int) -> bool:
    """Queue the job's task (after the commit of its row). False when the broker cannot
    be reached: the row stays queued and the periodic sweep queues it again."""
    return enqueue(RUN_TASK, job_id)


def claim(job_id: int, now: datetime) -> bool:
    """Take the job for this worker, if it is queued (or its last worker's lease ended):
    one worker wins; a job done, failed or running elsewhere is left alone."""
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.status == "queued",
                (Job.status == "running") & (Job.expires_at < now),
            ),
        )
        .values(
            status="running",
            attempts=Job.attempts + 1,
            started_at=now,
            expires_at=now + LEASE,
            error="",
        )
    )
    db.session.commit()
    return claimed.rowcount == 1


def report_progress(job_id: int, done: int, total: int, now: datetime | None = None) -> bool:
    """Write the progress of a running job (and renew its lease) in one atomic UPDATE on
    a connection of its own, committed at once. False if the job is no longer running."""
    now = now or utcnow()
    with db.engine.begin() as connection:
        result = connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(done=max(done, 0), total=max(total, 0), expires_at=now + LEASE)
        )
    return result.rowcount == 1


def progress_due(done: int, last_done: int, total: int, seconds: float) -> bool:
    """Whether progress should be written now: it moved by PROGRESS_STEP of the total
    since the last write, or it moved and PROGRESS_SECONDS have passed."""
    if done <= last_done:
        return False
    if total > 0 and done >= total:
        return True
    step = max(1, int(total * PROGRESS_STEP)) if total > 0 else 1
    return done - last_done >= step or seconds >= PROGRESS_SECONDS


class Progress:
    """Called with the number of items done so far; writes it when `progress_due` says so.

    `start(total)` sets the total (and writes 0 of it), `finish()` writes what is done."""

    def __init__(
        self, job_id: int, total: int = 0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.job_id = job_id
        self.total = total
        self.done = 0
        self.writes = 0
        self._clock = clock
        self._last_done = 0
        self._last_at = clock()

    def start(self, total: int) -> None:
        self.total = total
        self.done = 0
        self._write()

    def __call__(self, done: int) -> None:
        self.done = done
        if progress_due(done, self._last_done, self.total, self._clock() - self._last_at):
            self._write()

    def finish(self) -> None:
        if self.done != self._last_done:
            self._write()

    def _write(self) -> None:
        report_progress(self.job_id, self.done, self.total)
        self.writes += 1
        self._last_done = self.done
        self._last_at = self._clock()


def finish(job_id: int, outcome: Outcome, now: datetime | None = None) -> bool:
    """The job is done: its file and summary recorded, its file kept JOB_FILES_KEPT_HOURS."""
    now = now or utcnow()
    kept = timedelta(hours=float(current_app.config["JOB_FILES_KEPT_HOURS"]))
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(
            status="done",
            done=Job.total,
            file_path=outcome.file_path,
            file_name=outcome.file_name[:200],
            mimetype=outcome.mimetype[:100],
            summary=outcome.summary,
            error="",
            finished_at=now,
            expires_at=now + kept,
        )
    )
    db.session.commit()
    return result.rowcount == 1


def fail(job_id: int, message: str, now: datetime | None = None) -> bool:
    """The job failed for good: the organiser sees `message` and may retry it."""
    now = now or utcnow()
    kept = timedelta(hours=float(current_app.config["JOB_FILES_KEPT_HOURS"]))
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(status="failed", error=message[:4000], finished_at=now, expires_at=now + kept)
    )
    db.session.commit()
    return result.rowcount == 1


def release(job_id: int, message: str, now: datetime | None = None) -> bool:
    """Give a running job back to the queue after an unexpected error (to be tried again)."""
    now = now or utcnow()
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(status="queued", error=message[:4000], expires_at=now + REQUEUE_AFTER)
    )
    db.session.commit()
    return result.rowcount == 1


def retry_job(job_id: int, now: datetime | None = None) -> bool:
    """Queue a failed job again (the caller commits, then calls queue_job). False when it
    is not failed (already retried, say, by another click)."""
    now = now or utcnow()
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "failed")
        .values(
            status="queued",
            error="",
            attempts=0,
            finished_at=None,
            expires_at=now + REQUEUE_AFTER,
        )
    )
    return result.rowcount == 1


# --- What the organiser sees ----------------------------------------------------------------


def percent(job: Job) -> int:
    if job.status == "done":
        return 100
    if job.total <= 0:
        return 0
    return max(0, min(99, job.done * 100 // job.total))


def is_expired(job: Job, now: datetime | None = None) -> bool:
    """Whether a done job's file may no longer be downloaded."""
    now = now or utcnow()
    return job.status == "done" and (
        not job.file_path or job.expires_at is None or job.expires_at <= now
    )


def is_waiting(job: Job, now: datetime | None = None) -> bool:
    """A queued job that no worker took within a while: the job service may be down."""
    now = now or utcnow()
    return job.status == "queued" and job.created_at <= now - timedelta(seconds=15)


def state_of(job: Job, now: datetime | None = None) -> dict[str, Any]:
    """The job's state as the progress page polls it (without its download address)."""
    now = now or utcnow()
    return {
        "id": job.id,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": percent(job),
        "error": job.error or None,
        "waiting": is_waiting(job, now),
        "expired": is_expired(job, now),
        "file_name": job.file_name or None,
        "has_file": job.status == "done" and bool(job.file_path) and not is_expired(job, now),
    }


def recent_jobs(event_id: int, limit: int = 10) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.event_id == event_id)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )


# --- Sweeps ---------------------------------------------------------------------------------


def requeue_stalled_jobs(now: datetime) -> int:
    """Queue again the jobs no worker is working on: queued ones past their time (the
    broker was down when they started, or their task was lost) and running ones whose
    worker's lease ended. Returns how many were queued."""
    stalled = list(
        db.session.scalars(
            select(Job.id).where(Job.status.in_(("queued", "running")), Job.expires_at < now)
        )
    )
    if not stalled:
        return 0
    db.session.execute(
        update(Job)
        .where(Job.id.in_(stalled), Job.status.in_(("queued", "running")), Job.expires_at < now)
        .values(status="queued", expires_at=now + REQUEUE_AFTER)
    )
    db.session.commit()
    return sum(1 for job_id in stalled if queue_job(job_id))


def delete_expired(now: datetime) -> tuple[int, int]:
    """Delete the files of ended jobs past `expires_at`, and the rows ROWS_KEPT later
    (with any folder left of a job whose row is gone). Returns (files, rows) deleted."""
    ended = ("done", "failed")
    expired = list(
        db.session.scalars(
            select(Job).where(
                Job.status.in_(ended),
                Job.expires_at < now,
                or_(Job.file_path != "", Job.params["upload"].as_string().is_not(None)),
            )
        )
    )
    files = 0
    for job in expired:
        shutil.rmtree(job_folder(job.id), ignore_errors=True)
        if job.file_path:
            files += 1
        job.file_path = ""
        job.params = {key: value for key, value in job.params.items() if key != "upload"}
    db.session.commit()
    old = list(
        db.session.scalars(
            select(Job.id).where(Job.status.in_(ended), Job.expires_at < now - ROWS_KEPT)
        )
    )
    if old:
        db.session.execute(delete(Job).where(Job.id.in_(old)))
        db.session.commit()
    _delete_orphan_folders(now)
    return files, len(old)


def _delete_orphan_folders(now: datetime) -> None:
    """Folders whose job row is gone (deleted, or never committed) and that are an hour old."""
    root = jobs_folder()
    if not root.is_dir():
        return
    folders = {int(path.name): path for path in root.iterdir() if path.name.isdigit()}
    if not folders:
        return
    known = set(db.session.scalars(select(Job.id).where(Job.id.in_(list(folders)))))
    cutoff = (now - timedelta(hours=1)).timestamp()
    for job_id, path in folders.items():
        if job_id not in known and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
