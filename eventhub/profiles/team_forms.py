"""The forms of the team page: inviting a teammate (the other actions are buttons)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from eventhub.auth.invitations import MAX_NAME_LENGTH
from eventhub.forms_common import strip_filter
from eventhub.i18n import LANGUAGE_NAMES, supported_languages


class InviteTeammateForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_filter],
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give an e-mail address.")),
        ],
    )
    language = SelectField(
        _l("Language of the invitation"),
        description=_l("The language of the e-mail and of the pages, until they choose one."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [
            (code, LANGUAGE_NAMES.get(code, code)) for code in supported_languages()
        ]
