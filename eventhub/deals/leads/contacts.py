"""What an exhibitor sees of its leads: the visitor's contact only with their consent.

Every page, export and API answer about leads is built from `LeadView`s read here. The
visitor's name, organisation, e-mail and job title are selected through `shared(…)`, a
CASE on `registrations.exhibitor_consent_at`: without the consent the database returns
NULL in their place, so they never reach the application, a template or a file. The
consent is read at every request: a visitor who withdraws it is anonymous again at once,
in the lists and in the next export. The search looks into those fields only for leads
that consented (through the registration's folded `search_key`), so that it cannot be used
to guess who an anonymous visitor was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.deals.leads.models import Lead, split_tags
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.listing import ListArgs, page_of
from eventhub.models_common import contains_text
from eventhub.profiles.models import Startup
from eventhub.registration.models import Registration
from eventhub.registration.search import fold
from eventhub.spreadsheets import Cell, Table

CONSENTED = Registration.exhibitor_consent_at.is_not(None)
EXPORT_BATCH = 500


def shared(column: Any) -> ColumnElement[Any]:
    """`column` of the registration when its holder agreed to share it, else NULL."""
    return case((CONSENTED, column), else_=None)


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str
    email: str
    job_title: str


@dataclass(frozen=True)
class LeadView:
    id: int
    category: str
    colour: str
    contact: Contact | None  # None: the visitor did not agree to share it
    note: str
    rating: int | None
    tags: list[str]
    first_scanned_at: datetime
    last_scanned_at: datetime
    scan_count: int

    @property
    def anonymous(self) -> bool:
        return self.contact is None


_VIEW_COLUMNS = (
    Lead.id,
    AttendeeCategory,  # its name in the reader's language
    AttendeeCategory.colour,
    shared(Registration.exhibitor_consent_at),
    shared(Registration.first_name),
    shared(Registration.last_name),
    shared(Registration.organization),
    shared(Registration.email),
    shared(Registration.job_title),
    Lead.note,
    Lead.rating,
    Lead.tags,
    Lead.first_scanned_at,
    Lead.last_scanned_at,
    Lead.scan_count,
)


def _views_select() -> Select[Any]:
    return (
        select(*_VIEW_COLUMNS)
        .join(Registration, Registration.id == Lead.registration_id)
        .join(AttendeeCategory, AttendeeCategory.id == Registration.category_id)
    )


def _view(row: Any) -> LeadView:
    (
        lead_id,
        category,
        colour,
        consent_at,
        first_name,
        last_name,
        organization,
        email,
        job_title,
        note,
        rating,
        tags,
        first_at,
        last_at,
        scans,
    ) = row
    contact = None
    if consent_at is not None:
        contact = Contact(
            name=f"{first_name or ''} {last_name or ''}".strip(),
            organization=organization or "",
            email=email or "",
            job_title=job_title or "",
        )
    return LeadView(
        lead_id,
        category.localized("name"),
        colour,
        contact,
        note,
        rating,
        split_tags(tags),
        first_at,
        last_at,
        scans,
    )


def lead_views(lead_ids: Iterable[int]) -> list[LeadView]:
    """The views of these leads, in the order given."""
    ids = list(lead_ids)
    if not ids:
        return []
    rows = db.session.execute(_views_select().where(Lead.id.in_(ids))).all()
    by_id = {row[0]: _view(row) for row in rows}
    return [by_id[lead_id] for lead_id in ids if lead_id in by_id]


def lead_view(lead: Lead) -> LeadView:
    db.session.flush()
    return lead_views([lead.id])[0]


# The list ---------------------------------------------------------------------------------

LEAD_SORTS: dict[str, Any] = {
    "scanned": Lead.last_scanned_at,
    "first": Lead.first_scanned_at,
    "rating": Lead.rating,
    "category": AttendeeCategory.name,
}
DEFAULT_SORT = "scanned"


def _matches(text: str) -> ColumnElement[bool]:
    """The note, tags or category contain `text`, or, for a visitor who agreed to share
    their contact, their name, e-mail or organisation does."""
    folded = fold(text)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        contains_text(text, Lead.note, Lead.tags, AttendeeCategory.name),
        and_(CONSENTED, Registration.search_key.like(f"%{escaped}%", escape="\\")),
    )


def leads_select(event: Event, startup: Startup, q: str = "") -> Select[Any]:
    statement = (
        select(Lead)
        .join(Registration, Registration.id == Lead.registration_id)
        .join(AttendeeCategory, AttendeeCategory.id == Registration.category_id)
        .where(Lead.event_id == event.id, Lead.startup_id == startup.id)
        .order_by(Lead.last_scanned_at.desc(), Lead.id.desc())
    )
    if q:
        statement = statement.where(_matches(q))
    return statement


def leads_page(event: Event, startup: Startup, args: ListArgs) -> tuple[Pagination, list[LeadView]]:
    """One page of the startup's leads at `event` (searched and sorted as `args` say),
    with the views of its leads."""
    page = page_of(leads_select(event, startup, args.q), args, Lead.id)
    return page, lead_views(lead.id for lead in page.items)


@dataclass(frozen=True)
class LeadCounts:
    leads: int
    with_contact: int


def lead_counts(event: Event, startup: Startup) -> LeadCounts:
    total, consented = db.session.execute(
        select(func.count(Lead.id), func.count(Registration.exhibitor_consent_at))
        .join(Registration, Registration.id == Lead.registration_id)
        .where(Lead.event_id == event.id, Lead.startup_id == startup.id)
    ).one()
    return LeadCounts(total or 0, consented or 0)


# The export ---------------------------------------------------------------------------------


def leads_export(event: Event, startup: Startup) -> Table:
    """Every lead of the startup at `event`, latest scan first; the contact columns empty
    for visitors who did not agree to share them. Times in the event's time zone."""
    zone = event.timezone
    header = [
        _("Lead"),
        _("Category"),
        _("Contact shared"),
        _("Name"),
        _("Organisation"),
        _("E-mail"),
        _("Job title"),
        _("Rating"),
        _("Tags"),
        _("Note"),
        _("First scanned (%(zone)s)", zone=zone),
        _("Last scanned (%(zone)s)", zone=zone),
        _("Scans"),
    ]
    yes, no, anonymous = _("Yes"), _("No"), _("Anonymous visitor")
    statement = (
        _views_select()
        .where(Lead.event_id == event.id, Lead.startup_id == startup.id)
        .order_by(Lead.last_scanned_at.desc(), Lead.id.desc())
        .execution_options(yield_per=EXPORT_BATCH)
    )

    def local(moment: datetime) -> datetime:
        return event.local(moment).replace(tzinfo=None)

    def rows() -> Iterator[list[Cell]]:
        for row in db.session.execute(statement):
            view = _view(row)
            contact = view.contact
            yield [
                view.id,
                view.category,
                yes if contact else no,
                contact.name if contact else anonymous,
                contact.organization if contact else "",
                contact.email if contact else "",
                contact.job_title if contact else "",
                view.rating,
                ", ".join(view.tags),
                view.note,
                local(view.first_scanned_at),
                local(view.last_scanned_at),
                view.scan_count,
            ]

    name = "".join(char if char.isalnum() else "-" for char in startup.name.lower()).strip("-")
    return Table(header, rows(), f"leads-{event.slug}-{name or startup.id}", _("Leads"))


# The organiser's counts -------------------------------------------------------------------


@dataclass(frozen=True)
class BoothLeads:
    booth: str
    hall: str
    startup: str
    leads: int
    with_contact: int


def leads_per_booth(event: Event) -> list[BoothLeads]:
    """Each allocated booth of the expo with the number of leads its startup scanned
    (and how many of them shared their contact): counts only, no one's details."""
    counts = (
        select(
            Lead.startup_id.label("startup_id"),
            func.count(Lead.id).label("leads"),
            func.count(Registration.exhibitor_consent_at).label("with_contact"),
        )
        .join(Registration, Registration.id == Lead.registration_id)
        .where(Lead.event_id == event.id)
        .group_by(Lead.startup_id)
        .subquery()
    )
    leads = func.coalesce(counts.c.leads, 0)
    rows = db.session.execute(
        select(
            Booth.code,
            Hall.name,
            Startup.name,
            leads,
            func.coalesce(counts.c.with_contact, 0),
        )
        .join(Hall, Hall.id == Booth.hall_id)
        .join(BoothApplication, BoothApplication.id == Booth.application_id)
        .join(Startup, Startup.id == BoothApplication.startup_id)
        .outerjoin(counts, counts.c.startup_id == Startup.id)
        .where(Booth.event_id == event.id, Booth.status == "allocated")
        .order_by(leads.desc(), Booth.code)
    )
    return [BoothLeads(*row) for row in rows]
