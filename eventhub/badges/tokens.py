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
from functools import lru_cache
from typing import Any, NamedTuple

TOKEN_FORMAT_VERSION = "1"  # noqa: S105 (a format marker, not a secret)
TOKEN_LENGTH = 33

_MAC_DOMAIN = b"eventhub-badge-v1"
_MAC_LENGTH = 10
_BODY_LENGTH = 10  # badge_code (8) + badge_version (2)
_MAX_CODE = 2**63 - 1
_MAX_VERSION = 2**16 - 1
_MAC_MASK = 2 ** (8 * _MAC_LENGTH) - 1
_Hash = Any  # hashlib's hash objects have no public type

# Reading is on the check-in path, so it avoids base64.b32decode (pure Python, slow):
# after a strict character check, RFC 4648 base32 digits are mapped to Python's base-32
# digits and the whole payload becomes one 160-bit integer.
_TOKEN_SHAPE = re.compile(TOKEN_FORMAT_VERSION + r"[A-Z2-7]{32}")
_TO_INT_DIGITS = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789abcdefghijklmnopqrstuv"
)


class BadgeTokenError(Exception):
    """A scanned text that is not a valid badge token.

    ``code`` is ``"malformed"`` (not a badge token at all: length, characters or format
    version) or ``"forged"`` (the right shape, but the signature does not match).
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


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
    payload = base64.b32encode(body + _mac(key, body)).decode("ascii")
    return TOKEN_FORMAT_VERSION + payload


def read_badge_token(token: str, key: bytes) -> BadgeRef:
    """The badge code and version a token names; raises BadgeTokenError if it is not valid.

    Revocation (a version older than the registration's current one) is for the caller
    to decide: this only says whether the token is well formed and signed with ``key``.
    """
    payload = _decode(token)
    body = payload >> (8 * _MAC_LENGTH)  # badge_code (64 bits) | badge_version (16 bits)
    mac = (payload & _MAC_MASK).to_bytes(_MAC_LENGTH, "big")
    if not hmac.compare_digest(mac, _mac(key, body.to_bytes(_BODY_LENGTH, "big"))):
        raise BadgeTokenError("badge token signature does not match", "forged")
    return BadgeRef(body >> 16, body & 0xFFFF)


def _decode(token: str) -> int:
    """The token's 20 bytes as one integer, or BadgeTokenError("malformed")."""
    if not isinstance(token, str):
        raise BadgeTokenError("badge token must be text", "malformed")
    text = token.strip().upper()
    if _TOKEN_SHAPE.fullmatch(text) is None:
        raise BadgeTokenError("not a badge token (length, characters or format)", "malformed")
    return int(text[1:].encode("ascii").translate(_TO_INT_DIGITS), 32)


def _mac(key: bytes, body: bytes) -> bytes:
    """HMAC-SHA256(key, domain + body), truncated.

    This is RFC 2104 HMAC spelled out over hashlib, so that the key's two padded blocks
    and the domain prefix are hashed once per key and each token costs two C-level hash
    copies (hmac.HMAC.copy() costs twice as much). The tests check it against hmac.new.
    """
    inner_base, outer_base = _keyed_hashes(key)
    inner = inner_base.copy()
    inner.update(body)
    outer = outer_base.copy()
    outer.update(inner.digest())
    return outer.digest()[:_MAC_LENGTH]


@lru_cache(maxsize=8)
def _keyed_hashes(key: bytes) -> tuple[_Hash, _Hash]:
    """SHA-256 states after (key XOR ipad) + domain, and after (key XOR opad)."""
    if not isinstance(key, bytes) or not key:
        raise ValueError("the badge signing key must be non-empty bytes")
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    inner.update(_MAC_DOMAIN)
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    return inner, outer
