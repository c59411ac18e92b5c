"""From registrations to badge PDFs: the app's side of badges/render.py and bulk.py."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import qrcode
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from qrcode.image.svg import SvgPathImage
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from eventhub.badges.bulk import BadgeRun
from eventhub.badges.render import BadgeData, BadgeRenderError, parse_colour, render_badge
from eventhub.badges.signing import badge_token
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.templating import event_dates

BULK_BATCH_SIZE = 500


def badge_data(registration: Registration, event: Event | None = None) -> BadgeData:
    """What the registration's badge shows, as plain ``str`` (what rl_accel needs)."""
    event = event or registration.event
    language = registration.language or "fr"
    with force_locale(language):
        dates = str(event_dates(event))
    return BadgeData(
        full_name=str(registration.full_name),
        organization=registration.organization,
        job_title=registration.job_title,
        category_name=registration.category.localized("name", language),
        category_colour=registration.category.colour,
        event_name=event.localized("name", language),
        event_dates=dates,
        venue=f"{event.localized('venue', language)}, {event.city}",
        registration_number=registration.number,
        token=badge_token(registration),
        language=language,
    )


def badge_pdf(registration: Registration) -> bytes:
    """The registration's badge as a one-page PDF; BadgeRenderError if it cannot be drawn."""
    return render_badge(badge_data(registration))


def badge_qr_svg(registration: Registration) -> str:
    """The badge's QR code as SVG, for the attendee's page."""
    image = qrcode.make(
        badge_token(registration), image_factory=SvgPathImage, box_size=10, border=2
    )
    return image.to_string(encoding="unicode")


def select_badge_holders(
    event: Event, category: AttendeeCategory | None = None
) -> Select[tuple[Registration]]:
    """Confirmed registrations of an event (or one category), in a stable order."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .options(joinedload(Registration.category))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
    )
    if category is not None:
        query = query.where(Registration.category_id == category.id)
    return query


def count_badge_holders(event: Event, category: AttendeeCategory | None = None) -> int:
    subquery = select_badge_holders(event, category).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery)) or 0


def check_bulk_badges(event: Event, category: AttendeeCategory | None = None) -> int:
    """The number of badges a bulk run would print, or BadgeRenderError when it cannot be
    printed: no confirmed registration, or a category colour that cannot be drawn (checked
    before the first byte, as a download cannot report an error halfway)."""
    total = count_badge_holders(event, category)
    if total == 0:
        raise BadgeRenderError(
            _l("There is no confirmed registration to print a badge for."), "no_badges"
        )
    holders = select_badge_holders(event, category).subquery()
    used = select(AttendeeCategory).where(AttendeeCategory.id.in_(select(holders.c.category_id)))
    for used_category in db.session.scalars(used):
        parse_colour(used_category.colour)
    return total


def iter_badge_data(event: Event, category: AttendeeCategory | None = None) -> Iterator[BadgeData]:
    """Badge data read in batches: memory stays flat however many badges there are."""
    result = db.session.execute(
        select_badge_holders(event, category).execution_options(yield_per=BULK_BATCH_SIZE)
    )
    for registration in result.scalars():
        yield badge_data(registration, event)


def start_badge_run(event: Event, category: AttendeeCategory | None = None) -> BadgeRun:
    """The bulk run of an event's (or a category's) badges, its first part read ahead.

    Raises BadgeRenderError("no_badges") if there is none (after check_bulk_badges, only
    if the last ones were cancelled meanwhile).
    """
    return BadgeRun(iter_badge_data(event, category), bulk_badge_name(event, category))


def bulk_badge_name(event: Event, category: AttendeeCategory | None = None) -> str:
    """The file name without its suffix: ``badges-<slug>[-<category>]``, ASCII only."""
    if category is None:
        return f"badges-{event.slug}"
    ascii_name = unicodedata.normalize("NFKD", category.name).encode("ascii", "ignore")
    name = re.sub(r"[^a-z0-9]+", "-", ascii_name.decode().lower()).strip("-")
    return f"badges-{event.slug}-{name or category.id}"
