"""API shapes of leads. A lead's `contact` is null unless the visitor agreed to share it."""

from __future__ import annotations

import marshmallow as ma

from eventhub.deals.leads.capture import MAX_CODE_LENGTH


class LeadScanSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_CODE_LENGTH),
        metadata={"description": "The text of the visitor's badge QR code"},
    )

    @ma.post_load
    def drop_nul_characters(self, data: dict, **_kwargs: object) -> dict:
        """A garbled read may carry NULs, which PostgreSQL refuses in text."""
        return {**data, "code": data["code"].replace("\x00", "")}


class ContactSchema(ma.Schema):
    name = ma.fields.String(required=True)
    organization = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    job_title = ma.fields.String(required=True)


class LeadSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    category = ma.fields.String(required=True, metadata={"description": "The visitor's category"})
    anonymous = ma.fields.Boolean(
        required=True, metadata={"description": "The visitor did not agree to share a contact"}
    )
    contact = ma.fields.Nested(
        ContactSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Only with the visitor's consent; null otherwise"},
    )
    note = ma.fields.String(required=True)
    rating = ma.fields.Integer(required=True, allow_none=True)
    tags = ma.fields.List(ma.fields.String(), required=True)
    first_scanned_at = ma.fields.AwareDateTime(required=True)
    last_scanned_at = ma.fields.AwareDateTime(required=True)
    scan_count = ma.fields.Integer(required=True)


class LeadScanResultSchema(ma.Schema):
    created = ma.fields.Boolean(
        required=True, metadata={"description": "false: the visitor was a lead already"}
    )
    message = ma.fields.String(required=True)
    lead = ma.fields.Nested(LeadSchema, required=True)
