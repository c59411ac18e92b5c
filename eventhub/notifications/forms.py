"""The forms of the notifications pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class MailPreferencesForm(FlaskForm):
    """The optional messages a signed-in person receives (the topics of OPT_OUT_TOPICS)."""

    reminders = BooleanField(_l("Reminders before an event"))
    agenda = BooleanField(_l("The morning agenda of my meeting days"))
