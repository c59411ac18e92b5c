"""The organiser's jobs: a page per job with a progress bar (polled as JSON), its download
while it is kept, a Retry for a failed one, and an event's recent jobs."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.work import tracking
from eventhub.work.models import Job

bp = Blueprint("work", __name__)

JOB_ROUTE = "/organiser/jobs/<id:job_id>"
# Without JavaScript, a running job's page reloads itself this often (meta refresh).
REFRESH_SECONDS = 3

KIND_LABELS = {
    "bulk_badges": _l("Badges"),
    "export": _l("Export"),
    "registration_import": _l("Guest import"),
    "booth_import": _l("Booth import"),
}
STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}


def job_title(job: Job) -> str:
    """What the job makes, in a few words, for its page and the lists."""
    params = job.params or {}
    if job.kind == "bulk_badges":
        category_id = params.get("category_id")
        category = db.session.get(AttendeeCategory, category_id) if category_id else None
        if category is not None:
            return _("Badges of the category %(name)s", name=category.name)
        return _("All badges")
    if job.kind == "export":
        fmt = str(params.get("fmt", "")).upper()
        if params.get("table") == "checkins":
            return _("Check-ins export (%(format)s)", format=fmt)
        return _("Registrations export (%(format)s)", format=fmt)
    return str(KIND_LABELS.get(job.kind, job.kind))


def _job_or_404(job_id: int) -> Job:
    return db.get_or_404(Job, job_id)


def _state(job: Job) -> dict[str, Any]:
    state = tracking.state_of(job, utcnow())
    state["download_url"] = (
        url_for("work.download", job_id=job.id) if state.pop("has_file") else None
    )
    return state


def started(job: Job) -> Response:
    """After a view started `job` (and recorded its audit entry): commit, queue it, and
    go to its page, saying so when the job service could not be reached."""
    db.session.commit()
    if not tracking.queue_job(job.id):
        flash(
            _(
                "The job is queued: it will start as soon as the job service is back. "
                "You may leave this page."
            ),
            "warning",
        )
    return redirect(url_for("work.job_page", job_id=job.id))


@bp.app_template_global()
def recent_event_jobs(event: Event, limit: int = 5) -> list[Job]:
    """The event's latest jobs, for the organiser's event pages."""
    return tracking.recent_jobs(event.id, limit)


@bp.app_template_global()
def job_label(job: Job) -> str:
    return job_title(job)


@bp.app_template_global()
def job_status_label(job: Job) -> str:
    return str(STATUS_LABELS.get(job.status, job.status))


@bp.route(JOB_ROUTE)
@role_required("admin")
def job_page(job_id: int):
    job = _job_or_404(job_id)
    event = db.session.get(Event, job.event_id) if job.event_id else None
    state = _state(job)
    return render_template(
        "work/job.html",
        job=job,
        event=event,
        state=state,
        title=job_title(job),
        refresh=REFRESH_SECONDS if job.status in ("queued", "running") else None,
        retry_form=EmptyForm(),
    )


@bp.route(JOB_ROUTE + ".json")
@role_required("admin")
def job_state(job_id: int):
    response = jsonify(_state(_job_or_404(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(JOB_ROUTE + "/download")
@role_required("admin")
def download(job_id: int):
    job = _job_or_404(job_id)
    if job.status != "done" or not job.file_name:
        abort(404)
    path = tracking.file_of(job)
    if tracking.is_expired(job) or path is None:
        page = render_template(
            "errors/error.html",
            status=410,
            title=_("This file has expired"),
            text=_(
                "Files made by a job are kept %(hours)d hours. Start the job again to get "
                "a new one.",
                hours=int(current_app.config["JOB_FILES_KEPT_HOURS"]),
            ),
        )
        return page, 410
    response = send_file(path, as_attachment=True, download_name=job.file_name)
    if job.mimetype:  # as stored: send_file's mimetype= adds a second charset to text/csv's
        response.content_type = job.mimetype
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(JOB_ROUTE + "/retry", methods=["POST"])
@role_required("admin")
def retry(job_id: int):
    job = _job_or_404(job_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not tracking.retry_job(job.id):
        db.session.rollback()
        flash(_("Only a failed job can be tried again."), "warning")
        return redirect(url_for("work.job_page", job_id=job.id))
    record_audit(current_user, "job.retry", str(job.id), kind=job.kind)
    return started(job)


@bp.route("/organiser/events/<slug>/jobs")
@role_required("admin")
def event_jobs(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    return render_template(
        "work/event_jobs.html", event=event, jobs=tracking.recent_jobs(event.id, 50)
    )
