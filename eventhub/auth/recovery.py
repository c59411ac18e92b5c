"""A forgotten password reset by a link, and an e-mail address changed once the new one
is confirmed by a link. The caller commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.auth.accounts import (
    AccountError,
    check_new_password,
    find_user_by_email,
    normalise_email,
    record_audit,
    set_password,
)
from eventhub.auth.invitations import invitation_of, resend
from eventhub.auth.links import EMAIL_CHANGE, PASSWORD_RESET, issue_link, redeem_link
from eventhub.auth.mail import (
    tell_email_change,
    tell_email_changed,
    tell_password_reset,
    tell_security_change,
)
from eventhub.auth.models import User
from eventhub.auth.passwords import verify_password
from eventhub.extensions import db

RESET_LINK_TTL = timedelta(hours=1)
EMAIL_CHANGE_LINK_TTL = timedelta(hours=24)


def request_password_reset(email: str) -> None:
    """Send a reset link if an active account has this address; nothing otherwise, and
    nothing tells the caller which it was."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    if user.status == "invited":
        _send_invitation_again(user)
        return
    if user.status not in ("active", "pending"):
        return
    tell_password_reset(user, issue_link(user, PASSWORD_RESET, RESET_LINK_TTL))


def _send_invitation_again(user: User) -> None:
    """An invited person who lost the invitation and asks for a password gets a new
    invitation link, unless the organiser revoked it."""
    invitation = invitation_of(user)
    if invitation is not None and invitation.revoked_at is None:
        resend(invitation, by=None)


def reset_password(secret: str, password: str, now: datetime) -> User | None:
    """Set the password of the link's account and end its sessions: the account, or None
    when the link cannot be used (used, expired, unknown) or its account is deactivated.
    A refused password leaves the link unused."""
    check_new_password(password)
    token = redeem_link(secret, PASSWORD_RESET, now)
    if token is None or not token.user.is_active:
        return None
    set_password(token.user, password)
    record_audit(token.user, "account.password_reset", token.user.email)
    tell_security_change(token.user, "password_reset", now)
    return token.user


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Send a confirmation link to `new_email`, if the password is right. An address that
    another account uses gets no link, and the answer does not say so."""
    if not verify_password(user.password_hash, password):
        raise AccountError(_l("The current password is not right."), "wrong_password", "current")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError(_l("This is already your address."), "same_email", "email")
    if find_user_by_email(new_email) is not None:
        return
    tell_email_change(user, issue_link(user, EMAIL_CHANGE, EMAIL_CHANGE_LINK_TTL, new_email))


def confirm_email_change(secret: str, now: datetime) -> User | None:
    """Move the account to the confirmed address and tell the old one: the account, or
    None when the link cannot be used. Raises AccountError if another account took the
    address meanwhile: the caller rolls back (nothing changes, the link stays unused)."""
    token = redeem_link(secret, EMAIL_CHANGE, now)
    if token is None or token.new_email is None or not token.user.is_active:
        return None
    user = token.user
    if find_user_by_email(token.new_email) is not None:
        raise AccountError(
            _l("This address can no longer be used. Ask for the change again."), "email_taken"
        )
    old_email = user.email
    try:
        with db.session.begin_nested():
            user.email = token.new_email
    except IntegrityError as error:  # taken between the check and the write
        raise AccountError(
            _l("This address can no longer be used. Ask for the change again."), "email_taken"
        ) from error
    record_audit(user, "account.email_change", user.email, old=old_email)
    tell_email_changed(user, old_email, token.id)
    return user
