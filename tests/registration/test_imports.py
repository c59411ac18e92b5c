"""The import of pre-registered guests, without HTTP: each row checked, each refusal with
its line and reason."""

from __future__ import annotations

import pytest

from eventhub.registration.imports import parse_guests
from eventhub.spreadsheets import SpreadsheetError


def parse(text: str, registered: set[str] | None = None):
    categories = {"visitor": "VISITOR", "vip": "VIP"}
    return parse_guests(
        text.encode(),
        find_category=lambda name: categories.get(name.casefold()),
        default_category="VISITOR",
        registered_emails=lambda emails: emails & (registered or set()),
    )


def test_parser_accepts_aliases_and_quoted_fields(app):
    result = parse(
        "Prénom,Nom,E-mail,Company,Pays,Catégorie\n"
        '"Lefèvre, Jr",Camille,camille@example.com,"Atlas, AI",fr,VIP\n'
    )
    [row] = result.accepted
    assert (row.first_name, row.last_name, row.organization, row.country, row.category) == (
        "Lefèvre, Jr",
        "Camille",
        "Atlas, AI",
        "FR",
        "VIP",
    )
    assert result.rejected == []


def test_parser_reports_each_reason_with_its_line(app):
    result = parse(
        "first_name,last_name,email,category\n"
        "A,B,a@example.com,\n"
        ",B,b@example.com,\n"
        "C,D,bad,\n"
        "E,F,e@example.com,Nope\n"
        "G,H,A@example.com,\n"
        "I,J,old@example.com,\n",
        registered={"old@example.com"},
    )
    assert [row.email for row in result.accepted] == ["a@example.com"]
    assert [(r.line, r.code) for r in result.rejected] == [
        (3, "missing_name"),
        (4, "bad_email"),
        (5, "unknown_category"),
        (6, "duplicate_in_file"),
        (7, "already_registered"),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "first_name,email\nA,a@example.com\n", "first_name,last_name,email\n\x00\n"],
)
def test_parser_refuses_unusable_files(app, text):
    with pytest.raises(SpreadsheetError):
        parse(text)
