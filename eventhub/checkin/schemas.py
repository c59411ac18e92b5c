"""API shapes of scans and attendance."""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from eventhub.api import visible_text
from eventhub.checkin.models import DEVICE_LENGTH, GATE_NAME_LENGTH, SCAN_RESULTS

# Longer than a badge token: a scanner may read another QR code, recorded as `malformed`.
MAX_SCAN_CODE = 200
SCAN_NONCE = r"[A-Za-z0-9_.:-]{8,64}"
# An offline scan older than this is refused (bad_scan_time), as is one in the future.
MAX_OFFLINE_AGE_MS = 3 * 24 * 3600 * 1000


class ScanRequestSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_SCAN_CODE),
        metadata={"description": "The text of the badge's QR code"},
    )
    gate = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(min=1, max=GATE_NAME_LENGTH),
            visible_text(_l("Choose the gate you are scanning at.")),
        ],
        metadata={"description": "Gate name; must be one of the event's gates when it has some"},
    )
    nonce = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Regexp(f"^{SCAN_NONCE}$"),
        metadata={"description": "Client id of this scan; a retry with the same nonce is harmless"},
    )
    device = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=DEVICE_LENGTH),
        metadata={"description": "Device"},
    )
    override = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Let the person into a full zone (after a zone_full answer)"},
    )
    offline = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Decided by the device from its door list, without the server"},
    )
    offline_result = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(SCAN_RESULTS),
        metadata={"description": "With offline: what the device showed"},
    )
    synced_at = ma.fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "With offline: server_time of the device's last door-list sync"},
    )
    offset_ms = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=0, max=MAX_OFFLINE_AGE_MS),
        metadata={"description": "With offline: milliseconds from that sync to the scan"},
    )

    class Meta:
        # offline_fields_together, stated in the document.
        openapi: ClassVar[dict[str, Any]] = {
            "anyOf": [
                {"properties": {"offline": {"enum": [False]}}},
                {
                    "required": ["offline_result", "synced_at", "offset_ms"],
                    "properties": {
                        "offline_result": {"type": "string"},
                        "synced_at": {"type": "string"},
                        "offset_ms": {"type": "integer"},
                    },
                },
            ]
        }

    @ma.validates_schema
    def offline_fields_together(self, data: dict, **_kwargs: object) -> None:
        offline_fields = ("offline_result", "synced_at", "offset_ms")
        if data.get("offline") and any(data.get(name) is None for name in offline_fields):
            raise ma.ValidationError(
                "An offline scan needs offline_result, synced_at and offset_ms.", "offline"
            )

    @ma.post_load
    def drop_nul_characters(self, data: dict, **_kwargs: object) -> dict:
        """A garbled read may carry NULs, which PostgreSQL refuses in text: drop them, as
        the forms do."""
        return {
            key: value.replace("\x00", "") if isinstance(value, str) else value
            for key, value in data.items()
        }


class AttendeeSchema(ma.Schema):
    name = ma.fields.String(required=True)
    organization = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    colour = ma.fields.String(required=True)
    number = ma.fields.String(required=True)


class FirstEntrySchema(ma.Schema):
    at = ma.fields.AwareDateTime(required=True)
    gate = ma.fields.String(required=True)


class ZoneLoadSchema(ma.Schema):
    name = ma.fields.String(required=True)
    inside = ma.fields.Integer(required=True)
    capacity = ma.fields.Integer(required=True)


class ScanResultSchema(ma.Schema):
    result = ma.fields.String(required=True, metadata={"enum": list(SCAN_RESULTS)})
    message = ma.fields.String(required=True)
    scan_id = ma.fields.Integer(required=True)
    scanned_at = ma.fields.AwareDateTime(required=True)
    gate = ma.fields.String(required=True)
    replayed = ma.fields.Boolean(required=True)
    attendee = ma.fields.Nested(AttendeeSchema, allow_none=True, required=True)
    first_entry = ma.fields.Nested(FirstEntrySchema, allow_none=True, required=True)
    reason = ma.fields.String(allow_none=True)
    zone = ma.fields.Nested(ZoneLoadSchema, allow_none=True)


class ScanRefusalSchema(ma.Schema):
    """A refused scan: the error body every API error has, plus, when a badge was read,
    the scan's details (not there when the request itself was refused: 400 bad JSON,
    403 wrong role, 404 unknown event)."""

    error = ma.fields.Dict(required=True, metadata={"description": "code and message"})
    result = ma.fields.String(metadata={"enum": list(SCAN_RESULTS)})
    message = ma.fields.String()
    scan_id = ma.fields.Integer()
    scanned_at = ma.fields.AwareDateTime()
    gate = ma.fields.String()
    replayed = ma.fields.Boolean()
    attendee = ma.fields.Nested(AttendeeSchema, allow_none=True)
    first_entry = ma.fields.Nested(FirstEntrySchema, allow_none=True)
    reason = ma.fields.String(allow_none=True)
    zone = ma.fields.Nested(ZoneLoadSchema, allow_none=True)


class GateSchema(ma.Schema):
    name = ma.fields.String(required=True)
    zone = ma.fields.String(required=True, allow_none=True)
    zone_id = ma.fields.Integer(required=True, allow_none=True)
    direction = ma.fields.String(required=True, metadata={"enum": ["entry", "exit"]})


class HourSchema(ma.Schema):
    hour = ma.fields.Integer(required=True)
    arrivals = ma.fields.Integer(required=True)


class GateCountSchema(ma.Schema):
    gate = ma.fields.String(required=True)
    arrivals = ma.fields.Integer(required=True)


class CategoryCountSchema(ma.Schema):
    name = ma.fields.String(required=True)
    colour = ma.fields.String(required=True)
    registered = ma.fields.Integer(required=True)
    admitted = ma.fields.Integer(required=True)


class ZoneAttendanceSchema(ma.Schema):
    zone_id = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: the venue in general"}
    )
    name = ma.fields.String(required=True)
    inside = ma.fields.Integer(required=True, metadata={"description": "Entries minus exits"})
    capacity = ma.fields.Integer(required=True, allow_none=True)
    level = ma.fields.String(
        required=True,
        metadata={"enum": ["ok", "warning", "full"], "description": "warning from 90 %"},
    )
    exits_scanned = ma.fields.Boolean(
        required=True,
        metadata={"description": "false: no exit gate, inside is everyone who came in that day"},
    )
    arrivals_per_hour = ma.fields.List(ma.fields.Nested(HourSchema), required=True)


class AttendanceSchema(ma.Schema):
    day = ma.fields.Date(required=True)
    inside_now = ma.fields.Integer(
        required=True, metadata={"description": "People in the venue now (entries minus exits)"}
    )
    registered = ma.fields.Integer(required=True)
    scans_today = ma.fields.Integer(required=True)
    refused_today = ma.fields.Integer(required=True)
    arrivals_per_hour = ma.fields.List(ma.fields.Nested(HourSchema), required=True)
    per_gate = ma.fields.List(ma.fields.Nested(GateCountSchema), required=True)
    per_category = ma.fields.List(ma.fields.Nested(CategoryCountSchema), required=True)
    per_zone = ma.fields.List(ma.fields.Nested(ZoneAttendanceSchema), required=True)
    offline_conflicts = ma.fields.Integer(
        required=True,
        metadata={"description": "Offline admissions the server recorded otherwise that day"},
    )
    updated_at = ma.fields.AwareDateTime(required=True)


class AttendanceQuerySchema(ma.Schema):
    day = ma.fields.Date(
        load_default=None,
        metadata={
            "description": "One of the event's days (another is a 404 `day_not_in_event`); "
            "default today"
        },
    )
