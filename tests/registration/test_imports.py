"""The import of pre-registered guests, without HTTP: each row checked, each refusal with
its line and reason, then the accepted rows registered."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.registration.imports import (
    ImportResult,
    ImportRow,
    import_guests,
    import_rows,
    parse_guests,
)
from eventhub.registration.models import Registration
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


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def registered() -> list[tuple[str, str, str, str]]:
    rows = db.session.scalars(select(Registration).order_by(Registration.id))
    return [(r.email, r.category.name, r.status, r.source) for r in rows]


def test_import_guests_registers_invited_guests(app, make_event, make_registration, window):
    """Outside the registration window, into a private category, beyond capacity."""
    event = make_event(capacity=2, **window("closed"))
    vip = next(c for c in event.categories if c.name == "VIP")
    make_registration(event, email="taken@example.com")
    report = import_guests(
        event,
        workbook(
            ["Prénom", "Nom", "E-mail", "Catégorie"],
            ["Salma", "Bennani", "salma@example.com", ""],
            ["Omar", "Ziani", "TAKEN@example.com", "Visitor"],
            ["Nadia", "Tazi", "nadia@example.com", "visitor"],
            ["Karim", "Alami", "karim@example.com", "Speakers"],
        ),
        default_category=vip,
        language="ar",
    )
    db.session.commit()
    assert [(r.line, r.code) for r in report.rejected] == [
        (3, "already_registered"),
        (5, "unknown_category"),
    ]
    assert (report.confirmed, report.waitlisted) == (1, 1)
    assert registered()[1:] == [
        ("salma@example.com", "VIP", "confirmed", "import"),
        ("nadia@example.com", "Visitor", "waitlisted", "import"),
    ]
    assert {r.language for r in report.registered} == {"ar"}


def test_a_row_refused_when_registering_joins_the_report_in_line_order(
    app, make_event, make_registration
):
    """An address registered between the check and the insert: refused, the rest kept."""
    event = make_event()
    visitor = event.categories[0]
    make_registration(event, email="late@example.com")

    def row(line: int, email: str) -> ImportRow:
        return ImportRow(line, "A", "B", email, "", "", "", visitor)

    parsed = ImportResult(accepted=[row(2, "ok@example.com"), row(4, "late@example.com")])
    parsed.reject(3, "bad", "bad_email", "Missing or invalid e-mail address.")
    report = import_rows(event, parsed, language="fr")
    db.session.commit()
    assert [r.email for r in report.registered] == ["ok@example.com"]
    assert [(r.line, r.code) for r in report.rejected] == [
        (3, "bad_email"),
        (4, "already_registered"),
    ]
    assert [email for email, *_rest in registered()] == ["late@example.com", "ok@example.com"]


def test_an_unreadable_file_registers_nobody(app, make_event):
    event = make_event()
    with pytest.raises(SpreadsheetError) as refused:
        import_guests(
            event, b"PK\x03\x04 not a workbook", default_category=event.categories[0], language="fr"
        )
    assert refused.value.field == "file"
    assert registered() == []
