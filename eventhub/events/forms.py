from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from eventhub.events.editing import MAX_ZONE_CAPACITY, CategoryDetails, EventDetails
from eventhub.events.models import DEFAULT_TIMEZONE, SUMMARY_LENGTH, AttendeeCategory, Event
from eventhub.events.privacy import MAX_PRIVACY_TEXT
from eventhub.forms_common import (
    MultiCheckboxField,
    colour_validator,
    slug_validator,
    strip_filter,
)
from eventhub.i18n import LANGUAGE_NAMES

DEFAULT_OFFER_HOLD_HOURS = 48
MAX_OFFER_HOLD_HOURS = 24 * 30

COMMON_TIMEZONES = (
    DEFAULT_TIMEZONE,
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Africa/Tunis",
    "Africa/Algiers",
    "Africa/Dakar",
    "Europe/Paris",
    "Europe/London",
    "Asia/Dubai",
    "UTC",
)


def kind_choices() -> list[tuple[str, str]]:
    return [("expo", _l("Expo")), ("demo_day", _l("Demo day"))]


def status_choices() -> list[tuple[str, str]]:
    return [("draft", _l("Draft")), ("published", _l("Published")), ("archived", _l("Archived"))]


class EventForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=160)], filters=[strip_filter]
    )
    slug = StringField(
        _l("Short name in addresses"),
        validators=[DataRequired(), Length(min=3, max=80), slug_validator],
        filters=[strip_filter],
        description=_l("For example gitex-africa-2027"),
    )
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=status_choices, validators=[DataRequired()])
    main_language = SelectField(
        _l("Language of these texts"),
        choices=lambda: list(LANGUAGE_NAMES.items()),
        default="fr",
        description=_l(
            "The language the name, summary, description and venue on this form are written in. "
            "Give them in the other languages on the Translations page; readers of a language "
            "with no translation see these."
        ),
    )
    summary = StringField(
        _l("Summary"),
        validators=[Optional(), Length(max=SUMMARY_LENGTH)],
        filters=[strip_filter],
        description=_l("A line or two shown in the list of events."),
    )
    description = TextAreaField(
        _l("What is on"), validators=[Optional(), Length(max=5000)], filters=[strip_filter]
    )
    venue = StringField(
        _l("Venue"), validators=[DataRequired(), Length(max=160)], filters=[strip_filter]
    )
    city = StringField(
        _l("City"), validators=[DataRequired(), Length(max=80)], filters=[strip_filter]
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=[(zone, zone) for zone in COMMON_TIMEZONES],
        default=DEFAULT_TIMEZONE,
        validate_choice=False,
    )
    # InputRequired, not DataRequired: a mistyped date keeps its "Not a valid date" message.
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired()])
    registration_opens = DateTimeLocalField(
        _l("Registration opens"),
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description=_l("In the event's time zone. Leave empty to open at once."),
    )
    registration_closes = DateTimeLocalField(
        _l("Registration closes"),
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description=_l("In the event's time zone. Leave empty to keep it open."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
        description=_l("Leave empty for no limit."),
    )
    offer_hold_hours = IntegerField(
        _l("Hours a freed place is held"),
        validators=[Optional(), NumberRange(min=1, max=MAX_OFFER_HOLD_HOURS)],
        default=DEFAULT_OFFER_HOLD_HOURS,
        description=_l(
            "When a place frees up, the next person on the waiting list has this many hours "
            "to accept it before it is offered to the one after."
        ),
    )

    requires_email_confirmation = BooleanField(
        _l("Attendees confirm their e-mail address"),
        description=_l(
            "A registration from the public form holds no place until the attendee opens the "
            "link e-mailed to them; nobody can then register someone else's address or learn "
            "who is registered."
        ),
    )

    def details(self) -> EventDetails:
        """What the organiser typed, for the logic (times still local to the event)."""
        return EventDetails(
            name=self.name.data,
            slug=self.slug.data,
            kind=self.kind.data,
            status=self.status.data,
            venue=self.venue.data,
            city=self.city.data,
            timezone=self.timezone.data,
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            description=self.description.data or "",
            summary=self.summary.data or "",
            main_language=self.main_language.data,
            registration_opens_local=self.registration_opens.data,
            registration_closes_local=self.registration_closes.data,
            capacity=self.capacity.data,
            offer_hold_hours=self.offer_hold_hours.data,
            requires_email_confirmation=bool(self.requires_email_confirmation.data),
        )

    def validate_timezone(self, field: SelectField) -> None:
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown time zone."))
        ZoneInfo(field.data)

    def validate_last_day(self, field: DateField) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_registration_closes(self, field: DateTimeLocalField) -> None:
        opens = self.registration_opens.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))


class ZoneForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=80)], filters=[strip_filter]
    )
    description = StringField(
        _l("Description"), validators=[Optional(), Length(max=240)], filters=[strip_filter]
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=MAX_ZONE_CAPACITY)],
        description=_l(
            "How many people may be inside at once: its entry gates answer that it is full "
            "beyond. Leave empty for no limit."
        ),
    )


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=60)], filters=[strip_filter]
    )
    colour = StringField(
        _l("Badge colour"),
        validators=[DataRequired(), colour_validator],
        default="#1f6feb",
        filters=[strip_filter],
    )
    is_public = BooleanField(_l("Open to public registration"), default=True)
    is_default = BooleanField(_l("Default category for registrations"))
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
        description=_l("Leave empty for no limit."),
    )
    position = IntegerField(
        _l("Order"), validators=[Optional(), NumberRange(min=0, max=999)], default=0
    )
    days = MultiCheckboxField(
        _l("Days it may enter"), coerce=str, description=_l("None ticked means every day.")
    )
    zones = MultiCheckboxField(
        _l("Zones it may enter"), coerce=int, description=_l("None ticked means every zone.")
    )

    @classmethod
    def for_event(cls, event: Event, category: AttendeeCategory | None = None) -> CategoryForm:
        """The form for a new category of `event` (category None) or for editing one: the
        event's days and zones to choose from."""
        data = None
        if category is not None:
            data = {
                "name": category.name,
                "colour": category.colour,
                "is_public": category.is_public,
                "is_default": category.is_default,
                "capacity": category.capacity,
                "position": category.position,
                "days": [day.isoformat() for day in category.days],
                "zones": [zone.id for zone in category.zones],
            }
        form = cls(data=data)
        form.days.choices = [(day.isoformat(), day.isoformat()) for day in event.days]
        form.zones.choices = [(zone.id, zone.localized("name")) for zone in event.zones]
        return form

    def details(self) -> CategoryDetails:
        return CategoryDetails(
            name=self.name.data,
            colour=self.colour.data,
            is_public=self.is_public.data,
            is_default=self.is_default.data,
            capacity=self.capacity.data,
            position=self.position.data or 0,
            days=[date.fromisoformat(day) for day in self.days.data or []],
            zone_ids=list(self.zones.data or []),
        )


def _privacy_text_field(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=MAX_PRIVACY_TEXT)],
        filters=[strip_filter],
        render_kw={"rows": 10, "maxlength": MAX_PRIVACY_TEXT},
    )


class PrivacyForm(FlaskForm):
    """The event's privacy notice in each language; any left empty falls back to another."""

    text_fr = _privacy_text_field(_l("Notice in French"))
    text_en = _privacy_text_field(_l("Notice in English"))
    text_ar = _privacy_text_field(_l("Notice in Arabic"))

    def texts(self) -> dict[str, str]:
        return {
            "fr": self.text_fr.data or "",
            "en": self.text_en.data or "",
            "ar": self.text_ar.data or "",
        }


class TranslationsForm(FlaskForm):
    """The event's texts in the languages other than its main one; fields added per text."""

    @classmethod
    def for_texts(cls, sections: list[Any], languages: tuple[str, ...]) -> TranslationsForm:
        form_class = type("EventTranslationsForm", (cls,), {})
        for section in sections:
            for text in section.texts:
                for language in languages:
                    field_class = TextAreaField if text.multiline else StringField
                    setattr(
                        form_class,
                        translation_field_name(text.key, language),
                        field_class(
                            LANGUAGE_NAMES[language],
                            validators=[Optional(), Length(max=text.max_length)],
                            filters=[strip_filter],
                            default=text.owner.translation(text.field, language),
                            render_kw={"lang": language, "dir": "auto"},
                        ),
                    )
        return form_class()

    def typed(self, sections: list[Any], languages: tuple[str, ...]) -> dict[tuple[str, str], str]:
        return {
            (text.key, language): self[translation_field_name(text.key, language)].data or ""
            for section in sections
            for text in section.texts
            for language in languages
        }


def translation_field_name(key: str, language: str) -> str:
    return f"{key}__{language}"
