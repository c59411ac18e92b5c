"""Door check-in: what a scanned code means at this gate, now, recorded once.

A scan is one row in `scans`, whatever its result; an `admitted` one is the badge's first
entry into its zone (the gate's, or the venue in general) for the day. Guards, unique
indexes of that table, so that each scan is a single atomic insert (`ON CONFLICT DO
NOTHING RETURNING id`):
- one admission per badge per zone per day: the partial index on (registration_id, day,
  zone_key) where the result is `admitted`; of two gates scanning the same badge at the
  same instant exactly one gets a row back and says `admitted`, the other is recorded as
  `already_inside`;
- one movement after each movement (`follows_scan_id`): an exit closes the latest entry,
  a re-entry follows the latest exit; of two gates doing the same at once, one wins and
  the other is recorded as a plain exit or as `already_inside`;
- a scanner's retry with the same nonce: the (event_id, nonce) index; a retry (same
  nonce, same code, same device) gets the answer recorded for the first attempt and
  nothing is added; the same nonce with another code or from another device is refused.

A scan reads, in two statements, everything it decides on: the event with its gates (by
slug), then the badge holder with their category's rules for this day and gate, their
first entry of the day into the gate's zone and their latest movement there; then it
inserts. An entry into a zone with a capacity first locks the zone's row (PostgreSQL) and
counts who is inside, so that two gates cannot both let in the last person. Nothing is
kept between requests, so an organiser's change to gates, zones or categories counts from
the very next scan in every process. The read guards nothing: when an admission lands
between the read and the insert, the index refuses the insert and the scan is recorded as
`already_inside` then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Connection,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    not_,
    or_,
    select,
    type_coerce,
)

from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import BadgeTokenError, read_badge_token
from eventhub.checkin.models import (
    DEVICE_LENGTH,
    GATE_NAME_LENGTH,
    SCAN_CODE_LENGTH,
    VENUE,
    Gate,
    Scan,
)
from eventhub.errors import DomainError
from eventhub.events.models import AttendeeCategory, CategoryDay, Event, Zone, category_zones
from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, insert_ignoring_duplicates, utcnow
from eventhub.registration.models import Registration

# HTTP status of each answer; 4xx answers carry the JSON error body too.
RESULT_STATUS = {
    "admitted": 201,
    "reentered": 201,
    "exited": 200,
    "already_inside": 200,
    "zone_full": 409,
    "not_today": 403,
    "zone_not_allowed": 403,
    "revoked": 410,
    "unknown": 404,
    # Not a badge's code: no badge has it (the request itself is well formed).
    "malformed": 404,
}


class ScanRefused(DomainError):
    """A scan that cannot be taken at all (no such gate, a nonce reused): nothing is
    recorded, unlike a badge refused at the door, which is a recorded scan."""


ENTRIES = ("admitted", "reentered")
MOVEMENTS = (*ENTRIES, "exited")


@dataclass(frozen=True)
class DoorGate:
    name: str
    zone_id: int | None
    direction: str = "entry"

    @property
    def zone_key(self) -> int:
        return self.zone_id or VENUE


@dataclass(frozen=True)
class DoorZone:
    name: str
    capacity: int | None


@dataclass(frozen=True)
class DoorEvent:
    """A published event as its doors see it: its days, time zone, gates and their zones."""

    id: int
    first_day: date
    last_day: date
    timezone: str
    gates: dict[str, DoorGate]  # by casefolded name
    zones: dict[int, DoorZone]  # the gates' zones, by id

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _connection() -> Connection:
    """The session's connection, in its transaction. The scan's statements run on it
    directly (SQLAlchemy Core): they load no objects, so the ORM would only add time."""
    return db.session.connection()


_EVENT_WITH_GATES = (
    select(
        Event.id,
        Event.first_day,
        Event.last_day,
        Event.timezone,
        Gate.name,
        Gate.zone_id,
        Gate.direction,
        Zone.name,
        Zone.capacity,
    )
    .outerjoin(Gate, Gate.event_id == Event.id)
    .outerjoin(Zone, Zone.id == Gate.zone_id)
    .where(Event.slug == bindparam("slug"), Event.status == "published")
)


def door_event(slug: str) -> DoorEvent | None:
    """The published event `slug` with its gates, in one statement; None if there is none."""
    if not slug or "\x00" in slug:  # PostgreSQL refuses NUL in a query: no such event
        return None
    rows = _connection().execute(_EVENT_WITH_GATES, {"slug": slug}).all()
    if not rows:
        return None
    event_id, first_day, last_day, timezone = rows[0][:4]
    gates: dict[str, DoorGate] = {}
    zones: dict[int, DoorZone] = {}
    for *_, name, zone_id, direction, zone_name, capacity in rows:
        if name is None:
            continue
        gates[name.casefold()] = DoorGate(name, zone_id, direction)
        if zone_id is not None:
            zones[zone_id] = DoorZone(zone_name, capacity)
    return DoorEvent(event_id, first_day, last_day, timezone, gates, zones)


@dataclass(frozen=True)
class ScanInput:
    code: str
    gate: str
    nonce: str | None = None
    user_id: int | None = None
    api_token_id: int | None = None
    device: str = ""
    # The staff member lets someone into a full zone.
    override: bool = False
    # Decided by the device from its door list while the server did not answer: what it
    # showed, and when (by the server's clock, corrected on the device's last sync).
    offline_result: str | None = None
    scanned_at: datetime | None = None

    @property
    def offline(self) -> bool:
        return self.offline_result is not None


@dataclass(frozen=True)
class BadgeHolder:
    """What the door needs to know about the person a badge belongs to."""

    id: int
    event_id: int
    category_id: int
    badge_version: int
    status: str
    first_name: str
    last_name: str
    organization: str
    category_name: str
    category_colour: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def number(self) -> str:
        return f"{self.event_id:03d}-{self.id:06d}"


@dataclass(frozen=True)
class EntryRecord:
    admitted_at: datetime
    gate: str


@dataclass(frozen=True)
class Movement:
    """A badge's latest entry or exit of the day in one zone."""

    scan_id: int
    result: str


@dataclass(frozen=True)
class ZoneLoad:
    name: str
    inside: int
    capacity: int


@dataclass
class ScanOutcome:
    result: str
    scan_id: int
    scanned_at: datetime
    gate: str
    registration: BadgeHolder | None = None
    first_entry: EntryRecord | None = None
    reason: str | None = None
    replayed: bool = False
    zone: ZoneLoad | None = None

    @property
    def status(self) -> int:
        return RESULT_STATUS[self.result]


def event_day(event: DoorEvent | Event, moment: datetime) -> date:
    return moment.astimezone(event.tz).date()


def resolve_gate(event: DoorEvent, name: str) -> DoorGate:
    """The gate called `name`.

    Once an organiser has defined gates, only those names are accepted, so that a typo
    cannot slip past a zone rule; without gates any name is taken as it is, with no zone.
    """
    name = name.strip()
    if not name or len(name) > GATE_NAME_LENGTH:
        raise ScanRefused(_l("Choose the gate you are scanning at."), "gate_required", "gate")
    if not event.gates:
        return DoorGate(name, None)
    found = event.gates.get(name.casefold())
    if found is None:
        raise ScanRefused(_l("This gate is not one of the event's gates."), "unknown_gate", "gate")
    return found


# 'admitted' written into the SQL, not bound: PostgreSQL can read the day's first entry
# from the partial unique index (see Scan) only when the index's condition is in the
# statement itself.
ADMITTED = literal_column("'admitted'", String)
_FIRST = Scan.__table__.alias("first_entry")


def _first_entry_select(*columns: Any, of: Any) -> Any:
    """`columns` of the admitted scan of badge `of` on the bound `entry_day` into the bound
    `entry_zone`."""
    return select(*columns).where(
        _FIRST.c.registration_id == of,
        _FIRST.c.day == bindparam("entry_day"),
        _FIRST.c.zone_key == bindparam("entry_zone"),
        _FIRST.c.result == ADMITTED,
    )


def _first_entry_columns(of: Any) -> tuple[Any, Any]:
    """The time and gate of that admission, as two scalar subqueries (NULLs if none):
    each one probe of the partial unique index."""
    return (
        type_coerce(_first_entry_select(_FIRST.c.scanned_at, of=of).scalar_subquery(), UTCDateTime),
        _first_entry_select(_FIRST.c.gate, of=of).scalar_subquery(),
    )


_LAST = Scan.__table__.alias("last_movement")


def _last_movement_columns(of: Any) -> tuple[Any, Any]:
    """The id and result of the latest entry or exit of badge `of` on `entry_day` in
    `zone_key` (NULLs if none), as two scalar subqueries."""

    def latest(column: Any) -> Any:
        return (
            select(column)
            .where(
                _LAST.c.registration_id == of,
                _LAST.c.day == bindparam("entry_day"),
                _LAST.c.zone_key == bindparam("entry_zone"),
                _LAST.c.result.in_(MOVEMENTS),
            )
            .order_by(_LAST.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    return latest(_LAST.c.id), latest(_LAST.c.result)


def _allowed(table: Any, column: Any, value: Any) -> Any:
    """True when the holder's category lists no rows in `table` (no restriction) or
    lists `value` in `column`."""
    of_category = table.c.category_id == Registration.category_id
    return or_(
        not_(exists().where(of_category)),
        exists().where(and_(of_category, column == value)),
    )


_HOLDER_COLUMNS = (
    Registration.id,
    Registration.event_id,
    Registration.category_id,
    Registration.badge_version,
    Registration.status,
    Registration.first_name,
    Registration.last_name,
    Registration.organization,
    AttendeeCategory.name,
    AttendeeCategory.colour,
)
_HOLDERS = select(*_HOLDER_COLUMNS).join(
    AttendeeCategory, AttendeeCategory.id == Registration.category_id
)
_CATEGORY_DAYS = CategoryDay.__table__

# The holder of a scanned badge, whether their category may come in on `entry_day` and
# through a gate into zone `zone_id`, the time and gate of their first entry into that zone
# that day, and their latest movement there.
_HOLDER_BY_CODE = _HOLDERS.add_columns(
    _allowed(_CATEGORY_DAYS, _CATEGORY_DAYS.c.day, bindparam("entry_day")).label("day_allowed"),
    _allowed(category_zones, category_zones.c.zone_id, bindparam("zone_id")).label("zone_allowed"),
    *_first_entry_columns(of=Registration.id),
    *_last_movement_columns(of=Registration.id),
).where(Registration.badge_code == bindparam("code"))

_HOLDER_BY_ID = _HOLDERS.where(Registration.id == bindparam("registration_id"))
_FIRST_ENTRY = _first_entry_select(
    _FIRST.c.scanned_at, _FIRST.c.gate, of=bindparam("entry_registration_id")
)
_SCAN_BY_NONCE = select(
    Scan.id,
    Scan.result,
    Scan.scanned_at,
    Scan.gate,
    Scan.registration_id,
    Scan.day,
    Scan.zone_key,
    Scan.code,
    Scan.user_id,
    Scan.api_token_id,
).where(Scan.event_id == bindparam("event_id"), Scan.nonce == bindparam("nonce"))


_SCANS = Scan.__table__


@cache
def _scan_insert(dialect: str) -> Any:
    return insert_ignoring_duplicates(_SCANS, dialect).returning(_SCANS.c.id)


@cache
def _already_inside_insert(dialect: str) -> Any:
    return insert_ignoring_duplicates(_SCANS, dialect).returning(
        _SCANS.c.id, *_first_entry_columns(of=bindparam("entry_registration_id"))
    )


def _insert_scan(values: dict[str, Any]) -> int | None:
    """Insert a scan; its id, or None when a unique index already holds its place."""
    connection = _connection()
    return connection.execute(_scan_insert(connection.dialect.name), values).scalar()


def _insert_already_inside(values: dict[str, Any]) -> tuple[int, EntryRecord | None] | None:
    """Insert a scan as `already_inside`: (its id, the day's first entry, from
    subqueries in RETURNING as PostgreSQL and SQLite allow); None when its nonce is taken."""
    values = {
        **values,
        "result": "already_inside",
        "follows_scan_id": None,
        "override": False,
        "entry_registration_id": values["registration_id"],
        "entry_day": values["day"],
        "entry_zone": values["zone_key"],
    }
    connection = _connection()
    row = connection.execute(_already_inside_insert(connection.dialect.name), values).first()
    if row is None:
        return None
    scan_id, first_at, first_gate = row
    return scan_id, EntryRecord(first_at, first_gate) if first_at is not None else None


@dataclass(frozen=True)
class _Lookup:
    """What a scanned code is: `result` "" for a badge that may come in, the refusal
    otherwise; its holder, if known, the holder's first entry of the day into the zone and
    latest movement there, if any."""

    result: str
    holder: BadgeHolder | None = None
    reason: str | None = None
    first_entry: EntryRecord | None = None
    last_movement: Movement | None = None


def _look_up(event: DoorEvent, code: str, gate: DoorGate, day: date) -> _Lookup:
    if not code or len(code) > SCAN_CODE_LENGTH:
        return _Lookup("malformed", reason="empty_or_too_long")
    try:
        ref = read_badge_token(code, badge_signing_key())
    except BadgeTokenError as error:
        if error.code == "malformed":
            return _Lookup("malformed", reason="not_a_badge")
        return _Lookup("unknown", reason="bad_signature")
    return _look_up_holder(event, ref.code, gate, day, badge_version=ref.version)


def _look_up_holder(
    event: DoorEvent,
    badge_code: int,
    gate: DoorGate,
    day: date,
    *,
    badge_version: int | None = None,
) -> _Lookup:
    """The rules of the door for the holder of `badge_code`, in one statement; the badge's
    version is checked when given (a scanned badge: a reissued one is revoked)."""
    parameters = {
        "code": badge_code,
        "entry_day": day,
        "zone_id": gate.zone_id,
        "entry_zone": gate.zone_key,
    }
    row = _connection().execute(_HOLDER_BY_CODE, parameters).first()
    if row is None:
        return _Lookup("unknown", reason="no_such_badge")
    *holder_columns, day_allowed, zone_allowed, first_at, first_gate, last_id, last_result = row
    holder = BadgeHolder(*holder_columns)
    if holder.event_id != event.id:
        return _Lookup("unknown", reason="other_event")
    first_entry = EntryRecord(first_at, first_gate) if first_at is not None else None
    last_movement = Movement(last_id, last_result) if last_id is not None else None
    refusal, reason = "", None
    if badge_version is not None and badge_version != holder.badge_version:
        refusal, reason = "revoked", "badge_reissued"
    elif holder.status != "confirmed":
        refusal, reason = "revoked", holder.status
    elif day < event.first_day or day > event.last_day or not day_allowed:
        refusal = "not_today"
    elif gate.zone_id is not None and not zone_allowed:
        refusal = "zone_not_allowed"
    return _Lookup(refusal, holder, reason, first_entry, last_movement)


def _holder_by_id(registration_id: int) -> BadgeHolder | None:
    row = _connection().execute(_HOLDER_BY_ID, {"registration_id": registration_id}).first()
    return BadgeHolder(*row) if row is not None else None


def _first_entry(registration_id: int, day: date | None, zone_key: int) -> EntryRecord | None:
    values = {"entry_registration_id": registration_id, "entry_day": day, "entry_zone": zone_key}
    row = _connection().execute(_FIRST_ENTRY, values).first()
    return EntryRecord(*row) if row is not None else None


def _replay(event: DoorEvent, scan_input: ScanInput) -> ScanOutcome:
    """The answer recorded for the earlier scan with this nonce, when this one is its
    retry: same code, from the same device or person. Anything else is refused."""
    row = (
        _connection()
        .execute(_SCAN_BY_NONCE, {"event_id": event.id, "nonce": scan_input.nonce})
        .one()
    )
    scan_id, result, scanned_at, gate, registration_id, day, zone_key, code, user_id, token_id = row
    same_sender = (user_id, token_id) == (scan_input.user_id, scan_input.api_token_id)
    if code != _stored_code(scan_input) or not same_sender:
        raise ScanRefused(
            _l("This scan's nonce was already used for another scan: send a new one."),
            "nonce_reused",
            "nonce",
        )
    return ScanOutcome(
        result=result,
        scan_id=scan_id,
        scanned_at=scanned_at,
        gate=gate,
        registration=_holder_by_id(registration_id) if registration_id else None,
        first_entry=(
            _first_entry(registration_id, day, zone_key)
            if result == "already_inside" and registration_id
            else None
        ),
        replayed=True,
    )


def _stored_code(scan_input: ScanInput) -> str:
    return scan_input.code[:SCAN_CODE_LENGTH]


def _decide(gate: DoorGate, found: _Lookup) -> tuple[str, int | None]:
    """(result, the movement it follows) by the door's rules, before any capacity check.

    At an exit gate everyone known leaves (a refused badge too: the door does not keep
    people in), closing their latest entry if they have one."""
    last = found.last_movement
    if gate.direction == "exit":
        if found.holder is None:
            return found.result, None
        inside = last is not None and last.result in ENTRIES
        return "exited", last.scan_id if inside else None
    if found.result:
        return found.result, None
    if found.first_entry is None:
        return "admitted", None
    if last is not None and last.result == "exited":
        return "reentered", last.scan_id
    return "already_inside", None


_OCCUPANCY = select(
    func.coalesce(
        func.sum(
            case(
                (Scan.result.in_(ENTRIES), 1),
                (and_(Scan.result == "exited", Scan.follows_scan_id.is_not(None)), -1),
                else_=0,
            )
        ),
        0,
    )
).where(
    Scan.event_id == bindparam("event_id"),
    Scan.day == bindparam("day"),
    Scan.zone_key == bindparam("zone_key"),
    Scan.result.in_(MOVEMENTS),
)
_LOCK_ZONE = select(Zone.id).where(Zone.id == bindparam("zone_id")).with_for_update()


def zone_occupancy(event_id: int, zone_id: int, day: date) -> int:
    """People inside zone `zone_id` on `day`: entries minus the exits that closed one."""
    values = {"event_id": event_id, "day": day, "zone_key": zone_id}
    return int(_connection().execute(_OCCUPANCY, values).scalar() or 0)


def _capacity_of(event: DoorEvent, gate: DoorGate) -> DoorZone | None:
    """The zone an entry gate leads into, when that zone has a capacity."""
    if gate.direction != "entry" or gate.zone_id is None:
        return None
    zone = event.zones.get(gate.zone_id)
    return zone if zone is not None and zone.capacity is not None else None


def _lock_zone(zone_id: int) -> None:
    """Lock the zone's row until the transaction ends (PostgreSQL; SQLite has one writer
    at a time anyway): entries into a zone with a capacity are decided one at a time, each
    reading what the one before it wrote."""
    _connection().execute(_LOCK_ZONE, {"zone_id": zone_id})


def perform_scan(
    event: DoorEvent, scan_input: ScanInput, *, now: datetime | None = None
) -> ScanOutcome:
    """Decide and record one scan in the session's transaction; the caller commits.

    Raises ScanRefused, having recorded nothing, for a gate the event does not have and
    for a nonce already used by another scan. A retry of a recorded scan (same nonce,
    code and sender) is answered as its first attempt was (`replayed`), adding nothing.
    A scan decided offline is recorded at its own time and, its holder being let in
    already, never refused for a full zone.
    """
    now = now or utcnow()
    scanned_at = scan_input.scanned_at or now
    gate = resolve_gate(event, scan_input.gate)
    day = event_day(event, scanned_at)
    limited = None if scan_input.offline else _capacity_of(event, gate)
    if limited is not None:
        _lock_zone(gate.zone_key)  # before the lookup, so that it reads the latest entries
    found = _look_up(event, scan_input.code.strip(), gate, day)
    result, follows = _decide(gate, found)
    load = None
    if limited is not None and limited.capacity is not None and result in ENTRIES:
        load = ZoneLoad(
            limited.name, zone_occupancy(event.id, gate.zone_key, day), limited.capacity
        )
    full = load is not None and load.inside >= load.capacity
    if full and not scan_input.override:
        result, follows = "zone_full", None
    values = {
        "event_id": event.id,
        "registration_id": found.holder.id if found.holder else None,
        "gate": gate.name,
        "result": result,
        "code": _stored_code(scan_input),
        "nonce": scan_input.nonce,
        "user_id": scan_input.user_id,
        "api_token_id": scan_input.api_token_id,
        "device": scan_input.device[:DEVICE_LENGTH],
        "scanned_at": scanned_at,
        "recorded_at": now,
        "day": day,
        "zone_key": gate.zone_key,
        "follows_scan_id": follows,
        "offline": scan_input.offline,
        "offline_result": scan_input.offline_result,
        "override": full and result in ENTRIES,
    }
    scan_id = _insert_scan(values)
    first_entry = found.first_entry
    if scan_id is None and result in ENTRIES:
        # An admission (or a re-entry after the same exit) landed since the lookup, or
        # this is a retry of this scan, whose nonce is taken: then this insert gives
        # nothing either.
        entered = _insert_already_inside(values)
        if entered is not None:
            result = "already_inside"
            scan_id, first_entry = entered
    elif scan_id is None and result == "exited" and follows is not None:
        # Another exit closed that entry at the same instant: this one is a plain exit.
        scan_id = _insert_scan({**values, "follows_scan_id": None})
    if scan_id is None:  # the nonce holds the place
        return _replay(event, scan_input)
    return ScanOutcome(
        result=result,
        scan_id=scan_id,
        scanned_at=scanned_at,
        gate=gate.name,
        registration=found.holder,
        first_entry=first_entry if result == "already_inside" else None,
        reason=found.reason,
        zone=load,
    )


@dataclass(frozen=True)
class HandCheckIn:
    """A check-in by hand (the help desk): whom, where, by whom and why."""

    badge_code: int
    gate: str
    user_id: int
    note: str


def admit_by_hand(
    event: DoorEvent, check_in: HandCheckIn, *, now: datetime | None = None
) -> ScanOutcome:
    """Admit the holder of a badge without scanning it, under the door's rules; the caller
    commits. The result is `admitted` (a `manual` scan with its note), or the door's
    refusal (`revoked`, `not_today`, `zone_not_allowed`, `already_inside`, `unknown`)
    with nothing recorded. The gate is one of the event's (its zone's rule applies) or,
    if the event has none of that name, a place of its own with no zone. A desk lets
    people in, whatever the direction of a gate of the same name.

    As for a scan, the partial unique index decides between two desks (or a desk and a
    door) admitting the same person at once: the second insert is ignored and answered
    `already_inside`.
    """
    now = now or utcnow()
    named = event.gates.get(check_in.gate.strip().casefold())
    gate = DoorGate(named.name, named.zone_id) if named else DoorGate(check_in.gate, None)
    day = event_day(event, now)
    found = _look_up_holder(event, check_in.badge_code, gate, day)
    outcome = ScanOutcome(
        result=found.result or "already_inside",
        scan_id=0,
        scanned_at=now,
        gate=gate.name,
        registration=found.holder,
        first_entry=found.first_entry,
        reason=found.reason,
    )
    if found.result or found.first_entry is not None or found.holder is None:
        return outcome
    scan_id = _insert_scan(
        {
            "event_id": event.id,
            "registration_id": found.holder.id,
            "gate": gate.name,
            "result": "admitted",
            "code": "",
            "nonce": None,
            "user_id": check_in.user_id,
            "api_token_id": None,
            "device": "",
            "scanned_at": now,
            "recorded_at": now,
            "day": day,
            "zone_key": gate.zone_key,
            "follows_scan_id": None,
            "offline": False,
            "offline_result": None,
            "override": False,
            "manual": True,
            "note": check_in.note,
        }
    )
    if scan_id is None:  # an admission landed since the lookup: the index refused this one
        outcome.first_entry = _first_entry(found.holder.id, day, gate.zone_key)
        return outcome
    outcome.result, outcome.scan_id = "admitted", scan_id
    return outcome
