"""What each kind of job does, and `perform`, which runs one job from claim to end.

A runner takes its job (claimed, in this worker's session) and a Progress, does the work
with the capability's own logic (badges/bulk.py's parts, registration/exports.py's tables,
the importers), and returns its Outcome; a JobError is a refusal shown to the organiser.

Kinds:
- `bulk_badges`: params {category_id}: one PDF, or a ZIP of part PDFs (badges/bulk.py);
- `export`: params {table: registrations | checkins, fmt: csv | xlsx, filters};
- `registration_import`: params {upload, category_id, guest_language, send_emails}: the
  guests registered in chunks, each chunk committed with the job's checkpoint (the last
  line done and the summary so far), so that a job tried again goes on where it stopped;
- `booth_import`: params {upload}: the booths added in one transaction.

Every kind's params also hold `language`, the organiser's, for the file and the messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventhub.badges.documents import check_bulk_badges, start_badge_run
from eventhub.badges.render import BadgeRenderError
from eventhub.booths.errors import BoothError
from eventhub.booths.imports import import_booths
from eventhub.checkin.models import Scan
from eventhub.errors import DomainError
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.exports import checkin_export, registration_export
from eventhub.registration.forms import category_by_choice
from eventhub.registration.imports import ImportResult, Rejection, import_rows, parse_guests
from eventhub.registration.mail import notify_statuses
from eventhub.registration.queries import ListFilters, registered_emails, select_registrations
from eventhub.spreadsheets import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    Cell,
    SpreadsheetError,
    csv_stream,
    write_xlsx,
)
from eventhub.work import tracking
from eventhub.work.models import Job
from eventhub.work.tracking import JobError, Outcome, Progress

Runner = Callable[[Job, Progress], Outcome]
RUNNERS: dict[str, Runner] = {}
EXPORT_TABLES = ("registrations", "checkins")
EXPORT_FORMATS = ("csv", "xlsx")
# Guests registered per committed chunk of an import job.
IMPORT_CHUNK = 100


def runs(kind: str) -> Callable[[Runner], Runner]:
    def register(runner: Runner) -> Runner:
        RUNNERS[kind] = runner
        return runner

    return register


@dataclass(frozen=True)
class Attempt:
    """What became of one run of a job: `retry_in` seconds when it should be run again."""

    status: str
    retry_in: float | None = None


def perform(job_id: int) -> Attempt:
    """Run the job if this worker can claim it: done, failed (for good, with why), or given
    back to the queue after an unexpected error (tried MAX_ATTEMPTS times in all)."""
    if not tracking.claim(job_id, utcnow()):
        return Attempt("not_claimed")
    job = db.session.get(Job, job_id)
    assert job is not None  # claimed just now
    language = job.params.get("language") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        try:
            runner = RUNNERS.get(job.kind)
            if runner is None:
                raise JobError(_l("This kind of job is unknown."), "unknown_kind")
            outcome = runner(job, Progress(job.id, job.total))
        except DomainError as error:
            db.session.rollback()
            tracking.fail(job_id, str(error.message))
            return Attempt("failed")
        except Exception as error:  # any other failure: recorded, then tried again
            current_app.logger.exception("Job %s (%s) failed", job_id, job.kind)
            db.session.rollback()
            attempts = db.session.scalar(select(Job.attempts).where(Job.id == job_id)) or 0
            message = _(
                "The job stopped on an unexpected error: %(error)s",
                error=f"{type(error).__name__}: {error}",
            )
            if attempts >= tracking.MAX_ATTEMPTS:
                tracking.fail(job_id, message)
                return Attempt("failed")
            tracking.release(job_id, message)
            return Attempt("queued", retry_in=30.0 * attempts)
    tracking.finish(job_id, outcome)
    tracking.remove_upload(job)
    return Attempt("done")


def _event(job: Job) -> Event:
    event = db.session.get(Event, job.event_id) if job.event_id is not None else None
    if event is None:
        raise JobError(_l("The event of this job no longer exists."), "no_event")
    return event


def _category(event: Event, category_id: Any) -> AttendeeCategory | None:
    if category_id is None:
        return None
    category = db.session.get(AttendeeCategory, int(category_id))
    if category is None or category.event_id != event.id:
        raise JobError(_l("The category of this job no longer exists."), "no_category")
    return category


def _count(statement: Any) -> int:
    subquery = statement.order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery)) or 0


# --- Bulk badges ------------------------------------------------------------------------------


@runs("bulk_badges")
def bulk_badges(job: Job, progress: Progress) -> Outcome:
    """The badges of the event (or one category), drawn part by part (badges/bulk.py):
    memory holds one part, whatever the number of badges."""
    event = _event(job)
    category = _category(event, job.params.get("category_id"))
    try:
        total = check_bulk_badges(event, category)
        run = start_badge_run(event, category)
        progress.start(total)
        suffix = Path(run.filename).suffix
        with tracking.result_file(job.id, suffix) as out:
            run.write(out, progress)
    except BadgeRenderError as error:
        raise JobError(error.message, error.code) from error
    progress.finish()
    return Outcome(
        file_path=tracking.result_path(job.id, suffix),
        file_name=run.filename,
        mimetype=run.mimetype,
        summary={"badges": run.count},
    )


# --- Exports ------------------------------------------------------------------------------


def export_filters(event: Event, values: dict[str, Any]) -> ListFilters:
    """The list's filters as a job keeps them (plain values), back as ListFilters."""
    category_id = values.get("category_id")
    category = category_by_choice(event, category_id) if category_id else None
    return ListFilters(
        q=str(values.get("q") or ""), status=values.get("status") or None, category=category
    )


def counted(rows: Iterable[list[Cell]], progress: Progress) -> Iterator[list[Cell]]:
    for done, row in enumerate(rows, start=1):
        yield row
        progress(done)


@runs("export")
def export(job: Job, progress: Progress) -> Outcome:
    event = _event(job)
    table_name, fmt = job.params.get("table"), job.params.get("fmt")
    if table_name not in EXPORT_TABLES or fmt not in EXPORT_FORMATS:
        raise JobError(_l("This export is unknown."), "unknown_export")
    if table_name == "registrations":
        statement = select_registrations(event, export_filters(event, job.params["filters"]))
        total = _count(statement)
        table = registration_export(event, statement)
    else:
        total = _count(select(Scan.id).where(Scan.event_id == event.id))
        table = checkin_export(event)
    progress.start(total)
    rows = counted(table.rows, progress)
    with tracking.result_file(job.id, f".{fmt}") as out:
        if fmt == "csv":
            for chunk in csv_stream(table.header, rows):
                out.write(chunk.encode("utf-8"))
        else:
            write_xlsx(table.header, rows, out, table.title)
    progress.finish()
    return Outcome(
        file_path=tracking.result_path(job.id, f".{fmt}"),
        file_name=f"{table.filename}.{fmt}",
        mimetype=CSV_MIMETYPE if fmt == "csv" else XLSX_MIMETYPE,
        summary={"rows": progress.done},
    )


# --- Imports ------------------------------------------------------------------------------


def _rejection(line: int, email: str, code: str, reason: Any) -> dict[str, Any]:
    return {"line": line, "email": email, "code": code, "reason": str(reason)}


@runs("registration_import")
def registration_import(job: Job, progress: Progress) -> Outcome:
    """Register the guests of the uploaded file, a chunk at a time; each chunk commits with
    the job's checkpoint, so a job tried again skips the lines it already did."""
    event = _event(job)
    default_category = _category(event, job.params.get("category_id"))
    try:
        parsed = parse_guests(
            tracking.read_upload(job),
            find_category=lambda name: category_by_choice(event, name),
            default_category=default_category,
            registered_emails=lambda emails: registered_emails(event, emails),
        )
    except SpreadsheetError as error:
        raise JobError(error.message, error.code) from error
    summary: dict[str, Any] = {
        "registered": 0,
        "confirmed": 0,
        "waitlisted": 0,
        "rejected": [],
        "last_line": 0,
        **(job.summary or {}),
    }
    lines = sorted(
        [(row.line, row) for row in parsed.accepted]
        + [(rejection.line, rejection) for rejection in parsed.rejected],
        key=lambda item: item[0],
    )
    total = len(lines)
    pending = [item for item in lines if item[0] > summary["last_line"]]
    job.total = total
    job.done = total - len(pending)
    db.session.commit()
    guest_language = job.params.get("guest_language") or "fr"
    for start in range(0, len(pending), IMPORT_CHUNK):
        chunk = pending[start : start + IMPORT_CHUNK]
        accepted = [item for _line, item in chunk if not isinstance(item, Rejection)]
        rejected = [
            _rejection(item.line, item.email, item.code, item.reason)
            for _line, item in chunk
            if isinstance(item, Rejection)
        ]
        report = import_rows(event, ImportResult(accepted=accepted), language=guest_language)
        rejected += [_rejection(r.line, r.email, r.code, r.reason) for r in report.rejected]
        if job.params.get("send_emails"):
            notify_statuses(report.registered)
        summary = {
            **summary,
            "registered": summary["registered"] + len(report.registered),
            "confirmed": summary["confirmed"] + report.confirmed,
            "waitlisted": summary["waitlisted"] + report.waitlisted,
            "rejected": sorted(summary["rejected"] + rejected, key=lambda r: r["line"]),
            "last_line": chunk[-1][0],
        }
        job.summary = summary
        job.done = total - len(pending) + start + len(chunk)
        job.expires_at = utcnow() + tracking.LEASE
        db.session.commit()
    return Outcome(summary={**summary, "rows": total})


@runs("booth_import")
def booth_import(job: Job, progress: Progress) -> Outcome:
    """Add the booths of the uploaded file (checked again: the plan may have changed since
    the organiser's preview), in one transaction."""
    event = _event(job)
    data = tracking.read_upload(job)
    try:
        report = import_booths(event, data)
    except (BoothError, SpreadsheetError) as error:
        raise JobError(error.message, error.code) from error
    rows = report.accepted_count + len(report.rejected)
    job.total = job.done = rows  # committed with the booths, by tracking.finish
    return Outcome(
        summary={
            "rows": rows,
            "added": report.accepted_count,
            "rejected": [
                {
                    "line": rejection.line,
                    "code": rejection.code,
                    "error_code": rejection.error_code,
                    "reason": str(rejection.reason),
                }
                for rejection in report.rejected
            ],
        }
    )
