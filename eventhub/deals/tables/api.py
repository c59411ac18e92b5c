"""Standby as JSON: the freed slots a startup may take, and taking one.

A refusal (TableError) is answered by the app's error handler with the status
`eventhub.errors.API_STATUS` gives its code: of many startups taking one freed slot at the
same instant, exactly one gets 201 and the others 409 `standby_taken`."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.scopes import ORGANISER, READ, or_token_scope, token_scope
from eventhub.deals.tables.live import party_panel
from eventhub.deals.tables.standby import take_freed_slot
from eventhub.events.lookup import published_event_or_404
from eventhub.extensions import db
from eventhub.meetings.api import meeting_body
from eventhub.meetings.mail import notify_booked
from eventhub.meetings.schemas import InvestorRefSchema, MeetingSchema

blp = Blueprint(
    "tables_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Meeting-table standby: slots freed by a no-show, taken first-come.",
)


class OfferSchema(ma.Schema):
    meeting_id = ma.fields.Integer(
        required=True, metadata={"description": "The no-show's meeting: what to take"}
    )
    investor = ma.fields.Nested(InvestorRefSchema, required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    table = ma.fields.String(required=True, allow_none=True)


@blp.route("/<slug>/standby")
@token_scope(READ)
@role_required("startup")
@blp.response(200, OfferSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("Not a startup"))
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`")
@blp.doc(security=TOKEN_OR_SESSION)
def offers(slug: str) -> list[dict[str, Any]]:
    """The slots freed by a no-show that the caller's startup may take now."""
    event = published_event_or_404(slug)
    panel = party_panel(current_user, event)
    body = [
        {
            "meeting_id": freed.meeting.id,
            "investor": {
                "id": freed.meeting.investor.id,
                "fund": freed.meeting.investor.fund,
                "name": freed.meeting.investor.name,
            },
            "starts_at": freed.slot.starts_at,
            "ends_at": freed.slot.ends_at,
            "table": freed.table.name if freed.table else None,
        }
        for freed in panel.offers
    ]
    db.session.commit()  # the no-shows recorded on the way
    return body


@blp.route("/<slug>/standby/<id:meeting_id>/take", methods=["POST"])
@token_scope(ORGANISER)
@role_required("startup")
@blp.response(201, MeetingSchema, description="The slot is the caller's")
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description=or_token_scope("Not a startup, `not_on_standby` or `own_meeting`"),
)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`, `offer_not_found`")
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`standby_taken` (another startup was first), `offer_expired`, "
    "`startup_busy`, `pair_exists`, `limit_reached`",
)
@blp.doc(security=TOKEN_OR_SESSION)
def take(slug: str, meeting_id: int):
    """Take the slot the no-show of meeting `meeting_id` left, first come first served."""
    event = published_event_or_404(slug)
    meeting = take_freed_slot(event, meeting_id, current_user.startup, by_user=current_user)
    record_audit(current_user, "tables.standby_take", f"{event.slug}/{meeting.id}", via="api")
    notify_booked(meeting)
    body = meeting_body(meeting)
    db.session.commit()
    response = jsonify(MeetingSchema().dump(body))
    response.status_code = 201
    return response
