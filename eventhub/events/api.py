from __future__ import annotations

from flask_smorest import Blueprint

from eventhub.api import ErrorSchema
from eventhub.auth.scopes import READ, SCOPE_REFUSAL, token_scope
from eventhub.events.lookup import published_event_or_404
from eventhub.events.models import Event
from eventhub.events.schemas import EventSchema, EventSummarySchema
from eventhub.extensions import db

blp = Blueprint(
    "events_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Published events and their attendee categories.",
)


@blp.route("")
@token_scope(READ)
@blp.response(200, EventSummarySchema(many=True))
@blp.alt_response(403, schema=ErrorSchema, description=SCOPE_REFUSAL)
def list_events() -> list[Event]:
    """Published events, earliest first."""
    return db.session.scalars(Event.select_published()).all()


@blp.route("/<slug>")
@token_scope(READ)
@blp.response(200, EventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No published event has this slug")
@blp.alt_response(403, schema=ErrorSchema, description=SCOPE_REFUSAL)
def get_event(slug: str) -> Event:
    """One published event with its zones and attendee categories."""
    return published_event_or_404(slug)
