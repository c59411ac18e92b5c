"""Account logic: creating users, authenticating, API tokens, the audit log."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import selectinload

from eventhub.auth.models import (
    ROLES,
    TOKEN_SCOPES,
    ApiToken,
    AuditEntry,
    User,
    new_session_token,
)
from eventhub.auth.passwords import hash_password, needs_rehash, verify_nothing, verify_password
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.profiles import create_profile_for

TOKEN_USE_RESOLUTION = timedelta(minutes=1)
API_TOKEN_PREFIX = "ehk_"  # noqa: S105 (a public marker, not a secret)
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 120  # users.name
MAX_TOKEN_LABEL_LENGTH = 80  # api_tokens.label


class AccountError(DomainError):
    """An account that cannot be created or changed so."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    if "\x00" in email:  # never in a stored address, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, password: str, role: str, name: str, *, preferred_language: str | None = None
) -> User:
    """Add a user (and its startup or investor profile, named after `name`). Flushes only."""
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.", "bad_role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "weak_password"
        )
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise AccountError(
            f"The name must have at most {MAX_NAME_LENGTH} characters.", "name_too_long"
        )
    if find_user_by_email(email):
        raise AccountError(f"An account already uses {normalise_email(email)}.", "email_taken")
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=role,
        name=name.strip() or normalise_email(email),
        preferred_language=preferred_language,
    )
    db.session.add(user)
    create_profile_for(user)
    db.session.flush()
    return user


def check_new_password(password: str) -> None:
    """The rule of create_user, for a password chosen on a page."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password must have at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            "weak_password",
            field="password",
        )


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Upgrades an outdated hash.

    A password is verified in every case, against a dummy hash when no account has the
    address, and before the account's state is looked at: the answer takes as long
    whether the address is known, unknown or of a deactivated account."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:  # no account, or invited: no password yet
        verify_nothing(password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def sign_in_refusal(user: User) -> str | None:
    """Why an account whose password is right may not sign in yet, or None. An account
    waiting for approval may sign in (to see where it stands and complete its profile);
    what it may do is limited elsewhere (access.role_required)."""
    if user.status == "unverified":
        return str(_l("Confirm your e-mail address first: follow the link we sent you."))
    if user.status == "rejected":
        return str(_l("Your request for an account was not approved."))
    return None


def end_sessions(user: User) -> None:
    """Draw a new session token: every session and "remember me" cookie of the account,
    which hold the old one, is refused from its next request on, in every worker."""
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    """Give the account a new password and end its sessions; the caller signs the
    current browser in again (with the new token) and commits."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    end_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """set_password, for someone who proved they know the current one; the account's
    address is told."""
    # Imported here: the mail module imports the notifications, which import i18n and the
    # access checks, which import this module.
    from eventhub.auth.mail import tell_security_change

    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("The current password is not right."), "wrong_password", "current")
    set_password(user, new_password)
    tell_security_change(user, "password_changed", utcnow())


def deactivate_user(user: User) -> None:
    """The account can no longer sign in, and its open sessions end at once."""
    user.is_active = False
    end_sessions(user)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def default_token_scope(user: User) -> str:
    """The scope of a token made without one: door duty for door staff, else everything."""
    return "door" if user.role == "staff" else "organiser"


def check_token_scope(user: User, scope: str) -> None:
    """Raises AccountError unless `user` may hold a token of `scope`: door staff may not
    hold an `organiser` token (it would be no narrower than their account)."""
    if scope not in TOKEN_SCOPES:
        raise AccountError(_l("Choose a scope from the list."), "unknown_scope", "scope")
    if scope == "organiser" and user.role == "staff":
        raise AccountError(
            _l("Door staff may not hold an organiser token: choose door or read."),
            "scope_not_allowed",
            "scope",
        )


def issue_api_token(
    user: User, label: str, scope: str | None = None, event: Event | None = None
) -> IssuedToken:
    """A new token for `user`'s device, good for `scope` (by default the one of its role,
    see `default_token_scope`) and, given `event`, for that event only. The caller commits."""
    label = label.strip() or "device"
    if len(label) > MAX_TOKEN_LABEL_LENGTH:
        raise AccountError(
            f"The device label must have at most {MAX_TOKEN_LABEL_LENGTH} characters.",
            "label_too_long",
        )
    scope = scope or default_token_scope(user)
    check_token_scope(user, scope)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        label=label,
        scope=scope,
        event=event,
        token_hash=_token_digest(secret),
        prefix=secret[: len(API_TOKEN_PREFIX) + 6],
    )
    db.session.add(token)
    db.session.flush()
    return IssuedToken(token=token, secret=secret)


@dataclass(frozen=True)
class TokenHolder:
    """A valid bearer token and what a request needs of its holder, read without the ORM:
    a scanner device sends its token with every scan."""

    token_id: int
    token_hash: str
    label: str
    last_used_at: datetime | None
    user_id: int
    role: str
    preferred_language: str | None
    scope: str
    # The one event the token is good for, by id and by its slug (how API paths name it);
    # None: every event.
    event_id: int | None
    event_slug: str | None


# Built once: every request of a scanner device looks its token up.
_TOKEN_HOLDER = (
    select(
        ApiToken.id,
        ApiToken.token_hash,
        ApiToken.label,
        ApiToken.last_used_at,
        User.id,
        User.role,
        User.preferred_language,
        ApiToken.scope,
        ApiToken.event_id,
        Event.slug,
    )
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Event, Event.id == ApiToken.event_id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        User.is_active.is_(True),
    )
)


def token_holder(secret: str) -> TokenHolder | None:
    """The token `secret` if it is known and not revoked and its user is active. Read
    anew for every request: a revocation or a change of its user counts at once."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    # On the session's connection (Core): no object is loaded, so the ORM would only add time.
    connection = db.session.connection()
    row = connection.execute(_TOKEN_HOLDER, {"digest": _token_digest(secret)}).first()
    return TokenHolder(*row) if row is not None else None


def record_token_use(holder: TokenHolder, now: datetime) -> bool:
    """Record that the token was used at `now`, at most once per TOKEN_USE_RESOLUTION.

    A conditional update, so that of several workers serving one device at once a single
    one writes. Returns whether anything was written (the caller commits).
    """
    stale_before = now - TOKEN_USE_RESOLUTION
    if holder.last_used_at is not None and holder.last_used_at >= stale_before:
        return False
    written = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == holder.token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < stale_before),
        )
        .values(last_used_at=now)
    )
    return bool(written.rowcount)


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def list_api_tokens() -> list[ApiToken]:
    """Every token, the newest first, with its account and event."""
    query = (
        select(ApiToken)
        .options(selectinload(ApiToken.user), selectinload(ApiToken.event))
        .order_by(ApiToken.created_at.desc())
    )
    return list(db.session.scalars(query))


def token_events() -> list[Event]:
    """The events a new token may be bound to: those not archived, the latest first."""
    query = select(Event).where(Event.status != "archived").order_by(Event.first_day.desc())
    return list(db.session.scalars(query))


def record_audit(
    actor: User | None, action: str, target: str | None = None, **details: Any
) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, target=target, details=details or None)
    db.session.add(entry)
    return entry


def count_users_by_role() -> dict[str, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role))
    return {role: count for role, count in rows}
