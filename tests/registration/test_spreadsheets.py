"""Pure CSV/XLSX helpers and the import parser, without HTTP."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from eventhub.registration.spreadsheets import (
    ImportFileError,
    csv_stream,
    decode_upload,
    parse_registration_csv,
    safe_cell,
    write_xlsx,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+212600000000", "'+212600000000"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("Salma", "Salma"),
        ("a=b", "a=b"),
        ("", ""),
        (5, 5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_stream_chunks_and_bom():
    rows = ([str(n), "=x"] for n in range(450))
    chunks = list(csv_stream(["n", "v"], rows))
    assert len(chunks) >= 3
    text = "".join(chunks)
    assert text.startswith("\ufeffn,v\r\n0,'=x\r\n")
    assert text.count("\r\n") == 451


def test_write_xlsx_never_makes_formulas():
    out = io.BytesIO()
    assert write_xlsx(["a", "=b"], [["=SUM(1)", 3, None]], out, title="T") == 1
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.title == "T"
    assert [cell.value for cell in sheet[1]] == ["a", "=b"]
    assert [cell.value for cell in sheet[2]][:2] == ["=SUM(1)", 3]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def parse(text: str, registered: set[str] | None = None):
    categories = {"visitor": "VISITOR", "vip": "VIP"}
    return parse_registration_csv(
        text,
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
    with pytest.raises(ImportFileError):
        parse(text)


def test_decode_refuses_other_encodings():
    assert decode_upload("\ufeffé".encode()) == "é"
    with pytest.raises(ImportFileError):
        decode_upload("é".encode("cp1252"))
