"""Everything stored about a registrant, for their "Your data" page and its downloads
(JSON and CSV): the registration, the consent records, the scans of their badge at the
gates, the leads exhibitors recorded of them (with their notes) and the e-mails sent to
them about the event. Times in UTC, ISO 8601.

Meetings and deal flow belong to startup and investor accounts, not to a registration:
their holders see and export them from their account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from eventhub.checkin.models import Scan
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.notifications.models import MailMessage
from eventhub.privacy.consents import consent_history
from eventhub.profiles.models import Startup
from eventhub.registration.models import Registration
from eventhub.spreadsheets import Cell, csv_stream

REGISTRATION_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "organization",
    "job_title",
    "country",
    "language",
    "status",
    "source",
    "created_at",
    "confirmed_at",
    "cancelled_at",
    "exhibitor_consent_at",
    "badge_version",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def personal_data(registration: Registration) -> dict[str, Any]:
    """Everything stored about the registrant, as JSON-ready data."""
    event = registration.event
    record: dict[str, Any] = {"number": registration.number}
    record.update({name: _plain(getattr(registration, name)) for name in REGISTRATION_FIELDS})
    record["category"] = registration.category.name
    return {
        "event": {"slug": event.slug, "name": event.name},
        "registration": record,
        "consents": [
            {
                "kind": entry.kind,
                "granted": entry.granted,
                "notice_version": entry.notice_version,
                "language": entry.language,
                "at": _plain(entry.at),
            }
            for entry in consent_history(registration)
        ],
        "scans": _scans(registration),
        "leads": _leads(registration),
        "emails": _emails(registration),
    }


def _scans(registration: Registration) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Scan)
        .where(Scan.registration_id == registration.id)
        .order_by(Scan.scanned_at, Scan.id)
    )
    return [
        {
            "scanned_at": _plain(scan.scanned_at),
            "gate": scan.gate,
            "result": scan.result,
            "day": _plain(scan.day),
            "by_hand": scan.manual,
            "note": scan.note,
        }
        for scan in rows
    ]


def _leads(registration: Registration) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Lead, Startup.name)
        .join(Startup, Startup.id == Lead.startup_id)
        .where(Lead.registration_id == registration.id)
        .order_by(Lead.first_scanned_at, Lead.id)
    )
    return [
        {
            "exhibitor": name,
            "first_scanned_at": _plain(lead.first_scanned_at),
            "last_scanned_at": _plain(lead.last_scanned_at),
            "scans": lead.scan_count,
            "rating": lead.rating,
            "tags": lead.tags,
            "note": lead.note,
        }
        for lead, name in rows
    ]


def _emails(registration: Registration) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(MailMessage)
        .where(
            MailMessage.event_id == registration.event_id,
            MailMessage.recipient == registration.email,
        )
        .order_by(MailMessage.created_at, MailMessage.id)
    )
    return [
        {
            "kind": message.kind,
            "subject": message.subject,
            "status": message.status,
            "created_at": _plain(message.created_at),
            "sent_at": _plain(message.sent_at),
        }
        for message in rows
    ]


def data_rows(data: dict[str, Any]) -> Iterator[list[Cell]]:
    """The data as rows of (section, item, field, value): one table for a spreadsheet."""
    for name, value in data["event"].items():
        yield ["event", "", name, value]
    for name, value in data["registration"].items():
        yield ["registration", "", name, _cell(value)]
    for section in ("consents", "scans", "leads", "emails"):
        for number, item in enumerate(data[section], start=1):
            for name, value in item.items():
                yield [section, number, name, _cell(value)]


def _cell(value: Any) -> Cell:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def data_csv(data: dict[str, Any]) -> Iterator[str]:
    """The CSV download: formula-safe cells (spreadsheets.csv_stream)."""
    return csv_stream(["section", "item", "field", "value"], data_rows(data))
