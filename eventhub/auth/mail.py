"""What account holders are told by e-mail: the link to reset a password, the link that
confirms a new address, and (at the old address) that the address changed; in the
person's language.

The `tell_…` functions record the message in the caller's transaction (see
eventhub/notifications/mailing.py); a job builds and sends it once that commits. A link's
message holds the link's seed, not its secret (see eventhub/auth/links.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import get_locale, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.auth.links import IssuedLink, LinkState, link_secret, state_of
from eventhub.auth.models import AccountToken, Invitation, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.mailing import Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.routing import public_url
from eventhub.templating import datetime_to_minute

PASSWORD_RESET_KIND = "account.password_reset"  # noqa: S105 (a mail kind, not a secret)
EMAIL_CHANGE_KIND = "account.email_change"
EMAIL_CHANGED_KIND = "account.email_changed"
INVITATION_KIND = "account.invitation"
SECURITY_CHANGE_KIND = "account.security_change"


def _language(user: User) -> str | None:
    """The person's language, else the one of the page they asked from."""
    locale = get_locale()
    return user.preferred_language or (str(locale) if locale is not None else None)


def _tell_link(kind: str, user: User, issued: IssuedLink, to: str) -> bool:
    return queue_mail(
        kind,
        key=f"{kind}:{issued.token.id}",
        to=to,
        language=_language(user),
        params={"token_id": issued.token.id, "seed": issued.seed},
    )


def tell_password_reset(user: User, issued: IssuedLink) -> bool:
    return _tell_link(PASSWORD_RESET_KIND, user, issued, user.email)


def tell_email_change(user: User, issued: IssuedLink) -> bool:
    assert issued.token.new_email is not None
    return _tell_link(EMAIL_CHANGE_KIND, user, issued, issued.token.new_email)


def tell_email_changed(user: User, old_email: str, token_id: int) -> bool:
    return queue_mail(
        EMAIL_CHANGED_KIND,
        key=f"{EMAIL_CHANGED_KIND}:{token_id}",
        to=old_email,
        language=_language(user),
        params={"user_id": user.id, "old_email": old_email, "new_email": user.email},
    )


def tell_security_change(user: User, change: str, now: datetime) -> bool:
    """Tell the account's address that its password or two-factor sign-in changed, so that
    a change its owner did not make does not go unnoticed. `change` is one of
    SECURITY_CHANGES."""
    assert change in SECURITY_CHANGES
    return queue_mail(
        SECURITY_CHANGE_KIND,
        key=f"{SECURITY_CHANGE_KIND}:{user.id}:{change}:{now.isoformat()}",
        to=user.email,
        language=_language(user),
        params={"user_id": user.id, "change": change, "at": now.isoformat()},
    )


def tell_invitation(invitation: Invitation, issued: IssuedLink) -> bool:
    """The invitation's e-mail, in the invited person's language (else the inviter's)."""
    return queue_mail(
        INVITATION_KIND,
        key=f"{INVITATION_KIND}:{issued.token.id}",
        to=invitation.user.email,
        language=_language(invitation.user),
        params={"token_id": issued.token.id, "seed": issued.seed, "invitation_id": invitation.id},
    )


def valid_link(message: MailMessage) -> tuple[AccountToken, str] | None:
    """The link's token and secret, while it can still be used and its user is active."""
    token = db.session.get(AccountToken, message.params.get("token_id"))
    if state_of(token, utcnow()) is not LinkState.VALID or not token.user.is_active:
        return None  # used, replaced or expired before this was sent: nothing to tell
    return token, link_secret(message.params["seed"])


@builds(PASSWORD_RESET_KIND)
def password_reset_mail(message: MailMessage) -> Mail | None:
    link = valid_link(message)
    if link is None:
        return None
    token, secret = link
    return Mail(
        subject=_("Reset your EventHub password"),
        text=render_template(
            "auth/mail_password_reset.txt",
            user=token.user,
            reset_url=public_url("auth.reset_password", secret=secret),
        ),
    )


@builds(EMAIL_CHANGE_KIND)
def email_change_mail(message: MailMessage) -> Mail | None:
    link = valid_link(message)
    if link is None:
        return None
    token, secret = link
    return Mail(
        subject=_("Confirm your new e-mail address"),
        text=render_template(
            "auth/mail_email_change.txt",
            user=token.user,
            new_email=token.new_email,
            confirm_url=public_url("auth.confirm_email", secret=secret),
        ),
    )


@builds(EMAIL_CHANGED_KIND)
def email_changed_mail(message: MailMessage) -> Mail | None:
    user = db.session.get(User, message.params.get("user_id"))
    if user is None:
        return None
    return Mail(
        subject=_("The e-mail address of your EventHub account changed"),
        text=render_template(
            "auth/mail_email_changed.txt",
            user=user,
            old_email=message.params["old_email"],
            new_email=message.params["new_email"],
            forgot_url=public_url("auth.forgot_password"),
        ),
    )


@builds(INVITATION_KIND)
def invitation_mail(message: MailMessage) -> Mail | None:
    link = valid_link(message)
    invitation = db.session.get(Invitation, message.params.get("invitation_id"))
    if link is None or invitation is None or invitation.revoked_at is not None:
        return None
    token, secret = link
    user = token.user
    team = user.startup.name if user.startup else user.investor.fund if user.investor else ""
    return Mail(
        subject=_("You are invited to EventHub"),
        text=render_template(
            "auth/mail_invitation.txt",
            user=user,
            inviter=invitation.invited_by,
            team=team,
            expires_at=token.expires_at,
            accept_url=public_url("auth.accept_invitation", secret=secret),
        ),
    )


def _security_changes() -> dict[str, Any]:
    return {
        "password_changed": _l("The password of your EventHub account was changed"),
        "password_reset": _l("The password of your EventHub account was reset"),
        "two_factor_on": _l("Two-factor sign-in was turned on for your EventHub account"),
        "two_factor_off": _l("Two-factor sign-in was turned off for your EventHub account"),
        "two_factor_removed": _l(
            "An organiser removed the two-factor sign-in of your EventHub account"
        ),
        "recovery_codes": _l("New recovery codes were drawn for your EventHub account"),
    }


SECURITY_CHANGES = (
    "password_changed",
    "password_reset",
    "two_factor_on",
    "two_factor_off",
    "two_factor_removed",
    "recovery_codes",
)


@builds(SECURITY_CHANGE_KIND)
def security_change_mail(message: MailMessage) -> Mail | None:
    user = db.session.get(User, message.params.get("user_id"))
    change = message.params.get("change")
    if user is None or change not in SECURITY_CHANGES:
        return None
    what = _security_changes()[change]
    return Mail(
        subject=str(what),
        text=render_template(
            "auth/mail_security_change.txt",
            user=user,
            what=what,
            at=datetime_to_minute(
                to_user_timezone(datetime.fromisoformat(message.params["at"])).replace(tzinfo=None)
            ),
            forgot_url=public_url("auth.forgot_password"),
        ),
    )
