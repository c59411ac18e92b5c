"""Two-factor sign-in: a TOTP authenticator app (pyotp) and one-time recovery codes, and the
organisers' policy that makes it required for organisers and door staff.

The secret is drawn at `start_setup` and kept on the account, unused, until the person
proves with `confirm_setup` that their app shows the right codes. A code is accepted once:
the time step it belongs to is recorded by a conditional UPDATE (`totp_last_step`), so of
two sign-ins racing with the same code a single one wins; a recovery code is spent the
same way (`used_at`). Functions flush only; the caller commits (and ends or renews the
sessions, see `accounts.end_sessions`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyotp
import qrcode
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pyotp.utils import strings_equal
from qrcode.image.svg import SvgPathImage
from sqlalchemy import delete, func, or_, select, update

from eventhub.auth.accounts import end_sessions, record_audit
from eventhub.auth.mail import tell_security_change
from eventhub.auth.models import PlatformSetting, RecoveryCode, User
from eventhub.auth.passwords import verify_password
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.models_common import utcnow

ISSUER = "EventHub"
VALID_WINDOW = 1  # a code of the step before or after the current one is accepted too
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper is read without doubt.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUP, RECOVERY_GROUPS = 5, 2  # "k7m2p-x9rtw"
REQUIRED_SETTING = "two_factor_required"
# The roles that the policy concerns.
POLICY_ROLES = ("admin", "staff")
_TOTP_PATTERN = re.compile(r"^\d{6}$")


class TwoFactorError(DomainError):
    """A two-factor change or code that is refused; nothing was changed."""


@dataclass(frozen=True)
class Setup:
    """What the person needs to add the account to their app."""

    secret: str
    uri: str
    qr_svg: str


# ---------------------------------------------------------------------------------------
# The policy


def get_setting(key: str, default: Any = None) -> Any:
    setting = db.session.get(PlatformSetting, key)
    return default if setting is None else setting.value


def set_setting(key: str, value: Any, actor: User | None) -> bool:
    """Store `value` under `key`; returns whether it changed. Flushes only."""
    setting = db.session.get(PlatformSetting, key)
    if setting is not None and setting.value == value:
        return False
    if setting is None:
        setting = PlatformSetting(key=key)
        db.session.add(setting)
    setting.value = value
    setting.updated_at = utcnow()
    setting.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return True


def policy_is_on() -> bool:
    return bool(get_setting(REQUIRED_SETTING, False))


def required_for(user: User) -> bool:
    """Whether the organisers' policy obliges `user` to use two-factor sign-in."""
    return user.role in POLICY_ROLES and policy_is_on()


def set_policy(actor: User, required: bool) -> bool:
    """Turn the requirement on or off; returns whether it changed. An organiser without
    two-factor sign-in may not turn it on: they would be the first one stopped."""
    if required and not actor.two_factor_enabled:
        raise TwoFactorError(
            _l(
                "Set up two-factor sign-in for your own account first: "
                "once it is required, you would be asked for it too."
            ),
            "own_two_factor_missing",
            field="required",
        )
    changed = set_setting(REQUIRED_SETTING, required, actor)
    if changed:
        action = "settings.two_factor_required" if required else "settings.two_factor_optional"
        record_audit(actor, action)
    return changed


def accounts_without_two_factor() -> list[User]:
    """The active organisers and door staff who would be asked to set it up."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role.in_(POLICY_ROLES),
                User.is_active.is_(True),
                User.totp_enabled_at.is_(None),
            )
            .order_by(User.role, func.lower(User.name), User.id)
        )
    )


# ---------------------------------------------------------------------------------------
# Setting it up


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def provisioning_uri(user: User) -> str:
    return _totp(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(text: str) -> str:
    """An inline SVG QR code (no script, no image file)."""
    image = qrcode.make(text, image_factory=SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def setup_of(user: User) -> Setup | None:
    """The pending setup of `user` (secret drawn, not confirmed yet), or None."""
    if user.two_factor_enabled or not user.totp_secret:
        return None
    uri = provisioning_uri(user)
    return Setup(secret=user.totp_secret, uri=uri, qr_svg=qr_svg(uri))


def start_setup(user: User) -> Setup:
    """Draw a new secret for `user`, kept but not in force until confirm_setup."""
    if user.two_factor_enabled:
        raise TwoFactorError(_l("Two-factor sign-in is already on."), "already_enabled")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    db.session.flush()
    setup = setup_of(user)
    assert setup is not None
    return setup


def confirm_setup(user: User, code: str, now: datetime) -> list[str]:
    """Turn two-factor sign-in on when `code` comes from the new secret; returns the
    recovery codes, to be shown once. Ends the account's sessions."""
    if user.two_factor_enabled:
        raise TwoFactorError(_l("Two-factor sign-in is already on."), "already_enabled")
    if not user.totp_secret:
        raise TwoFactorError(_l("Start the setup first."), "no_setup")
    if not verify_code(user, code, now):
        raise TwoFactorError(_wrong_code_message(), "wrong_code", field="code")
    user.totp_enabled_at = now
    codes = _issue_recovery_codes(user, now)
    end_sessions(user)
    record_audit(user, "account.two_factor_enable", user.email)
    tell_security_change(user, "two_factor_on", now)
    db.session.flush()
    return codes


def disable(user: User, password: str, code: str, now: datetime) -> None:
    """Turn two-factor sign-in off, for someone who gives their password and a current
    code (or a recovery code). Refused while the policy requires it. Ends the sessions."""
    if not user.two_factor_enabled:
        raise TwoFactorError(_l("Two-factor sign-in is not on."), "not_enabled")
    if required_for(user):
        raise TwoFactorError(
            _l("The organisers require two-factor sign-in for your account: it stays on."),
            "two_factor_required",
        )
    if not verify_password(user.password_hash, password):
        raise TwoFactorError(_l("The password is not right."), "wrong_password", "password")
    if not verify_second_factor(user, code, now):
        raise TwoFactorError(_wrong_code_message(), "wrong_code", field="code")
    _remove(user)
    record_audit(user, "account.two_factor_disable", user.email)
    tell_security_change(user, "two_factor_off", now)
    db.session.flush()


def reset(user: User) -> bool:
    """Remove `user`'s two-factor sign-in (a lost phone and lost codes), from the command
    line; returns whether there was one to remove (then the sessions end)."""
    if not user.two_factor_enabled and user.totp_secret is None:
        return False
    _remove(user)
    record_audit(None, "account.two_factor_reset", user.email)
    tell_security_change(user, "two_factor_removed", utcnow())
    db.session.flush()
    return True


def _remove(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user)


# ---------------------------------------------------------------------------------------
# Codes


def _wrong_code_message() -> Any:
    return _l("This code is not right, or was already used. Try the next one your app shows.")


def normalise_totp(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _step_matching(user: User, code: str, now: datetime) -> int | None:
    """The newest time step, within the window around `now`, whose code is `code`."""
    if not user.totp_secret or not _TOTP_PATTERN.match(code):
        return None
    totp = _totp(user.totp_secret)
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    current = totp.timecode(now)
    for offset in range(VALID_WINDOW, -VALID_WINDOW - 1, -1):
        if strings_equal(code, totp.at(now, offset)):
            return current + offset
    return None


def verify_code(user: User, code: str, now: datetime) -> bool:
    """Whether `code` is a code of the authenticator app, not used before. Records its time
    step with a conditional UPDATE, so that the same code is accepted once only, even by
    two requests at the same moment."""
    step = _step_matching(user, normalise_totp(code), now)
    if step is None:
        return False
    written = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        return False
    db.session.expire(user, ["totp_last_step"])
    return True


def normalise_recovery_code(code: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (code or "").lower())


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def new_recovery_code() -> str:
    raw = "".join(
        secrets.choice(RECOVERY_ALPHABET) for _position in range(RECOVERY_GROUP * RECOVERY_GROUPS)
    )
    return "-".join(
        raw[start : start + RECOVERY_GROUP] for start in range(0, len(raw), RECOVERY_GROUP)
    )


def _issue_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_recovery_code() for _position in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_digest(code), created_at=now) for code in codes
    )
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Spend one of `user`'s recovery codes: true once per code, by a conditional UPDATE."""
    if not user.two_factor_enabled or not normalise_recovery_code(code):
        return False
    written = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        return False
    record_audit(user, "account.recovery_code_use", user.email)
    return True


def verify_second_factor(user: User, code: str, now: datetime) -> bool:
    """A code of the app (six digits) or, else, a recovery code."""
    if _TOTP_PATTERN.match(normalise_totp(code)):
        return verify_code(user, code, now)
    return use_recovery_code(user, code, now)


def regenerate_recovery_codes(user: User, code: str, now: datetime) -> list[str]:
    """New recovery codes (the old ones stop working), for someone who gives a current
    code of their app. Ends the sessions."""
    if not user.two_factor_enabled:
        raise TwoFactorError(_l("Two-factor sign-in is not on."), "not_enabled")
    if not verify_code(user, code, now):
        raise TwoFactorError(_wrong_code_message(), "wrong_code", field="code")
    codes = _issue_recovery_codes(user, now)
    end_sessions(user)
    record_audit(user, "account.recovery_codes_regenerate", user.email)
    tell_security_change(user, "recovery_codes", now)
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def recovery_codes_text(user: User, codes: list[str]) -> str:
    """The content of the .txt file the person may keep."""
    lines = [
        _("%(site)s recovery codes for %(email)s", site=ISSUER, email=user.email),
        _("Each code works once, in place of a code of your authenticator app."),
        "",
        *codes,
        "",
    ]
    return "\n".join(lines)
