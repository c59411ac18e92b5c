"""Badge tokens: the short signed text a badge's QR code holds.

A token is ``"1"`` (the format version) followed by 32 base32 characters (RFC 4648,
uppercase, no padding) of 20 bytes::

    badge_code (8 bytes, big-endian) | badge_version (2 bytes) | MAC (10 bytes)

where MAC = HMAC-SHA256(key, b"eventhub-badge-v1" + the first 10 bytes), truncated.

The token carries no personal data, only the registration's random ``badge_code`` and
its ``badge_version``; reissuing a badge increments the version, and the check-in rules
treat an older version as revoked. The 33 characters are all in the QR alphanumeric set,
so the QR code stays small. Readers accept lowercase and surrounding whitespace, as
keyboard-wedge scanners may deliver them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from eventhub.errors import DomainError

TOKEN_FORMAT_VERSION = "1"  # noqa: S105 (a format marker, not a secret)
TOKEN_LENGTH = 33

_MAC_DOMAIN = b"eventhub-badge-v1"
_MAC_LENGTH = 10
_BODY_LENGTH = 10  # badge_code (8) + badge_version (2)
_MAX_CODE = 2**63 - 1
_MAX_VERSION = 2**16 - 1
_TOKEN_SHAPE = re.compile(TOKEN_FORMAT_VERSION + r"[A-Z2-7]{32}")


class BadgeTokenError(DomainError):
    """A scanned text that is not a valid badge token.

    ``code`` is ``"malformed"`` (not a badge token at all: length, characters or format
    version) or ``"forged"`` (the right shape, but the signature does not match).
    """


class BadgeRef(NamedTuple):
    """What a valid token names: a registration's badge code and badge version."""

    code: int
    version: int


def new_badge_code() -> int:
    """A random, nonzero 63-bit badge code (fits a signed 64-bit database column)."""
    while True:
        code = secrets.randbits(63)
        if code:
            return code


def make_badge_token(badge_code: int, badge_version: int, key: bytes) -> str:
    """The 33-character token for one badge code and version, signed with ``key``."""
    if not 0 < badge_code <= _MAX_CODE:
        raise ValueError("badge_code must be a nonzero 63-bit integer")
    if not 0 <= badge_version <= _MAX_VERSION:
        raise ValueError("badge_version must fit in 16 bits")
    body = badge_code.to_bytes(8, "big") + badge_version.to_bytes(2, "big")
    return TOKEN_FORMAT_VERSION + base64.b32encode(body + _mac(key, body)).decode("ascii")


def read_badge_token(token: str, key: bytes) -> BadgeRef:
    """The badge code and version a token names; raises BadgeTokenError if it is not valid.

    Revocation (a version older than the registration's current one) is for the caller
    to decide: this only says whether the token is well formed and signed with ``key``.
    """
    text = token.strip().upper() if isinstance(token, str) else ""
    if _TOKEN_SHAPE.fullmatch(text) is None:
        raise BadgeTokenError(_l("This is not a badge code."), "malformed")
    payload = base64.b32decode(text[1:])
    body, mac = payload[:_BODY_LENGTH], payload[_BODY_LENGTH:]
    if not hmac.compare_digest(mac, _mac(key, body)):
        raise BadgeTokenError(_l("This badge code is not signed by this site."), "forged")
    return BadgeRef(int.from_bytes(body[:8], "big"), int.from_bytes(body[8:], "big"))


def _mac(key: bytes, body: bytes) -> bytes:
    """HMAC-SHA256(key, domain + body), truncated to 10 bytes."""
    if not isinstance(key, bytes) or not key:
        raise ValueError("the badge signing key must be non-empty bytes")
    return hmac.new(key, _MAC_DOMAIN + body, hashlib.sha256).digest()[:_MAC_LENGTH]
