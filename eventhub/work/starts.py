"""Starting each kind of job from what the organiser asked: plain values in, a queued Job
out (flushed; the caller commits, then queues it with tracking.queue_job).

The checks that can be made at once are made here, before anything is recorded, so that
the organiser is told on the page they came from: no badge to print, a file that cannot
be read. How big a piece of work must be to become a job is decided here too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from eventhub.badges.documents import check_bulk_badges
from eventhub.checkin.models import Scan
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.imports import GUEST_COLUMNS
from eventhub.registration.queries import ListFilters, select_registrations
from eventhub.spreadsheets import ZIP_MAGIC, Columns, read_upload
from eventhub.work.models import Job
from eventhub.work.tracking import create_job, save_upload

# An export of at most this many rows is sent at once; a larger one is made by a job.
EXPORT_IMMEDIATE_ROWS = 2_000
# An import of more rows than this is saved by a job (its check stays in the request).
IMPORT_JOB_ROWS = 500


def upload_suffix(data: bytes) -> str:
    return ".xlsx" if data.startswith(ZIP_MAGIC) else ".csv"


def count_rows(data: bytes, columns: Columns) -> int:
    """The data rows of an uploaded file; SpreadsheetError if it cannot be read."""
    return len(read_upload(data, columns))


def count_guest_rows(data: bytes) -> int:
    return count_rows(data, GUEST_COLUMNS)


def export_rows(event: Event, table: str, filters: ListFilters | None = None) -> int:
    if table == "registrations":
        statement = select_registrations(event, filters).order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(statement)) or 0
    return db.session.scalar(select(func.count(Scan.id)).where(Scan.event_id == event.id)) or 0


def start_bulk_badges(
    event: Event, category: AttendeeCategory | None, *, user_id: int | None, language: str
) -> Job:
    """Raises BadgeRenderError (nothing recorded) when no badge can be printed."""
    total = check_bulk_badges(event, category)
    return create_job(
        "bulk_badges",
        event_id=event.id,
        requested_by_id=user_id,
        params={"category_id": category.id if category else None, "language": language},
        total=total,
    )


def start_export(
    event: Event,
    table: str,
    fmt: str,
    filters: ListFilters | None,
    *,
    user_id: int | None,
    language: str,
    total: int = 0,
) -> Job:
    filters = filters or ListFilters()
    return create_job(
        "export",
        event_id=event.id,
        requested_by_id=user_id,
        params={
            "table": table,
            "fmt": fmt,
            "filters": {
                "q": filters.q,
                "status": filters.status,
                "category_id": filters.category.id if filters.category else None,
            },
            "language": language,
        },
        total=total,
    )


def start_upload_import(
    kind: str,
    event: Event,
    data: bytes,
    *,
    user_id: int | None,
    language: str,
    rows: int,
    params: dict[str, Any] | None = None,
) -> Job:
    """A `registration_import` or `booth_import` job, with the uploaded file kept for it."""
    job = create_job(
        kind,
        event_id=event.id,
        requested_by_id=user_id,
        params={**(params or {}), "language": language},
        total=rows,
    )
    save_upload(job, data, upload_suffix(data))
    return job
