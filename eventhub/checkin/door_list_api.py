"""The scanners' door list as JSON: GET /api/v1/events/<slug>/door-list[?since=<cursor>].

Error codes:
- 422 `validation_error`: `since` does not have the shape of a cursor (one of that shape
  this server cannot use, stale or garbled, is answered with the full list);
- 401 `unauthenticated` / `invalid_token`: not signed in, or the API token is unknown or
  revoked (the page then drops its stored list);
- 403 `forbidden`: not door staff nor an organiser;
- 404 `event_not_found`: no published event has this slug.
"""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import Caller, current_caller, role_required
from eventhub.auth.accounts import record_token_use
from eventhub.auth.scopes import DOOR, or_token_scope, token_scope
from eventhub.checkin.api import SCANNER_ROLES
from eventhub.checkin.door_list import CURSOR_PATTERN, build_door_list
from eventhub.events.lookup import published_event_or_404
from eventhub.extensions import compress, db
from eventhub.models_common import utcnow

blp = Blueprint(
    "door_list_api",
    __name__,
    url_prefix="/api/v1/events",
    description="The door list an offline-first scanner keeps, in full or as a delta.",
)


class DoorListQuerySchema(ma.Schema):
    since = ma.fields.String(
        load_default=None,
        validate=ma.validate.Regexp(CURSOR_PATTERN),
        metadata={
            "description": "The `cursor` of the list the device holds; none, or one this "
            "server cannot use: a full list"
        },
    )


class DoorListEventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    first_day = ma.fields.Date(required=True)
    last_day = ma.fields.Date(required=True)
    timezone = ma.fields.String(required=True)
    day = ma.fields.Date(required=True, metadata={"description": "Today in the event's time zone"})
    day_starts_at = ma.fields.AwareDateTime(
        required=True, metadata={"description": "When `day` begins, by this server's rules"}
    )
    day_ends_at = ma.fields.AwareDateTime(
        required=True, metadata={"description": "When `day` ends (the next day begins)"}
    )


class DoorListGateSchema(ma.Schema):
    name = ma.fields.String(required=True)
    zone_id = ma.fields.Integer(required=True, allow_none=True)
    direction = ma.fields.String(required=True, metadata={"enum": ["entry", "exit"]})


class DoorListZoneSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    capacity = ma.fields.Integer(required=True, allow_none=True)


class DoorListCategorySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    colour = ma.fields.String(required=True)
    days = ma.fields.List(
        ma.fields.Date(), required=True, metadata={"description": "[]: every day of the event"}
    )
    zones = ma.fields.List(
        ma.fields.Integer(), required=True, metadata={"description": "[]: every zone"}
    )


class DoorListSchema(ma.Schema):
    format = ma.fields.Integer(required=True)
    event = ma.fields.Nested(DoorListEventSchema, required=True)
    server_time = ma.fields.AwareDateTime(required=True)
    cursor = ma.fields.String(required=True, metadata={"description": "Send as `since` next time"})
    full = ma.fields.Boolean(
        required=True, metadata={"description": "true: replace the stored list; false: merge"}
    )
    key = ma.fields.String(required=True, metadata={"description": "HMAC key of badge hashes"})
    gates = ma.fields.List(ma.fields.Nested(DoorListGateSchema), required=True)
    zones = ma.fields.List(ma.fields.Nested(DoorListZoneSchema), required=True)
    categories = ma.fields.List(ma.fields.Nested(DoorListCategorySchema), required=True)
    badges = ma.fields.List(
        ma.fields.List(ma.fields.Raw()),
        required=True,
        metadata={"description": "[hash, registration id, name, category id, state]"},
    )
    entries = ma.fields.List(
        ma.fields.List(ma.fields.Raw()),
        required=True,
        metadata={
            "description": 'Today\'s movements: [scan id, registration id, zone key, "in" | "out", '
            "scanned at, gate]"
        },
    )
    csrf_token = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "For the page's POSTs; null for an API token"},
    )


@blp.route("/<slug>/door-list")
@token_scope(DOOR)
@role_required(*SCANNER_ROLES)
@blp.arguments(DoorListQuerySchema, location="query")
@blp.response(200, DoorListSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in and no valid API token")
@blp.alt_response(
    403, schema=ErrorSchema, description=or_token_scope("Not door staff nor an organiser")
)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`")
@blp.doc(security=TOKEN_OR_SESSION)
@compress.compressed()
def door_list(query: dict[str, Any], slug: str) -> Response:
    """The event's door list for an offline-first scanner: in full, or what changed since
    the cursor `since` (compressed when the client accepts it)."""
    caller = current_caller()
    assert caller is not None  # role_required
    _record_token_use(caller)
    event = published_event_or_404(slug)
    body = build_door_list(event, query.get("since"), utcnow())
    body["csrf_token"] = generate_csrf() if caller.token is None else None
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/json",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _record_token_use(caller: Caller) -> None:
    """As a scan does; committed at once, so that no write lock is held while the list
    is built."""
    if caller.token is not None and record_token_use(caller.token, utcnow()):
        db.session.commit()
