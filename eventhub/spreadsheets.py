"""Spreadsheets in and out: CSV and XLSX, for every capability that imports or exports.

Exports: CSV streamed row by row (with a BOM, so that Excel reads Arabic names), XLSX
written by openpyxl's write-only mode into a spooled temporary file. A text cell that a
spreadsheet program would run as a formula (`= + - @`, tab, carriage return) is written
with a leading apostrophe in CSV, and always as text in XLSX.

Imports: an uploaded file, CSV (UTF-8, comma, semicolon or tab) or XLSX (its first
sheet), read as a header row and data rows. The header's names are mapped to the
importer's columns through its aliases (`prénom` → `first_name`), required columns are
checked, blank rows skipped, and each row comes with its line number, so that the
importer can say which lines it refused and why. A file that cannot be read at all raises
SpreadsheetError: nothing is imported.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from eventhub.errors import DomainError

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
UPLOAD_EXTENSIONS = ("csv", "xlsx")
ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a ZIP archive
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | date | datetime | None


class SpreadsheetError(DomainError):
    """An uploaded file that cannot be read as a table: nothing of it is imported."""

    def __init__(self, message: Any, code: str = "bad_file") -> None:
        super().__init__(message, code, field="file")


# --- Export ------------------------------------------------------------------------------


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(safe_cell(value))


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """CSV text in chunks, starting with a BOM so that Excel reads UTF-8 (Arabic names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([_csv_text(name) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_text(value) for value in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], out: IO[bytes], title: str = "Sheet"
) -> int:
    """A workbook written in openpyxl's write-only mode (rows are not kept in memory).

    Text cells are always written as text: a value such as `=HYPERLINK(…)` is shown as
    typed and never becomes a formula. Returns the number of data rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    bold = Font(bold=True)

    def text_cell(value: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet)
        cell.value = value
        cell.data_type = "s"  # never "f" (formula), whatever the text starts with
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(str(name), bold) for name in header])
    count = 0
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str):
                cells.append(text_cell(value))
            elif isinstance(value, datetime):
                cells.append(value.replace(tzinfo=None))
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count


def xlsx_file(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], title: str = "Sheet"
) -> IO[bytes]:
    """The workbook in a temporary file (spilled to disk when large), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    write_xlsx(header, rows, spool, title)
    spool.seek(0)
    return spool


@dataclass
class Table:
    """A header and its rows, with a file name (no extension) and a sheet title.

    The rows are read once, as the file is written: write one file per Table."""

    header: list[str]
    rows: Iterable[list[Cell]]
    filename: str
    title: str

    def csv_chunks(self) -> Iterator[str]:
        return csv_stream(self.header, self.rows)

    def xlsx_file(self) -> IO[bytes]:
        return xlsx_file(self.header, self.rows, title=self.title)


# --- Import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """What an importer reads: its header aliases (lowercase, `_` for spaces and hyphens,
    mapped to column names) and the columns a file must have."""

    aliases: Mapping[str, str]
    required: tuple[str, ...]

    def key(self, header_name: object) -> str:
        text = str(header_name or "").strip().lstrip("\ufeff").strip().lower()
        return self.aliases.get(text.replace("-", "_").replace(" ", "_"), "")


@dataclass(frozen=True)
class Row:
    line: int  # in the file: the header is line 1
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def read_upload(data: bytes, columns: Columns, *, max_rows: int = MAX_IMPORT_ROWS) -> list[Row]:
    """The data rows of an uploaded CSV or XLSX file, as text keyed by column name."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _l("The file is too large (at most %(mb)d MB).", mb=MAX_UPLOAD_BYTES // 2**20),
            "file_too_large",
        )
    table = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data)
    return _rows_of(table, columns, max_rows)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _l("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."),
            "not_utf8",
        ) from error
    if "\x00" in text:
        raise SpreadsheetError(_l("This is not a CSV or XLSX file."), "not_a_table")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text[:4096]))
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as error:
        raise SpreadsheetError(
            _l("The file could not be read as CSV near line %(line)d.", line=reader.line_num),
            "not_a_table",
        ) from error


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise SpreadsheetError(_l("This is not a CSV or XLSX file."), "not_a_table") from error
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_xlsx_text(value) for value in values]
    finally:
        workbook.close()


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\x00", "")


def _rows_of(table: Iterator[tuple[int, list[str]]], columns: Columns, max_rows: int) -> list[Row]:
    header = next(table, None)
    if header is None:
        raise SpreadsheetError(_l("The file is empty."), "empty_file")
    keys = [columns.key(name) for name in header[1]]
    missing = [name for name in columns.required if name not in keys]
    if missing:
        raise SpreadsheetError(
            _l(
                "The header row must name the columns %(required)s (missing: %(columns)s).",
                required=", ".join(columns.required),
                columns=", ".join(missing),
            ),
            "missing_columns",
        )
    rows: list[Row] = []
    for line, values in table:
        if not any(value.strip() for value in values):
            continue
        if len(rows) >= max_rows:
            raise SpreadsheetError(
                _l("At most %(count)d rows per file: split it.", count=max_rows), "too_many_rows"
            )
        named = {key: value for key, value in zip(keys, values, strict=False) if key}
        rows.append(Row(line, named))
    return rows
