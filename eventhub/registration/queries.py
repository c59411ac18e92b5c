"""The organiser's questions about an event's registrations: the list with its search and
filters, the count per status, and which addresses are registered already."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import contains_text, counts_by_status, search_text
from eventhub.registration.models import REGISTRATION_STATUSES, Registration

# Addresses looked up per query: well under every database's limit of bound parameters.
EMAIL_BATCH = 500


@dataclass(frozen=True)
class ListFilters:
    """A search of the organiser's list: text, a status, a category (each may be empty)."""

    q: str = ""
    status: str | None = None
    category: AttendeeCategory | None = None

    def query_args(self) -> dict[str, Any]:
        """The filters as an address's query string (for the pages and exports of this list)."""
        args = {
            "q": self.q,
            "status": self.status,
            "category": self.category.id if self.category else None,
        }
        return {name: value for name, value in args.items() if value}


# The sortable columns of the organiser's list (eventhub/listing.py); newest first by default.
REGISTRATION_SORTS: dict[str, Any] = {
    "name": [func.lower(Registration.last_name), func.lower(Registration.first_name)],
    "registered": Registration.created_at,
    "category": select(func.lower(AttendeeCategory.name))
    .where(AttendeeCategory.id == Registration.category_id)
    .scalar_subquery(),
    "status": Registration.status,
}


def select_registrations(event: Event, filters: ListFilters | None = None) -> Select:
    """The event's registrations matching the filters, newest first.

    The text is looked for in the full name, the last name, the e-mail and the organisation;
    an unknown status is no filter."""
    filters = filters or ListFilters()
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(joinedload(Registration.category))
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    )
    text = search_text(filters.q)
    if text:
        full_name = Registration.first_name + " " + Registration.last_name
        query = query.where(
            contains_text(
                text,
                full_name,
                Registration.last_name,
                Registration.email,
                Registration.organization,
            )
        )
    if filters.status in REGISTRATION_STATUSES:
        query = query.where(Registration.status == filters.status)
    if filters.category is not None:
        query = query.where(Registration.category_id == filters.category.id)
    return query


def status_counts(event: Event) -> dict[str, int]:
    """How many registrations the event has in each status (every status named, 0 too)."""
    return counts_by_status(
        Registration.status, REGISTRATION_STATUSES, Registration.event_id == event.id
    )


def registered_emails(event: Event, emails: set[str]) -> set[str]:
    """Which of these (normalised) addresses the event has a registration for, any status."""
    found: set[str] = set()
    batch = sorted(emails)
    for start in range(0, len(batch), EMAIL_BATCH):
        found.update(
            db.session.scalars(
                select(Registration.email).where(
                    Registration.event_id == event.id,
                    Registration.email.in_(batch[start : start + EMAIL_BATCH]),
                )
            )
        )
    return found
