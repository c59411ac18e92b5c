"""Door check-in: what a scanned code means at this gate, now, recorded once.

A scan is one row in `scans`, whatever its result; an `admitted` one is the badge's entry
for the day. Guards, both unique indexes of that table, so that each scan is a single
atomic insert (`ON CONFLICT DO NOTHING RETURNING id`) that needs no transaction around it:
- one admission per badge per day: the partial index on (registration_id, day) where the
  result is `admitted`; of two gates scanning the same badge at the same instant exactly
  one gets a row back and says `admitted`, the other is recorded as `already_inside`;
- a scanner's retry with the same nonce: the (event_id, nonce) index; the retry gets the
  answer recorded for the first attempt and nothing is added.

A scan is on the hot path of every gate, so it reads only what it needs: one row for the
badge holder with the day's first entry, if any, then the scan's insert, `admitted` or
`already_inside` as that row says; the statements are built once and run without the ORM.
The read only saves a statement, it guards nothing: when an admission lands between the
read and the insert, the index refuses the insert and the scan is recorded as
`already_inside` then. The event's access rules (gates and zones, the days and zones of
each category) are configuration read through a short per-process cache
(CHECKIN_RULES_CACHE_SECONDS); the once-only guarantees above never depend on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, String, bindparam, literal_column, select, type_coerce

from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import BadgeTokenError, read_badge_token
from eventhub.caching import TimedCache
from eventhub.checkin.models import Gate, Scan
from eventhub.driver_statements import DriverStatement
from eventhub.events.lookup import find_event
from eventhub.events.models import AttendeeCategory, CategoryDay, Event, category_zones
from eventhub.extensions import db
from eventhub.models_common import (
    UTCDateTime,
    connection_or_session,
    insert_ignoring_duplicates,
    utcnow,
)
from eventhub.registration.models import Registration

# HTTP status of each answer; 4xx answers carry the JSON error body too.
RESULT_STATUS = {
    "admitted": 201,
    "already_inside": 200,
    "not_today": 403,
    "zone_not_allowed": 403,
    "revoked": 410,
    "unknown": 404,
    "malformed": 400,
}
MAX_CODE_LENGTH = 80


class GateError(Exception):
    def __init__(self, message: str | LazyString, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class DoorEvent(Protocol):
    """What a scan needs of its event: an `Event`, or the API's cached `ScanEvent`."""

    id: int
    first_day: date
    last_day: date

    @property
    def tz(self) -> ZoneInfo: ...


@dataclass(frozen=True)
class ScanEvent:
    """A published event as the door sees it, kept between requests (see api.py)."""

    id: int
    first_day: date
    last_day: date
    timezone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, event: Event) -> ScanEvent:
        return cls(event.id, event.first_day, event.last_day, event.timezone)


@dataclass(frozen=True)
class ScanInput:
    code: str
    gate: str
    nonce: str | None = None
    user_id: int | None = None
    api_token_id: int | None = None
    device: str = ""


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

    @property
    def status(self) -> int:
        return RESULT_STATUS[self.result]


@dataclass(frozen=True)
class EventRules:
    gates: dict[str, tuple[str, int | None]]  # casefolded name -> (name, zone id)
    category_days: dict[int, frozenset[date]]  # empty: every day
    category_zones: dict[int, frozenset[int]]  # empty: every zone


_rules_cache: TimedCache[int, EventRules] = TimedCache("CHECKIN_RULES_CACHE_SECONDS")
_door_events: TimedCache[str, ScanEvent | None] = TimedCache("CHECKIN_RULES_CACHE_SECONDS")


def event_rules(event: DoorEvent) -> EventRules:
    """The event's gates and category rules, cached for CHECKIN_RULES_CACHE_SECONDS."""
    return _rules_cache.get(event.id, lambda: _load_rules(event.id))


def door_event(slug: str) -> ScanEvent | None:
    """The published event `slug` for scanning, cached like the rules; None if there is
    none (or it is not published)."""

    def load() -> ScanEvent | None:
        event = find_event(slug)
        return ScanEvent.of(event) if event is not None and event.is_published else None

    return _door_events.get(slug, load)


def forget_event_rules(event_id: int | None = None) -> None:
    _door_events.forget()
    _rules_cache.forget(event_id)


def _load_rules(event_id: int) -> EventRules:
    gates = db.session.execute(
        select(Gate.name, Gate.zone_id).where(Gate.event_id == event_id)
    ).all()
    category_ids = select(AttendeeCategory.id).where(AttendeeCategory.event_id == event_id)
    days: dict[int, set[date]] = {}
    for category_id, day in db.session.execute(
        select(CategoryDay.category_id, CategoryDay.day).where(
            CategoryDay.category_id.in_(category_ids)
        )
    ):
        days.setdefault(category_id, set()).add(day)
    zones: dict[int, set[int]] = {}
    for category_id, zone_id in db.session.execute(
        select(category_zones.c.category_id, category_zones.c.zone_id).where(
            category_zones.c.category_id.in_(category_ids)
        )
    ):
        zones.setdefault(category_id, set()).add(zone_id)
    return EventRules(
        gates={name.casefold(): (name, zone_id) for name, zone_id in gates},
        category_days={key: frozenset(value) for key, value in days.items()},
        category_zones={key: frozenset(value) for key, value in zones.items()},
    )


def event_day(event: DoorEvent, moment: datetime) -> date:
    return moment.astimezone(event.tz).date()


def resolve_gate(rules: EventRules, name: str) -> tuple[str, int | None]:
    """(gate name, zone id) for the gate called `name`.

    Once an organiser has defined gates, only those names are accepted, so that a typo
    cannot slip past a zone rule; without gates any name is taken as it is, with no zone.
    """
    name = name.strip()
    if not name or len(name) > 60:
        raise GateError(_l("Choose the gate you are scanning at."), "gate_required")
    if not rules.gates:
        return name, None
    found = rules.gates.get(name.casefold())
    if found is None:
        raise GateError(_l("This gate is not one of the event's gates."), "unknown_gate")
    return found


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


# The statements of the hot path, built once: a call only binds its values.
_HOLDER_BY_ID = _HOLDERS.where(Registration.id == bindparam("registration_id"))
# 'admitted' written into the SQL, not bound: a prepared statement's generic plan on
# PostgreSQL can read the day's first entry from the partial unique index (see Scan)
# only when the index's condition is in the statement itself.
ADMITTED = literal_column("'admitted'", String)
_FIRST = Scan.__table__.alias("first_entry")


def _first_entry_select(*columns: Any, of: Any = None) -> Any:
    """`columns` of the admitted scan of badge `of` (default: the bound
    `entry_registration_id`) on `entry_day`."""
    return select(*columns).where(
        _FIRST.c.registration_id == (bindparam("entry_registration_id") if of is None else of),
        _FIRST.c.day == bindparam("entry_day"),
        _FIRST.c.result == ADMITTED,
    )


def _first_entry_columns(of: Any = None) -> tuple[Any, Any]:
    """The time and gate of that admission, as two scalar subqueries (NULLs if none):
    each one probe of the partial unique index, whatever the planner knows of the table."""
    return (
        type_coerce(_first_entry_select(_FIRST.c.scanned_at, of=of).scalar_subquery(), UTCDateTime),
        _first_entry_select(_FIRST.c.gate, of=of).scalar_subquery(),
    )


# The two statements of every scan run on the driver (see driver_statements.py): the
# holder of a scanned badge, with the time and gate of their first entry on `entry_day`;
# the scan's insert, which gives its id or nothing when a unique index holds its place.
_HOLDER_BY_CODE = DriverStatement(
    lambda _dialect: _HOLDERS.add_columns(*_first_entry_columns(of=Registration.id)).where(
        Registration.badge_code == bindparam("code")
    )
)
_SCAN_INSERT = DriverStatement(
    lambda dialect: insert_ignoring_duplicates(Scan.__table__, dialect).returning(
        Scan.__table__.c.id
    )
)

_FIRST_ENTRY = _first_entry_select(_FIRST.c.scanned_at, _FIRST.c.gate)
_SCAN_BY_NONCE = select(
    Scan.id, Scan.result, Scan.scanned_at, Scan.gate, Scan.registration_id, Scan.day
).where(Scan.event_id == bindparam("event_id"), Scan.nonce == bindparam("nonce"))


@cache
def _already_inside_statement(dialect: str) -> Any:
    """Insert a scan and return its id with the time and gate of the day's first entry
    (subqueries in RETURNING, as PostgreSQL and SQLite allow): one statement, not two."""
    return insert_ignoring_duplicates(Scan.__table__, dialect).returning(
        Scan.__table__.c.id, *_first_entry_columns()
    )


def _insert_scan(connection: Connection, values: dict[str, Any]) -> int | None:
    return _SCAN_INSERT.scalar(connection, values)


def _holder_by_id(connection: Connection, registration_id: int) -> BadgeHolder | None:
    row = connection.execute(_HOLDER_BY_ID, {"registration_id": registration_id}).first()
    return BadgeHolder(*row) if row is not None else None


def _first_entry(
    connection: Connection, registration_id: int, day: date | None
) -> EntryRecord | None:
    values = {"entry_registration_id": registration_id, "entry_day": day}
    row = connection.execute(_FIRST_ENTRY, values).first()
    return EntryRecord(*row) if row is not None else None


def _replay(connection: Connection, event: DoorEvent, nonce: str | None) -> ScanOutcome | None:
    """The answer recorded for the scan with this nonce, if there is one."""
    if not nonce:
        return None
    row = connection.execute(_SCAN_BY_NONCE, {"event_id": event.id, "nonce": nonce}).first()
    if row is None:
        return None
    scan_id, result, scanned_at, gate, registration_id, day = row
    holder = _holder_by_id(connection, registration_id) if registration_id else None
    first_entry = (
        _first_entry(connection, registration_id, day)
        if result == "already_inside" and registration_id
        else None
    )
    return ScanOutcome(
        result=result,
        scan_id=scan_id,
        scanned_at=scanned_at,
        gate=gate,
        registration=holder,
        first_entry=first_entry,
        replayed=True,
    )


@dataclass(frozen=True)
class _Lookup:
    """What a scanned code is: `result` "" for a valid badge of this event, the refusal
    otherwise; its holder, if known, and the holder's first entry of the day, if any."""

    result: str
    holder: BadgeHolder | None = None
    reason: str | None = None
    first_entry: EntryRecord | None = None


def _find_holder(connection: Connection, event: DoorEvent, code: str, day: date) -> _Lookup:
    if not code or len(code) > MAX_CODE_LENGTH:
        return _Lookup("malformed", reason="empty_or_too_long")
    try:
        ref = read_badge_token(code, badge_signing_key())
    except BadgeTokenError as error:
        if error.code == "malformed":
            return _Lookup("malformed", reason="not_a_badge")
        return _Lookup("unknown", reason="bad_signature")
    row = _HOLDER_BY_CODE.first(connection, {"code": ref.code, "entry_day": day})
    if row is None:
        return _Lookup("unknown", reason="no_such_badge")
    *holder_columns, first_at, first_gate = row
    holder = BadgeHolder(*holder_columns)
    if holder.event_id != event.id:
        return _Lookup("unknown", reason="other_event")
    if ref.version != holder.badge_version:
        return _Lookup("revoked", holder, "badge_reissued")
    if holder.status != "confirmed":
        return _Lookup("revoked", holder, holder.status)
    return _Lookup("", holder, first_entry=EntryRecord(first_at, first_gate) if first_at else None)


def _rules(
    event: DoorEvent, rules: EventRules, holder: BadgeHolder, zone_id: int | None, day: date
) -> str:
    days = rules.category_days.get(holder.category_id)
    if day < event.first_day or day > event.last_day or (days and day not in days):
        return "not_today"
    zones = rules.category_zones.get(holder.category_id)
    if zone_id is not None and zones and zone_id not in zones:
        return "zone_not_allowed"
    return ""


def _decision(
    event: DoorEvent, rules: EventRules, found: _Lookup, zone_id: int | None, day: date
) -> tuple[str, EntryRecord | None]:
    """The scan's result, with the first entry when it is `already_inside`."""
    if found.result or found.holder is None:
        return found.result, None
    refusal = _rules(event, rules, found.holder, zone_id, day)
    if refusal:
        return refusal, None
    if found.first_entry is not None:
        return "already_inside", found.first_entry
    return "admitted", None


def _race_window() -> None:
    """Test-only: widen the gap between the check and the write to expose races."""
    delay = current_app.config.get("CHECKIN_RACE_WINDOW_SECONDS", 0)
    if delay:
        time.sleep(float(delay))


@dataclass(frozen=True)
class _Scanned:
    """One scan about to be recorded at a gate."""

    event: DoorEvent
    scan_input: ScanInput
    gate: str
    at: datetime
    day: date
    holder: BadgeHolder | None

    def record(self, connection: Connection, result: str) -> int | None:
        """Insert the scan; None when a unique index already holds its place."""
        return _insert_scan(connection, self._values(result))

    def record_already_inside(
        self, connection: Connection
    ) -> tuple[int, EntryRecord | None] | None:
        """Insert the scan as `already_inside`: (its id, the day's first entry); None when
        its nonce is taken."""
        values = self._values("already_inside")
        values.update(entry_registration_id=values["registration_id"], entry_day=self.day)
        statement = _already_inside_statement(connection.dialect.name)
        row = connection.execute(statement, values).first()
        if row is None:
            return None
        scan_id, first_at, first_gate = row
        return scan_id, EntryRecord(first_at, first_gate) if first_at is not None else None

    def _values(self, result: str) -> dict[str, Any]:
        return {
            "event_id": self.event.id,
            "registration_id": self.holder.id if self.holder else None,
            "gate": self.gate,
            "result": result,
            "code": self.scan_input.code[:MAX_CODE_LENGTH],
            "nonce": self.scan_input.nonce,
            "user_id": self.scan_input.user_id,
            "api_token_id": self.scan_input.api_token_id,
            "device": self.scan_input.device[:120],
            "scanned_at": self.at,
            "day": self.day,
        }

    def outcome(
        self,
        result: str,
        scan_id: int,
        reason: str | None = None,
        first_entry: EntryRecord | None = None,
    ) -> ScanOutcome:
        return ScanOutcome(
            result=result,
            scan_id=scan_id,
            scanned_at=self.at,
            gate=self.gate,
            registration=self.holder,
            first_entry=first_entry,
            reason=reason,
        )


def perform_scan(
    event: DoorEvent,
    scan_input: ScanInput,
    *,
    now: datetime | None = None,
    connection: Connection | None = None,
) -> ScanOutcome:
    """Decide and record one scan, on `connection` (default: the session's, in its
    transaction; the statements run without the ORM). The caller commits, if in a
    transaction: each statement is safe on its own, so an autocommit connection will do.

    When an attempt with the same nonce was recorded first (a retry), that attempt's
    answer is returned (`replayed`), and nothing is added.
    """
    now = now or utcnow()
    rules = event_rules(event)
    gate_name, zone_id = resolve_gate(rules, scan_input.gate)
    connection = connection_or_session(connection)
    day = event_day(event, now)
    found = _find_holder(connection, event, scan_input.code.strip(), day)
    result, first_entry = _decision(event, rules, found, zone_id, day)
    if result == "admitted":
        _race_window()
    scan = _Scanned(event, scan_input, gate_name, now, day, found.holder)
    scan_id = scan.record(connection, result)
    if scan_id is not None:
        return scan.outcome(result, scan_id, found.reason, first_entry)
    if result == "admitted":
        # An admission landed since the lookup (or this is a retry of this scan, whose
        # nonce is taken: then the insert below gives nothing either).
        entered = scan.record_already_inside(connection)
        if entered is not None:
            scan_id, first_entry = entered
            return scan.outcome("already_inside", scan_id, first_entry=first_entry)
    # The nonce holds the place: a retry, answered as its first attempt was.
    replay = _replay(connection, event, scan_input.nonce)
    if replay is None:  # pragma: no cover - the conflicting row must exist
        raise RuntimeError("scan nonce conflict without a recorded scan")
    return replay
