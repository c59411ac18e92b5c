"""CSV and XLSX: safe exports streamed row by row, and the CSV import of invited guests.

Pure functions over plain values (no request, no session): the views feed them rows
and send what they produce.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from eventhub.registration.forms import FieldProblem, clean_country, clean_email, clean_text

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_ROWS = 5000

Cell = str | int | float | date | datetime | None


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
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

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


# --- Import ------------------------------------------------------------------------------

HEADER_ALIASES = {
    "first_name": "first_name",
    "firstname": "first_name",
    "first": "first_name",
    "given_name": "first_name",
    "prenom": "first_name",
    "prénom": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "last": "last_name",
    "family_name": "last_name",
    "surname": "last_name",
    "nom": "last_name",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "courriel": "email",
    "organization": "organization",
    "organisation": "organization",
    "company": "organization",
    "entreprise": "organization",
    "job_title": "job_title",
    "title": "job_title",
    "position": "job_title",
    "fonction": "job_title",
    "country": "country",
    "pays": "country",
    "category": "category",
    "categorie": "category",
    "catégorie": "category",
}
REQUIRED_COLUMNS = ("first_name", "last_name", "email")


class ImportFileError(ValueError):
    """The file as a whole cannot be read: wrong encoding, no header, missing columns."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class ImportRow:
    line: int
    first_name: str
    last_name: str
    email: str
    organization: str
    job_title: str
    country: str
    category: Any  # whatever `find_category` returned


@dataclass
class Rejection:
    line: int
    email: str
    reason: Any  # a lazy translated string
    code: str


@dataclass
class ImportResult:
    accepted: list[ImportRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, line: int, email: str, code: str, reason: Any) -> None:
        self.rejected.append(Rejection(line=line, email=email, reason=reason, code=code))


def _header_key(name: str) -> str:
    key = name.strip().lstrip("\ufeff").strip().lower()
    return HEADER_ALIASES.get(key.replace("-", "_").replace(" ", "_"), "")


def decode_upload(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _l("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
        ) from error


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_registration_csv(
    text: str,
    *,
    find_category: Callable[[str], Any],
    default_category: Any,
    registered_emails: Callable[[set[str]], set[str]],
) -> ImportResult:
    """Check every row; accepted rows are ready to register, rejected ones say why.

    `find_category(name)` gives the category named in a row (None when unknown);
    `registered_emails(emails)` says which of these addresses the event already has.
    """
    if "\x00" in text:
        raise ImportFileError(_l("This is not a CSV file."))
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text[:4096]))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_l("The file is empty.")) from None
    except csv.Error as error:
        raise ImportFileError(_l("This is not a CSV file.")) from error
    columns = [_header_key(name) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            _l(
                "The header row must name the columns first_name, last_name and email "
                "(missing: %(columns)s).",
                columns=", ".join(missing),
            )
        )

    result = ImportResult()
    seen: dict[str, int] = {}
    candidates: list[ImportRow] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(candidates) + len(result.rejected) >= MAX_IMPORT_ROWS:
                raise ImportFileError(
                    _l("At most %(count)d rows per file: split it.", count=MAX_IMPORT_ROWS)
                )
            line = reader.line_num
            row = {column: value for column, value in zip(columns, values, strict=False) if column}
            checked = _check_row(line, row, find_category, default_category, result)
            if checked is None:
                continue
            if checked.email in seen:
                result.reject(
                    line,
                    checked.email,
                    "duplicate_in_file",
                    _l("Duplicate in the file (first on line %(line)d).", line=seen[checked.email]),
                )
                continue
            seen[checked.email] = line
            candidates.append(checked)
    except csv.Error as error:
        raise ImportFileError(
            _l("The file could not be read as CSV near line %(line)d.", line=reader.line_num)
        ) from error

    already = registered_emails({row.email for row in candidates})
    for row in candidates:
        if row.email in already:
            result.reject(
                row.line,
                row.email,
                "already_registered",
                _l("Already registered for this event."),
            )
        else:
            result.accepted.append(row)
    result.rejected.sort(key=lambda rejection: rejection.line)
    return result


def _check_row(
    line: int,
    row: dict[str, str],
    find_category: Callable[[str], Any],
    default_category: Any,
    result: ImportResult,
) -> ImportRow | None:
    raw_email = (row.get("email") or "").strip()
    try:
        first_name = clean_text(row.get("first_name"), "first_name")
        last_name = clean_text(row.get("last_name"), "last_name")
    except FieldProblem as problem:
        result.reject(line, raw_email, "bad_name", problem.message)
        return None
    if not first_name or not last_name:
        result.reject(line, raw_email, "missing_name", _l("First or last name missing."))
        return None
    try:
        email = clean_email(raw_email)
    except FieldProblem:
        result.reject(line, raw_email, "bad_email", _l("Missing or invalid e-mail address."))
        return None
    try:
        organization = clean_text(row.get("organization"), "organization")
        job_title = clean_text(row.get("job_title"), "job_title")
    except FieldProblem as problem:
        result.reject(line, email, "bad_value", problem.message)
        return None
    try:
        country = clean_country(row.get("country"), required=False)
    except FieldProblem:
        result.reject(line, email, "bad_country", _l("Unknown country code."))
        return None
    category_name = (row.get("category") or "").strip()
    category = find_category(category_name) if category_name else default_category
    if category is None:
        result.reject(
            line,
            email,
            "unknown_category",
            _l("Unknown category “%(name)s”.", name=category_name[:60]),
        )
        return None
    return ImportRow(
        line=line,
        first_name=first_name,
        last_name=last_name,
        email=email,
        organization=organization,
        job_title=job_title,
        country=country,
        category=category,
    )
