"""API shapes of registrations; the same field rules as the public form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from eventhub.api import ONE_LINE_TEXT, OPTIONAL_ONE_LINE_TEXT
from eventhub.registration.forms import (
    MAX_LENGTHS,
    FieldProblem,
    clean_email,
    clean_text,
    country_codes,
)
from eventhub.registration.models import REGISTRATION_STATUSES

# Domains of special use, whose addresses e-mail_validator refuses (any capitals).
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
_SPECIAL_USE = "|".join(
    "".join(f"[{letter.upper()}{letter}]" for letter in name) for name in SPECIAL_USE_DOMAINS
)
# No space, one @, a dot in the domain, not of a special-use domain; the rest is the e-mail
# format's (stated too).
EMAIL_SHAPE = (
    rf"^(?![\s\S]*[@.](?:{_SPECIAL_USE})$)"
    r"[^\u0000-\u0020@]+@[^\u0000-\u0020@]+\.[^\u0000-\u0020@]+$"
)
REQUIRED = {"required": _l("This field is required."), "null": _l("This field is required.")}


class CleanedString(ma.fields.String):
    """A string run through one of the form's cleaners (trimmed, checked, normalised)."""

    def __init__(self, cleaner: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cleaner = cleaner

    def make_error(self, key: str, **kwargs: Any) -> ma.ValidationError:
        # Translated messages are lazy strings: resolve them, and keep the list shape.
        error = super().make_error(key, **kwargs)
        if not isinstance(error.messages, list | dict):
            return ma.ValidationError(str(error.messages))
        return error

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            cleaned = self.cleaner(text)
        except FieldProblem as problem:
            raise ma.ValidationError(str(problem.message)) from problem
        # The field's validators (stated in the document) hold for the text as sent, not
        # only once cleaned: the document says what is accepted.
        for validator in self.validators:
            validator(text)
        return cleaned


class CategoryChoice(ma.fields.Field):
    """A category name (any capitals) or its id, as GET /api/v1/events/<slug> lists them."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ma.ValidationError(str(_l("Give the category's name or id.")))
        text = str(value).strip()
        if len(text) > 60:
            raise ma.ValidationError(str(_l("No category has this name.")))
        return text


def _text(name: str, *, required: bool) -> CleanedString:
    def cleaner(value: str) -> str:
        return clean_text(value, name, required=required)

    options: dict[str, Any] = {
        "metadata": {
            "description": f"At most {MAX_LENGTHS[name]} characters; any script; no control "
            "characters (spaces, tabs and line breaks run together)"
        },
        "validate": [
            ma.validate.Length(max=MAX_LENGTHS[name]),
            ma.validate.Regexp(
                ONE_LINE_TEXT if required else OPTIONAL_ONE_LINE_TEXT,
                error=str(_l("Remove the invisible control characters from this field."))
                if not required
                else REQUIRED["required"],
            ),
        ],
    }
    if required:
        return CleanedString(cleaner, required=True, error_messages=REQUIRED, **options)
    return CleanedString(cleaner, load_default="", **options)


class RegistrationRequestSchema(ma.Schema):
    first_name = _text("first_name", required=True)
    last_name = _text("last_name", required=True)
    email = CleanedString(
        clean_email,
        required=True,
        error_messages=REQUIRED,
        validate=[
            ma.validate.Length(max=MAX_LENGTHS["email"]),
            ma.validate.Regexp(EMAIL_SHAPE, error=_l("Enter a valid e-mail address.")),
        ],
        metadata={
            "description": "One registration per address and event; stored in lowercase. "
            "Addresses of special-use domains (.test, .local, .invalid…) are refused.",
            "format": "email",
            "example": "salma.bennani@atlas-ai.ma",
        },
    )
    organization = _text("organization", required=False)
    job_title = _text("job_title", required=False)
    country = ma.fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=ma.validate.OneOf(
            sorted(country_codes()),
            error=_l("Choose a country from the list (ISO code such as MA, FR, SN)."),
        ),
        metadata={"description": "ISO 3166-1 alpha-2 code, in capitals", "example": "MA"},
    )
    category = CategoryChoice(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Name (any capitals) or id of a public category of the event; "
            "the event's default category when left out",
            "anyOf": [{"type": "string", "maxLength": 60}, {"type": "integer"}],
            "nullable": True,
            "example": "Visitor",
        },
    )
    language = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(("fr", "en", "ar")),
        metadata={
            "description": "Language of the e-mail and badge; default: Accept-Language, else fr"
        },
    )
    news = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "The attendee agrees to receive news from the organiser; default "
            "false. Recorded with its time, and the privacy notice's version and language."
        },
    )
    share_with_exhibitors = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "The attendee agrees that exhibitors whose booth scans their badge "
            "see their name, organisation, e-mail and job title; default false (they see only "
            "the category). The consent is recorded with its time."
        },
    )


class RegistrationCreatedSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["confirmed", "waitlisted"]})
    waitlist_position = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "Only when waitlisted"}
    )
    badge_url = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The badge PDF; null while on the waiting list"},
    )
    manage_url = ma.fields.String(
        required=True,
        metadata={"description": "The attendee's private page (badge, calendar, cancel)"},
    )


class CheckEmailSchema(ma.Schema):
    """The answer to a registration whose result only the address's owner may learn."""

    status = ma.fields.String(required=True, metadata={"enum": ["check_email"]})
    message = ma.fields.String(required=True)


class RegistrationQuerySchema(ma.Schema):
    q = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=100),
        metadata={"description": "Part of a name, e-mail address or organisation"},
    )
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(REGISTRATION_STATUSES))
    category = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Category name or id"},
    )
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class RegistrationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"enum": list(REGISTRATION_STATUSES)})
    first_name = ma.fields.String(required=True)
    last_name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    organization = ma.fields.String(required=True)
    job_title = ma.fields.String(required=True)
    country = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    category = ma.fields.Function(lambda registration: registration.category.name, required=True)
    source = ma.fields.String(required=True)
    badge_version = ma.fields.Integer(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    confirmed_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    cancelled_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    exhibitor_consent_at = ma.fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={
            "description": "Since when exhibitors who scan the badge see the contact; "
            "null: not agreed"
        },
    )
    offer_expires_at = ma.fields.Function(
        lambda registration: (
            registration.offer_expires_at.isoformat()
            if registration.status == "offered" and registration.offer_expires_at
            else None
        ),
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "While a freed place is offered (status `offered`): until when it "
            "is held for the attendee",
        },
    )


class RegistrationPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RegistrationSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
