"""Links sent by e-mail that grant something once: reset a password, confirm a new
address, accept an invitation, verify an address.

The secret of a link is random (256 bits) and only its SHA-256 is stored (AccountToken).
The message that carries it is built later by a job, so the job must be able to write the
secret again without the database holding it: the secret is derived from a random `seed`
with SECRET_KEY (HMAC-SHA256), and only the seed goes into the message's parameters. The
database alone (a backup, a leaked dump) opens no link; the seed and the key together do.

A link is used once, with an atomic conditional update: of two clicks at once, one wins.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import select, update

from eventhub.auth.models import AccountToken, User
from eventhub.extensions import db
from eventhub.models_common import utcnow

PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a secret)
EMAIL_CHANGE = "email_change"
INVITATION = "invitation"
EMAIL_VERIFICATION = "email_verification"


class LinkState(Enum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IssuedLink:
    token: AccountToken
    secret: str  # what the link carries; never stored
    seed: str  # what the message's parameters hold: link_secret(seed) == secret


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def link_secret(seed: str, purpose: str = "account-link") -> str:
    """The secret of the link issued with `seed`, written again by the job that sends it;
    `purpose` keeps the links of one kind apart from another's."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"{purpose}:{seed}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def void_links(user_id: int, purpose: str, now: datetime) -> None:
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


def issue_link(
    user: User,
    purpose: str,
    ttl: timedelta,
    new_email: str | None = None,
    *,
    now: datetime | None = None,
) -> IssuedLink:
    """A new link for `user`; the older unused links of that purpose stop working. Flushes;
    the caller queues the message and commits."""
    now = now or utcnow()
    void_links(user.id, purpose, now)
    seed = secrets.token_urlsafe(32)
    secret = link_secret(seed)
    token = AccountToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=digest(secret),
        new_email=new_email,
        created_at=now,
        expires_at=now + ttl,
    )
    db.session.add(token)
    db.session.flush()
    return IssuedLink(token=token, secret=secret, seed=seed)


def find_link(secret: str, purpose: str) -> AccountToken | None:
    """The link of this secret and purpose, whatever its state."""
    if not secret or len(secret) > 200 or "\x00" in secret:
        return None
    return db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == digest(secret), AccountToken.purpose == purpose
        )
    )


def state_of(token: AccountToken | None, now: datetime) -> LinkState:
    if token is None:
        return LinkState.UNKNOWN
    if token.used_at is not None:
        return LinkState.USED
    if token.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.VALID


def redeem_link(secret: str, purpose: str, now: datetime) -> AccountToken | None:
    """Use the link: its token if it was unused and unexpired and this call is the one that
    marked it used, else None. The other unused links of its user and purpose stop
    working too. The caller does what the link grants and commits."""
    token = find_link(secret, purpose)
    if token is None:
        return None
    marked = db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.id == token.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:
        return None
    void_links(token.user_id, purpose, now)
    db.session.refresh(token)
    return token
