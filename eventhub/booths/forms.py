"""Booth forms: halls, booths, grids, spreadsheet import, applications and decisions, moves.

Each form that feeds a logic function gives its values as that function's input
(`HallForm.details()`, `GridForm.spec()`…), so that views only pass them on."""

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
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from eventhub.booths.applications import ApplicationDetails
from eventhub.booths.floorplan import GridSpec
from eventhub.booths.labels import (
    application_status_labels,
    booth_status_labels,
    kind_labels,
    tier_labels,
)
from eventhub.booths.layout import BoothDetails, HallDetails
from eventhub.booths.models import (
    APPLICATION_STATUSES,
    BOOTH_KINDS,
    BOOTH_STATUSES,
    PRICE_TIERS,
    BoothApplication,
)
from eventhub.deals.programmes.catalogue import known_programme, programme_choices
from eventhub.forms_common import spreadsheet_field, strip_filter
from eventhub.profiles.vocabulary import SECTORS


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
        filters=[strip_filter],
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
        self.zone_id.choices = [(0, _l("None"))] + [
            (zone.id, zone.localized("name")) for zone in event.zones
        ]

    def details(self) -> HallDetails:
        return HallDetails(
            name=self.name.data,
            width=self.width.data,
            depth=self.depth.data,
            zone_id=self.zone_id.data or None,
            position=self.position.data or 0,
        )


class BoothForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        filters=[strip_filter],
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
        self.hall_id.choices = [(hall.id, hall.localized("name")) for hall in halls]
        self.zone.choices = zone_choices(_l("No zone"))
        self.kind.choices = _choices(kind_labels(), BOOTH_KINDS)
        self.price_tier.choices = _choices(tier_labels(), PRICE_TIERS)
        statuses = BOOTH_STATUSES if allocated else ("available", "held", "blocked")
        self.status.choices = _choices(booth_status_labels(), statuses)

    def details(self) -> BoothDetails:
        return BoothDetails(
            code=self.code.data,
            hall_id=self.hall_id.data,
            x=self.x.data,
            y=self.y.data,
            width=self.width.data,
            depth=self.depth.data,
            zone=self.zone.data or None,
            price_tier=self.price_tier.data,
            kind=self.kind.data,
            status=self.status.data,
        )


class GridForm(FlaskForm):
    hall_id = SelectField(_l("Hall"), coerce=int)
    prefix = StringField(
        _l("Code prefix"),
        validators=[Length(max=14)],
        filters=[strip_filter],
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
        self.hall_id.choices = [(hall.id, hall.localized("name")) for hall in halls]
        self.kind.choices = _choices(kind_labels(), BOOTH_KINDS)
        self.zone.choices = zone_choices(_l("No zone"))
        self.price_tier.choices = _choices(tier_labels(), PRICE_TIERS)

    def spec(self) -> GridSpec:
        return GridSpec(
            prefix=self.prefix.data or "",
            rows=self.rows.data,
            columns=self.columns.data,
            booth_width=self.booth_width.data,
            booth_depth=self.booth_depth.data,
            aisle=self.aisle.data,
            rows_per_block=self.rows_per_block.data or 0,
            columns_per_block=self.columns_per_block.data or 0,
            origin_x=self.origin_x.data,
            origin_y=self.origin_y.data,
            start_number=self.start_number.data or 0,
            kind=self.kind.data,
            corners=self.corners.data,
            zone=self.zone.data or None,
            price_tier=self.price_tier.data,
        )


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
        filters=[strip_filter],
        description=_l("Up to 3 booth codes from the floor plan, best first: H1-A03, H1-A04"),
    )
    notes = TextAreaField(
        _l("Notes for the organisers"),
        validators=[Length(max=2000)],
        filters=[strip_filter],
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

    def details(self) -> ApplicationDetails:
        return ApplicationDetails(
            kind=self.kind.data,
            area_wanted=self.area_wanted.data,
            preferred_zones=self.zones,
            preferred_booths=self.booth_codes,
            notes=self.notes.data or "",
        )

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
        filters=[strip_filter],
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

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validate_choice=False)
    programme = SelectField(_l("Programme"), validate_choice=False)
    sector = SelectField(_l("Sector"), validate_choice=False)
    kind = SelectField(_l("Booth kind"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("All kinds")), *_choices(kind_labels(), BOOTH_KINDS)]
        labels = application_status_labels()
        self.status.choices = [("", _l("All statuses"))] + [
            (status, labels[status]) for status in APPLICATION_STATUSES
        ]
        self.programme.choices = programme_choices(_l("All programmes"))
        self.sector.choices = [("", _l("All sectors")), *SECTORS.items()]

    def values(self) -> dict[str, Any]:
        self.validate()
        return {
            "q": (self.q.data or "") if not self.q.errors else "",
            "status": self.status.data if self.status.data in APPLICATION_STATUSES else None,
            "programme": known_programme(self.programme.data),
            "sector": self.sector.data if self.sector.data in SECTORS else None,
            "kind": self.kind.data if self.kind.data in BOOTH_KINDS else None,
        }


class BulkDecisionForm(FlaskForm):
    """One decision on the applications ticked in the list: the button pressed says which
    (`decision`), one reason serves for every rejection."""

    application = SelectMultipleField(coerce=int, validate_choice=False)
    decision = SelectField(validate_choice=False)
    reason = TextAreaField(
        _l("Reason for a rejection (the startups see it)"),
        validators=[Length(max=1000)],
        filters=[strip_filter],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = [("approve", _l("Approve")), ("reject", _l("Reject"))]

    @property
    def selected_ids(self) -> list[int]:
        """The ticked applications' ids (none when one of them is not a number)."""
        return [] if self.application.errors else list(self.application.data or [])


class PinForm(FlaskForm):
    """Pin one of the approved `applications` to a booth typed by its code."""

    booth = StringField(
        _l("Booth"), validators=[DataRequired(), Length(max=20)], filters=[strip_filter]
    )
    application_id = SelectField(_l("Startup"), coerce=int)

    def __init__(self, applications: list[BoothApplication], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = {application.id: application for application in applications}
        self.application_id.choices = [
            (application.id, application.startup.name) for application in applications
        ]

    @property
    def application(self) -> BoothApplication:
        """The application chosen (after validation: one of those offered)."""
        return self.applications[self.application_id.data]


class SwapForm(FlaskForm):
    first = StringField(
        _l("Booth"), validators=[DataRequired(), Length(max=20)], filters=[strip_filter]
    )
    second = StringField(
        _l("Swap with booth"), validators=[DataRequired(), Length(max=20)], filters=[strip_filter]
    )


ALLOCATION_MODES = ("keep", "reoptimise")


class CommitForm(FlaskForm):
    """Commit the dry run the organiser saw: its fingerprint, and whether it keeps current
    placements (`keep`, the default) or re-optimises everything."""

    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
    mode = HiddenField(
        default="keep",
        filters=[lambda value: value or "keep"],
        validators=[AnyOf(ALLOCATION_MODES)],
    )

    @property
    def reoptimise(self) -> bool:
        return self.mode.data == "reoptimise"


class PickForm(FlaskForm):
    code = StringField(
        _l("Booth"), validators=[DataRequired(), Length(max=20)], filters=[strip_filter]
    )
