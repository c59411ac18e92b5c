"""Badge tokens: signed, short, QR-alphanumeric, and strict about what they accept."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from eventhub import create_app
from eventhub.badges.signing import badge_signing_key
from eventhub.badges.tokens import (
    TOKEN_FORMAT_VERSION,
    BadgeRef,
    BadgeTokenError,
    make_badge_token,
    new_badge_code,
    read_badge_token,
)
from eventhub.errors import DomainError

KEY = b"test-badge-signing-key"
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@pytest.fixture
def token() -> str:
    return make_badge_token(1234567890123456789, 3, KEY)


@pytest.mark.parametrize(
    ("code", "version"), [(1, 0), (1234567890123456789, 1), (2**63 - 1, 65535), (42, 7)]
)
def test_round_trip(code: int, version: int) -> None:
    assert read_badge_token(make_badge_token(code, version, KEY), KEY) == BadgeRef(code, version)


def test_token_is_the_documented_format() -> None:
    """ "1" + base32(code, version, HMAC-SHA256(key, domain + code + version)[:10])."""
    body = (987654321).to_bytes(8, "big") + (2).to_bytes(2, "big")
    mac = hmac.new(KEY, b"eventhub-badge-v1" + body, hashlib.sha256).digest()[:10]
    expected = "1" + base64.b32encode(body + mac).decode()
    assert make_badge_token(987654321, 2, KEY) == expected


# Tokens made before tokens.py used hmac.new and base64 (already printed on badges): the
# same inputs must still give, and accept, exactly these.
PRINTED = [
    (b"test-badge-signing-key", 1, 0, "1AAAAAAAAAAAACAAAG4U4TILKDWADUGYR"),
    (b"test-badge-signing-key", 1234567890123456789, 3, "1CERBB5D55GARKAADKPFF5ASW7WFGJGSE"),
    (b"test-badge-signing-key", 2**63 - 1, 65535, "1P777777777777777R64QMGZNIBMSKKXX"),
    (bytes(range(256)) * 2, 5, 1, "1AAAAAAAAAAAAKAABUGLDH2KQ6NE3RDPU"),
    (b"\x00" * 32, 42, 7, "1AAAAAAAAAAACUAAHXCLXM2WCPNNYQQ2E"),
]


@pytest.mark.parametrize(("key", "code", "version", "printed"), PRINTED)
def test_printed_tokens_are_made_and_read_as_before(key, code, version, printed) -> None:
    assert make_badge_token(code, version, key) == printed
    assert read_badge_token(printed, key) == BadgeRef(code, version)
    assert read_badge_token(f" {printed.lower()}\r\n", key) == BadgeRef(code, version)


def test_token_errors_are_domain_errors() -> None:
    with pytest.raises(DomainError) as caught:
        read_badge_token("nope", KEY)
    assert isinstance(caught.value, BadgeTokenError)
    assert caught.value.code == "malformed" and str(caught.value.message)


def test_token_is_short_and_qr_alphanumeric(token: str) -> None:
    assert len(token) == 33 <= 60
    assert set(token) <= QR_ALPHANUMERIC
    assert token[0] == TOKEN_FORMAT_VERSION


def test_long_keys_work_as_in_hmac() -> None:
    long_key = bytes(range(256)) * 2
    body = (5).to_bytes(8, "big") + (1).to_bytes(2, "big")
    mac = hmac.new(long_key, b"eventhub-badge-v1" + body, hashlib.sha256).digest()[:10]
    assert make_badge_token(5, 1, long_key) == "1" + base64.b32encode(body + mac).decode()


@pytest.mark.parametrize("wrap", [str.lower, lambda t: f"  {t}\r\n", lambda t: f"\t{t.lower()} "])
def test_scanner_case_and_whitespace_are_accepted(token: str, wrap) -> None:
    assert read_badge_token(wrap(token), KEY) == BadgeRef(1234567890123456789, 3)


@pytest.mark.parametrize("position", range(1, 33))
def test_any_changed_character_is_forged(token: str, position: int) -> None:
    replacement = BASE32[(BASE32.index(token[position]) + 1) % 32]
    tampered = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(BadgeTokenError) as caught:
        read_badge_token(tampered, KEY)
    assert caught.value.code == "forged"


def test_other_key_is_forged(token: str) -> None:
    with pytest.raises(BadgeTokenError) as caught:
        read_badge_token(token, b"another-key")
    assert caught.value.code == "forged"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1",
        "1" + "A" * 31,  # too short
        "1" + "A" * 33,  # too long
        "2" + "A" * 32,  # unknown format version
        "1" + "A" * 31 + "0",  # 0, 1, 8, 9 are not base32
        "1" + "A" * 31 + "8",
        "1" + "A" * 30 + "==",
        "1" + "A" * 31 + "-",
        "1" + "Ａ" * 32,  # full-width letters
        "1" + "A" * 15 + " " + "A" * 16,
        "https://example.com/badge/1",
        "1" + "A" * 31 + "\x00",
    ],
)
def test_malformed(text: str) -> None:
    with pytest.raises(BadgeTokenError) as caught:
        read_badge_token(text, KEY)
    assert caught.value.code == "malformed"


@pytest.mark.parametrize("value", [None, b"1AAAA", 12345])
def test_non_text_is_malformed(value: object) -> None:
    with pytest.raises(BadgeTokenError) as caught:
        read_badge_token(value, KEY)  # type: ignore[arg-type]
    assert caught.value.code == "malformed"


def test_tokens_differ_by_code_and_version() -> None:
    tokens = {make_badge_token(code, 1, KEY) for code in range(1, 201)}
    tokens |= {make_badge_token(1, version, KEY) for version in range(2, 50)}
    assert len(tokens) == 200 + 48


def test_reissued_badge_reads_as_its_new_version() -> None:
    old, new = make_badge_token(77, 1, KEY), make_badge_token(77, 2, KEY)
    assert old != new
    assert read_badge_token(old, KEY).version == 1
    assert read_badge_token(new, KEY).version == 2


def test_new_badge_codes_are_random_63_bit_and_nonzero() -> None:
    codes = {new_badge_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(0 < code < 2**63 for code in codes)
    assert max(codes).bit_length() > 55  # not small, sequential numbers


@pytest.mark.parametrize(("code", "version"), [(0, 1), (-1, 1), (2**63, 1), (1, -1), (1, 65536)])
def test_out_of_range_values_are_refused(code: int, version: int) -> None:
    with pytest.raises(ValueError):
        make_badge_token(code, version, KEY)


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError):
        make_badge_token(1, 1, b"")


def test_a_signing_key_of_digits_from_the_environment_works(monkeypatch, tmp_path):
    """EVENTHUB_ settings are read as JSON: a key of digits arrives as a number."""
    monkeypatch.setenv("EVENTHUB_BADGE_SIGNING_KEY", "12345678901234567890")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        key = badge_signing_key()
    assert isinstance(key, bytes) and len(key) == 32
