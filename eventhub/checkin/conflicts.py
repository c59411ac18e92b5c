"""Door conflicts: scans a scanner decided offline as an entry that the server, when the
scan reached it, recorded otherwise.

Two devices without a connection may both let the same badge in on the same day: the
first scan to reach the server is the admission, the other is recorded `already_inside`.
A badge cancelled (or reissued) while a scanner was offline is recorded `revoked`. The
person is in already: nothing is lost, and the organiser sees each case here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from eventhub.checkin.models import Scan
from eventhub.checkin.scanning import ENTRIES
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration

CONFLICTS_PAGE_SIZE = 100


def _conflicting(event: Event) -> tuple[ColumnElement[bool], ...]:
    """Scans a device let in offline and the server did not record as an entry."""
    return (
        Scan.event_id == event.id,
        Scan.offline.is_(True),
        Scan.offline_result.in_(ENTRIES),
        Scan.result.not_in(ENTRIES),
    )


def count_conflicts(event: Event, day: date | None = None) -> int:
    """How many conflicts the event has, on `day` or on all days."""
    query = select(func.count()).where(*_conflicting(event))
    if day is not None:
        query = query.where(Scan.day == day)
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class DoorConflict:
    scan_id: int
    scanned_at: datetime  # when the device scanned it (its clock corrected at its last sync)
    recorded_at: datetime  # when the server received it
    gate: str
    device: str
    shown: str  # what the device showed: admitted or reentered
    recorded: str  # what the server recorded: already_inside, revoked, not_today…
    # Why the server refused, when the scan alone does not say: the registration's
    # status now (cancelled, waitlisted, offered), or badge_reissued.
    reason: str | None
    name: str | None  # None: the badge is no one's now
    number: str | None
    first_gate: str | None  # the admission the server kept that day into that zone, if any
    first_at: datetime | None


@dataclass(frozen=True)
class ConflictPage:
    conflicts: list[DoorConflict]
    total: int
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def conflicts_page(event: Event, page: int = 1) -> ConflictPage:
    """The event's conflicts, newest scan first, CONFLICTS_PAGE_SIZE a page; a page number
    beyond the last gives the last page."""
    total = count_conflicts(event)
    pages = max(1, -(-total // CONFLICTS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    first = aliased(Scan)
    rows = db.session.execute(
        select(Scan, Registration, first.gate, first.scanned_at)
        .outerjoin(Registration, Registration.id == Scan.registration_id)
        .outerjoin(
            first,
            (first.registration_id == Scan.registration_id)
            & (first.day == Scan.day)
            & (first.zone_key == Scan.zone_key)
            & (first.result == "admitted"),
        )
        .where(*_conflicting(event))
        .order_by(Scan.scanned_at.desc(), Scan.id.desc())
        .limit(CONFLICTS_PAGE_SIZE)
        .offset((page - 1) * CONFLICTS_PAGE_SIZE)
    ).all()
    return ConflictPage(
        [_conflict(scan, registration, gate, at) for scan, registration, gate, at in rows],
        total,
        page,
        pages,
    )


def _conflict(
    scan: Scan,
    registration: Registration | None,
    first_gate: str | None,
    first_at: datetime | None,
) -> DoorConflict:
    return DoorConflict(
        scan_id=scan.id,
        scanned_at=scan.scanned_at,
        recorded_at=scan.recorded_at,
        gate=scan.gate,
        device=scan.device,
        shown=scan.offline_result or "",
        recorded=scan.result,
        reason=_reason(scan, registration),
        name=registration.full_name if registration else None,
        number=registration.number if registration else None,
        first_gate=first_gate,
        first_at=first_at,
    )


def _reason(scan: Scan, registration: Registration | None) -> str | None:
    if scan.result != "revoked" or registration is None:
        return None
    if registration.status != "confirmed":
        return registration.status
    return "badge_reissued"
