"""Booths as JSON: the floor plan of an expo, and a startup choosing its booth.

Refusals are `BoothError`s left to the API's error handler: it answers with the error's
code, message and details, and the status `eventhub.errors.API_STATUS` gives the code.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import role_required
from eventhub.auth.scopes import ORGANISER, READ, SCOPE_REFUSAL, or_token_scope, token_scope
from eventhub.booths.errors import BoothError
from eventhub.booths.layout import booth_by_code, halls_of
from eventhub.booths.lookup import published_expo
from eventhub.booths.models import Booth
from eventhub.booths.notices import notify_booth
from eventhub.booths.schemas import BoothSchema, PickedSchema, PickErrorSchema
from eventhub.booths.self_service import pick_booth
from eventhub.extensions import db

blp = Blueprint(
    "booths_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Expo floor plans: halls, booths and their exhibitors.",
)


def booth_body(booth: Booth) -> dict[str, Any]:
    startup = booth.exhibitor
    return {
        "code": booth.code,
        "hall": booth.hall.name,
        "x": booth.x,
        "y": booth.y,
        "width": booth.width,
        "depth": booth.depth,
        "area": booth.area,
        "zone": booth.zone,
        "kind": booth.kind,
        "status": booth.status,
        "price_tier": booth.price_tier,
        "exhibitor": (
            {
                "name": startup.name,
                "sector": startup.sector,
                "programme": booth.application.programme or None,
            }
            if startup is not None
            else None
        ),
    }


@blp.route("/<slug>/booths")
@token_scope(READ)
@blp.response(200, BoothSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found` or `not_expo`")
@blp.doc(security=[])
@blp.alt_response(403, schema=ErrorSchema, description=SCOPE_REFUSAL)
def list_booths(slug: str) -> list[dict[str, Any]]:
    """Every booth of a published expo, hall by hall, with its exhibitor or null."""
    event = published_expo(slug)
    return [booth_body(booth) for hall in halls_of(event) for booth in hall.booths]


@blp.route("/<slug>/booths/<code>/pick", methods=["POST"])
@token_scope(ORGANISER)
@role_required("startup")
@blp.response(201, PickedSchema, description="The booth is the startup's")
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description=or_token_scope("Not a startup, `no_application` or `not_approved`"),
)
@blp.alt_response(
    404, schema=ErrorSchema, description="`event_not_found`, `not_expo` or `unknown_booth`"
)
@blp.alt_response(
    409,
    schema=PickErrorSchema,
    description="`booth_taken` (another startup was first: `details.free_booths` lists what "
    "is still free), `not_self_service`, `booth_unfit`, `already_allocated`, "
    "`already_has_booth`",
)
@blp.doc(security=TOKEN_OR_SESSION)
def pick(slug: str, code: str):
    """An approved startup takes a free booth of a hall open for self-service.

    Of several startups asking for the same booth at the same instant, exactly one gets it;
    the others get 409 `booth_taken` with the booths still free.
    """
    event = published_expo(slug)
    startup = current_user.startup
    if startup is None:
        raise BoothError(_l("Your account is not linked to a startup."), "no_application")
    booth = pick_booth(event, startup, booth_by_code(event, code), current_user)
    notify_booth(event, startup, booth)
    db.session.commit()
    response = jsonify(PickedSchema().dump({"booth": booth_body(booth)}))
    response.status_code = 201
    return response
