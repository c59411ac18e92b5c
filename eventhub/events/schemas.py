"""API shapes of events, for flask-smorest and the OpenAPI document."""

from __future__ import annotations

import marshmallow as ma


class ZoneNameSchema(ma.Schema):
    name = ma.fields.String(required=True)


def zone_names(**metadata: str) -> ma.fields.Pluck:
    """A list of zone names (a typed array in the OpenAPI document, unlike a Method field)."""
    return ma.fields.Pluck(ZoneNameSchema, "name", many=True, required=True, metadata=metadata)


class CategorySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    colour = ma.fields.String(required=True, metadata={"example": "#1f6feb"})
    is_public = ma.fields.Boolean(required=True)
    is_default = ma.fields.Boolean(required=True)
    capacity = ma.fields.Integer(required=True, allow_none=True)
    days = ma.fields.List(
        ma.fields.Date(),
        required=True,
        metadata={"description": "Days it may enter; empty means every day"},
    )
    zones = zone_names(description="Zones it may enter; empty means every zone")


class EventSummarySchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ["expo", "demo_day"]})
    city = ma.fields.String(required=True)
    first_day = ma.fields.Date(required=True)
    last_day = ma.fields.Date(required=True)


class EventSchema(EventSummarySchema):
    description = ma.fields.String(required=True)
    venue = ma.fields.String(required=True)
    timezone = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    capacity = ma.fields.Integer(required=True, allow_none=True)
    registration_opens_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    registration_closes_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    zones = zone_names(description="The event's zones (halls, lounges, stages)")
    categories = ma.fields.List(ma.fields.Nested(CategorySchema), required=True)
