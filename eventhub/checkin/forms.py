from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from eventhub.forms_common import strip_filter


class GateForm(FlaskForm):
    name = StringField(
        _l("Gate name"),
        validators=[DataRequired(), Length(max=60)],
        filters=[strip_filter],
        description=_l("For example: North entrance, Hall 2 door B"),
    )
    zone_id = SelectField(
        _l("Leads into"), coerce=int, description=_l("The zone whose access rule applies here.")
    )
