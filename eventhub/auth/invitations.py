"""Invitations: an organiser (or a teammate) gives someone an account; the person follows
the link in the e-mail, chooses a password, and is in.

The invited account exists from the start, with status "invited" and no usable password,
so that its profile can be filled in beforehand (from a cohort import) and so that the
organiser sees it in the users list. The link is an AccountToken of purpose "invitation"
(see links.py: random, stored as a hash, single use, expiring); resending draws a new link,
which voids the old one. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from eventhub.auth.accounts import (
    AccountError,
    check_new_password,
    find_user_by_email,
    normalise_email,
    record_audit,
    set_password,
)
from eventhub.auth.links import INVITATION, issue_link, redeem_link, void_links
from eventhub.auth.mail import tell_invitation
from eventhub.auth.models import ROLES, Invitation, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.profiles import create_profile_for, unique_startup_name

INVITATION_STATES = ("sent", "opened", "accepted", "expired", "revoked")
MAX_NAME_LENGTH = 120  # users.name


def invitation_ttl() -> timedelta:
    return timedelta(days=current_app.config.get("INVITATION_TTL_DAYS", 14))


def invitation_state(invitation: Invitation, now: datetime) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.expires_at <= now:
        return "expired"
    if invitation.opened_at is not None:
        return "opened"
    return "sent"


@dataclass
class Invitee:
    """Who to invite, and what their profile starts with."""

    email: str
    name: str
    role: str
    language: str | None = None
    # For a startup: its startup (a teammate joins an existing one) or the name of a new one.
    startup: Startup | None = None
    startup_name: str = ""
    programme: str = ""
    city_site: str = ""
    # For an investor: its firm (a teammate) or the fund of a new one.
    investor: Investor | None = None
    fund: str = ""


def invite(invitee: Invitee, invited_by: User | None, *, now: datetime | None = None) -> User:
    """Create the invited account (and its profile, or join it to its team) and send the
    invitation. Raises AccountError for an address already used or a bad role or name."""
    now = now or utcnow()
    email = normalise_email(invitee.email)
    name = invitee.name.strip()
    if invitee.role not in ROLES:
        raise AccountError(_l("Choose a role."), "bad_role", "role")
    if not name or len(name) > MAX_NAME_LENGTH:
        raise AccountError(
            _l("The name must have 1 to %(count)d characters.", count=MAX_NAME_LENGTH),
            "bad_name",
            "name",
        )
    if find_user_by_email(email) is not None:
        raise AccountError(_l("An account already uses this address."), "email_taken", "email")
    user = User(
        email=email,
        password_hash="",  # no password can match until the person chooses one
        role=invitee.role,
        name=name,
        preferred_language=invitee.language,
        status="invited",
    )
    db.session.add(user)
    _join_team_or_create_profile(user, invitee)
    db.session.flush()
    invitation = Invitation(
        user=user,
        invited_by=invited_by,
        created_at=now,
        sent_at=now,
        send_count=1,
        expires_at=now + invitation_ttl(),
    )
    db.session.add(invitation)
    _send(invitation, now)
    record_audit(invited_by, "account.invite", user.email, role=user.role)
    return user


def _join_team_or_create_profile(user: User, invitee: Invitee) -> None:
    if user.role == "startup" and invitee.startup is not None:
        user.startup = invitee.startup
    elif user.role == "investor" and invitee.investor is not None:
        user.investor = invitee.investor
    else:
        create_profile_for(user)
        if user.startup is not None and invitee.role == "startup":
            _prefill_startup(user.startup, invitee)
        if user.investor is not None and invitee.fund.strip():
            user.investor.fund = invitee.fund.strip()[:120]


def _prefill_startup(startup: Startup, invitee: Invitee) -> None:
    if invitee.startup_name.strip():
        startup.name = unique_startup_name(invitee.startup_name.strip())
    startup.programme = invitee.programme.strip()[:60]
    startup.city_site = invitee.city_site.strip()[:60]


def _send(invitation: Invitation, now: datetime) -> None:
    issued = issue_link(invitation.user, INVITATION, invitation.expires_at - now, now=now)
    tell_invitation(invitation, issued)


class InvitationError(AccountError):
    """An invitation that cannot be resent or revoked."""


def resend(invitation: Invitation, by: User | None, *, now: datetime | None = None) -> None:
    """A new link, valid for the whole period again; the old one stops working."""
    now = now or utcnow()
    if invitation.accepted_at is not None:
        raise InvitationError(_l("This invitation was already accepted."), "accepted")
    if not invitation.user.is_active:
        raise InvitationError(_l("This account is deactivated."), "deactivated")
    invitation.revoked_at = None
    invitation.sent_at = now
    invitation.send_count += 1
    invitation.expires_at = now + invitation_ttl()
    _send(invitation, now)
    record_audit(by, "account.invitation_resend", invitation.user.email)


def revoke(invitation: Invitation, by: User | None, *, now: datetime | None = None) -> None:
    """The link stops working; the account stays, invited, until resent."""
    now = now or utcnow()
    if invitation.accepted_at is not None:
        raise InvitationError(_l("This invitation was already accepted."), "accepted")
    invitation.revoked_at = now
    void_links(invitation.user_id, INVITATION, now)
    record_audit(by, "account.invitation_revoke", invitation.user.email)


def invitation_of(user: User) -> Invitation | None:
    return db.session.scalar(db.select(Invitation).where(Invitation.user_id == user.id))


def mark_opened(invitation: Invitation, now: datetime) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = now


def accept(secret: str, password: str, now: datetime) -> User | None:
    """Set the password, activate the account: the account, or None when the link cannot
    be used (used, expired, revoked, unknown). A refused password leaves the link unused."""
    check_new_password(password)
    token = redeem_link(secret, INVITATION, now)
    if token is None:
        return None
    user = token.user
    invitation = invitation_of(user)
    if invitation is None or invitation.revoked_at is not None or not user.is_active:
        return None
    set_password(user, password)
    user.status = "active"
    invitation.accepted_at = now
    record_audit(user, "account.invitation_accept", user.email)
    return user
