from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from eventhub.auth.accounts import MIN_PASSWORD_LENGTH
from eventhub.forms_common import strip_filter

# What each token scope is for, as the organiser chooses it (see eventhub/auth/scopes.py).
TOKEN_SCOPE_CHOICES = [
    ("door", _l("Door: scanning badges and the door list")),
    ("read", _l("Read: reading event data, no change")),
    ("organiser", _l("Organiser: everything the account may do")),
]


def optional_id(value: object) -> int | None:
    """An optional select's value: "" is none; anything else must be a number."""
    if value in ("", None):
        return None
    return int(str(value))


class LoginForm(FlaskForm):
    # No syntax check: signing in only looks the address up. email_validator refuses
    # reserved domains such as .test (the demo accounts) and its rules change over time.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ApiTokenForm(FlaskForm):
    user_id = SelectField(_l("Staff member"), coerce=int, validators=[DataRequired()])
    label = StringField(
        _l("Device label"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=80)],
        description=_l("For example: Gate A, phone 2"),
    )
    scope = SelectField(
        _l("Scope"),
        choices=TOKEN_SCOPE_CHOICES,
        default="door",
        validators=[DataRequired()],
        description=_l("Door staff may hold a door or read token, not an organiser one."),
    )
    # Its choices ("" for every event, then the events) are set by the view.
    event_id = SelectField(
        _l("Event"),
        coerce=optional_id,
        description=_l("A token for one event is refused at every other."),
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(
            _l("New password"),
            validators=[DataRequired(), Length(max=200)],
            description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        ),
        PasswordField(
            _l("New password, again"),
            validators=[
                DataRequired(),
                EqualTo("password", message=_l("The two passwords are not the same.")),
            ],
        ),
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password, confirm = _new_password_fields()


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"),
        filters=[strip_filter],
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give an e-mail address.")),
        ],
    )
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
