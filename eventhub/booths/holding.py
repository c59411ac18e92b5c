"""Who holds a booth: the guarded writes that give a booth to an application and take it
back, used by allocation runs, the organiser's moves, self-service picks and decisions.

Guards, all in the database (no lock held in memory):
- every write of a booth is a conditional `UPDATE … WHERE` on the state that was read
  (`status = 'available' AND application_id IS NULL` to take one, `application_id = :app`
  to give one back) with a row-count check; if another request got there first, nothing is
  half-done: the caller rolls back and the person is told;
- `booths.application_id` is unique: one booth per application, whatever the interleaving;
- on PostgreSQL, of two transactions updating one booth row the second waits for the
  first and re-checks the WHERE clause on the committed row (READ COMMITTED), so exactly one
  of two requests taking the same booth at the same instant gets it. On SQLite the UPDATE
  takes the database's write lock and the busy timeout makes the other wait.

Functions flush; the caller commits once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from eventhub.auth.accounts import record_audit
from eventhub.auth.models import User
from eventhub.booths.errors import BoothError
from eventhub.booths.models import Booth, BoothApplication
from eventhub.extensions import db


def changed_meanwhile() -> BoothError:
    return BoothError(
        _l("The plan changed meanwhile (someone else moved a booth). Review it again."),
        "plan_changed",
    )


def take_booth(
    booth_id: int,
    application_id: int,
    now: datetime,
    *,
    pinned: bool,
    statuses: tuple[str, ...] = ("available",),
) -> int:
    """Give a free booth to an application; the number of rows changed (0 or 1)."""
    result = db.session.execute(
        update(Booth)
        .where(
            Booth.id == booth_id,
            Booth.status.in_(statuses),
            Booth.application_id.is_(None),
        )
        .values(status="allocated", application_id=application_id, pinned=pinned, allocated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def give_back_booth(booth_id: int, application_id: int, *, only_unpinned: bool = False) -> int:
    """Free a booth held by `application_id`; the number of rows changed (0 or 1)."""
    statement = update(Booth).where(
        Booth.id == booth_id,
        Booth.status == "allocated",
        Booth.application_id == application_id,
    )
    if only_unpinned:
        statement = statement.where(Booth.pinned.is_(False))
    result = db.session.execute(
        statement.values(
            status="available", application_id=None, pinned=False, allocated_at=None
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount


def expire_booths() -> None:
    """Forget the booths and applications loaded before a guarded write, so that they are
    read again as the database now has them."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Booth | BoothApplication):
            db.session.expire(instance)


def booth_target(booth: Booth) -> str:
    """The booth as the audit log names it: `event-slug/CODE`."""
    return f"{booth.hall.event.slug}/{booth.code}"


def release_booth(booth: Booth, actor: User | None, *, reason: str = "manual") -> Booth:
    """Give the booth back: available again, no exhibitor, no pin."""
    if booth.application_id is None:
        raise BoothError(_l("Booth %(code)s has no exhibitor.", code=booth.code), "booth_free")
    startup = booth.application.startup.name if booth.application else None
    if give_back_booth(booth.id, booth.application_id) != 1:
        raise changed_meanwhile()
    expire_booths()
    record_audit(actor, "booth.release", booth_target(booth), startup=startup, reason=reason)
    return booth
