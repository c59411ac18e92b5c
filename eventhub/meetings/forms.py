"""Forms of the meetings pages; times are typed in the event's time zone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from eventhub.forms_common import MultiCheckboxField, strip_filter
from eventhub.meetings.booking import MAX_NOTE_LENGTH, MAX_PRIVATE_NOTE_LENGTH
from eventhub.meetings.requests import MAX_PITCH_LENGTH
from eventhub.meetings.slots import MAX_MEETING_MINUTES, MIN_MEETING_MINUTES
from eventhub.profiles.vocabulary import SECTORS, STAGES

MAX_COUNT = 10_000


class SlotBulkForm(FlaskForm):
    days = MultiCheckboxField(_l("Days"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])
    length_minutes = IntegerField(
        _l("Meeting length (minutes)"),
        default=20,
        validators=[
            InputRequired(),
            NumberRange(min=MIN_MEETING_MINUTES, max=MAX_MEETING_MINUTES),
        ],
    )
    gap_minutes = IntegerField(
        _l("Pause between meetings (minutes)"),
        default=5,
        validators=[Optional(), NumberRange(min=0, max=240)],
    )
    breaks = StringField(
        _l("Breaks"),
        validators=[Optional(), Length(max=200)],
        filters=[strip_filter],
        description=_l("For example: 12:30-14:00, 16:00-16:15"),
    )
    table_id = SelectField(_l("Table or room"), coerce=int, default=0)


class OrganiserSlotForm(SlotBulkForm):
    investor_id = SelectField(_l("Investor"), coerce=int, validators=[DataRequired()])


class SlotEditForm(FlaskForm):
    day = SelectField(_l("Day"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])
    table_id = SelectField(_l("Table or room"), coerce=int, default=0)


class BookingForm(FlaskForm):
    note = TextAreaField(
        _l("A short note for the investor"),
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
        filters=[strip_filter],
        description=_l("What you would like to talk about (optional)."),
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you decline"),
        validators=[DataRequired(), Length(max=MAX_NOTE_LENGTH)],
        filters=[strip_filter],
        description=_l("The startup will read this."),
    )


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("How it went"),
        choices=[("held", _l("Held")), ("no_show", _l("No-show"))],
        validators=[DataRequired()],
    )
    note = TextAreaField(
        _l("Private note"),
        validators=[Optional(), Length(max=MAX_PRIVATE_NOTE_LENGTH)],
        filters=[strip_filter],
        description=_l("Only you can read it."),
    )


class RequestForm(FlaskForm):
    pitch = StringField(
        _l("Your pitch in one line"),
        validators=[DataRequired(), Length(max=MAX_PITCH_LENGTH)],
        filters=[strip_filter],
    )


class AnswerForm(FlaskForm):
    reason = StringField(
        _l("Reason (if you decline)"),
        validators=[Optional(), Length(max=300)],
        filters=[strip_filter],
    )


class SettingsForm(FlaskForm):
    booking_open = BooleanField(_l("Startups book open slots first-come"))
    requests_open = BooleanField(_l("Startups send meeting requests"))
    max_meetings_per_startup = IntegerField(
        _l("Meetings per startup (at most)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_COUNT)],
        description=_l("Empty: no limit."),
    )
    max_requests_per_startup = IntegerField(
        _l("Requests per startup (at most)"),
        default=10,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_COUNT)],
    )
    cutoff_hours = IntegerField(
        _l("Cut-off (hours before a meeting)"),
        default=24,
        validators=[InputRequired(), NumberRange(min=0, max=24 * 60)],
        description=_l("Bookings and cancellations close this long before the meeting."),
    )
    max_concurrent_meetings = IntegerField(
        _l("Meetings at once (at most)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_COUNT)],
        description=_l("The scheduler keeps to it. Empty: as many as there are slots."),
    )


class TableForm(FlaskForm):
    name = StringField(
        _l("Table or room"),
        validators=[DataRequired(), Length(max=60)],
        filters=[strip_filter],
        description=_l("For example: Table 12, Room Atlas"),
    )


class AvailabilityForm(FlaskForm):
    unavailable = MultiCheckboxField(_l("I cannot meet at"))


def _sector_choices() -> list[tuple[str, str]]:
    return [("", _l("All sectors")), *SECTORS.items()]


def _stage_choices() -> list[tuple[str, str]]:
    return [("", _l("All stages")), *STAGES.items()]


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search form (GET): it changes nothing

    q = StringField(
        _l("Fund or name"), filters=[strip_filter], validators=[Optional(), Length(max=80)]
    )
    sector = SelectField(_l("Sector"), choices=_sector_choices, default="")
    stage = SelectField(_l("Stage"), choices=_stage_choices, default="")
    ticket = IntegerField(
        _l("Ticket (EUR)"), validators=[Optional(), NumberRange(min=0, max=10**9)]
    )
