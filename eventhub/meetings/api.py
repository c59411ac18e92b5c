"""Meetings as JSON: an event's slots, and a startup booking one, or a party cancelling
it (with an optional reason).

A refusal of the logic (MeetingError) is answered by the app's error handler, with the
status that `eventhub.errors.API_STATUS` gives its code."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import approved_required, role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.scopes import ORGANISER, READ, or_token_scope, token_scope
from eventhub.events.lookup import published_event_or_404
from eventhub.extensions import db
from eventhub.meetings.booking import (
    BOOKING_REFUSALS,
    book_slot,
    cancel_meeting,
    own_meeting_in_slot,
)
from eventhub.meetings.mail import notify_booked, notify_cancelled
from eventhub.meetings.models import Meeting, MeetingSlot
from eventhub.meetings.schemas import (
    BookingRequestSchema,
    CancelQuerySchema,
    MeetingSchema,
    SlotQuerySchema,
    SlotSchema,
)
from eventhub.meetings.slots import find_slot, slot_status, slots_of_event

blp = Blueprint(
    "meetings_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Investor meeting slots, and first-come booking by startups.",
)


def slot_body(slot: MeetingSlot, booked: bool) -> dict[str, Any]:
    investor = slot.investor
    return {
        "id": slot.id,
        "investor": {"id": investor.id, "fund": investor.fund, "name": investor.name},
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "table": slot.table.name if slot.table else None,
        "status": slot_status(slot, booked),
    }


def meeting_body(meeting: Meeting) -> dict[str, Any]:
    investor = meeting.investor
    return {
        "id": meeting.id,
        "event": meeting.event.slug,
        "slot_id": meeting.slot_id,
        "startup": {"id": meeting.startup.id, "name": meeting.startup.name},
        "investor": {"id": investor.id, "fund": investor.fund, "name": investor.name},
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "timezone": meeting.event.timezone,
        "table": meeting.table_name or None,
        "status": meeting.status,
        "source": meeting.source,
        "outcome": meeting.outcome,
        "note": meeting.note,
        "cancelled_by": meeting.cancelled_by,
        "decline_reason": meeting.decline_reason or None,
    }


@blp.route("/<slug>/slots")
@token_scope(READ)
@approved_required
@blp.arguments(SlotQuerySchema, location="query")
@blp.response(200, SlotSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description=or_token_scope("`account_not_approved` (a sign-up not yet approved)"),
)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`")
@blp.doc(security=TOKEN_OR_SESSION)
def list_slots(query: dict[str, Any], slug: str) -> list[dict[str, Any]]:
    """The event's meeting slots by time; with `free=1`, only those open to booking."""
    event = published_event_or_404(slug)
    return [
        slot_body(slot, booked)
        for slot, booked in slots_of_event(event, free_only=query.get("free", False))
    ]


@blp.route("/<slug>/slots/<id:slot_id>/booking", methods=["POST"])
@token_scope(ORGANISER)
@role_required("startup")
@blp.arguments(BookingRequestSchema)
@blp.response(201, MeetingSchema, description="The meeting is booked")
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description=or_token_scope(
        "Not a startup, `account_not_approved` (a sign-up not yet approved) or `own_slot`"
    ),
)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found` or `slot_not_found`")
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="The rule that refused the booking: "
    + ", ".join(f"`{c}`" for c in BOOKING_REFUSALS),
)
@blp.alt_response(422, schema=ErrorSchema, description="Invalid body")
@blp.doc(security=TOKEN_OR_SESSION)
def book(payload: dict[str, Any], slug: str, slot_id: int):
    """Book an open slot for the caller's startup, first come first served.

    Of many startups booking one slot at the same instant exactly one gets 201; the others
    get 409 `slot_taken`. A startup is never in two overlapping meetings (`startup_busy`),
    meets each investor once per event (`pair_exists`) and keeps to the organiser's limit
    (`limit_reached`).
    """
    event = published_event_or_404(slug)
    meeting = book_slot(
        event,
        find_slot(event, slot_id),
        current_user.startup,
        by_user=current_user,
        note=payload.get("note", ""),
    )
    record_audit(current_user, "meeting.book", f"{event.slug}/{meeting.id}", via="api")
    notify_booked(meeting)
    body = meeting_body(meeting)  # before the commit expires what it reads
    db.session.commit()
    response = jsonify(MeetingSchema().dump(body))
    response.status_code = 201
    return response


@blp.route("/<slug>/slots/<id:slot_id>/booking", methods=["DELETE"])
@token_scope(ORGANISER)
@role_required("startup", "investor", "admin")
@blp.arguments(CancelQuerySchema, location="query")
@blp.response(200, MeetingSchema, description="The meeting is cancelled; the slot is open")
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description=or_token_scope("`account_not_approved` (a sign-up not yet approved)"),
)
@blp.alt_response(
    404,
    schema=ErrorSchema,
    description="`event_not_found`, `slot_not_found` or `meeting_not_found` (none of yours)",
)
@blp.alt_response(409, schema=ErrorSchema, description="`cutoff_passed`")
@blp.alt_response(422, schema=ErrorSchema, description="`reason` too long")
@blp.doc(security=TOKEN_OR_SESSION)
def cancel(query: dict[str, Any], slug: str, slot_id: int):
    """Cancel the caller's meeting in this slot, until the event's cut-off.

    An optional `reason` (query parameter, at most 300 characters) is kept as the meeting's
    `decline_reason` and told to both parties in the cancellation e-mail.
    """
    event = published_event_or_404(slug)
    meeting = own_meeting_in_slot(find_slot(event, slot_id), current_user)
    cancel_meeting(meeting, current_user, reason=query.get("reason", ""))
    record_audit(current_user, "meeting.cancel", f"{event.slug}/{meeting.id}", via="api")
    notify_cancelled(meeting)
    body = meeting_body(meeting)
    db.session.commit()
    return body
