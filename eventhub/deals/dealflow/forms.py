"""Forms of the deal-flow pages: the investor's record of a meeting, the startup's answer
to a next step, the pipeline's filters (GET, no CSRF)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventhub.deals.dealflow.labels import INTEREST_LABELS, STEP_LABELS
from eventhub.deals.dealflow.records import (
    MAX_LINK_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_REPLY_LENGTH,
    AnswerInput,
    DealInput,
)
from eventhub.forms_common import strip_filter
from eventhub.listing import MAX_SEARCH_LENGTH


class DealRecordForm(FlaskForm):
    interest = RadioField(
        _l("Interest"),
        choices=list(INTEREST_LABELS.items()),
        validators=[DataRequired(message=_l("Choose none, low or high."))],
    )
    next_step = RadioField(
        _l("Next step"),
        choices=list(STEP_LABELS.items()),
        validators=[DataRequired(message=_l("Choose one of the next steps."))],
    )
    notes = TextAreaField(
        _l("Private notes"),
        validators=[Optional(), Length(max=MAX_NOTES_LENGTH)],
        filters=[strip_filter],
        description=_l("Only your team reads them; never the startup nor the organisers."),
    )
    version = HiddenField()

    def details(self) -> DealInput:
        try:
            version = int(self.version.data) if self.version.data else None
        except ValueError:
            version = 0  # not a version the form showed: "changed meanwhile"
        return DealInput(self.interest.data, self.next_step.data, self.notes.data or "", version)


class StepAnswerForm(FlaskForm):
    reply = TextAreaField(
        _l("Your reply"),
        validators=[Optional(), Length(max=MAX_REPLY_LENGTH)],
        filters=[strip_filter],
    )
    link = StringField(
        _l("Link"),
        validators=[Optional(), Length(max=MAX_LINK_LENGTH)],
        filters=[strip_filter],
        description=_l("A web address starting with https:// (your deck, a data room…)."),
    )
    done = BooleanField(_l("Done"))

    def details(self) -> AnswerInput:
        return AnswerInput(self.reply.data or "", self.link.data or "", bool(self.done.data))


class PipelineFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Startup"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=MAX_SEARCH_LENGTH)],
    )
    stage = SelectField(_l("Stage"), validate_choice=False)
    interest = SelectField(_l("Interest"), validate_choice=False)
    event = SelectField(_l("Event"), validate_choice=False)

    def __init__(self, *args: Any, events: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = [("", _l("All stages")), *STEP_LABELS.items()]
        self.interest.choices = [("", _l("Any interest")), *INTEREST_LABELS.items()]
        self.event.choices = [("", _l("All events")), *((str(e.id), e.name) for e in events)]
