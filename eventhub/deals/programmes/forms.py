from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventhub.deals.programmes.models import DESCRIPTION_LENGTH, NAME_LENGTH
from eventhub.forms_common import strip_filter


def _name(label, required: bool = False) -> StringField:
    validators = [DataRequired()] if required else [Optional()]
    return StringField(
        label, validators=[*validators, Length(max=NAME_LENGTH)], filters=[strip_filter]
    )


class ProgrammeForm(FlaskForm):
    """A programme's name in French (the name startups are filed under), English and
    Arabic, and a description."""

    name = _name(_l("Name in French"), required=True)
    name_en = _name(_l("Name in English"))
    name_ar = _name(_l("Name in Arabic"))
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=DESCRIPTION_LENGTH)],
        filters=[strip_filter],
    )

    def fill(self, programme) -> None:
        self.name.data = programme.name
        self.description.data = programme.description
        self.name_en.data = programme.translation("name", "en")
        self.name_ar.data = programme.translation("name", "ar")

    def other_names(self) -> dict[str, str]:
        return {"en": self.name_en.data or "", "ar": self.name_ar.data or ""}
