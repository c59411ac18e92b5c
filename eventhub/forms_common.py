"""Form fields and validators shared by several capabilities."""

from __future__ import annotations

import re
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectMultipleField, widgets
from wtforms.validators import ValidationError

from eventhub.errors import DomainError
from eventhub.spreadsheets import UPLOAD_EXTENSIONS

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def spreadsheet_field(columns_help: Any) -> FileField:
    """A file input for an import: a CSV or XLSX file, whose columns `columns_help` names."""
    return FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Choose a CSV or XLSX file.")),
            FileAllowed(
                [*UPLOAD_EXTENSIONS, "txt"], message=_l("The file must be a .csv or .xlsx file.")
            ),
        ],
        description=columns_help,
    )


# Control characters (ESC, BEL…) but the line breaks and tabs of multi-line text, and the
# bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make a name
# read as something else. Left-to-right and right-to-left marks stay: Arabic text uses them.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_typed(value: str) -> str:
    """Typed text without control characters or bidi overrides (see _UNWANTED), trimmed."""
    return _UNWANTED.sub("", value).strip()


def strip_filter(value: Any) -> Any:
    """Trim a typed value and drop control characters and bidi overrides (`clean_typed`);
    NUL among them, which PostgreSQL refuses in any text."""
    return clean_typed(value) if isinstance(value, str) else value


def slug_validator(_form: Any, field: Any) -> None:
    if field.data and not SLUG_PATTERN.match(field.data):
        raise ValidationError(_l("Use lowercase letters, digits and single hyphens only."))


def colour_validator(_form: Any, field: Any) -> None:
    if field.data and not COLOUR_PATTERN.match(field.data):
        raise ValidationError(_l("Give a colour as #RRGGBB, for example #1f6feb."))


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """A refusal of the logic shown where it belongs: under its field when the form has
    that field, else as a message at the top of the page."""
    field = form._fields.get(error.field) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


def form_status(*forms: FlaskForm | None) -> int:
    """The status of a page that shows `forms`: 422 when one of them has errors."""
    return 422 if any(form is not None and form.errors for form in forms) else 200
