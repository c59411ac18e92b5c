"""The organiser's job pages over HTTP: progress page and JSON, download (organisers only,
410 once expired), Retry, an event's jobs, and who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.work import tracking
from eventhub.work.models import Job
from tests.work.conftest import reload

ENGLISH = {"Accept-Language": "en"}


def job_routes(job: Job, event) -> list[tuple[str, str]]:
    return [
        ("GET", f"/organiser/jobs/{job.id}"),
        ("GET", f"/organiser/jobs/{job.id}.json"),
        ("GET", f"/organiser/jobs/{job.id}/download"),
        ("POST", f"/organiser/jobs/{job.id}/retry"),
        ("GET", f"/organiser/events/{event.slug}/jobs"),
        ("GET", f"/organiser/events/{event.slug}/badges"),
        ("POST", f"/organiser/events/{event.slug}/badges"),
    ]


def test_anonymous_is_sent_to_log_in(client, make_event, make_job):
    event = make_event()
    job = make_job(event, status="failed")
    for method, path in job_routes(job, event):
        response = client.open(path, method=method)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path
    assert reload(job).status == "failed"


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_only_organisers_see_jobs_and_their_files(client, login_as, make_event, make_job, role):
    event = make_event()
    job = make_job(event, status="done")
    failed = make_job(event, status="failed")
    login_as(role)
    routes = [*job_routes(job, event), ("POST", f"/organiser/jobs/{failed.id}/retry")]
    for method, path in routes:
        assert client.open(path, method=method).status_code == 403, path
    assert reload(failed).status == "failed"
    assert db.session.scalars(select(Job).order_by(Job.id)).all() == [job, failed]


def test_the_file_is_served_to_organisers_while_kept(client, login_as, make_event, make_job):
    event = make_event()
    job = make_job(event, status="done", file_name="registrations-x.csv")
    login_as("admin")
    response = client.get(f"/organiser/jobs/{job.id}/download")
    assert response.status_code == 200
    assert response.data == b"a,b\r\n1,2\r\n"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "registrations-x.csv" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_file_is_gone_after_it_expires(client, login_as, make_event, make_job):
    event = make_event()
    job = make_job(event, status="done")
    login_as("admin")
    job.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"/organiser/jobs/{job.id}/download", headers=ENGLISH)
    assert response.status_code == 410
    assert "This file has expired" in response.text
    state = client.get(f"/organiser/jobs/{job.id}.json").get_json()
    assert state["download_url"] is None and state["expired"] is True
    tracking.delete_expired(utcnow())  # and once the sweep deleted it
    assert client.get(f"/organiser/jobs/{job.id}/download").status_code == 410


def test_no_download_before_the_job_is_done(client, login_as, make_event, make_job):
    event = make_event()
    login_as("admin")
    for status in ("queued", "running", "failed"):
        job = make_job(event, status=status)
        assert client.get(f"/organiser/jobs/{job.id}/download").status_code == 404
    assert client.get("/organiser/jobs/99999999/download").status_code == 404
    assert client.get(f"/organiser/jobs/{2**40}").status_code == 404


def test_progress_page_and_its_json(client, login_as, make_event, make_job):
    event = make_event()
    job = make_job(event, status="running", done=250, total=1000)
    login_as("admin")
    page = client.get(f"/organiser/jobs/{job.id}", headers=ENGLISH).text
    assert '<progress id="job-progress" max="100" value="25"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "js/job-progress.js" in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript, it reloads itself
    assert "250 of 1000" in page
    response = client.get(f"/organiser/jobs/{job.id}.json")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "id": job.id,
        "status": "running",
        "done": 250,
        "total": 1000,
        "percent": 25,
        "error": None,
        "waiting": False,
        "expired": False,
        "file_name": None,
        "download_url": None,
    }
    done = make_job(event, status="done")
    state = client.get(f"/organiser/jobs/{done.id}.json").get_json()
    assert state["percent"] == 100
    assert state["download_url"] == f"/organiser/jobs/{done.id}/download"
    assert '<meta http-equiv="refresh"' not in client.get(f"/organiser/jobs/{done.id}").text


def test_a_failed_job_shows_its_error_and_can_be_tried_again(
    client, login_as, make_event, make_registration, make_job
):
    event = make_event()
    make_registration(event)
    job = make_job(
        event, kind="bulk_badges", status="failed", error="The disk was full.", params={}
    )
    login_as("admin")
    page = client.get(f"/organiser/jobs/{job.id}", headers=ENGLISH).text
    assert "The disk was full." in page and "Try again" in page
    response = client.post(f"/organiser/jobs/{job.id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    job = reload(job)  # run at once by the eager test worker
    assert job.status == "done" and job.file_name == f"badges-{event.slug}.pdf"
    assert tracking.file_of(job).read_bytes().startswith(b"%PDF")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "job.retry")).one()
    assert entry.target == str(job.id)
    again = client.post(f"/organiser/jobs/{job.id}/retry", headers=ENGLISH, follow_redirects=True)
    assert "Only a failed job can be tried again." in again.text


@pytest.fixture
def organiser(login_as):
    return login_as("admin")


def test_retry_needs_the_csrf_token(client, organiser, make_event, make_job, csrf_enabled):
    event = make_event()
    job = make_job(event, status="failed")
    assert client.post(f"/organiser/jobs/{job.id}/retry").status_code == 400
    assert reload(job).status == "failed"


def test_with_the_job_service_down_the_page_says_it_will_start_later(
    client, login_as, make_event, make_registration, monkeypatch
):
    monkeypatch.setattr(tracking, "enqueue", lambda *_args: False)
    event = make_event()
    make_registration(event)
    login_as("admin")
    response = client.post(f"/organiser/events/{event.slug}/badges", headers=ENGLISH)
    job = db.session.scalars(select(Job)).one()
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    page = client.get(response.headers["Location"], headers=ENGLISH).text
    assert "it will start as soon as the job service is back" in page
    assert reload(job).status == "queued"
    job.created_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    state = client.get(f"/organiser/jobs/{job.id}.json").get_json()
    assert state["status"] == "queued" and state["waiting"] is True


def test_an_events_jobs_are_listed_on_its_pages(
    client, login_as, make_event, make_job, make_registration
):
    event = make_event()
    other = make_event()
    make_job(event, status="done")
    make_job(event, kind="bulk_badges", status="failed", params={})
    make_job(other, status="done", params={"table": "checkins", "fmt": "xlsx"})
    login_as("admin")
    page = client.get(f"/organiser/events/{event.slug}/jobs", headers=ENGLISH).text
    assert page.count("/organiser/jobs/") >= 2
    assert "Registrations export (CSV)" in page and "All badges" in page
    assert "Check-ins export" not in page  # another event's
    listing = client.get(f"/organiser/events/{event.slug}/registrations", headers=ENGLISH).text
    assert "Recent jobs" in listing and "Registrations export (CSV)" in listing
