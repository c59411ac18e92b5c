"""The visitor's consent to share their contact details with the exhibitors who scan
their badge: given when registering (the form or the API) or later from their private
page, withdrawn there at any time. It is stored as its time
(`registrations.exhibitor_consent_at`), NULL when not given or withdrawn."""

from __future__ import annotations

from datetime import datetime

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration


def set_exhibitor_consent(
    registration: Registration, share: bool, *, now: datetime | None = None
) -> bool:
    """Give or withdraw the consent; True when it changed. Giving it again keeps the time
    it was first given. Flushes; the caller commits."""
    if share == (registration.exhibitor_consent_at is not None):
        return False
    registration.exhibitor_consent_at = (now or utcnow()) if share else None
    db.session.flush()
    return True
