"""The life of a job without HTTP: claim, progress, finish, fail, retry, sweeps, expiry."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.work import runners, tracking
from eventhub.work.models import Job
from eventhub.work.tracking import Outcome, Progress, progress_due
from tests.work.conftest import reload


def test_a_job_is_claimed_once(make_job):
    job = make_job()
    now = utcnow()
    assert tracking.claim(job.id, now)
    assert not tracking.claim(job.id, now)  # running in another worker
    job = reload(job)
    assert (job.status, job.attempts) == ("running", 1)
    assert job.expires_at > now  # the worker's lease


def test_done_and_failed_jobs_are_not_claimed(make_job):
    for status in ("done", "failed"):
        job = make_job(status=status)
        assert not tracking.claim(job.id, utcnow())
        assert reload(job).status == status


def test_a_running_job_whose_lease_ended_is_taken_over(make_job):
    job = make_job()
    then = utcnow() - tracking.LEASE - timedelta(minutes=1)
    assert tracking.claim(job.id, then)
    assert tracking.claim(job.id, utcnow())
    assert reload(job).attempts == 2


@pytest.mark.parametrize(
    ("done", "last", "total", "seconds", "due"),
    [
        (0, 0, 1000, 5.0, False),  # nothing moved
        (5, 0, 1000, 0.1, False),  # less than 1 % and less than a second
        (10, 0, 1000, 0.1, True),  # 1 %
        (5, 0, 1000, 1.0, True),  # a second
        (1000, 995, 1000, 0.0, True),  # the end is always written
        (3, 2, 0, 0.0, True),  # no total known: every item
    ],
)
def test_progress_is_written_every_percent_or_second(done, last, total, seconds, due):
    assert progress_due(done, last, total, seconds) is due


def test_progress_writes_are_bounded_and_atomic(make_job):
    job = make_job()
    tracking.claim(job.id, utcnow())
    clock = [0.0]
    progress = Progress(job.id, clock=lambda: clock[0])
    progress.start(50_000)
    for done in range(1, 50_001):  # as fast as possible: only every 1 % is written
        progress(done)
    assert progress.writes == 101  # the start, then 100 steps of 1 %
    job = reload(job)
    assert (job.done, job.total) == (50_000, 50_000)
    assert tracking.percent(job) == 99  # 100 only once done


def test_slow_progress_is_written_every_second(make_job):
    job = make_job()
    tracking.claim(job.id, utcnow())
    clock = [0.0]
    progress = Progress(job.id, clock=lambda: clock[0])
    progress.start(100_000)
    progress(3)
    assert reload(job).done == 0
    clock[0] = 1.5
    progress(4)
    assert reload(job).done == 4


def test_progress_of_a_job_no_longer_running_is_refused(make_job):
    job = make_job(status="failed")
    assert not tracking.report_progress(job.id, 5, 10)
    assert reload(job).done == 0


def test_finish_keeps_the_file_for_the_configured_hours(app, make_job):
    job = make_job()
    tracking.claim(job.id, utcnow())
    with tracking.result_file(job.id, ".pdf") as out:
        out.write(b"%PDF-1.4 test")
    now = utcnow()
    outcome = Outcome(tracking.result_path(job.id, ".pdf"), "badges-x.pdf", "application/pdf")
    assert tracking.finish(job.id, outcome, now)
    job = reload(job)
    assert job.status == "done" and tracking.percent(job) == 100
    kept = timedelta(hours=app.config["JOB_FILES_KEPT_HOURS"])
    assert abs(job.expires_at - (now + kept)) < timedelta(seconds=1)
    assert tracking.file_of(job).read_bytes() == b"%PDF-1.4 test"
    assert not tracking.is_expired(job, now)
    assert tracking.is_expired(job, now + kept + timedelta(seconds=1))


def test_a_result_file_appears_only_once_written_in_full(make_job):
    job = make_job()
    folder = tracking.job_folder(job.id)
    with pytest.raises(RuntimeError), tracking.result_file(job.id, ".zip") as out:
        out.write(b"half")
        assert list(folder.glob("result*")) == []  # not under its name while written
        raise RuntimeError("worker died")
    assert list(folder.iterdir()) == []  # the partial file is gone too


def test_a_file_path_outside_the_job_folder_is_never_served(make_job):
    job = make_job(status="done")
    job.file_path = "../../etc/passwd"
    assert tracking.file_of(job) is None


def test_fail_then_retry(make_job):
    job = make_job()
    tracking.claim(job.id, utcnow())
    assert tracking.fail(job.id, "There is no badge to print.")
    job = reload(job)
    assert (job.status, job.error) == ("failed", "There is no badge to print.")
    assert tracking.retry_job(job.id)
    db.session.commit()
    job = reload(job)
    assert (job.status, job.error, job.attempts) == ("queued", "", 0)
    assert not tracking.retry_job(job.id)  # only a failed job


def test_an_unexpected_error_is_tried_again_then_fails_for_good(make_job, make_event, monkeypatch):
    event = make_event()
    job = make_job(event)

    def broken(_job, _progress):
        raise OSError("disk full")

    monkeypatch.setitem(runners.RUNNERS, "export", broken)
    for attempt in range(1, tracking.MAX_ATTEMPTS):
        result = runners.perform(job.id)
        assert result.status == "queued" and result.retry_in == 30.0 * attempt
        assert reload(job).status == "queued"
    assert runners.perform(job.id).status == "failed"
    job = reload(job)
    assert job.status == "failed" and "OSError: disk full" in job.error
    assert job.attempts == tracking.MAX_ATTEMPTS


def test_a_refusal_fails_at_once_with_its_message(make_job, make_event):
    event = make_event()
    job = make_job(event, kind="bulk_badges", params={"category_id": None})
    assert runners.perform(job.id).status == "failed"
    job = reload(job)
    assert job.attempts == 1
    assert "no confirmed registration" in job.error or "aucune" in job.error.lower()


def test_an_unknown_kind_fails(make_job):
    job = make_job(kind="teleport")
    assert runners.perform(job.id).status == "failed"


def test_performing_a_done_job_again_does_nothing(make_job):
    job = make_job(status="done")
    before = tracking.file_of(job).read_bytes()
    assert runners.perform(job.id).status == "not_claimed"
    assert reload(job).status == "done" and tracking.file_of(job).read_bytes() == before


def test_the_sweep_queues_again_what_no_worker_took(make_job, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tracking, "enqueue", lambda _task, job_id: queued.append(job_id) or True)
    now = utcnow()
    fresh = make_job()
    stale = make_job(expires_at=now - timedelta(seconds=5))
    lost = make_job(status="running", expires_at=now - timedelta(seconds=5))
    alive = make_job(status="running", expires_at=now + timedelta(minutes=5))
    make_job(status="done")
    assert tracking.requeue_stalled_jobs(now) == 2
    assert sorted(queued) == sorted([stale.id, lost.id])
    assert reload(lost).status == "queued"
    assert reload(alive).status == "running" and reload(fresh).status == "queued"
    queued.clear()
    assert tracking.requeue_stalled_jobs(now) == 0  # each at most once a minute


def test_with_the_broker_down_the_job_stays_queued(make_job, monkeypatch):
    monkeypatch.setattr(tracking, "enqueue", lambda *_args: False)
    job = make_job()
    assert tracking.queue_job(job.id) is False
    assert reload(job).status == "queued"
    assert tracking.is_waiting(reload(job), utcnow() + timedelta(minutes=1))


def test_expired_files_then_rows_are_deleted(make_job, jobs_instance):
    now = utcnow()
    expired = make_job(status="done", expires_at=now - timedelta(minutes=1))
    kept = make_job(status="done")
    old_id = make_job(status="failed", expires_at=now - tracking.ROWS_KEPT - timedelta(hours=1)).id
    orphan = jobs_instance / "987654"
    orphan.mkdir(parents=True)
    two_hours_ago = (now - timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    files, rows = tracking.delete_expired(now)
    assert (files, rows) == (1, 1)
    assert not tracking.job_folder(expired.id).exists()
    assert reload(expired).file_path == "" and reload(expired).status == "done"
    assert tracking.file_of(reload(kept)) is not None
    assert db.session.scalar(select(Job).where(Job.id == old_id)) is None
    assert not orphan.exists()


def test_a_failed_imports_upload_is_deleted_when_it_expires(make_job):
    job = make_job(kind="booth_import", status="failed", params={})
    tracking.save_upload(job, b"code,hall\n", ".csv")
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert (tracking.job_folder(job.id) / "upload.csv").exists()
    tracking.delete_expired(utcnow())
    assert not tracking.job_folder(job.id).exists()
    assert "upload" not in reload(job).params
