"""Deal flow as JSON: the investor's record of a meeting (read, create or edit), and the
startup's next steps and its answer to one. The startup's bodies never hold the
investor's interest or notes.

A refusal of the logic (DealFlowError) is answered by the app's error handler with its
status (`records.STATUS`): 404 for a meeting or step that is not the caller's, 409 for a
meeting not held yet or a record changed meanwhile, 422 for bad input."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import role_required
from eventhub.auth.scopes import ORGANISER, READ, or_token_scope, token_scope
from eventhub.deals.dealflow.mail import notify_answer, notify_step
from eventhub.deals.dealflow.models import INTEREST_LEVELS, NEXT_STEPS, STARTUP_STEPS, DealStep
from eventhub.deals.dealflow.pipeline import startup_steps_select
from eventhub.deals.dealflow.records import (
    AnswerInput,
    DealFlowError,
    DealInput,
    answer_step,
    current_step,
    own_meeting,
    record_deal,
    record_of,
)
from eventhub.errors import ApiError
from eventhub.extensions import db

blp = Blueprint(
    "dealflow_api",
    __name__,
    url_prefix="/api/v1",
    description="Investor deal flow: records of held meetings, and the startups' answers.",
)

MAX_STEPS_LISTED = 500


class AnswerFields(ma.Schema):
    """The startup's answer to a step, as both sides read it."""

    reply = ma.fields.String(required=True)
    link = ma.fields.String(required=True)
    done = ma.fields.Boolean(required=True)
    answered_at = ma.fields.AwareDateTime(required=True, allow_none=True)


class StepSchema(AnswerFields):
    id = ma.fields.Integer(required=True)
    step = ma.fields.String(required=True, metadata={"enum": list(NEXT_STEPS)})
    current = ma.fields.Boolean(required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class RecordSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    meeting_id = ma.fields.Integer(required=True)
    event = ma.fields.String(required=True, metadata={"description": "The event's slug"})
    startup = ma.fields.Dict(required=True)
    interest = ma.fields.String(required=True, metadata={"enum": list(INTEREST_LEVELS)})
    next_step = ma.fields.String(required=True, metadata={"enum": list(NEXT_STEPS)})
    notes = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)
    step = ma.fields.Nested(StepSchema, required=True, allow_none=True)


class RecordInputSchema(ma.Schema):
    interest = ma.fields.String(required=True, metadata={"enum": list(INTEREST_LEVELS)})
    next_step = ma.fields.String(required=True, metadata={"enum": list(NEXT_STEPS)})
    notes = ma.fields.String(load_default="")
    version = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version read; a record changed since is a 409"},
    )


class StartupStepSchema(AnswerFields):
    id = ma.fields.Integer(required=True)
    step = ma.fields.String(required=True, metadata={"enum": list(STARTUP_STEPS)})
    current = ma.fields.Boolean(required=True)
    investor = ma.fields.Dict(required=True)
    event = ma.fields.String(required=True)
    meeting_starts_at = ma.fields.AwareDateTime(required=True)


class AnswerInputSchema(ma.Schema):
    reply = ma.fields.String(load_default="")
    link = ma.fields.String(load_default="")
    done = ma.fields.Boolean(load_default=False)


def step_body(step: DealStep | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "id": step.id,
        "step": step.step,
        "current": step.is_current,
        "created_at": step.created_at,
        "reply": step.reply,
        "link": step.reply_link,
        "done": step.done,
        "answered_at": step.answered_at,
    }


def record_body(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "meeting_id": record.meeting_id,
        "event": record.event.slug,
        "startup": {"id": record.startup.id, "name": record.startup.name},
        "interest": record.interest,
        "next_step": record.next_step,
        "notes": record.notes,
        "version": record.version,
        "updated_at": record.updated_at,
        "step": step_body(current_step(record)),
    }


def startup_step_body(step: DealStep) -> dict[str, Any]:
    """What the startup may read of a step: no interest, no notes."""
    record = step.record
    return {
        "id": step.id,
        "step": step.step,
        "current": step.is_current,
        "investor": {"id": record.investor.id, "fund": record.investor.fund},
        "event": record.event.slug,
        "meeting_starts_at": record.meeting.starts_at,
        "reply": step.reply,
        "link": step.reply_link,
        "done": step.done,
        "answered_at": step.answered_at,
    }


@blp.route("/meetings/<id:meeting_id>/deal-flow")
@token_scope(READ)
@role_required("investor")
@blp.response(200, RecordSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("Not an investor"))
@blp.alt_response(
    404, schema=ErrorSchema, description="`meeting_not_found` (not yours) or `record_not_found`"
)
@blp.doc(security=TOKEN_OR_SESSION)
def get_record(meeting_id: int) -> dict[str, Any]:
    """The investor's record of one of its meetings."""
    meeting = own_meeting(meeting_id, current_user)
    record = record_of(meeting)
    if record is None:
        raise DealFlowError(_l("No deal flow is recorded for this meeting."), "record_not_found")
    return record_body(record)


@blp.route("/meetings/<id:meeting_id>/deal-flow", methods=["PUT"])
@token_scope(ORGANISER)
@role_required("investor")
@blp.arguments(RecordInputSchema)
@blp.response(200, RecordSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("Not an investor"))
@blp.alt_response(404, schema=ErrorSchema, description="`meeting_not_found` (not yours)")
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="`not_held`, `no_show`, `not_confirmed` or `changed_meanwhile`",
)
@blp.alt_response(
    422, schema=ErrorSchema, description="`bad_interest`, `bad_step` or `notes_too_long`"
)
@blp.doc(security=TOKEN_OR_SESSION)
def put_record(payload: dict[str, Any], meeting_id: int) -> dict[str, Any]:
    """Record (or edit) the interest, next step and private notes of a held meeting. A new
    next step addressed to the startup (any but `pass`) is told to its team by e-mail."""
    meeting = own_meeting(meeting_id, current_user)
    recorded = record_deal(
        meeting,
        current_user,
        DealInput(payload["interest"], payload["next_step"], payload["notes"], payload["version"]),
    )
    if recorded.tell_startup:
        notify_step(recorded.new_step)
    body = record_body(recorded.record)
    db.session.commit()
    return body


@blp.route("/next-steps")
@token_scope(READ)
@role_required("startup")
@blp.response(200, StartupStepSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("Not a startup"))
@blp.doc(security=TOKEN_OR_SESSION)
def list_steps() -> list[dict[str, Any]]:
    """The next steps investors addressed to the caller's startup, open ones first."""
    startup_id = current_user.startup_id
    if startup_id is None:
        raise ApiError(403, "no_startup", _("Your account has no startup."))
    steps = db.session.scalars(startup_steps_select(startup_id).limit(MAX_STEPS_LISTED))
    return [startup_step_body(step) for step in steps]


@blp.route("/next-steps/<id:step_id>/answer", methods=["POST"])
@token_scope(ORGANISER)
@role_required("startup")
@blp.arguments(AnswerInputSchema)
@blp.response(200, StartupStepSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description=or_token_scope("Not a startup"))
@blp.alt_response(404, schema=ErrorSchema, description="`step_not_found` (not yours)")
@blp.alt_response(409, schema=ErrorSchema, description="`step_closed`")
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="`empty_answer`, `reply_too_long` or `bad_link`",
)
@blp.doc(security=TOKEN_OR_SESSION)
def post_answer(payload: dict[str, Any], step_id: int) -> dict[str, Any]:
    """Answer a next step: a short reply, a link (https://…) and/or done."""
    step = answer_step(
        step_id, current_user, AnswerInput(payload["reply"], payload["link"], payload["done"])
    )
    notify_answer(step)
    body = startup_step_body(step)
    db.session.commit()
    return body
