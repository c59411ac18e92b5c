"""Search helpers: typed text taken literally, whatever LIKE would make of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.models_common import contains_text, search_text


def test_search_text_keeps_printable_characters_trimmed():
    assert search_text("  Benali\x00\n ") == "Benali"
    assert search_text(None) == ""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("100%", ["100% Fintech"]),
        ("_", ["a_b Lab"]),
        ("\\", ["back\\slash"]),
        ("FINTECH", ["100% Fintech", "10 Fintech"]),
        ("%", ["100% Fintech"]),
    ],
)
def test_contains_text_takes_wildcards_literally(make_user, typed, expected):
    for name in ("100% Fintech", "10 Fintech", "a_b Lab", "ab Lab", "back\\slash"):
        make_user("staff", name=name)
    names = db.session.scalars(
        select(User.name).where(contains_text(typed, User.name, User.email)).order_by(User.name)
    ).all()
    assert sorted(names) == sorted(expected)
