"""The import of pre-registered guests from a spreadsheet: each row checked like the public
form, with the reason for every row refused, then the accepted rows registered.

`parse_guests` is a pure function over plain values (the file and the event's lookups);
`import_rows` registers what it accepted, and `import_guests` does both for an event.
Nothing here commits: the caller commits once, or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from eventhub.events.models import AttendeeCategory, Event
from eventhub.registration.forms import (
    FieldProblem,
    category_by_choice,
    clean_country,
    clean_email,
    clean_text,
)
from eventhub.registration.models import Registration
from eventhub.registration.queries import registered_emails
from eventhub.registration.register import Attendee, RegistrationError, register
from eventhub.spreadsheets import Columns, Row, read_upload

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
GUEST_COLUMNS = Columns(HEADER_ALIASES, required=("first_name", "last_name", "email"))


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


@dataclass
class ImportReport:
    """What an import did: the registrations it made, and every row it refused, by line."""

    registered: list[Registration] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return sum(1 for registration in self.registered if registration.status == "confirmed")

    @property
    def waitlisted(self) -> int:
        return sum(1 for registration in self.registered if registration.status == "waitlisted")


def parse_guests(
    data: bytes,
    *,
    find_category: Callable[[str], Any],
    default_category: Any,
    registered_emails: Callable[[set[str]], set[str]],
) -> ImportResult:
    """Check every row of an uploaded CSV or XLSX file; accepted rows are ready to register,
    rejected ones say why. Raises SpreadsheetError for a file that cannot be read.

    `find_category(name)` gives the category named in a row (None when unknown);
    `registered_emails(emails)` says which of these addresses the event already has.
    """
    result = ImportResult()
    seen: dict[str, int] = {}
    candidates: list[ImportRow] = []
    for row in read_upload(data, GUEST_COLUMNS):
        checked = _check_row(row, find_category, default_category, result)
        if checked is None:
            continue
        if checked.email in seen:
            result.reject(
                row.line,
                checked.email,
                "duplicate_in_file",
                _l("Duplicate in the file (first on line %(line)d).", line=seen[checked.email]),
            )
            continue
        seen[checked.email] = row.line
        candidates.append(checked)

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
    row: Row,
    find_category: Callable[[str], Any],
    default_category: Any,
    result: ImportResult,
) -> ImportRow | None:
    line = row.line
    raw_email = row.get("email").strip()
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


def import_rows(event: Event, parsed: ImportResult, *, language: str) -> ImportReport:
    """Register the accepted rows (as invited guests: any category, outside the registration
    window); a row the registration refuses at this point joins the rejected ones."""
    report = ImportReport(rejected=list(parsed.rejected))
    for row in parsed.accepted:
        attendee = Attendee(
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            organization=row.organization,
            job_title=row.job_title,
            country=row.country,
            language=language,
        )
        try:
            registration = register(
                event,
                row.category,
                attendee,
                source="import",
                public_only=False,
                enforce_window=False,
            )
        except RegistrationError as error:
            report.rejected.append(
                Rejection(line=row.line, email=row.email, reason=error.message, code=error.code)
            )
        else:
            report.registered.append(registration)
    report.rejected.sort(key=lambda rejection: rejection.line)
    return report


def import_guests(
    event: Event, data: bytes, *, default_category: AttendeeCategory, language: str
) -> ImportReport:
    """Check and register the guests of an uploaded CSV or XLSX file; `default_category`
    for the rows that name none, `language` for their e-mails. Raises SpreadsheetError for
    a file that cannot be read (nothing is registered then)."""
    parsed = parse_guests(
        data,
        find_category=lambda name: category_by_choice(event, name),
        default_category=default_category,
        registered_emails=lambda emails: registered_emails(event, emails),
    )
    return import_rows(event, parsed, language=language)
