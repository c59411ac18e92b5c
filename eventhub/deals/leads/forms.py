"""The forms of the leads pages: a scan, a lead's note, rating and tags, and the visitor's
consent on their private page."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventhub.deals.leads.capture import MAX_CODE_LENGTH, LeadDetails
from eventhub.deals.leads.models import NOTE_LENGTH, RATINGS, TAGS_LENGTH
from eventhub.forms_common import strip_filter


class ScanForm(FlaskForm):
    code = StringField(
        _l("Badge code"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Scan a badge or type its code.")),
            Length(max=MAX_CODE_LENGTH, message=_l("This is not a badge code.")),
        ],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "enterkeyhint": "go",
            "maxlength": MAX_CODE_LENGTH,
            "dir": "ltr",
        },
    )


def _rating(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class LeadForm(FlaskForm):
    rating = SelectField(
        _l("Rating"),
        coerce=_rating,
        validators=[Optional()],
        validate_choice=True,
    )
    tags = StringField(
        _l("Tags"),
        filters=[strip_filter],
        validators=[Length(max=TAGS_LENGTH)],
        description=_l("Separated by commas, for example: pilot, follow up"),
        render_kw={"maxlength": TAGS_LENGTH},
    )
    note = TextAreaField(
        _l("Note"),
        filters=[strip_filter],
        validators=[Length(max=NOTE_LENGTH)],
        render_kw={"rows": 4, "maxlength": NOTE_LENGTH},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rating.choices = [(None, _l("Not rated")), *((r, "★" * r) for r in RATINGS)]

    def details(self) -> LeadDetails:
        return LeadDetails(
            note=self.note.data or "", rating=self.rating.data, tags=self.tags.data or ""
        )


class ExhibitorConsentForm(FlaskForm):
    share = BooleanField(
        _l(
            "Exhibitors whose booth scans my badge may see my name, organisation, e-mail and "
            "job title."
        )
    )
