"""Anonymising personal data while keeping the rows, so that counts and statistics stay:
a registration keeps its event, category, status, country, language and times, and loses
its name, e-mail, organisation, job title, private link and badge; its scans keep gate,
time and result and lose the scanned code and the desk's note; its leads keep their
counts and lose note, tags and rating; the e-mails sent to it lose their address.

Shared by the erasure an attendee asks for (erasure.py) and the retention job
(retention.py). Bulk UPDATEs by primary key, in batches: the ORM's per-row events do not
run, so every column they would set (search_key, updated_at) is set here."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from eventhub.auth.models import AuditEntry
from eventhub.checkin.models import Scan
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.notifications.models import MailMessage
from eventhub.registration.models import Registration
from eventhub.registration.register import MAX_BADGE_VERSION

ERASED_NAME = "Erased"
ERASED_RECIPIENT = "erased@invalid"
BATCH = 500


def erased_email(registration_id: int) -> str:
    """Unique within the event (the unique constraint on event and e-mail holds)."""
    return f"erased-{registration_id}@invalid"


def is_erased_email(email: str) -> bool:
    return email.startswith("erased-") and email.endswith("@invalid")


def anonymise_registrations(slug: str, ids: Sequence[int], now: datetime) -> int:
    """Anonymise these registrations of the event `slug`, their scans and their leads;
    how many registrations."""
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = list(ids[start : start + BATCH])
        rows = db.session.execute(
            select(Registration.id, Registration.badge_version, Registration.email).where(
                Registration.id.in_(batch)
            )
        ).all()
        emails = [row.email for row in rows if not is_erased_email(row.email)]
        db.session.execute(
            update(Registration),
            [
                {
                    "id": row.id,
                    "first_name": ERASED_NAME,
                    "last_name": "",
                    "email": erased_email(row.id),
                    "organization": "",
                    "job_title": "",
                    "search_key": "",
                    "exhibitor_consent_at": None,
                    # A new private link nobody knows: the old one stops working.
                    "manage_token": secrets.token_urlsafe(32),
                    # A new badge version: the printed badge scans as revoked.
                    "badge_version": min(row.badge_version + 1, MAX_BADGE_VERSION),
                    "updated_at": now,
                }
                for row in rows
            ],
        )
        db.session.execute(
            update(Scan).where(Scan.registration_id.in_(batch)).values(code="", note="")
        )
        db.session.execute(
            update(Lead)
            .where(Lead.registration_id.in_(batch))
            .values(note="", tags="", rating=None, updated_at=now)
        )
        _forget_addresses(slug, emails)
        done += len(rows)
    db.session.flush()
    db.session.expire_all()  # the ORM's copies of the rows are stale
    return done


def _forget_addresses(slug: str, emails: list[str]) -> None:
    """E-mails to these addresses lose their address; those still queued are not sent."""
    if not emails:
        return
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.recipient.in_(emails), MailMessage.status.in_(("queued", "sending")))
        .values(status="skipped")
    )
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.recipient.in_(emails))
        .values(recipient=ERASED_RECIPIENT, last_error="")
    )
    scrub_audit_emails(set(emails), slug)


def scrub_audit_emails(emails: set[str], slug: str | None = None) -> int:
    """Audit entries naming these addresses (organiser actions on a registration keep its
    e-mail in their details) name a placeholder instead; how many entries changed."""
    query = select(AuditEntry).where(AuditEntry.details.is_not(None))
    if slug is not None:
        escaped = slug.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            (AuditEntry.target == slug) | AuditEntry.target.like(f"{escaped}/%", escape="\\")
        )
    changed = 0
    for entry in db.session.scalars(query).all():
        details = dict(entry.details or {})
        hits = [key for key, value in details.items() if isinstance(value, str) and value in emails]
        if hits:
            details.update(dict.fromkeys(hits, ERASED_RECIPIENT))
            entry.details = details
            changed += 1
    return changed
