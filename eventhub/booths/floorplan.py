"""Floor-plan geometry: sizes, overlaps, the grid generator, and the SVG drawing data.

Pure functions over plain values (metres): no database, no request. `eventhub.booths.layout`
feeds them the stored halls and booths; `templates/booths/_plan.html` draws `HallDrawing`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from eventhub.booths.errors import BoothError

EPS = 1e-6
MAX_HALL_SIDE = 1000.0  # metres
MAX_BOOTH_SIDE = 100.0
MAX_GRID_BOOTHS = 2000
SCALE = 10.0  # SVG units per metre
# The largest booth code, in SVG units: big enough to read at 11 px on a wide screen, where a
# hall of 60 m shows at about 1.3 px per unit (smaller labels are hidden until zoomed in).
MAX_CODE_SIZE = 8.5
MIN_AISLE = 1.5  # an empty band at least this wide (m) is drawn as an aisle

# Zone (sector) colours: a light fill and a darker edge, legible in print and in grey.
ZONE_COLOURS: dict[str | None, tuple[str, str]] = {
    "ai": ("#dbeafe", "#1d4ed8"),
    "deeptech": ("#ede9fe", "#6d28d9"),
    "fintech": ("#dcfce7", "#15803d"),
    "agritech": ("#ecfccb", "#4d7c0f"),
    "renewable_energy": ("#fef9c3", "#a16207"),
    "healthtech": ("#fee2e2", "#b91c1c"),
    "edtech": ("#ffedd5", "#c2410c"),
    "ecommerce": ("#fce7f3", "#be185d"),
    "mobility": ("#cffafe", "#0e7490"),
    "cybersecurity": ("#e2e8f0", "#334155"),
    None: ("#f8fafc", "#64748b"),
}
EXTRA_ZONE_COLOURS = (("#f5f5f4", "#57534e"), ("#e0f2fe", "#0369a1"), ("#fae8ff", "#a21caf"))
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "available": ("#dcfce7", "#15803d"),
    "held": ("#fef3c7", "#b45309"),
    "allocated": ("#dbeafe", "#1d4ed8"),
    "blocked": ("#e5e7eb", "#6b7280"),
}


# --- geometry ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    depth: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.depth

    def overlaps(self, other: Rect) -> bool:
        """They share some area (touching edges is fine: booths stand side by side)."""
        return (
            self.x < other.right - EPS
            and other.x < self.right - EPS
            and self.y < other.bottom - EPS
            and other.y < self.bottom - EPS
        )

    def inside(self, width: float, depth: float) -> bool:
        return (
            self.x >= -EPS
            and self.y >= -EPS
            and self.right <= width + EPS
            and self.bottom <= depth + EPS
        )


def check_hall_size(width: float | None, depth: float | None) -> None:
    for name, value in (("width", width), ("depth", depth)):
        if value is None or not math.isfinite(value) or value <= 0:
            raise BoothError(_l("Sizes must be positive numbers of metres."), "bad_size", name)
        if value > MAX_HALL_SIDE:
            raise BoothError(
                _l("A hall side can be at most %(max)d m.", max=int(MAX_HALL_SIDE)),
                "bad_size",
                name,
            )


def check_booth_rect(rect: Rect) -> None:
    """Finite numbers, positive sizes, a position not below zero."""
    for name, value in (("width", rect.width), ("depth", rect.depth)):
        if not math.isfinite(value) or value <= 0:
            raise BoothError(
                _l("Width and depth must be positive numbers of metres."), "bad_size", name
            )
        if value > MAX_BOOTH_SIDE:
            raise BoothError(
                _l("A booth side can be at most %(max)d m.", max=int(MAX_BOOTH_SIDE)),
                "bad_size",
                name,
            )
    for name, value in (("x", rect.x), ("y", rect.y)):
        if not math.isfinite(value) or value < 0:
            raise BoothError(
                _l("The position must be zero or more metres from the hall's top-left corner."),
                "outside_hall",
                name,
            )


def check_inside(rect: Rect, hall_name: str, hall_width: float, hall_depth: float) -> None:
    if not rect.inside(hall_width, hall_depth):
        raise BoothError(
            _l(
                "The booth (%(x)s–%(right)s × %(y)s–%(bottom)s m) is outside %(hall)s, "
                "which measures %(width)s × %(depth)s m.",
                x=metres(rect.x),
                right=metres(rect.right),
                y=metres(rect.y),
                bottom=metres(rect.bottom),
                hall=hall_name,
                width=metres(hall_width),
                depth=metres(hall_depth),
            ),
            "outside_hall",
            "x",
        )


def first_overlap(rect: Rect, others: Iterable[tuple[str, Rect]]) -> str | None:
    """The code of the first booth in `others` that overlaps `rect`, or None."""
    for code, other in others:
        if rect.overlaps(other):
            return code
    return None


def check_no_overlap(code: str, rect: Rect, others: Iterable[tuple[str, Rect]]) -> None:
    clash = first_overlap(rect, others)
    if clash is not None:
        raise BoothError(
            _l("Booth %(code)s would overlap booth %(other)s.", code=code, other=clash),
            "overlap",
            "x",
        )


def metres(value: float) -> str:
    return f"{round(value, 2):g}"


# --- grid generator ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class GridSpec:
    """`rows` × `columns` booths of `booth_width` × `booth_depth` m from (`origin_x`,
    `origin_y`). After every `rows_per_block` rows comes an aisle `aisle` m wide (2: rows
    stand back to back in pairs); after every `columns_per_block` columns a cross aisle
    (0: none). With `corners`, the booths at both ends of each row segment are corners."""

    prefix: str
    rows: int
    columns: int
    booth_width: float
    booth_depth: float
    aisle: float = 3.0
    rows_per_block: int = 2
    columns_per_block: int = 0
    origin_x: float = 0.0
    origin_y: float = 0.0
    start_number: int = 1
    kind: str = "standard"
    corners: bool = False
    zone: str | None = None
    price_tier: str = "standard"


@dataclass(frozen=True, slots=True)
class BoothSpec:
    code: str
    x: float
    y: float
    width: float
    depth: float
    kind: str = "standard"
    zone: str | None = None
    price_tier: str = "standard"
    status: str = "available"

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.width, self.depth)


def _offset(index: int, size: float, per_block: int, aisle: float) -> float:
    blocks = index // per_block if per_block > 0 else 0
    return index * size + blocks * aisle


def grid_layout(spec: GridSpec, hall_width: float, hall_depth: float) -> list[BoothSpec]:
    """The booths of the grid, numbered row by row; raises BoothError when it cannot fit."""
    if spec.rows < 1 or spec.columns < 1:
        raise BoothError(_l("Give at least one row and one column."), "bad_grid", "rows")
    if spec.rows * spec.columns > MAX_GRID_BOOTHS:
        raise BoothError(
            _l("At most %(count)d booths per grid.", count=MAX_GRID_BOOTHS), "bad_grid", "rows"
        )
    check_booth_rect(Rect(spec.origin_x, spec.origin_y, spec.booth_width, spec.booth_depth))
    if not math.isfinite(spec.aisle) or spec.aisle < 0:
        raise BoothError(_l("The aisle width cannot be negative."), "bad_size", "aisle")
    if spec.rows_per_block < 0 or spec.columns_per_block < 0:
        raise BoothError(_l("Block sizes cannot be negative."), "bad_grid", "rows_per_block")
    last = spec.start_number + spec.rows * spec.columns - 1
    digits = max(2, len(str(last)))
    booths: list[BoothSpec] = []
    number = spec.start_number
    for row in range(spec.rows):
        y = spec.origin_y + _offset(row, spec.booth_depth, spec.rows_per_block, spec.aisle)
        for column in range(spec.columns):
            x = spec.origin_x + _offset(
                column, spec.booth_width, spec.columns_per_block, spec.aisle
            )
            kind = spec.kind
            if spec.corners and spec.kind in ("standard", "corner"):
                segment = spec.columns_per_block or spec.columns
                position = column % segment
                at_end = position in (0, segment - 1) or column == spec.columns - 1
                kind = "corner" if at_end else "standard"
            booths.append(
                BoothSpec(
                    code=f"{spec.prefix}{number:0{digits}d}",
                    x=round(x, 3),
                    y=round(y, 3),
                    width=spec.booth_width,
                    depth=spec.booth_depth,
                    kind=kind,
                    zone=spec.zone,
                    price_tier=spec.price_tier,
                )
            )
            number += 1
    right = max(booth.x + booth.width for booth in booths)
    bottom = max(booth.y + booth.depth for booth in booths)
    if right > hall_width + EPS or bottom > hall_depth + EPS:
        raise BoothError(
            _l(
                "The grid needs %(width)s × %(depth)s m from the hall's corner; "
                "the hall measures %(hall_width)s × %(hall_depth)s m.",
                width=metres(right),
                depth=metres(bottom),
                hall_width=metres(hall_width),
                hall_depth=metres(hall_depth),
            ),
            "outside_hall",
            "rows",
        )
    return booths


# --- aisles -----------------------------------------------------------------------------


def _gaps(intervals: Iterable[tuple[float, float]], length: float) -> list[tuple[float, float]]:
    """Stretches of [0, length] that no interval covers, at least MIN_AISLE long."""
    gaps: list[tuple[float, float]] = []
    cursor = 0.0
    for start, end in sorted(intervals):
        if start - cursor >= MIN_AISLE - EPS:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if length - cursor >= MIN_AISLE - EPS:
        gaps.append((cursor, length))
    return gaps


def aisles(rects: Sequence[Rect], width: float, depth: float) -> list[Rect]:
    """Empty bands right across the hall, between booths (not along the walls)."""
    if not rects:
        return []
    top = min(r.y for r in rects)
    bottom = max(r.bottom for r in rects)
    left = min(r.x for r in rects)
    right = max(r.right for r in rects)
    found: list[Rect] = []
    for start, end in _gaps(((r.y, r.bottom) for r in rects), depth):
        if start > top and end < bottom:
            found.append(Rect(0.0, start, width, end - start))
    for start, end in _gaps(((r.x, r.right) for r in rects), width):
        if start > left and end < right:
            found.append(Rect(start, 0.0, end - start, depth))
    return found


# --- drawing data -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanBooth:
    """What the plan needs to know about one booth."""

    id: int
    code: str
    x: float
    y: float
    width: float
    depth: float
    kind: str
    status: str
    zone: str | None
    zone_label: str
    status_label: str
    kind_label: str
    exhibitor_name: str | None = None
    exhibitor_id: int | None = None
    exhibitor_sector: str | None = None
    exhibitor_programme: str | None = None
    href: str | None = None


@dataclass(frozen=True, slots=True)
class LegendEntry:
    key: str
    label: str
    fill: str
    stroke: str
    hatched: bool = False
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class DrawnBooth:
    booth: PlanBooth
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str
    hatched: bool
    code_size: float
    name_size: float
    name_lines: tuple[str, ...]
    title: str
    classes: str

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def centre_y(self) -> float:
        return self.y + self.height / 2


@dataclass(slots=True)
class HallDrawing:
    hall_id: int
    name: str
    width_m: float
    depth_m: float
    margin: float
    width: float  # SVG units of the hall
    height: float
    legend_height: float
    booths: list[DrawnBooth] = field(default_factory=list)
    aisles: list[Rect] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    scale_bar_m: int = 10
    self_service: bool = False
    legend_per_row: int = 1

    @property
    def has_highlight(self) -> bool:
        return any("booth-highlight" in booth.classes for booth in self.booths)

    @property
    def view_width(self) -> float:
        return self.width + 2 * self.margin

    @property
    def view_height(self) -> float:
        return self.height + 2 * self.margin + self.legend_height

    @property
    def scale_bar(self) -> float:
        return self.scale_bar_m * SCALE

    @property
    def grid_lines(self) -> tuple[list[float], list[float]]:
        """Light lines every 5 m, to read distances off the plan."""
        step = 5 * SCALE
        xs = [i * step for i in range(1, math.ceil(self.width / step)) if i * step < self.width]
        ys = [i * step for i in range(1, math.ceil(self.height / step)) if i * step < self.height]
        return xs, ys

    def legend_rows(self) -> list[list[tuple[float, LegendEntry]]]:
        """Legend entries placed in rows, each with its x offset."""
        per_row = max(self.legend_per_row, 1)
        column = self.width / per_row
        rows: list[list[tuple[float, LegendEntry]]] = []
        for index, entry in enumerate(self.legend):
            if index % per_row == 0:
                rows.append([])
            rows[-1].append(((index % per_row) * column, entry))
        return rows


def zone_colours(zone: str | None, extra: dict[str, tuple[str, str]]) -> tuple[str, str]:
    if zone in ZONE_COLOURS:
        return ZONE_COLOURS[zone]
    if zone not in extra:
        extra[zone] = EXTRA_ZONE_COLOURS[len(extra) % len(EXTRA_ZONE_COLOURS)]
    return extra[zone]


def _fit_text(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def label_lines(name: str, width: float, height: float, size: float) -> tuple[str, ...]:
    """The exhibitor's name in one or two lines that fit a booth `width` units wide."""
    max_chars = max(3, int(width / (size * 0.56)))
    lines_room = 2 if height >= size * 3.2 else 1
    words = name.split()
    if lines_room == 1 or len(name) <= max_chars or len(words) == 1:
        return (_fit_text(name, max_chars),)
    first: list[str] = []
    for index, word in enumerate(words):
        if len(" ".join([*first, word])) > max_chars and first:
            rest = " ".join(words[index:])
            return (" ".join(first), _fit_text(rest, max_chars))
        first.append(word)
    return (_fit_text(" ".join(first), max_chars),)


def scale_bar_metres(width_m: float) -> int:
    for candidate in (50, 20, 10, 5, 2, 1):
        if candidate <= width_m / 4:
            return candidate
    return 1


def draw_hall(
    hall_id: int,
    name: str,
    width_m: float,
    depth_m: float,
    booths: Sequence[PlanBooth],
    *,
    colour_by: str = "zone",
    highlight: str | None = None,
    self_service: bool = False,
    zone_labels: dict[str | None, str] | None = None,
    status_labels: dict[str, str] | None = None,
) -> HallDrawing:
    """Everything the SVG template needs, in SVG units (SCALE per metre)."""
    width, height = width_m * SCALE, depth_m * SCALE
    margin = max(12.0, min(width, height) * 0.03)
    extra: dict[str, tuple[str, str]] = {}
    drawn: list[DrawnBooth] = []
    used_zones: dict[str | None, tuple[str, str]] = {}
    used_statuses: set[str] = set()
    for booth in booths:
        if colour_by == "status":
            fill, stroke = STATUS_COLOURS.get(booth.status, STATUS_COLOURS["available"])
        else:
            fill, stroke = zone_colours(booth.zone, extra)
            used_zones[booth.zone] = (fill, stroke)
        used_statuses.add(booth.status)
        w, h = booth.width * SCALE, booth.depth * SCALE
        code_size = round(min(MAX_CODE_SIZE, w / (len(booth.code) * 0.62 + 0.5), h / 2.6), 2)
        name_size = round(min(5.2, code_size * 0.85), 2)
        lines = (
            label_lines(booth.exhibitor_name, w - 2, h - code_size - 3, name_size)
            if booth.exhibitor_name
            else ()
        )
        classes = ["booth", f"booth-{booth.status}", f"booth-kind-{booth.kind}"]
        if booth.status == "available" and colour_by == "zone":
            classes.append("booth-free")
        if highlight and booth.code == highlight:
            classes.append("booth-highlight")
        parts = [booth.code]
        if booth.exhibitor_name:
            parts.append(booth.exhibitor_name)
        parts += [f"{metres(booth.width)} × {metres(booth.depth)} m", booth.kind_label]
        parts += [booth.zone_label, booth.status_label]
        drawn.append(
            DrawnBooth(
                booth=booth,
                x=booth.x * SCALE,
                y=booth.y * SCALE,
                width=w,
                height=h,
                fill=fill,
                stroke=stroke,
                hatched=booth.status == "blocked",
                code_size=code_size,
                name_size=name_size,
                name_lines=lines,
                title=" · ".join(part for part in parts if part),
                classes=" ".join(classes),
            )
        )
    legend: list[LegendEntry]
    status_labels = status_labels or {}
    if colour_by == "status":
        legend = [
            LegendEntry(
                status,
                status_labels.get(status, status),
                *STATUS_COLOURS[status],
                hatched=status == "blocked",
            )
            for status in STATUS_COLOURS
            if status in used_statuses
        ]
    else:
        labels = zone_labels or {}
        legend = [
            LegendEntry(str(zone or ""), labels.get(zone, str(zone or "")), fill, stroke)
            for zone, (fill, stroke) in sorted(
                used_zones.items(), key=lambda item: (item[0] is None, str(item[1]))
            )
        ]
        legend.sort(key=lambda entry: (entry.key == "", entry.label))
        if "available" in used_statuses:
            free = status_labels.get("available", "available")
            legend.append(LegendEntry("free", free, "#ffffff", "#64748b", dashed=True))
        if "blocked" in used_statuses:
            fill, stroke = STATUS_COLOURS["blocked"]
            blocked = status_labels.get("blocked", "blocked")
            legend.append(LegendEntry("blocked", blocked, fill, stroke, hatched=True))
    per_row = max(1, int(width // 170))
    legend_rows = math.ceil(len(legend) / per_row) if legend else 0
    legend_height = 30.0 + 18.0 * legend_rows
    rects = [Rect(b.x, b.y, b.width, b.depth) for b in booths]
    return HallDrawing(
        hall_id=hall_id,
        name=name,
        width_m=width_m,
        depth_m=depth_m,
        margin=margin,
        width=width,
        height=height,
        legend_height=legend_height,
        booths=drawn,
        aisles=[
            Rect(a.x * SCALE, a.y * SCALE, a.width * SCALE, a.depth * SCALE)
            for a in aisles(rects, width_m, depth_m)
        ],
        legend=legend,
        scale_bar_m=scale_bar_metres(width_m),
        self_service=self_service,
        legend_per_row=per_row,
    )
