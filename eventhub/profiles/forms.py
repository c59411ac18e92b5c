from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from eventhub.deals.programmes.catalogue import programme_choices
from eventhub.forms_common import MultiCheckboxField, strip_filter
from eventhub.profiles.vocabulary import CITY_SITES, SECTORS, STAGES

# A billion euros: more than any ticket, and within the database's INTEGER.
MAX_TICKET_EUR = 10**9


def _sector_choices() -> list[tuple[str, str]]:
    return list(SECTORS.items())


def _stage_choices() -> list[tuple[str, str]]:
    return list(STAGES.items())


class StartupForm(FlaskForm):
    name = StringField(
        _l("Startup name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter]
    )
    sector = SelectField(_l("Sector"), choices=_sector_choices, validators=[DataRequired()])
    stage = SelectField(_l("Stage"), choices=_stage_choices, validators=[DataRequired()])
    # The organiser's programmes (eventhub/deals/programmes), and the startup's own one.
    programme = SelectField(_l("Programme"), validate_choice=True)
    city_site = SelectField(
        _l("City site"), choices=[("", "—"), *[(c, c) for c in CITY_SITES]], validate_choice=True
    )
    website = URLField(
        _l("Website"),
        validators=[Optional(), URL(require_tld=True), Length(max=200)],
        filters=[strip_filter],
    )
    pitch = TextAreaField(
        _l("Short pitch"),
        validators=[Optional(), Length(max=600)],
        filters=[strip_filter],
        description=_l("Two or three sentences investors and visitors will read."),
    )
    round_size_eur = IntegerField(
        _l("Round you are raising (EUR)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_TICKET_EUR)],
        description=_l("Leave empty if you are not raising: investors' tickets are matched to it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        startup = kwargs.get("obj")
        self.programme.choices = programme_choices(keep=getattr(startup, "programme", None))


class InvestorForm(FlaskForm):
    fund = StringField(
        _l("Fund"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter]
    )
    ticket_min_eur = IntegerField(
        _l("Smallest ticket (EUR)"), validators=[Optional(), NumberRange(min=0, max=MAX_TICKET_EUR)]
    )
    ticket_max_eur = IntegerField(
        _l("Largest ticket (EUR)"), validators=[Optional(), NumberRange(min=0, max=MAX_TICKET_EUR)]
    )
    sectors = MultiCheckboxField(_l("Sectors"), choices=_sector_choices)
    stages = MultiCheckboxField(_l("Stages"), choices=_stage_choices)
    bio = TextAreaField(
        _l("About the fund"), validators=[Optional(), Length(max=1200)], filters=[strip_filter]
    )


class StartupFilterForm(FlaskForm):
    """The startup directory's search (GET: it changes nothing, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, sector, pitch or city"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=100)],
    )
    sector = SelectField(
        _l("Sector"), choices=lambda: [("", _l("All sectors")), *SECTORS.items()], default=""
    )
    stage = SelectField(
        _l("Stage"), choices=lambda: [("", _l("All stages")), *STAGES.items()], default=""
    )
    programme = SelectField(
        _l("Programme"),
        choices=lambda: programme_choices(_l("All programmes")),
        default="",
    )
    city_site = SelectField(
        _l("City site"),
        choices=[("", _l("All city sites")), *[(c, c) for c in CITY_SITES]],
        default="",
    )
