from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eventhub.checkin.models import SCAN_NOTE_LENGTH
from eventhub.events.models import Event
from eventhub.forms_common import strip_filter
from eventhub.i18n import LANGUAGE_NAMES, supported_languages
from eventhub.registration.forms import (
    MAX_LENGTHS,
    category_by_choice,
    check_with,
    clean_email,
    clean_text,
)
from eventhub.registration.register import Attendee
from eventhub.registration.web import current_language


class GateForm(FlaskForm):
    name = StringField(
        _l("Gate name"),
        validators=[DataRequired(), Length(max=60)],
        filters=[strip_filter],
        description=_l("For example: North entrance, Hall 2 door B"),
    )
    direction = SelectField(
        _l("Direction"),
        choices=[("entry", _l("Entry")), ("exit", _l("Exit"))],
        default="entry",
        description=_l(
            "An exit gate records people leaving, so that the zone counts who is inside."
        ),
    )
    zone_id = SelectField(
        _l("Zone"),
        coerce=int,
        description=_l(
            "The zone it leads into (an entry: the zone's access rule applies) or out of (an exit)."
        ),
    )


class DeskSearchForm(FlaskForm):
    """The help desk's search box (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, e-mail, organisation or registration number"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=100)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autofocus": True},
    )


class HandCheckInForm(FlaskForm):
    """Check one person in by hand: why (required, kept with the check-in)."""

    reason = StringField(
        _l("Reason"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Say why this person is checked in by hand.")),
            Length(max=SCAN_NOTE_LENGTH),
        ],
    )
    q = HiddenField()  # the search to come back to


class WalkInForm(FlaskForm):
    """A person registered at the desk, in any category of the event."""

    first_name = StringField(
        _l("First name"),
        filters=[strip_filter],
        validators=[check_with(clean_text, "first_name", required=True)],
        render_kw={"maxlength": MAX_LENGTHS["first_name"]},
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip_filter],
        validators=[check_with(clean_text, "last_name", required=True)],
        render_kw={"maxlength": MAX_LENGTHS["last_name"]},
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_filter],
        validators=[check_with(clean_email)],
        render_kw={"maxlength": MAX_LENGTHS["email"], "dir": "ltr"},
    )
    organization = StringField(
        _l("Organisation"),
        filters=[strip_filter],
        validators=[check_with(clean_text, "organization")],
        render_kw={"maxlength": MAX_LENGTHS["organization"]},
    )
    category = SelectField(_l("Category"), validate_choice=False)
    language = SelectField(_l("Language of their e-mails"))
    consent = BooleanField(
        _l("The person agrees that their details are used to run this event."),
        validators=[
            DataRequired(message=_l("Ask the person's agreement before registering them."))
        ],
    )

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.category.choices = [(str(c.id), c.localized("name")) for c in event.categories]
        self.language.choices = [(code, LANGUAGE_NAMES[code]) for code in supported_languages()]
        if not self.is_submitted():
            default = next((c for c in event.categories if c.is_default), None)
            self.category.data = str(default.id) if default else None
            self.language.data = current_language()

    def validate_category(self, field: Any) -> None:
        category = category_by_choice(self.event, field.data)
        if category is None:
            raise ValidationError(_l("Choose one of the event's categories."))
        self.chosen_category = category

    def attendee(self) -> Attendee:
        return Attendee(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data,
            organization=self.organization.data or "",
            language=self.language.data,
        )
