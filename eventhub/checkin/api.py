from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from eventhub.api import ErrorSchema
from eventhub.auth.access import Caller, current_caller, role_required
from eventhub.auth.accounts import record_token_use
from eventhub.auth.scopes import DOOR, READ, SCOPE_REFUSAL, or_token_scope, token_scope
from eventhub.checkin.attendance import Attendance, attendance_for
from eventhub.checkin.gates import gates_of
from eventhub.checkin.messages import result_message
from eventhub.checkin.scanning import (
    DoorEvent,
    ScanInput,
    ScanOutcome,
    ScanRefused,
    door_event,
    event_day,
    perform_scan,
)
from eventhub.checkin.schemas import (
    AttendanceQuerySchema,
    AttendanceSchema,
    GateSchema,
    ScanRefusalSchema,
    ScanRequestSchema,
    ScanResultSchema,
)
from eventhub.errors import ApiError
from eventhub.events.lookup import event_not_found, published_event_or_404
from eventhub.extensions import db
from eventhub.models_common import utcnow

blp = Blueprint(
    "checkin_api",
    __name__,
    url_prefix="/api/v1/events",
    description="Door check-in for staff and scanner devices.",
)


# Who may scan badges at the doors.
SCANNER_ROLES = ("staff", "admin")
# How far a device's corrected clock may run ahead, and how old a queued scan may be.
OFFLINE_CLOCK_SLACK = timedelta(minutes=2)
OFFLINE_MAX_AGE = timedelta(days=3)


def scan_at_door(event: DoorEvent, payload: dict[str, Any], caller: Caller) -> ScanOutcome:
    """One scan sent by `caller` (its payload validated by ScanRequestSchema); the caller
    commits. Raises ScanRefused, having recorded nothing, for a gate the event does not
    have or a reused nonce."""
    token = caller.token
    now = utcnow()
    offline = bool(payload.get("offline"))
    scan_input = ScanInput(
        code=payload["code"],
        gate=payload["gate"],
        nonce=payload.get("nonce"),
        user_id=caller.user_id,
        api_token_id=token.token_id if token is not None else None,
        device=payload.get("device") or (token.label if token is not None else "browser"),
        override=bool(payload.get("override")),
        offline_result=payload["offline_result"] if offline else None,
        scanned_at=offline_scan_time(payload, now) if offline else None,
    )
    if token is not None:
        record_token_use(token, now)
    return perform_scan(event, scan_input, now=now)


def offline_scan_time(payload: dict[str, Any], now: datetime) -> datetime:
    """When an offline scan happened, by the server's clock: the device counts from its
    last sync, so a device whose own clock is wrong still gives the right time."""
    scanned_at = payload["synced_at"] + timedelta(milliseconds=payload["offset_ms"])
    if scanned_at > now + OFFLINE_CLOCK_SLACK or scanned_at < now - OFFLINE_MAX_AGE:
        raise ScanRefused(
            _l("This offline scan's time is not possible: sync the scanner again."),
            "bad_scan_time",
            "synced_at",
        )
    return scanned_at


def outcome_body(outcome: ScanOutcome) -> dict[str, Any]:
    """The answer as JSON values (ScanResultSchema, or ScanRefusalSchema for a refusal)."""
    registration = outcome.registration
    body: dict[str, Any] = {
        "result": outcome.result,
        "message": result_message(outcome.result),
        "scan_id": outcome.scan_id,
        "scanned_at": outcome.scanned_at.isoformat(),
        "gate": outcome.gate,
        "replayed": outcome.replayed,
        "reason": outcome.reason,
        "attendee": None,
        "first_entry": None,
        "zone": None,
    }
    if registration is not None:
        body["attendee"] = {
            "name": registration.full_name,
            "organization": registration.organization,
            "category": registration.category_name,
            "colour": registration.category_colour,
            "number": registration.number,
        }
    if outcome.first_entry is not None:
        body["first_entry"] = {
            "at": outcome.first_entry.admitted_at.isoformat(),
            "gate": outcome.first_entry.gate,
        }
    if outcome.zone is not None:
        body["zone"] = vars(outcome.zone)
    if outcome.status >= 400:
        body["error"] = {"code": outcome.result, "message": body["message"]}
    return body


@blp.route("/<slug>/checkins", methods=["POST"])
@token_scope(DOOR)
@role_required(*SCANNER_ROLES)
@blp.arguments(ScanRequestSchema)
@blp.response(201, ScanResultSchema, description="admitted or reentered")
@blp.alt_response(200, schema=ScanResultSchema, description="already_inside or exited")
@blp.alt_response(
    403, schema=ScanRefusalSchema, description=or_token_scope("not_today or zone_not_allowed")
)
@blp.alt_response(
    404,
    schema=ScanRefusalSchema,
    description="unknown or malformed (no badge has this code); or, with the error body "
    "alone, `event_not_found` or `unknown_gate` (nothing recorded)",
)
@blp.alt_response(
    409,
    schema=ScanRefusalSchema,
    description="zone_full; or, with the error body alone, `nonce_reused` or "
    "`bad_scan_time` (nothing recorded)",
)
@blp.alt_response(410, schema=ScanRefusalSchema, description="revoked")
@blp.alt_response(401, description="Not logged in and no valid API token")
def check_in(payload: dict[str, Any], slug: str):
    """Scan a badge at a gate: the answer tells the door staff what to do."""
    event = door_event(slug)
    if event is None:
        raise event_not_found(slug)
    caller = current_caller()
    assert caller is not None  # role_required
    outcome = scan_at_door(event, payload, caller)
    db.session.commit()  # first: on SQLite the write lock is held until then
    response = jsonify(outcome_body(outcome))
    response.status_code = outcome.status
    return response


@blp.route("/<slug>/gates")
@token_scope(DOOR)
@role_required(*SCANNER_ROLES)
@blp.response(200, GateSchema(many=True))
@blp.alt_response(401, description="Not logged in and no valid API token")
@blp.alt_response(403, schema=ErrorSchema, description=SCOPE_REFUSAL)
def list_gates(slug: str) -> list[dict[str, Any]]:
    """The event's gates, for the scanner's gate picker."""
    event = published_event_or_404(slug)
    return [
        {
            "name": gate.name,
            "zone": gate.zone.name if gate.zone else None,
            "zone_id": gate.zone_id,
            "direction": gate.direction,
        }
        for gate in gates_of(event)
    ]


def attendance_body(attendance: Attendance) -> dict[str, Any]:
    return {
        "day": attendance.day,
        "inside_now": attendance.inside_now,
        "registered": attendance.registered,
        "scans_today": attendance.scans_today,
        "refused_today": attendance.refused_today,
        "arrivals_per_hour": [
            {"hour": hour, "arrivals": count} for hour, count in attendance.arrivals_per_hour
        ],
        "per_gate": [{"gate": gate, "arrivals": count} for gate, count in attendance.per_gate],
        "per_category": [vars(category) for category in attendance.per_category],
        "per_zone": [
            {
                "zone_id": zone.zone_id,
                "name": zone.name,
                "inside": zone.inside,
                "capacity": zone.capacity,
                "level": zone.level,
                "exits_scanned": zone.exits_scanned,
                "arrivals_per_hour": [
                    {"hour": hour, "arrivals": count} for hour, count in zone.arrivals_per_hour
                ],
            }
            for zone in attendance.per_zone
        ],
        "offline_conflicts": attendance.offline_conflicts,
        "updated_at": attendance.updated_at,
    }


@blp.route("/<slug>/attendance")
@token_scope(READ)
@role_required("admin")
@blp.arguments(AttendanceQuerySchema, location="query")
@blp.response(200, AttendanceSchema)
@blp.alt_response(401, description="Not logged in and no valid API token")
@blp.alt_response(403, schema=ErrorSchema, description=SCOPE_REFUSAL)
@blp.alt_response(404, schema=ErrorSchema, description="`event_not_found`, `day_not_in_event`")
def attendance(query: dict[str, Any], slug: str) -> dict[str, Any]:
    """Live attendance of one event day (default: today in the event's time zone)."""
    event = published_event_or_404(slug)
    now = utcnow()
    day: date = query.get("day") or event_day(event, now)
    if query.get("day") and not event.first_day <= day <= event.last_day:
        raise ApiError(404, "day_not_in_event", _l("The event has no such day."))
    return attendance_body(attendance_for(event, day, now))
