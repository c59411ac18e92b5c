"""Registrations as JSON: the public form's twin for integrations, and the organiser's list.

Error codes of POST /api/v1/events/<slug>/registrations:
- 400 `malformed_json`: the body is not JSON; 415 `unsupported_media_type`: it is not sent as JSON;
- 403 `category_not_public`: the category named is by invitation only;
- 404 `event_not_found`: no published event has this slug; `unknown_category`: the event
  has no category of this name or id;
- 409 `registration_not_open` / `registration_closed`: outside the registration window
  (a conflict with the event's state, not a matter of permission, hence 409 and not 403);
- 202 `{"status": "check_email"}`: the address is registered for the event already (its
  private link is e-mailed to it, never returned), or the event confirms addresses first
  (double opt-in: every registration is answered so, and the link to confirm is e-mailed);
- 409 `no_public_category`: the event registers by invitation only;
- 422 `validation_error`: `details` holds the messages of each refused field (the
  document states every rule of the fields);
- 429 `rate_limited`: too many registrations from this address (`Retry-After` says when).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import role_required
from eventhub.auth.scopes import ORGANISER, READ, or_token_scope, token_scope
from eventhub.errors import ApiError
from eventhub.events.editing import default_category
from eventhub.events.lookup import find_event, published_event_or_404
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.privacy.hooks import record_consents_of_request
from eventhub.registration.forms import category_by_choice
from eventhub.registration.mail import notify_status
from eventhub.registration.optin import register_publicly
from eventhub.registration.queries import ListFilters, select_registrations
from eventhub.registration.register import (
    Attendee,
    RegistrationError,
    waitlist_position,
)
from eventhub.registration.schemas import (
    CheckEmailSchema,
    RegistrationCreatedSchema,
    RegistrationPageSchema,
    RegistrationQuerySchema,
    RegistrationRequestSchema,
)
from eventhub.registration.web import current_language, registration_limit
from eventhub.routing import public_url

P = ParamSpec("P")
R = TypeVar("R")

blp = Blueprint(
    "registration_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Registering attendees, and the organiser's view of registrations.",
)


def json_body_required(view: Callable[P, R]) -> Callable[P, R]:
    """415 for a body that is not declared as JSON (form posts, plain text…)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not request.is_json:
            raise ApiError(
                415,
                "unsupported_media_type",
                _("Send the registration as JSON (Content-Type: application/json)."),
            )
        return view(*args, **kwargs)

    return wrapped


def named_category(event: Event, choice: Any) -> AttendeeCategory:
    """The event's category a request names (by name or id): another name is a 404
    `unknown_category` (well-formed, but the event has no such category)."""
    category = category_by_choice(event, choice)
    if category is None:
        raise RegistrationError(
            _("No category of this event has this name."), "unknown_category", "category"
        )
    return category


def category_to_register(event: Event, choice: Any) -> AttendeeCategory:
    """The category a registration asks for, else the event's default one."""
    if choice is not None:
        return named_category(event, choice)
    category = default_category(event)
    if category is None:
        raise RegistrationError(_("This event registers by invitation only."), "no_public_category")
    return category


@blp.route("/<slug>/registrations", methods=["POST"])
@token_scope(ORGANISER)
@registration_limit
@json_body_required
@blp.arguments(RegistrationRequestSchema)
@blp.response(201, RegistrationCreatedSchema, description="Confirmed, or on the waiting list")
@blp.alt_response(
    202,
    schema=CheckEmailSchema,
    description="Check your e-mail: the address is registered already (its private link is "
    "e-mailed to it), or the event has the attendee confirm the address first (the link to "
    "confirm it is e-mailed). The same answer whoever asks.",
)
@blp.alt_response(400, schema=ErrorSchema, description="`malformed_json`")
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`, `unknown_category`")
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`registration_not_open`, `registration_closed`, `no_public_category`",
)
@blp.alt_response(415, schema=ErrorSchema, description="`unsupported_media_type`")
@blp.alt_response(422, schema=ErrorSchema, description="`validation_error` with per-field details")
@blp.alt_response(429, schema=ErrorSchema, description="`rate_limited`")
@blp.doc(security=[])
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("`category_not_public`"))
def create_registration(payload: dict[str, Any], slug: str) -> dict[str, Any] | Response:
    """Register an attendee, with the public form's rules.

    One registration per e-mail address and event. Beyond the event's or the category's
    capacity the registration joins the waiting list (`status: waitlisted`). The
    confirmation e-mail, with the badge PDF when confirmed, goes to the attendee.

    An address registered already is answered 202 `check_email` and sent its private link;
    an event that confirms addresses first answers every registration so (see
    eventhub/registration/optin.py).
    """
    event = published_event_or_404(slug)
    category = category_to_register(event, payload.get("category"))
    attendee = Attendee(
        first_name=payload["first_name"],
        last_name=payload["last_name"],
        email=payload["email"],
        organization=payload["organization"],
        job_title=payload["job_title"],
        country=payload["country"],
        language=payload.get("language") or current_language(),
        share_with_exhibitors=payload["share_with_exhibitors"],
    )
    try:
        registration = register_publicly(
            event,
            category,
            attendee,
            source="api",
            on_created=lambda created: record_consents_of_request(created, news=payload["news"]),
        )
    except RegistrationError:
        raise  # answered with its code and the status API_STATUS gives it
    if registration is None:
        db.session.commit()
        return check_email_answer()
    notify_status(registration)
    db.session.commit()
    token = registration.manage_token
    return {
        "id": registration.id,
        "status": registration.status,
        "waitlist_position": waitlist_position(registration),
        "badge_url": (
            public_url("badges.attendee_badge", token=token)
            if registration.status == "confirmed"
            else None
        ),
        "manage_url": public_url("registration.manage", token=token),
    }


def check_email_answer() -> Response:
    """202 "check your e-mail": the same body whatever happened to the registration."""
    body = {
        "status": "check_email",
        "message": _(
            "Thank you. Check your e-mail: we have sent a message to this address with what "
            "to do next."
        ),
    }
    response = jsonify(CheckEmailSchema().dump(body))
    response.status_code = 202
    return response


@blp.route("/<slug>/registrations", methods=["GET"])
@token_scope(READ)
@role_required("admin")
@blp.arguments(RegistrationQuerySchema, location="query")
@blp.response(200, RegistrationPageSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in and no valid API token")
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("Not an organiser"))
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`, `unknown_category`")
@blp.doc(security=TOKEN_OR_SESSION)
def list_registrations(query: dict[str, Any], slug: str) -> dict[str, Any]:
    """The event's registrations, newest first, with search and filters (organisers only)."""
    event = find_event(slug)
    if event is None:
        raise RegistrationError(_("No event is called %(slug)s.", slug=slug), "event_not_found")
    category = named_category(event, query["category"]) if query.get("category") else None
    filters = ListFilters(q=query["q"], status=query.get("status"), category=category)
    page = db.paginate(
        select_registrations(event, filters),
        page=query["page"],
        per_page=query["per_page"],
        max_per_page=200,
        error_out=False,
    )
    return {
        "items": list(page.items),
        "total": page.total or 0,
        "page": page.page,
        "pages": page.pages,
        "per_page": page.per_page,
    }
