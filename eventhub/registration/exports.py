"""The organiser's exports of an event: its registrations (with each one's first entry) and
its check-ins, as tables written to CSV or XLSX by eventhub/spreadsheets.py.

Rows are read from the database in batches as the file is written, so that memory stays
flat for a big show; times are shown in the event's time zone, as the headers say.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from eventhub.checkin.models import VENUE, Scan
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.forms import status_labels
from eventhub.registration.models import Registration
from eventhub.spreadsheets import Cell, Table

EXPORT_BATCH = 500


def _local(moment: datetime | None, event: Event) -> datetime | None:
    """A stored UTC moment as the event's wall-clock time (spreadsheets keep no zone)."""
    return event.local(moment).replace(tzinfo=None) if moment else None


def registration_export(event: Event, registrations: Select) -> Table:
    """Every registration `registrations` selects (select_registrations), oldest first."""
    first_entry = (
        select(Scan.registration_id, func.min(Scan.scanned_at).label("first_at"))
        .where(Scan.event_id == event.id, Scan.result == "admitted")
        .group_by(Scan.registration_id)
        .subquery()
    )
    zone = event.timezone
    header = [
        _("Number"),
        _("Status"),
        _("Category"),
        _("First name"),
        _("Last name"),
        _("E-mail"),
        _("Organisation"),
        _("Job title"),
        _("Country"),
        _("Language"),
        _("Source"),
        _("Registered at (%(zone)s)", zone=zone),
        _("Confirmed at (%(zone)s)", zone=zone),
        _("Cancelled at (%(zone)s)", zone=zone),
        _("First entry (%(zone)s)", zone=zone),
        _("Badge version"),
    ]
    labels = {status: str(label) for status, label in status_labels().items()}
    statement = (
        registrations.add_columns(first_entry.c.first_at)
        .outerjoin(first_entry, first_entry.c.registration_id == Registration.id)
        .order_by(None)
        .order_by(Registration.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )

    def rows() -> Iterator[list[Cell]]:
        for registration, first_at in db.session.execute(statement):
            yield [
                registration.number,
                labels[registration.status],
                registration.category.name,
                registration.first_name,
                registration.last_name,
                registration.email,
                registration.organization,
                registration.job_title,
                registration.country,
                registration.language,
                registration.source,
                _local(registration.created_at, event),
                _local(registration.confirmed_at, event),
                _local(registration.cancelled_at, event),
                _local(first_at, event),
                registration.badge_version,
            ]

    return Table(header, rows(), f"registrations-{event.slug}", _("Registrations"))


def checkin_export(event: Event) -> Table:
    """Every scan of the event, in the order they were made, with the badge holder if any."""
    zone = event.timezone
    header = [
        _("Scanned at (%(zone)s)", zone=zone),
        _("Day"),
        _("Gate"),
        _("Result"),
        _("Number"),
        _("First name"),
        _("Last name"),
        _("E-mail"),
        _("Category"),
        _("Device"),
        _("Zone"),
        _("By hand"),
        _("Note"),
        _("Offline"),
        _("Shown by the scanner"),
        _("Full zone let through"),
    ]
    zone_names = {VENUE: _("The venue"), **{zone.id: zone.name for zone in event.zones}}
    yes = _("Yes")
    statement = (
        select(Scan, Registration, AttendeeCategory.name)
        .outerjoin(Registration, Registration.id == Scan.registration_id)
        .outerjoin(AttendeeCategory, AttendeeCategory.id == Registration.category_id)
        .where(Scan.event_id == event.id)
        .order_by(Scan.scanned_at, Scan.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )

    def rows() -> Iterator[list[Cell]]:
        for scan, registration, category_name in db.session.execute(statement):
            local = event.local(scan.scanned_at)
            yield [
                local.replace(tzinfo=None),
                local.date(),
                scan.gate,
                scan.result,
                registration.number if registration else "",
                registration.first_name if registration else "",
                registration.last_name if registration else "",
                registration.email if registration else "",
                category_name or "",
                scan.device,
                zone_names.get(scan.zone_key, _("Deleted zone")),
                yes if scan.manual else "",
                scan.note,
                yes if scan.offline else "",
                scan.offline_result or "",
                yes if scan.override else "",
            ]

    return Table(header, rows(), f"checkins-{event.slug}", _("Check-ins"))
