"""The scan request's fast path accepts less than ScanRequestSchema, never more, and loads
what the schema loads."""

from __future__ import annotations

import random
from typing import Any

import marshmallow as ma
import pytest

from eventhub.checkin.api import SCAN_REQUEST
from eventhub.checkin.schemas import plain_scan_request

CODE = "EH1.AbCdEfGhIjKlMnOpQrStUv.0123456789abcdef"


def schema_load(data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return SCAN_REQUEST.load(data)
    except ma.ValidationError:
        return None


@pytest.mark.parametrize(
    "data",
    [
        {"code": CODE, "gate": "North"},
        {"code": CODE, "gate": "North", "nonce": "scan-0001:a.b_c"},
        {"code": CODE, "gate": "North", "nonce": None, "device": "Phone 2"},
        {"code": "x", "gate": "g", "device": ""},
        {"code": "x" * 200, "gate": "g" * 60, "nonce": "n" * 64, "device": "d" * 120},
        {"code": "  " + CODE + " ", "gate": " بوابة الشمال "},
    ],
)
def test_a_plain_scan_takes_the_fast_path_and_loads_as_the_schema_does(data):
    loaded = plain_scan_request(data)
    assert loaded is not None
    assert loaded == SCAN_REQUEST.load(data)


@pytest.mark.parametrize(
    ("data", "schema_accepts"),
    [
        ({"code": CODE + "\x00", "gate": "North"}, True),
        ({"code": CODE, "gate": "North", "device": "Phone\x00"}, True),
        ({"code": CODE, "gate": "North", "nonce": "scan-0001\n"}, True),  # the schema's `$`
        ({"code": CODE}, False),
        ({"gate": "North"}, False),
        ({"code": "", "gate": "North"}, False),
        ({"code": CODE, "gate": ""}, False),
        ({"code": "x" * 201, "gate": "North"}, False),
        ({"code": CODE, "gate": "g" * 61}, False),
        ({"code": CODE, "gate": "North", "device": "d" * 121}, False),
        ({"code": CODE, "gate": "North", "device": None}, False),
        ({"code": CODE, "gate": "North", "nonce": "short"}, False),
        ({"code": CODE, "gate": "North", "nonce": "n" * 65}, False),
        ({"code": CODE, "gate": "North", "nonce": "has space 1"}, False),
        ({"code": CODE, "gate": "North", "nonce": 12345678}, False),
        ({"code": 12345, "gate": "North"}, False),
        ({"code": [CODE], "gate": "North"}, False),
        ({"code": CODE, "gate": True}, False),
        ({"code": CODE, "gate": "North", "extra": 1}, False),
    ],
)
def test_anything_else_is_left_to_the_schema(data, schema_accepts):
    assert plain_scan_request(data) is None
    assert (schema_load(data) is not None) is schema_accepts


PIECES: dict[str, list[Any]] = {
    "code": [CODE, "", "x", "x" * 200, "x" * 201, " a ", "a\x00", None, 7, ["a"], "é" * 200],
    "gate": ["North", "", "g" * 60, "g" * 61, "باب", "\x00", None, 1.5, {}],
    "nonce": ["abcdefgh", "n" * 64, "n" * 65, "short", "abc def gh", "abcdefgh\n", None, 8],
    "device": ["", "Phone", "d" * 120, "d" * 121, "p\x00", None, False],
    "extra": ["x"],
}


def test_random_requests_never_load_differently():
    rng = random.Random(20261203)
    plain = 0
    for _ in range(5000):
        data = {
            field: rng.choice(values)
            for field, values in PIECES.items()
            if rng.random() < (0.05 if field == "extra" else 0.8)
        }
        loaded = plain_scan_request(data)
        if loaded is not None:
            plain += 1
            assert loaded == schema_load(data), data
    assert plain > 50  # the fast path was taken, so the comparison was made
