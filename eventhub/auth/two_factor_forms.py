"""The forms of two-factor sign-in: the code at sign-in, setting it up, turning it off, and
the organisers' policy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from eventhub.forms_common import strip_filter


def _digits_only(value: object) -> object:
    """A code as typed or pasted from an app ("123 456", "123-456"): the six digits."""
    if not isinstance(value, str):
        return value
    return value.replace(" ", "").replace("-", "").replace("\x00", "").strip()


def _code_field(label: object = None) -> StringField:
    return StringField(
        label or _l("Six-digit code"),
        filters=[_digits_only],
        validators=[
            DataRequired(),
            Regexp(r"^\d{6}$", message=_l("Type the six digits your app shows.")),
        ],
        description=_l("From your authenticator app."),
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": 9,
            "dir": "ltr",
        },
    )


class CodeForm(FlaskForm):
    """A code of the authenticator app: at sign-in, to confirm the setup, to draw new
    recovery codes."""

    code = _code_field()


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=40)],
        description=_l("One of the codes you kept when you set up two-factor sign-in."),
        render_kw={"autocomplete": "off", "autocapitalize": "none", "dir": "ltr"},
    )


class DisableForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    code = StringField(
        _l("Code of your app, or a recovery code"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "dir": "ltr"},
    )


class PolicyForm(FlaskForm):
    required = BooleanField(_l("Require two-factor sign-in for organisers and door staff"))
