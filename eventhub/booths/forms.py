"""Booth forms: halls, booths, grids, CSV import, applications and decisions, moves."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from eventhub.booths.models import (
    APPLICATION_STATUSES,
    BOOTH_KINDS,
    BOOTH_STATUSES,
    PRICE_TIERS,
)
from eventhub.forms_common import spreadsheet_field, strip_filter
from eventhub.profiles.vocabulary import PROGRAMMES, SECTORS


def text_filter(value: Any) -> Any:
    """Trimmed, without NUL characters (PostgreSQL refuses them in text)."""
    value = strip_filter(value)
    return value.replace("\x00", "") if isinstance(value, str) else value


def kind_labels() -> dict[str, Any]:
    return {
        "standard": _l("Standard"),
        "corner": _l("Corner"),
        "island": _l("Island"),
        "pod": _l("Pod"),
    }


def booth_status_labels() -> dict[str, Any]:
    return {
        "available": _l("Available"),
        "held": _l("Held"),
        "allocated": _l("Allocated"),
        "blocked": _l("Blocked"),
    }


def tier_labels() -> dict[str, Any]:
    return {"economy": _l("Economy"), "standard": _l("Standard"), "premium": _l("Premium")}


def application_status_labels() -> dict[str, Any]:
    return {
        "pending": _l("Pending"),
        "approved": _l("Approved"),
        "waitlisted": _l("Waiting list"),
        "rejected": _l("Rejected"),
    }


def zone_labels() -> dict[str | None, str]:
    labels: dict[str | None, str] = {code: str(label) for code, label in SECTORS.items()}
    labels[None] = str(_l("No zone"))
    return labels


def zone_choices(empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *((code, label) for code, label in SECTORS.items())]


def _choices(labels: dict[str, Any], values: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(value, labels[value]) for value in values]


def metres_field(label: Any, **kwargs: Any) -> FloatField:
    return FloatField(label, validators=[InputRequired()], **kwargs)


class HallForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=80)],
        filters=[text_filter],
        description=_l("For example: Hall 2 · Fintech & AgriTech"),
    )
    width = metres_field(_l("Width (m)"))
    depth = metres_field(_l("Depth (m)"))
    zone_id = SelectField(
        _l("Event zone"),
        coerce=int,
        description=_l("The access zone badges are checked against at its doors."),
    )
    position = IntegerField(
        _l("Order on the plan"), default=0, validators=[Optional(), NumberRange(0, 999)]
    )

    def __init__(self, event: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone_id.choices = [(0, _l("None"))] + [(zone.id, zone.name) for zone in event.zones]


class BoothForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        filters=[text_filter],
        description=_l("For example: H2-B14"),
    )
    hall_id = SelectField(_l("Hall"), coerce=int)
    x = metres_field(_l("x (m from the hall's left wall)"))
    y = metres_field(_l("y (m from the hall's back wall)"))
    width = metres_field(_l("Width (m)"))
    depth = metres_field(_l("Depth (m)"))
    zone = SelectField(_l("Zone (sector)"))
    kind = SelectField(_l("Kind"))
    price_tier = SelectField(_l("Price tier"))
    status = SelectField(_l("Status"))

    def __init__(self, halls: list[Any], *args: Any, allocated: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.hall_id.choices = [(hall.id, hall.name) for hall in halls]
        self.zone.choices = zone_choices(_l("No zone"))
        self.kind.choices = _choices(kind_labels(), BOOTH_KINDS)
        self.price_tier.choices = _choices(tier_labels(), PRICE_TIERS)
        statuses = BOOTH_STATUSES if allocated else ("available", "held", "blocked")
        self.status.choices = _choices(booth_status_labels(), statuses)


class GridForm(FlaskForm):
    hall_id = SelectField(_l("Hall"), coerce=int)
    prefix = StringField(
        _l("Code prefix"),
        validators=[Length(max=14)],
        filters=[text_filter],
        description=_l("Codes are the prefix and a number: H2-B01, H2-B02…"),
    )
    start_number = IntegerField(_l("First number"), default=1, validators=[NumberRange(0, 9999)])
    rows = IntegerField(_l("Rows"), validators=[InputRequired(), NumberRange(1, 100)])
    columns = IntegerField(_l("Booths per row"), validators=[InputRequired(), NumberRange(1, 100)])
    booth_width = metres_field(_l("Booth width (m)"), default=3.0)
    booth_depth = metres_field(_l("Booth depth (m)"), default=3.0)
    aisle = metres_field(_l("Aisle width (m)"), default=3.0)
    rows_per_block = IntegerField(
        _l("Rows between aisles"),
        default=2,
        validators=[NumberRange(1, 100)],
        description=_l("2: rows stand back to back in pairs, an aisle between pairs."),
    )
    columns_per_block = IntegerField(
        _l("Booths between cross aisles"),
        default=0,
        validators=[Optional(), NumberRange(0, 100)],
        description=_l("0: no cross aisle."),
    )
    origin_x = metres_field(_l("Start x (m)"), default=2.0)
    origin_y = metres_field(_l("Start y (m)"), default=2.0)
    kind = SelectField(_l("Kind"))
    corners = BooleanField(_l("Booths at the ends of each row are corners"))
    zone = SelectField(_l("Zone (sector)"))
    price_tier = SelectField(_l("Price tier"), default="standard")

    def __init__(self, halls: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hall_id.choices = [(hall.id, hall.name) for hall in halls]
        self.kind.choices = _choices(kind_labels(), BOOTH_KINDS)
        self.zone.choices = zone_choices(_l("No zone"))
        self.price_tier.choices = _choices(tier_labels(), PRICE_TIERS)


class BoothImportForm(FlaskForm):
    file = spreadsheet_field(
        _l(
            "A CSV file (UTF-8, comma or semicolon separated) or an Excel workbook, with a "
            "header row: code, hall, x, y, width, depth, and optionally zone, kind, "
            "price_tier, status."
        )
    )
    check_only = BooleanField(_l("Only check the file, save nothing"))


class ApplicationForm(FlaskForm):
    kind = SelectField(_l("Booth kind"))
    area_wanted = FloatField(
        _l("Area wanted (m²)"),
        validators=[InputRequired()],
        default=9.0,
        description=_l("A standard booth is 3 × 3 m = 9 m²."),
    )
    zone_1 = SelectField(_l("First choice of zone"))
    zone_2 = SelectField(_l("Second choice of zone"))
    zone_3 = SelectField(_l("Third choice of zone"))
    preferred_booths = StringField(
        _l("Preferred booths (optional)"),
        validators=[Length(max=80)],
        filters=[text_filter],
        description=_l("Up to 3 booth codes from the floor plan, best first: H1-A03, H1-A04"),
    )
    notes = TextAreaField(
        _l("Notes for the organisers"),
        validators=[Length(max=2000)],
        filters=[text_filter],
        description=_l("Power, a screen, a demo that needs space…"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(kind_labels(), BOOTH_KINDS)
        for field in (self.zone_1, self.zone_2, self.zone_3):
            field.choices = zone_choices(_l("No preference"))

    @property
    def zones(self) -> list[str]:
        return [f.data for f in (self.zone_1, self.zone_2, self.zone_3) if f.data]

    @property
    def booth_codes(self) -> list[str]:
        text = (self.preferred_booths.data or "").replace(";", ",").replace(" ", ",")
        return [code for code in text.split(",") if code.strip()]

    def fill_from(self, application: Any) -> None:
        zones = list(application.preferred_zones or [])
        for index, field in enumerate((self.zone_1, self.zone_2, self.zone_3)):
            field.data = zones[index] if index < len(zones) else ""
        self.preferred_booths.data = ", ".join(application.preferred_booths or [])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"))
    reason = TextAreaField(
        _l("Reason (required to reject; the startup sees it)"),
        validators=[Length(max=1000)],
        filters=[text_filter],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = [
            ("approve", _l("Approve")),
            ("waitlist", _l("Waiting list")),
            ("reject", _l("Reject")),
        ]


class ApplicationFilterForm(FlaskForm):
    """Filters of the organiser's list (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[text_filter], validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validate_choice=False)
    programme = SelectField(_l("Programme"), validate_choice=False)
    sector = SelectField(_l("Sector"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = application_status_labels()
        self.status.choices = [("", _l("All statuses"))] + [
            (status, labels[status]) for status in APPLICATION_STATUSES
        ]
        self.programme.choices = [("", _l("All programmes"))] + [(p, p) for p in PROGRAMMES]
        self.sector.choices = [("", _l("All sectors")), *SECTORS.items()]

    def values(self) -> dict[str, Any]:
        self.validate()
        return {
            "q": (self.q.data or "") if not self.q.errors else "",
            "status": self.status.data if self.status.data in APPLICATION_STATUSES else None,
            "programme": self.programme.data if self.programme.data in PROGRAMMES else None,
            "sector": self.sector.data if self.sector.data in SECTORS else None,
        }


class PinForm(FlaskForm):
    booth = StringField(
        _l("Booth"), validators=[DataRequired(), Length(max=20)], filters=[text_filter]
    )
    application_id = SelectField(_l("Startup"), coerce=int)


class SwapForm(FlaskForm):
    first = StringField(
        _l("Booth"), validators=[DataRequired(), Length(max=20)], filters=[text_filter]
    )
    second = StringField(
        _l("Swap with booth"), validators=[DataRequired(), Length(max=20)], filters=[text_filter]
    )


class CommitForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])


class PickForm(FlaskForm):
    code = StringField(
        _l("Booth"), validators=[DataRequired(), Length(max=20)], filters=[text_filter]
    )
