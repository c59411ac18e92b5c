"""The organiser's management of accounts: the list of users (search, filters), and the
changes an organiser makes to an account (its role, deactivating and reactivating it).

An organiser cannot change their own role nor deactivate themselves, and the last active
organiser can never be demoted nor deactivated. That rule counts the active organisers
after `lock_organisers`, in the transaction that makes the change: two organisers who
demote each other at the same moment cannot both succeed, on PostgreSQL or on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from eventhub.auth.accounts import deactivate_user, record_audit
from eventhub.auth.models import ROLES, User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID, contains_text, search_text
from eventhub.profiles.profiles import create_profile_for

ORGANISER = "admin"

# The states an account can be in, for the list's filter, each with its condition in
# `_STATE_CONDITIONS`: a deactivated account is "deactivated" whatever its status.
USER_STATES = ("active", "invited", "pending", "rejected", "deactivated")
_PENDING_STATUSES = ("unverified", "pending")
_STATE_CONDITIONS = {
    "active": User.is_active.is_(True) & (User.status == "active"),
    "invited": User.is_active.is_(True) & (User.status == "invited"),
    "pending": User.is_active.is_(True) & User.status.in_(_PENDING_STATUSES),
    "rejected": User.is_active.is_(True) & (User.status == "rejected"),
    "deactivated": User.is_active.is_(False),
}


def role_labels() -> dict[str, Any]:
    return {
        "admin": _l("Organiser"),
        "staff": _l("Door staff"),
        "startup": _l("Startup"),
        "investor": _l("Investor"),
    }


def state_labels() -> dict[str, Any]:
    return {
        "active": _l("Active"),
        "invited": _l("Invited"),
        "pending": _l("Awaiting approval"),
        "rejected": _l("Rejected"),
        "deactivated": _l("Deactivated"),
    }


def _state(is_active: bool, status: str) -> str:
    if not is_active:
        return "deactivated"
    if status in _PENDING_STATUSES:
        return "pending"
    return status if status in USER_STATES else "active"


def state_of(user: User) -> str:
    return _state(user.is_active, user.status)


class UserAdminError(DomainError):
    """A change to an account that the organiser may not make."""


# The list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    q: str = ""
    role: str | None = None
    state: str | None = None

    @classmethod
    def read(cls, q: str | None, role: str | None, state: str | None) -> UserFilters:
        """Filters from what was typed or picked; an unknown role or state is no filter."""
        return cls(
            q=search_text(q)[:100],
            role=role if role in ROLES else None,
            state=state if state in USER_STATES else None,
        )

    def query_args(self) -> dict[str, str]:
        args = {"q": self.q, "role": self.role or "", "state": self.state or ""}
        return {key: value for key, value in args.items() if value}


# The sortable columns of the list (eventhub/listing.py); by name by default.
USER_SORTS: dict[str, Any] = {
    "name": [func.lower(User.name), User.email],
    "email": User.email,
    "role": User.role,
    # "Never" before any time, on PostgreSQL (NULLs last) and SQLite (NULLs first) alike.
    "last_sign_in": [User.last_login_at.is_not(None), User.last_login_at],
    "created": User.created_at,
}


def select_users(filters: UserFilters) -> Select[tuple[User]]:
    """The users that match, by name (then e-mail), with their startup and investor profile."""
    query = select(User).options(joinedload(User.startup), joinedload(User.investor))
    if filters.q:
        query = query.where(contains_text(filters.q, User.name, User.email))
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.state:
        query = query.where(_STATE_CONDITIONS[filters.state])
    return query.order_by(func.lower(User.name), User.email, User.id)


def organisation_of(user: User) -> str | None:
    """The startup or the fund the account speaks for, if its role has one (an account
    whose role was changed keeps its old profile, which it no longer speaks for)."""
    if user.role == "startup" and user.startup is not None:
        return user.startup.name
    if user.role == "investor" and user.investor is not None:
        return user.investor.fund
    return None


def count_by_state() -> dict[str, int]:
    counts = dict.fromkeys(USER_STATES, 0)
    for is_active, status, count in db.session.execute(
        select(User.is_active, User.status, func.count()).group_by(User.is_active, User.status)
    ):
        counts[_state(is_active, status)] += count
    return counts


def find_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ROW_ID else None
    if user is None:
        raise UserAdminError(_l("There is no such account."), "unknown_user")
    return user


# Changes -------------------------------------------------------------------------------


def lock_organisers() -> None:
    """Serialise every change that could leave no active organiser, until commit: a no-op
    write to the active organisers' rows, which locks them (PostgreSQL) or takes the
    database's write lock (SQLite). A concurrent change waits, then counts anew."""
    db.session.execute(
        update(User)
        .where(User.role == ORGANISER, User.is_active.is_(True))
        .values(role=User.role)
        .execution_options(synchronize_session=False)
    )


def _active_organiser_ids() -> set[int]:
    return set(
        db.session.scalars(select(User.id).where(User.role == ORGANISER, User.is_active.is_(True)))
    )


def _check_not_self(actor: User, user: User) -> None:
    if actor.id == user.id:
        raise UserAdminError(
            _l("You cannot change your own role or deactivate your own account."),
            "own_account",
        )


def _locked(actor: User, user: User) -> User:
    """`user` read anew once the organisers are locked; refuses a change that would take
    away the last active organiser, or one made by who is no longer an organiser."""
    lock_organisers()
    db.session.refresh(user)
    organisers = _active_organiser_ids()
    if user.id in organisers and not organisers - {user.id}:
        raise UserAdminError(
            _l(
                "%(name)s is the last active organiser: make someone else an organiser first.",
                name=user.name,
            ),
            "last_organiser",
        )
    if actor.id not in organisers:
        raise UserAdminError(_l("Only an active organiser can do this."), "not_organiser")
    return user


def change_role(actor: User, user: User, role: str) -> bool:
    """Give `user` the role `role`; False when it already had it. Flushes, the caller
    commits (or rolls back on a refusal)."""
    if role not in ROLES:
        raise UserAdminError(_l("Choose one of the roles offered."), "unknown_role", "role")
    _check_not_self(actor, user)
    user = _locked(actor, user)
    old = user.role
    if old == role:
        return False
    user.role = role
    create_profile_for(user)
    record_audit(actor, "user.role_change", user.email, user=user.name, old=old, new=role)
    db.session.flush()
    return True


def deactivate(actor: User, user: User) -> bool:
    """End every session of `user` and keep it from signing in; False when it already was."""
    _check_not_self(actor, user)
    user = _locked(actor, user)
    if not user.is_active:
        return False
    deactivate_user(user)
    record_audit(actor, "user.deactivate", user.email, user=user.name)
    db.session.flush()
    return True


def reactivate(actor: User, user: User) -> bool:
    """Let `user` sign in again (with its password; no session of before comes back)."""
    _check_not_self(actor, user)
    db.session.refresh(user)
    if user.is_active:
        return False
    user.is_active = True
    record_audit(actor, "user.reactivate", user.email, user=user.name)
    db.session.flush()
    return True
