"""Retention: the personal data of an event is kept for the organiser's number of months
(`event_privacy.retention_months`, default 12) after its last day, then anonymised by a
daily job (tasks.py), the rows kept so that counts stay: registrations, their scans and
leads (anonymise.py), the notes of its meetings and deal-flow records, and the
addresses of the e-mails it sent. A dry run counts what would go and changes nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update

from eventhub.auth.accounts import record_audit
from eventhub.checkin.models import Scan
from eventhub.deals.dealflow.models import DealRecord
from eventhub.deals.leads.models import Lead
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.notifications.models import MailMessage
from eventhub.privacy.anonymise import (
    ERASED_NAME,
    ERASED_RECIPIENT,
    anonymise_registrations,
    scrub_audit_emails,
)
from eventhub.privacy.models import EventPrivacy
from eventhub.privacy.settings import peek_settings, purge_date
from eventhub.registration.models import Registration


@dataclass(frozen=True)
class RetentionReport:
    """What an anonymisation of an event changed (or, dry, would change)."""

    event: str
    purge_on: date
    registrations: int
    scans: int
    leads: int
    meeting_notes: int
    emails: int
    dry_run: bool

    def counts(self) -> dict[str, int]:
        data = asdict(self)
        return {
            key: data[key] for key in ("registrations", "scans", "leads", "meeting_notes", "emails")
        }


def today_at(event: Event, now: datetime) -> date:
    return now.astimezone(event.tz).date()


def is_due(event: Event, now: datetime) -> bool:
    return today_at(event, now) >= purge_date(event)


def due_events(now: datetime) -> list[Event]:
    """Events past their retention that still hold personal data (not anonymised since
    their last change), oldest first."""
    events = db.session.scalars(
        select(Event)
        .outerjoin(EventPrivacy, EventPrivacy.event_id == Event.id)
        .where(Event.last_day < now.date())
        .order_by(Event.last_day, Event.id)
    )
    return [event for event in events if is_due(event, now) and _holds_personal_data(event)]


def _personal_registrations(event: Event) -> Select[tuple[int]]:
    return select(Registration.id).where(
        Registration.event_id == event.id,
        or_(Registration.first_name != ERASED_NAME, ~Registration.email.like("erased-%@invalid")),
    )


def _holds_personal_data(event: Event) -> bool:
    return db.session.scalar(_personal_registrations(event).limit(1)) is not None


def _count(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _meeting_notes(event: Event) -> tuple[Select[Any], Select[Any]]:
    meetings = Meeting.__table__
    records = DealRecord.__table__
    return (
        select(meetings.c.id).where(
            meetings.c.event_id == event.id,
            or_(
                meetings.c.note != "",
                meetings.c.investor_note != "",
                meetings.c.decline_reason != "",
            ),
        ),
        select(records.c.id).where(records.c.event_id == event.id, records.c.notes != ""),
    )


def anonymise_event(event: Event, now: datetime, *, dry_run: bool = False) -> RetentionReport:
    """Anonymise the event's personal data (or, dry, count it). Flushes; the caller
    commits. Safe to run twice: a second run finds nothing left."""
    ids = list(db.session.scalars(_personal_registrations(event).order_by(Registration.id)))
    meeting_query, record_query = _meeting_notes(event)
    mail_query = select(MailMessage.id).where(
        MailMessage.event_id == event.id, MailMessage.recipient != ERASED_RECIPIENT
    )
    report = RetentionReport(
        event=event.slug,
        purge_on=purge_date(event),
        registrations=len(ids),
        scans=_count(
            select(Scan.id).where(Scan.event_id == event.id, or_(Scan.code != "", Scan.note != ""))
        ),
        leads=_count(select(Lead.id).where(Lead.event_id == event.id)),
        meeting_notes=_count(meeting_query) + _count(record_query),
        emails=_count(mail_query),
        dry_run=dry_run,
    )
    if dry_run:
        return report
    emails = (
        set(db.session.scalars(select(Registration.email).where(Registration.id.in_(ids))))
        if ids
        else set()
    )
    anonymise_registrations(event.slug, ids, now)
    # Scans of badges that matched no registration still hold the code typed or scanned.
    db.session.execute(update(Scan).where(Scan.event_id == event.id).values(code="", note=""))
    db.session.execute(
        update(Lead).where(Lead.event_id == event.id).values(note="", tags="", rating=None)
    )
    db.session.execute(
        update(Meeting)
        .where(Meeting.event_id == event.id)
        .values(note="", investor_note="", decline_reason="")
    )
    db.session.execute(
        update(DealRecord)
        .where(DealRecord.event_id == event.id)
        .values(notes="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.event_id == event.id)
        .values(recipient=ERASED_RECIPIENT, last_error="")
    )
    scrub_audit_emails(emails, event.slug)
    settings = db.session.get(EventPrivacy, event.id)
    if settings is None:
        settings = EventPrivacy(event_id=event.id, notice_version=1, cndp_declaration="")
        settings.retention_months = peek_settings(event).retention_months
        db.session.add(settings)
    settings.anonymised_at = now
    db.session.flush()
    return report


def purge_due_events(now: datetime, *, dry_run: bool = False) -> list[RetentionReport]:
    """Anonymise every event past its retention (or, dry, report what would go); one
    audit entry per event anonymised. Commits after each event."""
    reports = []
    for event in due_events(now):
        report = anonymise_event(event, now, dry_run=dry_run)
        if not dry_run:
            record_audit(None, "personal_data.retention", event.slug, **report.counts())
            db.session.commit()
        reports.append(report)
    if not dry_run:
        record_audit(None, "personal_data.retention_run", None, count=len(reports))
        db.session.commit()
    return reports
