"""Table check-in: the tables' QR codes, who arrived for the meeting at a table, when a
meeting started, and the no-shows.

- A table's code is `"1"` (the format version) and 22 URL-safe characters: HMAC-SHA256 of
  a random seed with SECRET_KEY, truncated to 128 bits. Only its SHA-256 is looked up
  (`TableCode.digest`); reissuing draws a new seed. The QR code holds the absolute
  address of the scan page, on PUBLIC_BASE_URL (`tables.scan`).
- The meeting "at a table now" is the confirmed meeting of the table's slot that runs now,
  or starts within `EARLY` minutes.
- A party arrives once: a conditional UPDATE of its arrival time. The meeting starts when
  the second party arrives (another conditional UPDATE).
- `no_show_minutes` after the slot starts, a meeting where exactly one party arrived is a
  no-show for the other (`sweep_no_shows`): recorded once, the meeting's outcome is
  `no_show`, the present party is told, and when the startup is the absent one the slot
  is offered to the investor's standby list (standby.py). A meeting where nobody checked
  in is left alone: the event may not use table check-in at all.

Functions flush; the caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eventhub.auth.models import User
from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import BadgeTokenError, read_badge_token
from eventhub.deals.tables.models import (
    DEFAULT_NO_SHOW_MINUTES,
    MAX_NO_SHOW_MINUTES,
    TableCheckin,
    TableCheckinSettings,
    TableCode,
)
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import party_of
from eventhub.meetings.models import Meeting, MeetingSlot, MeetingTable
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration

CODE_FORMAT_VERSION = "1"
CODE_SHAPE = re.compile(CODE_FORMAT_VERSION + r"[A-Za-z0-9_-]{22}")
# A party may check in this long before the slot starts.
EARLY = timedelta(minutes=15)
# How far back the periodic sweep looks for meetings.
SWEEP_WINDOW = timedelta(hours=12)


class TableError(DomainError):
    """A table check-in or standby rule refused something; nothing was recorded."""


# Settings --------------------------------------------------------------------------------


def no_show_minutes(event: Event) -> int:
    found = db.session.get(TableCheckinSettings, event.id)
    return found.no_show_minutes if found is not None else DEFAULT_NO_SHOW_MINUTES


def save_no_show_minutes(event: Event, minutes: Any) -> TableCheckinSettings:
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        value = 0
    if not 0 < value <= MAX_NO_SHOW_MINUTES:
        raise TableError(
            _l("Give a number of minutes from 1 to %(max)s.", max=MAX_NO_SHOW_MINUTES),
            "bad_minutes",
            "no_show_minutes",
        )
    settings = db.session.get(TableCheckinSettings, event.id)
    if settings is None:
        settings = TableCheckinSettings(event_id=event.id)
        db.session.add(settings)
    settings.no_show_minutes = value
    db.session.flush()
    return settings


# Codes -----------------------------------------------------------------------------------


def _insert_ignoring_conflict(model: Any, values: dict[str, Any], keys: list[str]) -> None:
    dialect = db.session.get_bind().dialect.name
    construct = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        construct(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    )


def code_of_seed(seed: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(key, f"table-code:{seed}".encode(), hashlib.sha256).digest()[:16]
    return CODE_FORMAT_VERSION + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_code_values(table: MeetingTable) -> dict[str, Any]:
    seed = secrets.token_urlsafe(24)
    return {"seed": seed, "digest": digest(code_of_seed(seed)), "issued_at": utcnow()}


def code_for(table: MeetingTable) -> str:
    """The table's code, issued on first use (two first uses at once: one wins)."""
    found = db.session.get(TableCode, table.id)
    if found is None:
        values = {"table_id": table.id, "event_id": table.event_id, **_new_code_values(table)}
        _insert_ignoring_conflict(TableCode, values, ["table_id"])
        found = db.session.get(TableCode, table.id, populate_existing=True)
    return code_of_seed(found.seed)


def reissue_code(table: MeetingTable) -> str:
    """A new code for the table: the cards printed before no longer work."""
    code_for(table)
    found = db.session.get(TableCode, table.id)
    for name, value in _new_code_values(table).items():
        setattr(found, name, value)
    db.session.flush()
    return code_of_seed(found.seed)


def table_of_code(code: str) -> MeetingTable | None:
    """The table whose code this is, or None (malformed, unknown or reissued)."""
    code = (code or "").strip()
    if CODE_SHAPE.fullmatch(code) is None:
        return None
    found = db.session.scalar(select(TableCode).where(TableCode.digest == digest(code)))
    return found.table if found is not None else None


# The meeting at a table ------------------------------------------------------------------


@dataclass(frozen=True)
class AtTable:
    """What is at the table now: the slot, its confirmed meeting (None: no meeting), and
    a meeting of that slot called off (when there is no confirmed one)."""

    slot: MeetingSlot | None
    meeting: Meeting | None
    called_off: Meeting | None = None


def _slots_now(table: MeetingTable, now: datetime) -> list[MeetingSlot]:
    return list(
        db.session.scalars(
            select(MeetingSlot)
            .where(
                MeetingSlot.table_id == table.id,
                MeetingSlot.starts_at <= now + EARLY,
                MeetingSlot.ends_at > now,
            )
            .order_by(MeetingSlot.starts_at, MeetingSlot.id)
        )
    )


def at_table(table: MeetingTable, now: datetime, user: Any = None) -> AtTable:
    """The table's meeting now; with `user`, the one of the slots now that they are in."""
    slots = _slots_now(table, now)
    if not slots:
        return AtTable(None, None)
    meetings = {
        meeting.slot_id: meeting
        for meeting in db.session.scalars(
            select(Meeting).where(
                Meeting.slot_id.in_([slot.id for slot in slots]), Meeting.status == "confirmed"
            )
        )
    }
    if user is not None:
        for slot in slots:
            meeting = meetings.get(slot.id)
            if meeting is not None and party_of(meeting, user) in ("startup", "investor"):
                return AtTable(slot, meeting)
    for slot in slots:
        if slot.id in meetings:
            return AtTable(slot, meetings[slot.id])
    slot = slots[0]
    called_off = db.session.scalars(
        select(Meeting)
        .where(Meeting.slot_id == slot.id, Meeting.status != "confirmed")
        .order_by(Meeting.cancelled_at.desc(), Meeting.id.desc())
        .limit(1)
    ).first()
    return AtTable(slot, None, called_off)


def checkin_of(meeting: Meeting) -> TableCheckin | None:
    return db.session.get(TableCheckin, meeting.id, populate_existing=True)


def _ensure_checkin(meeting: Meeting, slot: MeetingSlot | None) -> None:
    _insert_ignoring_conflict(
        TableCheckin,
        {
            "meeting_id": meeting.id,
            "event_id": meeting.event_id,
            "slot_id": meeting.slot_id,
            "table_id": slot.table_id if slot is not None else None,
            "starts_at": meeting.starts_at,
            "from_standby": False,
        },
        ["meeting_id"],
    )


# Arriving --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """The answer to a check-in: `state` is `arrived` (waiting for the other party),
    `started` (both are here) or `already` (this party had checked in: nothing new)."""

    state: str
    party: str
    meeting: Meeting
    checkin: TableCheckin


def refusal_at(found: AtTable) -> TableError | None:
    """Why nobody can check in at the table now (None: there is a meeting)."""
    if found.meeting is not None:
        return None
    if found.called_off is not None:
        return TableError(_l("The meeting at this table now was called off."), "meeting_cancelled")
    return TableError(_l("There is no meeting at this table now."), "no_meeting")


def _refuse_at_table(found: AtTable) -> None:
    refusal = refusal_at(found)
    if refusal is not None:
        raise refusal


def arrive(
    event: Event,
    table: MeetingTable,
    party: str,
    found: AtTable,
    *,
    by: str = "self",
    now: datetime | None = None,
) -> Arrival:
    """Record that `party` of the meeting at the table arrived (once)."""
    now = now or utcnow()
    if table.event_id != event.id:
        raise TableError(_l("This table belongs to another event."), "wrong_event")
    _refuse_at_table(found)
    meeting = found.meeting
    assert meeting is not None
    sweep_no_shows(event, now, meeting_ids=[meeting.id])
    _ensure_checkin(meeting, found.slot)
    arrived = getattr(TableCheckin, f"{party}_arrived_at")
    result = db.session.execute(
        update(TableCheckin)
        .where(
            TableCheckin.meeting_id == meeting.id,
            arrived.is_(None),
            TableCheckin.no_show_party.is_(None),
        )
        .values({arrived: now, getattr(TableCheckin, f"{party}_checked_by"): by}),
        execution_options={"synchronize_session": False},
    )
    checkin = checkin_of(meeting)
    assert checkin is not None
    if result.rowcount == 0:
        if checkin.arrived_at(party) is not None:
            return Arrival("already", party, meeting, checkin)
        raise TableError(
            _l("This meeting was recorded as a no-show: ask the organisers."), "no_show_recorded"
        )
    started = db.session.execute(
        update(TableCheckin)
        .where(
            TableCheckin.meeting_id == meeting.id,
            TableCheckin.startup_arrived_at.is_not(None),
            TableCheckin.investor_arrived_at.is_not(None),
            TableCheckin.started_at.is_(None),
        )
        .values(started_at=now),
        execution_options={"synchronize_session": False},
    )
    if started.rowcount:
        db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting.id, Meeting.outcome.is_(None))
            .values(outcome="held", outcome_at=now),
            execution_options={"synchronize_session": False},
        )
    checkin = checkin_of(meeting)
    db.session.refresh(meeting)
    return Arrival("started" if started.rowcount else "arrived", party, meeting, checkin)


def scan_as_party(
    event: Event, table: MeetingTable, user: Any, *, now: datetime | None = None
) -> Arrival:
    """A startup team member or an investor scanned the table's code with their phone."""
    now = now or utcnow()
    if table.event_id != event.id:
        raise TableError(_l("This table belongs to another event."), "wrong_event")
    found = at_table(table, now, user)
    _refuse_at_table(found)
    assert found.meeting is not None
    party = party_of(found.meeting, user)
    if party not in ("startup", "investor"):
        raise TableError(_l("The meeting at this table now is not yours."), "not_party")
    return arrive(event, table, party, found, now=now)


def badge_holder_party(event: Event, meeting: Meeting, code: str) -> str:
    """Whose badge this is for the meeting: `startup` or `investor`; TableError if the
    badge is not valid or its holder takes no part in the meeting."""
    try:
        ref = read_badge_token(code, badge_signing_key())
    except BadgeTokenError as error:
        raise TableError(error.message, "bad_badge", "code") from error
    registration = db.session.scalar(
        select(Registration).where(Registration.badge_code == ref.code)
    )
    if registration is None:
        raise TableError(_l("This badge is unknown."), "bad_badge", "code")
    if registration.event_id != event.id:
        raise TableError(_l("This badge is for another event."), "wrong_event", "code")
    if ref.version != registration.badge_version or registration.status != "confirmed":
        raise TableError(_l("This badge is no longer valid."), "bad_badge", "code")
    user = db.session.scalar(
        select(User).where(func.lower(User.email) == registration.email.lower())
    )
    party = party_of(meeting, user) if user is not None else None
    if party not in ("startup", "investor"):
        raise TableError(
            _l("%(name)s takes no part in the meeting at this table.", name=registration.full_name),
            "not_party",
            "code",
        )
    return party


def scan_badge(
    event: Event, table: MeetingTable, code: str, *, now: datetime | None = None
) -> Arrival:
    """A staff member at the table scanned (or typed) a party's badge."""
    now = now or utcnow()
    if table.event_id != event.id:
        raise TableError(_l("This table belongs to another event."), "wrong_event")
    found = at_table(table, now)
    _refuse_at_table(found)
    assert found.meeting is not None
    party = badge_holder_party(event, found.meeting, code)
    return arrive(event, table, party, found, by="staff", now=now)


# No-shows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoShow:
    meeting_id: int
    absent: str  # the party that did not come


def sweep_no_shows(
    event: Event | None,
    now: datetime | None = None,
    *,
    meeting_ids: list[int] | None = None,
) -> list[NoShow]:
    """Record the no-shows due by `now` (of one event, or of every event): a meeting whose
    slot started `no_show_minutes` ago with one party arrived and the other not. Each is
    recorded once (conditional UPDATE); the present party is told, and a slot the startup
    left empty is offered to the investor's standby list. Safe to run at once in many
    processes; the caller commits."""
    from eventhub.deals.tables.mail import notify_no_show
    from eventhub.deals.tables.standby import offer_freed_slot

    now = now or utcnow()
    query = (
        select(TableCheckin, Meeting)
        .join(Meeting, Meeting.id == TableCheckin.meeting_id)
        .where(
            TableCheckin.started_at.is_(None),
            TableCheckin.no_show_party.is_(None),
            TableCheckin.starts_at > now - SWEEP_WINDOW,
            TableCheckin.starts_at <= now,
            # A startup that took a freed slot arrives late by design: never a no-show.
            TableCheckin.from_standby.is_(False),
            Meeting.status == "confirmed",
        )
    )
    if event is not None:
        query = query.where(TableCheckin.event_id == event.id)
    if meeting_ids is not None:
        query = query.where(TableCheckin.meeting_id.in_(meeting_ids))
    recorded = []
    minutes_of: dict[int, int] = {}
    for checkin, meeting in db.session.execute(query).all():
        if meeting.event_id not in minutes_of:
            minutes_of[meeting.event_id] = no_show_minutes(meeting.event)
        if now < meeting.starts_at + timedelta(minutes=minutes_of[meeting.event_id]):
            continue
        startup_here = checkin.startup_arrived_at is not None
        investor_here = checkin.investor_arrived_at is not None
        if startup_here == investor_here:
            continue  # both here (started), or nobody checked in: nothing to say
        absent = "investor" if startup_here else "startup"
        result = db.session.execute(
            update(TableCheckin)
            .where(
                TableCheckin.meeting_id == meeting.id,
                TableCheckin.no_show_party.is_(None),
                TableCheckin.started_at.is_(None),
            )
            .values(no_show_party=absent, no_show_at=now),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != 1:
            continue  # another process recorded it, or the other party just arrived
        db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting.id, Meeting.outcome.is_(None))
            .values(outcome="no_show", outcome_at=now),
            execution_options={"synchronize_session": False},
        )
        db.session.refresh(meeting)
        db.session.refresh(checkin)
        notify_no_show(meeting, absent)
        if absent == "startup":
            offer_freed_slot(meeting, checkin, now)
        recorded.append(NoShow(meeting.id, absent))
    return recorded
