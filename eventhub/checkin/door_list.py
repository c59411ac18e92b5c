"""The door list: what an offline-first scanner keeps of its event, to decide scans alone.

A scanner downloads the whole list once, then every few seconds asks only for what changed
since its cursor (GET /api/v1/events/<slug>/door-list). The server keeps nothing per
device: the cursor carries the moment of the list it answers and the event day, and a
delta is every registration updated and every movement recorded since that moment, less
an overlap (`DELTA_OVERLAP`) for transactions that commit after the clock they were
stamped with. The device upserts by registration id and scan id, so repeats are harmless.

The device never holds a badge token: each badge is a keyed hash of its QR text
(`badge_hash`), the key being one per event derived from the badge signing key. Old
versions of a reissued badge are listed as "reissued" (up to `REISSUED_VERSIONS_KEPT`),
so that a scanner offline still refuses them.

50,000 badges build in a fraction of a second: Core selects of only the needed columns,
one statement for the registrations and one for the day's movements, two HMACs a badge.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import make_badge_token
from eventhub.checkin.models import Gate, Scan
from eventhub.checkin.scanning import event_day
from eventhub.events.models import AttendeeCategory, CategoryDay, Event, Zone, category_zones
from eventhub.extensions import db
from eventhub.registration.models import Registration

DOOR_LIST_FORMAT = 1
# A delta repeats what was written this long before the cursor: a transaction stamps its
# rows with the clock when it writes them but may commit later.
DELTA_OVERLAP = timedelta(seconds=60)
# A cursor older than this answers a full list.
CURSOR_MAX_AGE = timedelta(hours=12)
# Older versions of a reissued badge listed as "reissued", newest first.
REISSUED_VERSIONS_KEPT = 3
REISSUED = "reissued"
HASH_BYTES = 12
HASH_CHARS = 16  # base64 of HASH_BYTES

_KEY_DOMAIN = b"eventhub door list v1:"
# version.event id.event day.microseconds since 1970 (UTC). The API states this shape in
# its document (an ECMA and Python pattern alike); a cursor of this shape that cannot be
# read is answered like a stale one, with a full list.
CURSOR_PATTERN = r"^1\.([0-9]{1,10})\.([0-9]{4}-[0-9]{2}-[0-9]{2})\.([0-9]{1,17})$"
_CURSOR_SHAPE = re.compile(CURSOR_PATTERN.removeprefix("^").removesuffix("$"))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MOVEMENTS_IN = ("admitted", "reentered")


@dataclass(frozen=True)
class Cursor:
    """Where a device's list stands: the event, its day and the moment of the list."""

    event_id: int
    day: date
    time: datetime


def door_list_key(event_id: int) -> bytes:
    """The event's key for badge hashes: HMAC-SHA256(badge signing key, domain + id)."""
    message = _KEY_DOMAIN + str(event_id).encode()
    return hmac.digest(badge_signing_key(), message, hashlib.sha256)


def badge_hash(key: bytes, token: str) -> str:
    """What the door list holds of a badge: base64url (no padding) of the first 12 bytes of
    HMAC-SHA256(key, the QR text trimmed and uppercased): 16 characters."""
    digest = hmac.new(key, token.strip().upper().encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:HASH_BYTES]).rstrip(b"=").decode("ascii")


def badge_hashes(key: bytes, tokens: list[str]) -> list[str]:
    """badge_hash of each of `tokens` (normalized already, as make_badge_token writes them),
    in half the time: the key is set up once, and the digests are encoded at once (12
    bytes are 16 base64 characters with no padding, so the encoding of the joined digests
    is the joined encodings)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    digests = []
    for token in tokens:
        mac = keyed.copy()
        mac.update(token.encode("ascii"))
        digests.append(mac.digest()[:HASH_BYTES])
    text = base64.urlsafe_b64encode(b"".join(digests)).decode("ascii")
    return [text[start : start + HASH_CHARS] for start in range(0, len(text), HASH_CHARS)]


def encode_cursor(cursor: Cursor) -> str:
    micros = (cursor.time - _EPOCH) // timedelta(microseconds=1)
    return f"1.{cursor.event_id}.{cursor.day.isoformat()}.{micros}"


def decode_cursor(text: str) -> Cursor | None:
    """The cursor `encode_cursor` wrote; None for anything else."""
    match = _CURSOR_SHAPE.fullmatch(text)
    if match is None:
        return None
    event_id, day_text, micros = match.groups()
    try:
        day = date.fromisoformat(day_text)
        moment = _EPOCH + timedelta(microseconds=int(micros))
    except (ValueError, OverflowError):
        return None
    return Cursor(int(event_id), day, moment)


def delta_start(
    cursor: Cursor | None, event_id: int, today: date, now: datetime
) -> datetime | None:
    """From when a delta answers `cursor` (its time less the overlap), or None when a full
    list is due: no cursor, or one of another event, another day, older than
    CURSOR_MAX_AGE or ahead of this clock by more than the overlap."""
    if cursor is None or cursor.event_id != event_id or cursor.day != today:
        return None
    if cursor.time < now - CURSOR_MAX_AGE or cursor.time > now + DELTA_OVERLAP:
        return None
    return cursor.time - DELTA_OVERLAP


def build_door_list(event: Event, since_cursor: str | None, now: datetime) -> dict[str, Any]:
    """The door list of `event` at `now` (UTC) as JSON values: a full list, or the delta
    since `since_cursor` (see `delta_start`); a cursor it cannot read gets a full list."""
    cursor = decode_cursor(since_cursor) if since_cursor else None
    today = event_day(event, now)
    since = delta_start(cursor, event.id, today, now)
    day_starts_at, day_ends_at = event.day_bounds(today)
    key = door_list_key(event.id)
    connection = db.session.connection()
    return {
        "format": DOOR_LIST_FORMAT,
        "event": {
            "id": event.id,
            "slug": event.slug,
            "name": event.name,
            "first_day": event.first_day.isoformat(),
            "last_day": event.last_day.isoformat(),
            "timezone": event.timezone,
            "day": today.isoformat(),
            # The device takes its day from these, not from its own time zone rules.
            "day_starts_at": day_starts_at.isoformat(),
            "day_ends_at": day_ends_at.isoformat(),
        },
        "server_time": now.astimezone(UTC).isoformat(),
        "cursor": encode_cursor(Cursor(event.id, today, now)),
        "full": since is None,
        "key": base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii"),
        "gates": _gates(connection, event.id),
        "zones": _zones(connection, event.id),
        "categories": _categories(connection, event.id),
        "badges": _badges(connection, event.id, key, since),
        "entries": _entries(connection, event.id, today, since),
    }


def _gates(connection: Connection, event_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(Gate.name, Gate.zone_id, Gate.direction)
        .where(Gate.event_id == event_id)
        .order_by(Gate.name)
    )
    return [
        {"name": name, "zone_id": zone_id, "direction": direction}
        for name, zone_id, direction in rows
    ]


def _zones(connection: Connection, event_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(Zone.id, Zone.name, Zone.capacity)
        .where(Zone.event_id == event_id)
        .order_by(Zone.name)
    )
    return [{"id": zone_id, "name": name, "capacity": capacity} for zone_id, name, capacity in rows]


def _categories(connection: Connection, event_id: int) -> list[dict[str, Any]]:
    """The categories with their days and zones ([] = no restriction)."""
    of_event = AttendeeCategory.event_id == event_id
    categories = {
        category_id: {"id": category_id, "name": name, "colour": colour, "days": [], "zones": []}
        for category_id, name, colour in connection.execute(
            select(AttendeeCategory.id, AttendeeCategory.name, AttendeeCategory.colour)
            .where(of_event)
            .order_by(AttendeeCategory.position, AttendeeCategory.id)
        )
    }
    days = connection.execute(
        select(CategoryDay.category_id, CategoryDay.day)
        .join(AttendeeCategory, AttendeeCategory.id == CategoryDay.category_id)
        .where(of_event)
        .order_by(CategoryDay.day)
    )
    for category_id, day in days:
        categories[category_id]["days"].append(day.isoformat())
    zones = connection.execute(
        select(category_zones.c.category_id, category_zones.c.zone_id)
        .join(AttendeeCategory, AttendeeCategory.id == category_zones.c.category_id)
        .where(of_event)
        .order_by(category_zones.c.zone_id)
    )
    for category_id, zone_id in zones:
        categories[category_id]["zones"].append(zone_id)
    return list(categories.values())


def _badges(
    connection: Connection, event_id: int, key: bytes, since: datetime | None
) -> list[list[Any]]:
    """[hash, registration id, name, category id, state] of each badge: its current
    version with the registration's status, older ones (if reissued) as "reissued"."""
    query = (
        select(
            Registration.id,
            Registration.badge_code,
            Registration.badge_version,
            Registration.first_name,
            Registration.last_name,
            Registration.category_id,
            Registration.status,
        )
        # An unconfirmed registration (double opt-in) has no badge to check at the door.
        .where(Registration.event_id == event_id, Registration.status != "unconfirmed")
        .order_by(Registration.id)
    )
    if since is not None:
        query = query.where(Registration.updated_at >= since)
    signing_key = badge_signing_key()
    tokens: list[str] = []
    badges: list[list[Any]] = []
    rows = connection.execute(query).all()
    for row_id, code, version, first_name, last_name, category_id, status in rows:
        name = f"{first_name} {last_name}".strip()
        tokens.append(make_badge_token(code, version, signing_key))
        badges.append([None, row_id, name, category_id, status])
        for old_version in older_versions(version):
            tokens.append(make_badge_token(code, old_version, signing_key))
            badges.append([None, row_id, name, category_id, REISSUED])
    for badge, hashed in zip(badges, badge_hashes(key, tokens), strict=True):
        badge[0] = hashed
    return badges


def older_versions(version: int) -> range:
    """The versions of a badge listed as "reissued": up to REISSUED_VERSIONS_KEPT before
    `version`, newest first (versions start at 1)."""
    return range(version - 1, max(version - REISSUED_VERSIONS_KEPT, 1) - 1, -1)


def _entries(
    connection: Connection, event_id: int, today: date, since: datetime | None
) -> list[list[Any]]:
    """[scan id, registration id, zone key, "in" | "out", scanned at, gate] of the day's
    movements: entries (admitted, reentered) and exits that closed an entry."""
    query = (
        select(
            Scan.id, Scan.registration_id, Scan.zone_key, Scan.result, Scan.scanned_at, Scan.gate
        )
        .where(
            Scan.event_id == event_id,
            Scan.day == today,
            Scan.registration_id.is_not(None),
            or_(
                Scan.result.in_(_MOVEMENTS_IN),
                and_(Scan.result == "exited", Scan.follows_scan_id.is_not(None)),
            ),
        )
        .order_by(Scan.id)
    )
    if since is not None:
        query = query.where(Scan.recorded_at >= since)
    rows = connection.execute(query).all()
    return [
        [
            scan_id,
            registration_id,
            zone_key,
            "out" if result == "exited" else "in",
            scanned_at.isoformat(timespec="seconds"),
            gate,
        ]
        for scan_id, registration_id, zone_key, result, scanned_at, gate in rows
    ]
