"""Finding an event by its slug, for pages (a 404 page) and for the API (a JSON 404), and
one of its zones or categories by id for the organiser's pages."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eventhub.errors import ApiError
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db


def find_event(slug: str) -> Event | None:
    if not slug or "\x00" in slug:  # PostgreSQL refuses NUL in a query: no such event
        return None
    return db.session.scalar(select(Event).where(Event.slug == slug))


def event_or_404(slug: str, *, include_unpublished: bool = False) -> Event:
    """The event for a page: an unpublished one only for organisers, or when asked."""
    event = find_event(slug)
    if event is None:
        abort(404)
    organiser = current_user.is_authenticated and current_user.role == "admin"
    if not event.is_published and not (include_unpublished or organiser):
        abort(404)
    return event


def event_not_found(slug: str) -> ApiError:
    return ApiError(404, "event_not_found", _("No published event is called %(slug)s.", slug=slug))


def published_event_or_404(slug: str) -> Event:
    """The event for the API: published ones only."""
    event = find_event(slug)
    if event is None or not event.is_published:
        raise event_not_found(slug)
    return event


def zone_or_404(event: Event, zone_id: int) -> Zone:
    zone = db.session.get(Zone, zone_id)
    if zone is None or zone.event_id != event.id:
        abort(404)
    return zone


def category_or_404(event: Event, category_id: int) -> AttendeeCategory:
    category = db.session.get(AttendeeCategory, category_id)
    if category is None or category.event_id != event.id:
        abort(404)
    return category
