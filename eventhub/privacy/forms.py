"""The forms of the privacy pages: the attendee's consents, correction and erasure, and
the organiser's privacy settings (the notice's texts, CNDP declaration, retention)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
)

from eventhub.events.forms import PrivacyForm
from eventhub.forms_common import strip_filter
from eventhub.i18n import LANGUAGE_NAMES
from eventhub.privacy.correction import Correction
from eventhub.privacy.models import CNDP_LENGTH, MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS
from eventhub.privacy.settings import NoticeSettings
from eventhub.registration.forms import AttendeeDetailsForm, country_choices


class ConsentChangeForm(FlaskForm):
    """Give (`yes`) or withdraw (`no`) one optional consent."""

    grant = HiddenField(validators=[AnyOf(("yes", "no"))])

    @property
    def granted(self) -> bool:
        return self.grant.data == "yes"


class CorrectionForm(AttendeeDetailsForm):
    language = SelectField(
        _l("Language of e-mails and badge"),
        validators=[DataRequired(message=_l("Choose a language from the list."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.language.choices = [
            (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
        ]

    def correction(self) -> Correction:
        return Correction(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            organization=self.organization.data or "",
            job_title=self.job_title.data or "",
            country=self.country.data,
            language=self.language.data,
        )


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that my registration is cancelled and my details erased for good."),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))],
    )


class PrivacySettingsForm(PrivacyForm):
    """The notice's texts (PrivacyForm) and what the notice states besides them."""

    cndp_declaration = StringField(
        _l("CNDP declaration or authorisation number"),
        filters=[strip_filter],
        validators=[Length(max=CNDP_LENGTH)],
        description=_l(
            "As given by the Commission nationale de contrôle de la protection des données à "
            "caractère personnel; shown on the notice."
        ),
        render_kw={"maxlength": CNDP_LENGTH, "dir": "ltr"},
    )
    retention_months = IntegerField(
        _l("Keep personal data after the event for (months)"),
        validators=[
            InputRequired(message=_l("Enter a number of months.")),
            NumberRange(
                min=MIN_RETENTION_MONTHS,
                max=MAX_RETENTION_MONTHS,
                message=_l("Between %(min)d and %(max)d months."),
            ),
        ],
        description=_l(
            "Then names, e-mails and notes are erased; the counts stay. Default: 12 months."
        ),
        render_kw={
            "min": MIN_RETENTION_MONTHS,
            "max": MAX_RETENTION_MONTHS,
            "inputmode": "numeric",
        },
    )

    def settings(self) -> NoticeSettings:
        return NoticeSettings(
            texts=self.texts(),
            cndp_declaration=self.cndp_declaration.data or "",
            retention_months=self.retention_months.data,
        )
