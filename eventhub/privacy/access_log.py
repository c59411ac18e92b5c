"""The log of organisers' (and exhibitors', and door staff's) access to personal data:
every export of registrations, check-ins or leads, and every search at the help desk, is
an audit entry naming who, which event and how many rows, never the data itself nor the
text searched (only its length)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import AuditEntry
from eventhub.deals.leads.models import Lead
from eventhub.events.models import Event
from eventhub.extensions import db

ACCESS_KINDS = ("export", "search")


def log_personal_data_access(
    actor: Any,
    kind: str,
    event: Event,
    *,
    what: str,
    rows: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Record `actor`'s access (`kind`: export or search) to the personal data of
    `event`'s `what` (registrations, checkins, leads, people). The caller commits."""
    if kind not in ACCESS_KINDS:
        raise ValueError(f"unknown access kind {kind!r}")
    if hasattr(actor, "_get_current_object"):  # flask_login's current_user
        actor = actor._get_current_object()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return record_audit(user, f"personal_data.{kind}", event.slug, what=what, rows=rows, **details)


def log_search(actor: Any, event: Event, query: str, rows: int) -> AuditEntry:
    """A search of people by name: the length of what was typed, never the text."""
    return log_personal_data_access(
        actor, "search", event, what="people", rows=rows, query_length=len(query)
    )


def count_leads(event: Event, startup_id: int) -> int:
    """How many leads a startup's export of `event` holds."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.event_id == event.id, Lead.startup_id == startup_id)
        )
        or 0
    )
