"""The public sign-up form, and the form that sends the verification link again.

One form for both roles: the fields of the role not chosen are neither required nor
checked (their errors are dropped), so that the page can show both groups and the
browser hide the one that does not apply. The startup's and investor's fields are checked
as on the profile pages (eventhub/profiles/forms.py).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from eventhub.auth.accounts import MIN_PASSWORD_LENGTH
from eventhub.auth.signup import Applicant
from eventhub.deals.programmes.catalogue import programme_choices
from eventhub.forms_common import strip_filter
from eventhub.i18n import LANGUAGE_NAMES
from eventhub.profiles.forms import MAX_TICKET_EUR
from eventhub.profiles.vocabulary import CITY_SITES, SECTORS, STAGES

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ROLE_FIELDS = {
    "startup": ("startup_name", "sector", "stage", "programme", "city_site"),
    "investor": ("fund", "ticket_min_eur", "ticket_max_eur"),
}
REQUIRED_FOR_ROLE = {"startup": ("startup_name",), "investor": ("fund",)}


def _role_choices() -> list[tuple[str, Any]]:
    return [("startup", _l("A startup")), ("investor", _l("An investor"))]


def _language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]


def web_address(_form: Any, field: Any) -> None:
    """Only http and https: the address becomes a link on the organisers' pages."""
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("Give an address starting with http:// or https://."))


class SignupForm(FlaskForm):
    role = RadioField(
        _l("I am signing up as"),
        choices=_role_choices,
        validators=[DataRequired(message=_l("Choose startup or investor."))],
    )
    name = StringField(
        _l("Your name"), filters=[strip_filter], validators=[DataRequired(), Length(max=120)]
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_filter],
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Give an e-mail address.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "The password must have at least %(count)d characters.",
                    count=MIN_PASSWORD_LENGTH,
                ),
            ),
        ],
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Password, again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )
    language = SelectField(_l("Language of our e-mails"), choices=_language_choices)
    website = URLField(
        _l("Website"),
        filters=[strip_filter],
        validators=[Optional(), URL(require_tld=True), web_address, Length(max=200)],
    )
    # A startup
    startup_name = StringField(
        _l("Startup name"), filters=[strip_filter], validators=[Length(max=120)]
    )
    sector = SelectField(_l("Sector"), choices=lambda: list(SECTORS.items()))
    stage = SelectField(_l("Stage"), choices=lambda: list(STAGES.items()))
    programme = SelectField(_l("Programme"), choices=lambda: programme_choices(), default="")
    city_site = SelectField(
        _l("City site"), choices=[("", "—"), *[(c, c) for c in CITY_SITES]], default=""
    )
    # An investor
    fund = StringField(_l("Fund"), filters=[strip_filter], validators=[Length(max=120)])
    ticket_min_eur = IntegerField(
        _l("Smallest ticket (EUR)"), validators=[Optional(), NumberRange(min=0, max=MAX_TICKET_EUR)]
    )
    ticket_max_eur = IntegerField(
        _l("Largest ticket (EUR)"), validators=[Optional(), NumberRange(min=0, max=MAX_TICKET_EUR)]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        role = self.role.data if self.role.data in ROLE_FIELDS else None
        for other_role, names in ROLE_FIELDS.items():
            if other_role != role:
                for name in names:
                    self[name].errors = []
        for name in REQUIRED_FOR_ROLE.get(role or "", ()):
            if not self[name].data and not self[name].errors:
                self[name].errors = [str(_l("This field is required."))]
        return not self.errors

    def applicant(self, event: Any = None) -> Applicant:
        startup = self.role.data == "startup"
        return Applicant(
            role=self.role.data,
            name=self.name.data,
            email=self.email.data,
            password=self.password.data,
            language=self.language.data,
            website=self.website.data or "",
            event=event,
            startup_name=(self.startup_name.data or "") if startup else "",
            sector=self.sector.data if startup else "",
            stage=self.stage.data if startup else "",
            programme=(self.programme.data or "") if startup else "",
            city_site=(self.city_site.data or "") if startup else "",
            fund=(self.fund.data or "") if not startup else "",
            ticket_min_eur=self.ticket_min_eur.data if not startup else None,
            ticket_max_eur=self.ticket_max_eur.data if not startup else None,
        )


class ResendVerificationForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
