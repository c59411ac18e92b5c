"""Spreadsheets in and out, without HTTP: formula injection neutralised in exports, CSV
and XLSX uploads read the same way."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from eventhub.spreadsheets import (
    Columns,
    SpreadsheetError,
    csv_stream,
    read_upload,
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


COLUMNS = Columns({"name": "name", "nom": "name", "e_mail": "email", "email": "email"}, ("name",))


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_csv_and_xlsx_uploads_read_the_same_rows():
    csv_data = "\ufeffNom;E-mail\nSalma;s@example.ma\n;\nعثمان;o@example.ma\n".encode()
    xlsx_data = xlsx(
        [["Nom", "E-mail"], ["Salma", "s@example.ma"], [None, None], ["عثمان", "o@example.ma"]]
    )
    for data in (csv_data, xlsx_data):
        rows = read_upload(data, COLUMNS)
        assert [(row.line, row.values) for row in rows] == [
            (2, {"name": "Salma", "email": "s@example.ma"}),
            (4, {"name": "عثمان", "email": "o@example.ma"}),
        ]


def test_xlsx_numbers_and_dates_are_read_as_typed():
    from datetime import date

    [row] = read_upload(xlsx([["name"], [212600000000]]), COLUMNS)
    assert row.get("name") == "212600000000"
    [row] = read_upload(xlsx([["name"], [date(2026, 12, 6)]]), COLUMNS)
    assert row.get("name").startswith("2026-12-06")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"email\nx@example.ma\n", "missing_columns"),
        ("name\né".encode("cp1252"), "not_utf8"),
        (b"name\n\x00\n", "not_a_table"),
        (b"PK\x03\x04 not really a workbook", "not_a_table"),
        (b"name\n" + b"x\n" * 6, "too_many_rows"),
    ],
)
def test_unreadable_uploads_are_refused_as_a_whole(data, code):
    with pytest.raises(SpreadsheetError) as refused:
        read_upload(data, COLUMNS, max_rows=5)
    assert refused.value.code == code
    assert refused.value.field == "file"


def test_a_too_large_upload_is_refused():
    with pytest.raises(SpreadsheetError) as refused:
        read_upload(b"name\n" + b"x" * (5 * 1024 * 1024), COLUMNS)
    assert refused.value.code == "file_too_large"
