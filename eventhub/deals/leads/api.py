"""Leads as JSON: a teammate's phone or scanner app sends the badge it read.

POST /api/v1/events/<slug>/leads answers 201 with a new lead, 200 when the visitor was a
lead of the startup already (the scan is counted on it, never a second row). Refusals,
with nothing recorded, carry `{"error": {"code", "message"}}`: `not_a_badge` (400),
`unknown_badge` (404), `other_event` (409), `registration_cancelled` (409),
`badge_not_valid` (409), `badge_replaced` (410); `no_startup` or `not_exhibitor` (403)
for an account whose startup has no booth at the expo; `not_expo` / `event_not_found`
(404). A lead's `contact` is null unless the visitor agreed to share it.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import role_required
from eventhub.auth.scopes import ORGANISER, or_token_scope, token_scope
from eventhub.booths.lookup import published_expo
from eventhub.deals.leads.capture import exhibitor_for, scan_badge
from eventhub.deals.leads.contacts import LeadView, lead_view
from eventhub.deals.leads.schemas import LeadScanResultSchema, LeadScanSchema
from eventhub.deals.leads.views import TEAM_ROLE, announce
from eventhub.extensions import db

blp = Blueprint(
    "leads_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Exhibitor leads: a startup's team scans visitors' badges at its booth.",
)


def lead_body(view: LeadView) -> dict[str, Any]:
    contact = view.contact
    return {
        "id": view.id,
        "category": view.category,
        "anonymous": contact is None,
        "contact": (
            {
                "name": contact.name,
                "organization": contact.organization,
                "email": contact.email,
                "job_title": contact.job_title,
            }
            if contact is not None
            else None
        ),
        "note": view.note,
        "rating": view.rating,
        "tags": view.tags,
        "first_scanned_at": view.first_scanned_at.isoformat(),
        "last_scanned_at": view.last_scanned_at.isoformat(),
        "scan_count": view.scan_count,
    }


@blp.route("/<slug>/leads", methods=["POST"])
@token_scope(ORGANISER)
@role_required(TEAM_ROLE)
@blp.arguments(LeadScanSchema)
@blp.response(201, LeadScanResultSchema, description="A new lead")
@blp.alt_response(200, schema=LeadScanResultSchema, description="A lead already: scanned again")
@blp.alt_response(400, schema=ErrorSchema, description="`not_a_badge`, `malformed_json`")
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in and no valid API token")
@blp.alt_response(
    403, schema=ErrorSchema, description=or_token_scope("`not_exhibitor`, `no_startup`, a role")
)
@blp.alt_response(404, schema=ErrorSchema, description="`unknown_badge`, `not_expo`")
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`other_event`, `registration_cancelled`, `badge_not_valid`",
)
@blp.alt_response(410, schema=ErrorSchema, description="`badge_replaced`")
@blp.doc(security=TOKEN_OR_SESSION)
def scan_lead(payload: dict[str, Any], slug: str):
    """Record the lead of a visitor's badge scanned at the startup's booth."""
    event = published_expo(slug)
    exhibitor = exhibitor_for(event, current_user)
    capture = scan_badge(event, exhibitor, current_user, payload["code"])
    view = lead_view(capture.lead)
    db.session.commit()
    response = jsonify(
        {
            "created": capture.created,
            "message": announce(view, capture.created),
            "lead": lead_body(view),
        }
    )
    response.status_code = 201 if capture.created else 200
    return response
