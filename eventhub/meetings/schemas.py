"""API shapes of slots and meetings."""

from __future__ import annotations

import marshmallow as ma

from eventhub.meetings.booking import MAX_NOTE_LENGTH
from eventhub.meetings.models import (
    CANCELLED_BY,
    MEETING_OUTCOMES,
    MEETING_SOURCES,
    MEETING_STATUSES,
)


class InvestorRefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    fund = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class StartupRefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class SlotSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    investor = ma.fields.Nested(InvestorRefSchema, required=True)
    starts_at = ma.fields.AwareDateTime(required=True, metadata={"description": "UTC"})
    ends_at = ma.fields.AwareDateTime(required=True, metadata={"description": "UTC"})
    table = ma.fields.String(required=True, allow_none=True)
    status = ma.fields.String(required=True, metadata={"enum": ["open", "booked", "unavailable"]})


class SlotQuerySchema(ma.Schema):
    free = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only the slots that can be booked now"}
    )


class BookingRequestSchema(ma.Schema):
    note = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=MAX_NOTE_LENGTH),
        metadata={"description": "A short note for the investor"},
    )


class CancelQuerySchema(ma.Schema):
    reason = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=MAX_NOTE_LENGTH),
        metadata={
            "description": "Why the meeting is cancelled (optional, at most "
            f"{MAX_NOTE_LENGTH} characters); both parties read it"
        },
    )


class MeetingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    event = ma.fields.String(required=True, metadata={"description": "The event's slug"})
    slot_id = ma.fields.Integer(required=True, allow_none=True)
    startup = ma.fields.Nested(StartupRefSchema, required=True)
    investor = ma.fields.Nested(InvestorRefSchema, required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    timezone = ma.fields.String(required=True, metadata={"description": "The event's zone"})
    table = ma.fields.String(required=True, allow_none=True)
    status = ma.fields.String(required=True, metadata={"enum": list(MEETING_STATUSES)})
    source = ma.fields.String(required=True, metadata={"enum": list(MEETING_SOURCES)})
    outcome = ma.fields.String(
        required=True, allow_none=True, metadata={"enum": [*MEETING_OUTCOMES, None]}
    )
    note = ma.fields.String(required=True)
    cancelled_by = ma.fields.String(
        required=True, allow_none=True, metadata={"enum": [*CANCELLED_BY, None]}
    )
    decline_reason = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Why the meeting was called off: the investor's reason to "
            "decline, or the reason given by whoever cancelled it"
        },
    )
