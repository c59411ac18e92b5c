"""The forms of the organiser's invitation pages. The values are checked by the logic
(eventhub/admin/invitations.py), the same way for one person as for a row of a file."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from eventhub.admin.invitations import LIMITS, MAX_COHORT_ROWS, state_labels
from eventhub.admin.users import role_labels
from eventhub.forms_common import spreadsheet_field, strip_filter

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def _text(label: Any, name: str, description: Any = None) -> StringField:
    return StringField(
        label,
        filters=[strip_filter],
        validators=[Optional(), Length(max=LIMITS[name])],
        description=description,
        render_kw={"maxlength": LIMITS[name]},
    )


class InviteForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip_filter],
        validators=[InputRequired(_l("The name is missing.")), Length(max=LIMITS["name"])],
        render_kw={"maxlength": LIMITS["name"], "autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_filter],
        validators=[InputRequired(_l("Missing or invalid e-mail address.")), Length(max=254)],
        render_kw={"maxlength": 254, "autocomplete": "off"},
    )
    role = SelectField(_l("Role"), validate_choice=False)
    organisation = _text(
        _l("Startup or fund"),
        "organisation",
        _l(
            "A startup's name, or an investor's fund. One already on EventHub is joined: "
            "the person becomes a teammate."
        ),
    )
    programme = _text(_l("Programme"), "programme", _l("For a startup."))
    city_site = _text(_l("City site"), "city_site", _l("For a startup."))
    language = SelectField(
        _l("Language of the e-mail"),
        validate_choice=False,
        description=_l("The invitation and the pages are in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = list(role_labels().items())
        self.language.choices = list(LANGUAGE_NAMES.items())
        if not self.is_submitted():
            self.role.data = self.role.data or "startup"
            locale = get_locale()
            self.language.data = str(locale) if locale is not None else "fr"

    def values(self) -> dict[str, str | None]:
        names = ("name", "email", "role", "organisation", "programme", "city_site", "language")
        return {name: self[name].data for name in names}


class ImportForm(FlaskForm):
    file = spreadsheet_field(
        _l(
            "A CSV file (UTF-8, comma or semicolon separated) or an Excel workbook, with a "
            "header row: name, email, role, and optionally organisation, programme, "
            "city_site, language. At most %(count)d rows.",
            count=MAX_COHORT_ROWS,
        )
    )


class ConfirmImportForm(FlaskForm):
    """The confirmation of a previewed file: the kept upload, and how many rows the
    preview said it would invite (a file that reads otherwise now is previewed again)."""

    upload = HiddenField(validators=[InputRequired(), Length(max=64)])
    expected = IntegerField(validators=[InputRequired()], widget=HiddenInput())


class InvitationFilterForm(FlaskForm):
    """The list's search box and state filter (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or e-mail"), filters=[strip_filter], validators=[Optional(), Length(max=100)]
    )
    state = SelectField(_l("State"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("All states")), *state_labels().items()]
