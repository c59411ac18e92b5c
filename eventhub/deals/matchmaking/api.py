"""Matchmaking as JSON: the caller's recommendations at an event, its marks, and an
investor's meeting request to a startup.

A refusal of the logic (MatchError, MeetingError) is answered by the app's error handler
with `{"error": {"code", "message"}}` and the status `eventhub.errors.API_STATUS` gives."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import role_required
from eventhub.auth.scopes import ORGANISER, READ, or_token_scope, token_scope
from eventhub.deals.matchmaking.marks import set_mark
from eventhub.deals.matchmaking.matching import investors_for, mark_view, startups_for
from eventhub.deals.matchmaking.models import MARKS
from eventhub.deals.matchmaking.outreach import send_investor_request
from eventhub.deals.matchmaking.recommend import why_text
from eventhub.events.lookup import published_event_or_404
from eventhub.extensions import db
from eventhub.meetings.directory import find_event_investor
from eventhub.meetings.mail import notify_new_request
from eventhub.meetings.requests import MAX_PITCH_LENGTH
from eventhub.profiles.models import Startup

blp = Blueprint(
    "matchmaking_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Two-way matchmaking: recommendations, marks, investors' requests.",
)


class WhySchema(ma.Schema):
    code = ma.fields.String(required=True)
    points = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)


class RecommendationSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "Startup or investor id"})
    name = ma.fields.String(required=True)
    score = ma.fields.Integer(required=True)
    mutual = ma.fields.Boolean(required=True)
    why = ma.fields.List(ma.fields.Nested(WhySchema), required=True)


class MarkInSchema(ma.Schema):
    other_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    mark = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([*MARKS, ""]),
        metadata={"description": "`must`, `would`, `not_now`, or empty to remove"},
    )


class MarkOutSchema(ma.Schema):
    other_id = ma.fields.Integer(required=True)
    mark = ma.fields.String(required=True)
    mutual = ma.fields.Boolean(required=True)


class InvestorRequestInSchema(ma.Schema):
    pitch = ma.fields.String(required=True, validate=ma.validate.Length(max=MAX_PITCH_LENGTH))


class RequestOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    startup_id = ma.fields.Integer(required=True)
    investor_id = ma.fields.Integer(required=True)
    direction = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    pitch = ma.fields.String(required=True)


def _side_and_party() -> tuple[str, Any]:
    party = current_user.startup if current_user.role == "startup" else current_user.investor
    return current_user.role, party


@blp.route("/<slug>/recommendations")
@token_scope(READ)
@role_required("startup", "investor")
@blp.response(200, RecommendationSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403, schema=ErrorSchema, description=or_token_scope("Not a startup or an investor")
)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`")
@blp.doc(security=TOKEN_OR_SESSION)
def recommendations(slug: str) -> list[dict[str, Any]]:
    """Investors for a startup, startups for an investor: best first, with why."""
    event = published_event_or_404(slug)
    side, party = _side_and_party()
    if party is None:
        return []
    found = investors_for(event, party) if side == "startup" else startups_for(event, party)
    return [
        {
            "id": item.recommendation.id,
            "name": item.recommendation.name,
            "score": item.recommendation.score,
            "mutual": any(f.code == "mutual" for f in item.recommendation.why),
            "why": [
                {"code": f.code, "points": f.points, "text": why_text(f)}
                for f in item.recommendation.why
            ],
        }
        for item in found
    ]


@blp.route("/<slug>/marks", methods=["PUT"])
@token_scope(ORGANISER)
@role_required("startup", "investor")
@blp.arguments(MarkInSchema)
@blp.response(200, MarkOutSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403, schema=ErrorSchema, description=or_token_scope("Not a startup or an investor")
)
@blp.alt_response(
    404,
    schema=ErrorSchema,
    description="`event_not_found`, `party_not_found`, `investor_not_found`",
)
@blp.alt_response(422, schema=ErrorSchema, description="Invalid body")
@blp.doc(security=TOKEN_OR_SESSION)
def put_mark(payload: dict[str, Any], slug: str) -> dict[str, Any]:
    """Set (or with an empty `mark`, remove) the caller's mark of another party."""
    event = published_event_or_404(slug)
    side, party = _side_and_party()
    other_id = payload["other_id"]
    if side == "startup":
        other = find_event_investor(event, other_id)
    else:
        other = db.session.get(Startup, other_id)
    saved = set_mark(event, side, party, other, payload["mark"], by_user=current_user)
    db.session.commit()
    view = mark_view(event, side, party.id)
    return {
        "other_id": other_id,
        "mark": saved.mark if saved is not None else "",
        "mutual": view.is_mutual(other_id),
    }


@blp.route("/<slug>/startups/<id:startup_id>/request", methods=["POST"])
@token_scope(ORGANISER)
@role_required("investor")
@blp.arguments(InvestorRequestInSchema)
@blp.response(201, RequestOutSchema, description="The request is sent")
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(
    403, schema=ErrorSchema, description=or_token_scope("Not an investor, or `not_event_investor`")
)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`, `startup_not_found`")
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`requests_closed`, `request_exists`, `request_declined`, `request_limit`, "
    "`pair_exists`",
)
@blp.alt_response(422, schema=ErrorSchema, description="Invalid body, `pitch_required`")
@blp.doc(security=TOKEN_OR_SESSION)
def ask(payload: dict[str, Any], slug: str, startup_id: int):
    """The investor asks the startup for a meeting; the startup answers on its requests
    page, and accepted requests are placed by the organisers' scheduler."""
    event = published_event_or_404(slug)
    sent = send_investor_request(
        event,
        current_user.investor,
        db.session.get(Startup, startup_id),
        payload["pitch"],
        by_user=current_user,
    )
    notify_new_request(sent)
    body = {
        "id": sent.id,
        "startup_id": sent.startup_id,
        "investor_id": sent.investor_id,
        "direction": sent.direction,
        "status": sent.status,
        "pitch": sent.pitch,
    }
    db.session.commit()
    response = jsonify(RequestOutSchema().dump(body))
    response.status_code = 201
    return response
