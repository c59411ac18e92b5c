"""Forms of matchmaking: a mark, an investor's request to a startup."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from eventhub.deals.matchmaking.marks import mark_labels
from eventhub.forms_common import strip_filter
from eventhub.meetings.requests import MAX_PITCH_LENGTH


class MarkForm(FlaskForm):
    other = IntegerField(
        validators=[InputRequired(_l("Choose whom to mark.")), NumberRange(min=1, max=2**31 - 1)]
    )
    mark = SelectField(
        _l("My mark"),
        choices=lambda: [("", _l("No mark")), *mark_labels().items()],
        default="",
    )
    next = HiddenField()


class InvestorRequestForm(FlaskForm):
    pitch = StringField(
        _l("Why you want to meet, in one line"),
        validators=[DataRequired(), Length(max=MAX_PITCH_LENGTH)],
        filters=[strip_filter],
    )
