"""Teams: the people of one startup, or of one investor firm, who share its account.

Every page checks access through `current_user.startup` / `current_user.investor`, so a
teammate sees and does what the rest of the team does: the profile, the booth, the
meetings and requests. One member is the team's owner (Startup.owner; for a firm,
Investor.user): only the owner invites teammates, resends their invitations, removes them
and hands the ownership to another active member. A teammate who is not the owner may
leave; the owner must hand the ownership on first.

When the recorded owner is missing (startups.owner_id NULL) or is no longer an active
member of the team (an organiser deactivated the account), the oldest active member
counts as the owner, so that a team is never left without someone who can manage it.

A removed (or leaving) member is deactivated, which ends their sessions at once, and
detached from the team; an invitation they had not accepted yet stops working.

Every change begins with `lock_team`, a no-op write to the team's row: it locks the row on
PostgreSQL and takes the database's write lock on SQLite, so that changes to one team
happen one after the other and each checks the owner and the team's size anew. A hand-over
moreover changes the owner with a conditional update (only if the owner is still the one
read), so two hand-overs at once cannot both win. Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from eventhub.admin.users import state_of
from eventhub.auth.accounts import deactivate_user, record_audit
from eventhub.auth.invitations import (
    Invitee,
    invitation_of,
    invitation_state,
    invite,
    resend,
    revoke,
)
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

Team = Startup | Investor

DEFAULT_MAX_MEMBERS = 10
TEAM_ROLES = ("startup", "investor")


class TeamError(DomainError):
    """A change to a team that cannot be made (codes: no_team, not_owner, not_member,
    own_account, team_full, not_active, not_invited, owner_leaves, owner_changed)."""


@dataclass(frozen=True)
class Member:
    """A member of a team as its page shows them. `state` is active, invited or
    deactivated (see eventhub.admin.users.state_of); `invitation` the state of an invited member's
    invitation (sent, opened, expired, revoked)."""

    user: User
    state: str
    invitation: str | None
    is_owner: bool


# Reading -----------------------------------------------------------------------------------


def team_for(user: User) -> Team | None:
    """The startup or firm the account belongs to, if its role has one."""
    if user.role == "startup":
        return user.startup
    if user.role == "investor":
        return user.investor
    return None


def team_name(team: Team) -> str:
    return team.name if isinstance(team, Startup) else team.fund


def _member_column(team: Team):
    return User.startup_id if isinstance(team, Startup) else User.investor_id


def _recorded_owner_id(team: Team) -> int | None:
    return team.owner_id if isinstance(team, Startup) else team.user_id


def belongs_to(user: User, team: Team) -> bool:
    team_id = user.startup_id if isinstance(team, Startup) else user.investor_id
    return team_id == team.id


def members_of(team: Team) -> list[User]:
    """Everyone attached to the team, whatever their state, oldest account first."""
    return list(
        db.session.scalars(
            select(User).where(_member_column(team) == team.id).order_by(User.created_at, User.id)
        )
    )


def _is_active_member(user: User) -> bool:
    return user.is_active and user.status == "active"


def owner_of(team: Team) -> User | None:
    """The recorded owner while they are a member with a usable account, else the oldest
    active member (see the module's docstring); None for a team with neither."""
    recorded_id = _recorded_owner_id(team)
    recorded = db.session.get(User, recorded_id) if recorded_id is not None else None
    if recorded is not None and recorded.is_active and belongs_to(recorded, team):
        return recorded
    return db.session.scalar(
        select(User)
        .where(
            _member_column(team) == team.id,
            User.is_active.is_(True),
            User.status == "active",
        )
        .order_by(User.created_at, User.id)
        .limit(1)
    )


def is_owner(user: User) -> bool:
    team = team_for(user)
    if team is None:
        return False
    owner = owner_of(team)
    return owner is not None and owner.id == user.id


def team_of(user: User, now: datetime | None = None) -> list[Member]:
    """The members of `user`'s team with their state, oldest first ([] without a team)."""
    team = team_for(user)
    if team is None:
        return []
    now = now or utcnow()
    owner = owner_of(team)
    members = []
    for member in members_of(team):
        state = state_of(member)
        invitation = invitation_of(member) if state == "invited" else None
        members.append(
            Member(
                user=member,
                state=state,
                invitation=invitation_state(invitation, now) if invitation else None,
                is_owner=owner is not None and owner.id == member.id,
            )
        )
    return members


def count_members(team: Team) -> int:
    """Members whose account is not deactivated (the invited ones count)."""
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(_member_column(team) == team.id, User.is_active.is_(True))
    )


def max_members() -> int:
    return int(current_app.config.get("TEAM_MAX_MEMBERS", DEFAULT_MAX_MEMBERS))


# Changing ----------------------------------------------------------------------------------


def lock_team(team: Team) -> None:
    """Serialise the changes to `team` until commit (see the module's docstring)."""
    model = type(team)
    column = model.owner_id if isinstance(team, Startup) else model.user_id
    db.session.execute(
        update(model)
        .where(model.id == team.id)
        .values({column: column})
        .execution_options(synchronize_session=False)
    )


def _owned_team(owner: User) -> Team:
    """The team of `owner`, locked, once it is sure `owner` is its owner."""
    team = team_for(owner)
    if team is None:
        raise TeamError(_l("Your account belongs to no startup or firm."), "no_team")
    lock_team(team)
    db.session.refresh(team)
    db.session.refresh(owner)
    if not is_owner(owner):
        raise TeamError(_l("Only the owner of the team can do this."), "not_owner")
    return team


def _teammate(team: Team, member: User) -> User:
    db.session.refresh(member)
    if not belongs_to(member, team):
        raise TeamError(_l("This person is not in your team."), "not_member")
    return member


def invite_teammate(
    inviter: User, email: str, name: str, language: str | None, *, now: datetime | None = None
) -> User:
    """Invite someone into the inviter's team: an account of the same role, attached to the
    same startup or firm, and the invitation's e-mail (which names the inviter and the
    team). Raises TeamError, or AccountError for a bad name or an address already used."""
    team = _owned_team(inviter)
    limit = max_members()
    if count_members(team) >= limit:
        raise TeamError(
            _l(
                "Your team already has %(count)d members, the most allowed: remove someone "
                "before inviting another person.",
                count=limit,
            ),
            "team_full",
        )
    invitee = Invitee(email=email, name=name, role=inviter.role, language=language or None)
    if isinstance(team, Startup):
        invitee.startup = team
    else:
        invitee.investor = team
    user = invite(invitee, invited_by=inviter, now=now)
    db.session.flush()
    return user


def resend_invitation(owner: User, member: User, *, now: datetime | None = None) -> None:
    """A new link for a teammate who has not accepted yet; the old one stops working."""
    team = _owned_team(owner)
    member = _teammate(team, member)
    invitation = invitation_of(member)
    if invitation is None or member.status != "invited":
        raise TeamError(
            _l("%(name)s has no invitation waiting for an answer.", name=member.name),
            "not_invited",
        )
    resend(invitation, owner, now=now)
    db.session.flush()


def remove_teammate(owner: User, member: User, *, now: datetime | None = None) -> None:
    """Take `member` out of the owner's team: their account is deactivated (every session
    ends at once) and detached from the team, their invitation revoked if still open."""
    team = _owned_team(owner)
    member = _teammate(team, member)
    if member.id == owner.id:
        raise TeamError(
            _l("You cannot remove yourself: hand the ownership to a teammate first."),
            "own_account",
        )
    _take_out(team, member, now or utcnow(), by=owner)
    if _recorded_owner_id(team) == member.id:  # a recorded owner no longer active
        _record_owner(team, owner)
    record_audit(owner, "team.remove", member.email, user=member.name, team=team_name(team))
    db.session.flush()


def leave_team(member: User, *, now: datetime | None = None) -> None:
    """A teammate leaves: their account is deactivated and detached, like a removal."""
    team = team_for(member)
    if team is None:
        raise TeamError(_l("Your account belongs to no startup or firm."), "no_team")
    lock_team(team)
    db.session.refresh(team)
    if is_owner(member):
        raise TeamError(
            _l("You own this team: hand the ownership to a teammate before you leave."),
            "owner_leaves",
        )
    _take_out(team, member, now or utcnow(), by=member)
    record_audit(member, "team.leave", member.email, user=member.name, team=team_name(team))
    db.session.flush()


def _take_out(team: Team, member: User, now: datetime, by: User) -> None:
    invitation = invitation_of(member)
    if invitation is not None and invitation.accepted_at is None and not invitation.revoked_at:
        revoke(invitation, by, now=now)
    deactivate_user(member)
    if isinstance(team, Startup):
        member.startup = None
    else:
        member.investor = None


def _record_owner(team: Team, user: User) -> None:
    if isinstance(team, Startup):
        team.owner = user
    else:
        team.user = user


def hand_over_ownership(owner: User, member: User) -> None:
    """Make `member`, an active teammate, the owner of the team in place of `owner`."""
    team = _owned_team(owner)
    member = _teammate(team, member)
    if member.id == owner.id:
        raise TeamError(_l("You already own this team."), "own_account")
    if not _is_active_member(member):
        raise TeamError(
            _l(
                "%(name)s must have accepted the invitation, with an account not "
                "deactivated, to own the team.",
                name=member.name,
            ),
            "not_active",
        )
    if not replace_owner(team, _recorded_owner_id(team), member.id):
        raise TeamError(
            _l("The team's owner changed meanwhile: look at the team again."), "owner_changed"
        )
    record_audit(owner, "team.hand_over", member.email, user=member.name, team=team_name(team))
    db.session.flush()


def replace_owner(team: Team, expected_id: int | None, new_id: int) -> bool:
    """Owner := new_id only if the owner is still `expected_id`; whether it was written."""
    model = type(team)
    column = model.owner_id if isinstance(team, Startup) else model.user_id
    unchanged = column.is_(None) if expected_id is None else column == expected_id
    written = db.session.execute(
        update(model)
        .where(model.id == team.id, unchanged)
        .values({column: new_id})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(team)
    return written.rowcount == 1
