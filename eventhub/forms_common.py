"""Form fields and validators shared by several capabilities."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, widgets
from wtforms.validators import ValidationError

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def strip_filter(value: Any) -> Any:
    """Trim a typed value and drop NUL characters, which PostgreSQL refuses in any text."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def slug_validator(_form: Any, field: Any) -> None:
    if field.data and not SLUG_PATTERN.match(field.data):
        raise ValidationError(_l("Use lowercase letters, digits and single hyphens only."))


def colour_validator(_form: Any, field: Any) -> None:
    if field.data and not COLOUR_PATTERN.match(field.data):
        raise ValidationError(_l("Give a colour as #RRGGBB, for example #1f6feb."))
