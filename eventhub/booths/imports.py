"""Booths from a spreadsheet (CSV or XLSX), with a report of the rows refused and why.

Each row is checked like a booth typed in the form (code, hall, position and size inside
the hall, zone, kind, price tier, status), and against the booths already on the plan and
the rows above it: a row that would overlap another booth or repeat a code is refused. The
good rows are added together; a "check only" import saves nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from eventhub.booths.errors import BoothError
from eventhub.booths.floorplan import BoothSpec, Rect, first_overlap
from eventhub.booths.layout import (
    MANUAL_STATUSES,
    check_choice,
    check_spec,
    codes_in_use,
    halls_of,
    normalise_code,
    require_expo,
    resolve_zone,
)
from eventhub.booths.models import BOOTH_KINDS, PRICE_TIERS, Booth, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.spreadsheets import Columns, read_upload

HEADER_ALIASES = {
    "code": "code",
    "booth": "code",
    "stand": "code",
    "hall": "hall",
    "hall_name": "hall",
    "salle": "hall",
    "x": "x",
    "y": "y",
    "width": "width",
    "w": "width",
    "largeur": "width",
    "depth": "depth",
    "d": "depth",
    "profondeur": "depth",
    "zone": "zone",
    "sector": "zone",
    "secteur": "zone",
    "kind": "kind",
    "type": "kind",
    "price_tier": "price_tier",
    "tier": "price_tier",
    "price": "price_tier",
    "status": "status",
    "statut": "status",
}
BOOTH_COLUMNS = Columns(HEADER_ALIASES, required=("code", "hall", "x", "y", "width", "depth"))
EXAMPLE = """code,hall,x,y,width,depth,zone,kind,price_tier,status
H1-A01,Hall 1,2,2,3,3,ai,standard,standard,available
H1-A02,Hall 1,5,2,3,3,ai,corner,premium,available
H1-I01,Hall 1,20,10,6,6,deeptech,island,premium,held"""


@dataclass
class Rejection:
    line: int
    code: str
    reason: Any
    error_code: str


@dataclass
class ImportReport:
    accepted: list[tuple[Hall, BoothSpec]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    saved: bool = False

    @property
    def accepted_count(self) -> int:
        return len(self.accepted)


def parse_metres(value: str | None, name: str) -> float:
    text = (value or "").strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise BoothError(
            _l("“%(value)s” is not a number of metres (%(column)s).", value=text[:20], column=name),
            "bad_number",
            name,
        ) from None
    if not math.isfinite(number):
        raise BoothError(
            _l("“%(value)s” is not a number of metres (%(column)s).", value=text[:20], column=name),
            "bad_number",
            name,
        )
    return number


def _find_hall(halls: list[Hall], name: str) -> Hall:
    folded = name.strip().casefold()
    for hall in halls:
        if hall.name.casefold() == folded or str(hall.id) == folded:
            return hall
    raise BoothError(
        _l("Unknown hall “%(hall)s”: create it first.", hall=name.strip()[:80]),
        "unknown_hall",
        "hall",
    )


def _row_spec(row: dict[str, str], halls: list[Hall]) -> tuple[Hall, BoothSpec]:
    code = normalise_code(row.get("code"))
    hall = _find_hall(halls, row.get("hall") or "")
    values = {name: parse_metres(row.get(name), name) for name in ("x", "y", "width", "depth")}
    kind = check_choice((row.get("kind") or "standard").strip().lower(), BOOTH_KINDS, "kind")
    tier = (row.get("price_tier") or "standard").strip().lower()
    check_choice(tier, PRICE_TIERS, "price_tier")
    status = check_choice(
        (row.get("status") or "available").strip().lower(), MANUAL_STATUSES, "status"
    )
    spec = BoothSpec(
        code=code,
        kind=kind,
        zone=resolve_zone(row.get("zone")),
        price_tier=tier,
        status=status,
        **values,
    )
    return hall, spec


def check_booths(event: Event, data: bytes) -> ImportReport:
    """Check every row of an uploaded file against the plan and the rows above it; saves
    nothing. Raises SpreadsheetError for a file that cannot be read."""
    require_expo(event)
    rows = read_upload(data, BOOTH_COLUMNS)
    halls = halls_of(event)
    taken = codes_in_use(event)
    placed: dict[int, list[tuple[str, Rect]]] = {
        hall.id: [(b.code, Rect(b.x, b.y, b.width, b.depth)) for b in hall.booths] for hall in halls
    }
    from_file: dict[str, int] = {}
    report = ImportReport()
    for row in rows:
        line = row.line
        raw_code = row.get("code").strip()[:20]
        try:
            hall, spec = _row_spec(row.values, halls)
            if spec.code in from_file:
                raise BoothError(
                    _l(
                        "Code %(code)s is repeated in the file (first on line %(line)d).",
                        code=spec.code,
                        line=from_file[spec.code],
                    ),
                    "duplicate_in_file",
                )
            if spec.code in taken:
                raise BoothError(
                    _l("Another booth already has the code %(code)s.", code=spec.code),
                    "code_taken",
                )
            check_spec(spec, hall, ())
            clash = first_overlap(spec.rect, placed[hall.id])
            if clash is not None:
                where = (
                    _l("line %(line)d of the file", line=from_file[clash])
                    if clash in from_file
                    else _l("the plan")
                )
                raise BoothError(
                    _l(
                        "Booth %(code)s would overlap booth %(other)s (%(where)s).",
                        code=spec.code,
                        other=clash,
                        where=where,
                    ),
                    "overlap",
                )
        except BoothError as error:
            report.rejected.append(Rejection(line, raw_code, error.message, error.code))
            continue
        from_file[spec.code] = line
        placed[hall.id].append((spec.code, spec.rect))
        report.accepted.append((hall, spec))
    return report


def import_booths(event: Event, data: bytes, *, check_only: bool = False) -> ImportReport:
    """Check the file, then (unless `check_only`) add the accepted rows. Flushes only."""
    report = check_booths(event, data)
    if check_only or not report.accepted:
        return report
    for hall, spec in report.accepted:
        db.session.add(
            Booth(
                event_id=event.id,
                hall=hall,
                code=spec.code,
                x=spec.x,
                y=spec.y,
                width=spec.width,
                depth=spec.depth,
                zone=spec.zone,
                kind=spec.kind,
                price_tier=spec.price_tier,
                status=spec.status,
            )
        )
    db.session.flush()
    report.saved = True
    return report
