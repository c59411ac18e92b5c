"""Forms of the meetings pages; times are typed in the event's time zone. Each form that
feeds a logic function hands over its values as that function takes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from eventhub.events.editing import to_local_naive
from eventhub.forms_common import MultiCheckboxField, strip_filter
from eventhub.meetings.booking import MAX_NOTE_LENGTH, MAX_PRIVATE_NOTE_LENGTH
from eventhub.meetings.directory import DirectoryFilters
from eventhub.meetings.models import MeetingSlot
from eventhub.meetings.requests import MAX_PITCH_LENGTH
from eventhub.meetings.slots import (
    MAX_MEETING_MINUTES,
    MIN_MEETING_MINUTES,
    SettingsDetails,
    SlotPlan,
    parse_breaks,
)
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

    def plan(self) -> SlotPlan:
        """The slots asked for; MeetingError (on `breaks`) for breaks it cannot read."""
        return SlotPlan(
            days=[date.fromisoformat(day) for day in self.days.data],
            start=self.start.data,
            end=self.end.data,
            length_minutes=self.length_minutes.data,
            gap_minutes=self.gap_minutes.data or 0,
            breaks=parse_breaks(self.breaks.data or ""),
            table_id=self.table_id.data or None,
        )


class OrganiserSlotForm(SlotBulkForm):
    investor_id = SelectField(_l("Investor"), coerce=int, validators=[DataRequired()])


class SlotEditForm(FlaskForm):
    day = SelectField(_l("Day"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])
    table_id = SelectField(_l("Table or room"), coerce=int, default=0)

    def show(self, slot: MeetingSlot) -> None:
        """Fill the form with the slot as it is, in the event's time zone."""
        timezone = slot.event.timezone
        start = to_local_naive(slot.starts_at, timezone)
        end = to_local_naive(slot.ends_at, timezone)
        self.day.data = start.date().isoformat()
        self.start.data, self.end.data = start.time(), end.time()
        self.table_id.data = slot.table_id or 0

    def period(self) -> tuple[datetime, datetime]:
        """The (start, end) typed, naive, in the event's time zone."""
        day = date.fromisoformat(self.day.data)
        return datetime.combine(day, self.start.data), datetime.combine(day, self.end.data)


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


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reason (optional)"),
        validators=[
            Optional(),
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("The reason has at most %(count)s characters.", count=MAX_NOTE_LENGTH),
            ),
        ],
        filters=[strip_filter],
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
    decision = StringField(  # the button pressed
        validators=[AnyOf(("accept", "decline"), message=_l("Choose accept or decline."))]
    )
    reason = StringField(
        _l("Reason (if you decline)"),
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
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

    def details(self) -> SettingsDetails:
        return SettingsDetails(
            booking_open=bool(self.booking_open.data),
            requests_open=bool(self.requests_open.data),
            max_meetings_per_startup=self.max_meetings_per_startup.data,
            max_requests_per_startup=self.max_requests_per_startup.data,
            cutoff_hours=self.cutoff_hours.data,
            max_concurrent_meetings=self.max_concurrent_meetings.data,
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


def _sent(_form: Any, field: Any) -> None:
    if not field.raw_data:
        raise ValidationError(_l("The plan you reviewed is missing."))


class ScheduleForm(FlaskForm):
    """Saving the plan the organiser reviewed: its placements as `request:slot,…`, empty
    when it places nothing new."""

    plan = HiddenField(validators=[_sent, Regexp(r"^[0-9:,]*$")])


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

    def filters(self) -> DirectoryFilters:
        """The filters that are valid; a bad one is shown as such and left out."""
        self.validate()

        def valid(field: Any) -> Any:
            return None if field.errors else field.data

        return DirectoryFilters(
            sector=valid(self.sector) or "",
            stage=valid(self.stage) or "",
            ticket_eur=valid(self.ticket),
            text=valid(self.q) or "",
        )
