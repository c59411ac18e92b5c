"""Registration forms, and the field rules the form, the API and the CSV import share."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eventhub.events.editing import default_category
from eventhub.events.models import AttendeeCategory, Event
from eventhub.forms_common import spreadsheet_field, strip_filter
from eventhub.registration.models import REGISTRATION_STATUSES
from eventhub.registration.register import Attendee, normalise_email

# Column sizes of `registrations`.
MAX_LENGTHS = {
    "first_name": 80,
    "last_name": 80,
    "email": 254,
    "organization": 160,
    "job_title": 120,
}
# Territory codes of the CLDR that are not countries people come from.
# EH is left out on purpose: the app is run for Moroccan events (see the report to the lead).
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "DG", "EA", "EH", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
DEFAULT_COUNTRY = "MA"


class FieldProblem(ValueError):
    """A value a field refuses, with the message to show at the field."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def clean_email(value: str | None) -> str:
    """A syntactically valid address, normalised (lowercase) the way registrations store it."""
    value = (value or "").strip()
    if not value:
        raise FieldProblem(_l("Enter your e-mail address."))
    if len(value) > MAX_LENGTHS["email"] or _has_control_characters(value):
        raise FieldProblem(_l("Enter a valid e-mail address, for example name@company.ma."))
    try:
        checked = validate_email(
            value,
            check_deliverability=False,
            test_environment=bool(current_app.config.get("TESTING")),
        )
    except EmailNotValidError as error:
        raise FieldProblem(
            _l("Enter a valid e-mail address, for example name@company.ma.")
        ) from error
    return normalise_email(checked.normalized)


def clean_text(value: str | None, field: str, *, required: bool = False) -> str:
    """Trimmed text of any script; no control characters; within the column's size. Bidi
    overrides (U+202E…) are dropped: they would make a name read as another."""
    value = " ".join(BIDI_OVERRIDES.sub("", value or "").split())
    if required and not value:
        if field == "first_name":
            raise FieldProblem(_l("Enter your first name."))
        if field == "last_name":
            raise FieldProblem(_l("Enter your last name."))
        raise FieldProblem(_l("This field is required."))
    if _has_control_characters(value):
        raise FieldProblem(_l("Remove the invisible control characters from this field."))
    limit = MAX_LENGTHS[field]
    if len(value) > limit:
        raise FieldProblem(_l("At most %(max)d characters.", max=limit))
    return value


def clean_country(value: str | None, *, required: bool = True) -> str:
    value = (value or "").strip().upper()
    if not value and not required:
        return ""
    if value not in country_codes():
        raise FieldProblem(_l("Choose a country from the list (ISO code such as MA, FR, SN)."))
    return value


BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in value)


def country_codes() -> frozenset[str]:
    return frozenset(_countries("en"))


def _countries(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def country_choices() -> list[tuple[str, str]]:
    """(code, name in the page's language), sorted by name."""
    language = str(get_locale() or "fr")
    names = _countries(language)
    codes = country_codes()
    return sorted(
        ((code, names.get(code, code)) for code in codes), key=lambda item: item[1].casefold()
    )


def country_name(code: str) -> str:
    if not code:
        return ""
    return _countries(str(get_locale() or "fr")).get(code, code)


def category_by_choice(event: Event, value: Any) -> AttendeeCategory | None:
    """A category of `event` given by id (form, API) or by name, whatever the capitals."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    for category in event.categories:
        if str(category.id) == text or category.name.casefold() == text.casefold():
            return category
    return None


def check_with(cleaner: Any, *args: Any, **kwargs: Any) -> Any:
    """A WTForms validator running one of the shared cleaners above."""

    def validator(_form: Any, field: Any) -> None:
        try:
            field.data = cleaner(field.data, *args, **kwargs)
        except FieldProblem as problem:
            raise ValidationError(str(problem.message)) from problem

    return validator


class AttendeeDetailsForm(FlaskForm):
    """The details of a person as a badge prints them: the registration form's and the
    attendee's correction form's, with the same rules."""

    first_name = StringField(
        _l("First name"),
        filters=[strip_filter],
        validators=[check_with(clean_text, "first_name", required=True)],
        render_kw={"autocomplete": "given-name", "maxlength": MAX_LENGTHS["first_name"]},
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip_filter],
        validators=[check_with(clean_text, "last_name", required=True)],
        render_kw={"autocomplete": "family-name", "maxlength": MAX_LENGTHS["last_name"]},
    )
    organization = StringField(
        _l("Organisation"),
        validators=[check_with(clean_text, "organization")],
        render_kw={"autocomplete": "organization", "maxlength": MAX_LENGTHS["organization"]},
    )
    job_title = StringField(
        _l("Job title"),
        validators=[check_with(clean_text, "job_title")],
        render_kw={"autocomplete": "organization-title", "maxlength": MAX_LENGTHS["job_title"]},
    )
    country = SelectField(
        _l("Country"), validate_choice=False, validators=[check_with(clean_country)]
    )


class RegistrationForm(AttendeeDetailsForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip_filter],
        validators=[check_with(clean_email)],
        render_kw={"autocomplete": "email", "maxlength": MAX_LENGTHS["email"], "dir": "ltr"},
    )
    category = SelectField(_l("I come as"), validate_choice=False)
    consent = BooleanField(
        _l("I agree that my details are used to run this event (privacy terms)."),
        validators=[DataRequired(message=_l("Please accept the privacy terms to register."))],
        description=_l(
            "Your details serve only for your badge, entry checks and messages about this "
            "event. You can cancel at any time from your private link."
        ),
    )
    share_with_exhibitors = BooleanField(
        _l(
            "Exhibitors whose booth scans my badge may see my name, organisation, e-mail and "
            "job title."
        ),
        default=False,
        description=_l(
            "Optional. Without it, they only see that a visitor of your category stopped by. "
            "You can change this at any time from your private link."
        ),
    )
    news = BooleanField(
        _l("I would like to receive news from the organiser."),
        default=False,
        description=_l("Optional. You can change this at any time from your private link."),
    )
    # The honeypot: hidden from people, filled by bots.
    website = StringField(
        _l("Leave this field empty"),
        filters=[strip_filter],
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.country.choices = [("", _l("Choose…")), *country_choices()]
        self.category.choices = [
            (str(category.id), category.localized("name")) for category in event.public_categories
        ]
        if not self.is_submitted():
            default = next((c for c in event.public_categories if c.is_default), None) or next(
                iter(event.public_categories), None
            )
            self.category.data = str(default.id) if default else None
            self.country.data = self.country.data or DEFAULT_COUNTRY

    def validate_category(self, field: Any) -> None:
        if not (field.data or "").strip():
            category = default_category(self.event)  # as the API: left out → the default
        else:
            category = category_by_choice(self.event, field.data)
        if category is None or not category.is_public:
            raise ValidationError(_l("Choose one of the categories open to registration."))
        self.chosen_category = category

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.website.data or "").strip())

    def attendee(self, language: str) -> Attendee:
        """The person typed into the (validated) form."""
        return Attendee(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data,
            organization=self.organization.data or "",
            job_title=self.job_title.data or "",
            country=self.country.data or "",
            language=language,
            share_with_exhibitors=bool(self.share_with_exhibitors.data),
        )


class OrganiserFilterForm(FlaskForm):
    """The search box and filters of the organiser's list (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("All statuses")), *status_choices()]
        self.category.choices = [("", _l("All categories"))] + [
            (str(category.id), category.localized("name")) for category in event.categories
        ]


def status_choices() -> list[tuple[str, Any]]:
    labels = status_labels()
    return [(status, labels[status]) for status in REGISTRATION_STATUSES]


def status_labels() -> dict[str, Any]:
    return {
        "confirmed": _l("Confirmed"),
        "waitlisted": _l("Waiting list"),
        "offered": _l("Place offered"),
        "cancelled": _l("Cancelled"),
        "unconfirmed": _l("Address not confirmed"),
    }


class ChangeCategoryForm(FlaskForm):
    category = SelectField(_l("Category"), validate_choice=False)

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.category.choices = [(str(c.id), c.localized("name")) for c in event.categories]

    def validate_category(self, field: Any) -> None:
        category = category_by_choice(self.event, field.data)
        if category is None:
            raise ValidationError(_l("Choose one of the event's categories."))
        self.chosen_category = category


class ImportForm(FlaskForm):
    file = spreadsheet_field(
        _l(
            "A CSV file (UTF-8, comma or semicolon separated) or an Excel workbook, with a "
            "header row: first_name, last_name, email, and optionally organization, "
            "job_title, country, category."
        )
    )
    category = SelectField(
        _l("Category when the file names none"),
        validate_choice=False,
        description=_l("Invited guests may go into categories closed to public registration."),
    )
    send_emails = BooleanField(_l("E-mail each guest their confirmation and badge"))

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.category.choices = [(str(c.id), c.localized("name")) for c in event.categories]
        if not self.is_submitted():
            default = next((c for c in event.categories if c.is_default), None)
            self.category.data = str(default.id) if default else None

    def validate_category(self, field: Any) -> None:
        category = category_by_choice(self.event, field.data)
        if category is None:
            raise ValidationError(_l("Choose one of the event's categories."))
        self.chosen_category = category
