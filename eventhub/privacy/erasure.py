"""Erasure at the attendee's request, from their private page: the registration is
cancelled (its place goes to the waiting list) and anonymised (anonymise.py): the private
link and the badge stop working, the rows stay so that the event's counts stay."""

from __future__ import annotations

from datetime import datetime

from eventhub.auth.accounts import record_audit
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.privacy.anonymise import anonymise_registrations
from eventhub.privacy.models import Erasure
from eventhub.registration.models import Registration
from eventhub.registration.register import cancel


def erase(registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Cancel (when not yet) and anonymise the registration; the audit entry names its
    number, never its holder. Returns the registrations offered the freed place, for the
    caller to notify after its commit. Flushes; the caller commits."""
    now = now or utcnow()
    offered = cancel(registration) if registration.status != "cancelled" else []
    event = registration.event
    number = registration.number
    anonymise_registrations(event.slug, [registration.id], now)
    db.session.add(Erasure(registration_id=registration.id, erased_at=now))
    record_audit(None, "personal_data.erase", f"{event.slug}/{number}")
    db.session.flush()
    return offered


def is_erased(registration: Registration) -> bool:
    return db.session.get(Erasure, registration.id) is not None
