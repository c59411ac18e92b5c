"""Forms of table check-in: the no-show delay, a badge code typed or scanned at a table."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from eventhub.deals.tables.models import MAX_NO_SHOW_MINUTES
from eventhub.forms_common import strip_filter


class NoShowForm(FlaskForm):
    no_show_minutes = IntegerField(
        _l("No-show after (minutes)"),
        validators=[
            InputRequired(message=_l("Give a number of minutes.")),
            NumberRange(min=1, max=MAX_NO_SHOW_MINUTES),
        ],
        description=_l(
            "A party still absent this long after the slot starts, while the other party "
            "has checked in, is recorded as a no-show."
        ),
    )


class BadgeForm(FlaskForm):
    code = StringField(
        _l("Badge code"),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Scan or type the code of a badge.")),
            Length(max=100),
        ],
        render_kw={"autocomplete": "off", "autofocus": True, "spellcheck": "false"},
    )
