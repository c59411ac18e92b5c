"""API shapes of booths, for flask-smorest and the OpenAPI document."""

from __future__ import annotations

import marshmallow as ma

from eventhub.booths.models import BOOTH_KINDS, BOOTH_STATUSES, PRICE_TIERS


class ExhibitorSchema(ma.Schema):
    name = ma.fields.String(required=True)
    sector = ma.fields.String(required=True)
    programme = ma.fields.String(required=True, allow_none=True)


class BoothSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "H2-B14"})
    hall = ma.fields.String(required=True, metadata={"description": "The hall's name"})
    x = ma.fields.Float(required=True, metadata={"description": "Metres from the hall's left wall"})
    y = ma.fields.Float(required=True, metadata={"description": "Metres from the hall's back wall"})
    width = ma.fields.Float(required=True, metadata={"description": "Metres"})
    depth = ma.fields.Float(required=True, metadata={"description": "Metres"})
    area = ma.fields.Float(required=True, metadata={"description": "Square metres"})
    zone = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "Sector zone code"}
    )
    kind = ma.fields.String(required=True, metadata={"enum": list(BOOTH_KINDS)})
    status = ma.fields.String(required=True, metadata={"enum": list(BOOTH_STATUSES)})
    price_tier = ma.fields.String(required=True, metadata={"enum": list(PRICE_TIERS)})
    exhibitor = ma.fields.Nested(
        ExhibitorSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The startup exhibiting there, or null"},
    )


class FreeBoothSchema(ma.Schema):
    code = ma.fields.String(required=True)
    hall = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(BOOTH_KINDS)})
    area = ma.fields.Float(required=True)
    zone = ma.fields.String(required=True, allow_none=True)


class PickedSchema(ma.Schema):
    booth = ma.fields.Nested(BoothSchema, required=True)


class PickErrorDetailsSchema(ma.Schema):
    free_booths = ma.fields.List(
        ma.fields.Nested(FreeBoothSchema),
        metadata={"description": "Booths still free that suit the application"},
    )
    code = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Why the booth asked for cannot be taken, when it is about it"},
    )


class PickErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    details = ma.fields.Nested(PickErrorDetailsSchema)


class PickErrorSchema(ma.Schema):
    error = ma.fields.Nested(PickErrorBodySchema, required=True)
