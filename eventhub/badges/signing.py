"""The key that signs badge tokens, derived from the app's configuration."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from flask import current_app

from eventhub.badges.tokens import make_badge_token

if TYPE_CHECKING:
    from eventhub.registration.models import Registration


def badge_signing_key() -> bytes:
    """BADGE_SIGNING_KEY when set (so SECRET_KEY can rotate without reprinting badges),
    else a key derived from SECRET_KEY for this one purpose."""
    config = current_app.config
    cached = config.get("_BADGE_KEY_CACHE")
    if cached is not None:
        return cached
    # str(): EVENTHUB_-prefixed settings are read as JSON, so a key of digits is a number.
    secret = str(config.get("BADGE_SIGNING_KEY") or config["SECRET_KEY"])
    key = hmac.new(secret.encode(), b"eventhub badge tokens v1", hashlib.sha256).digest()
    config["_BADGE_KEY_CACHE"] = key
    return key


def badge_token(registration: Registration) -> str:
    """The text of this registration's QR code, for its current badge version."""
    return make_badge_token(
        registration.badge_code, registration.badge_version, badge_signing_key()
    )
