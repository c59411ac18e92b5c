"""The stored halls drawn for a page: rows turned into the inputs of the pure drawing code
(`eventhub.booths.floorplan`), with every label in the reader's language.

Where a booth links to is the page's business: it passes `href_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventhub.booths.floorplan import HallDrawing, PlanBooth, draw_hall
from eventhub.booths.labels import page_labels
from eventhub.booths.models import Booth, Hall


def colour_mode(asked: str | None) -> str:
    """How booths are coloured: by zone, unless `status` is asked for."""
    return "status" if asked == "status" else "zone"


def plan_booth(booth: Booth, href: str | None, labels: dict[str, Any]) -> PlanBooth:
    startup = booth.exhibitor
    return PlanBooth(
        id=booth.id,
        code=booth.code,
        x=booth.x,
        y=booth.y,
        width=booth.width,
        depth=booth.depth,
        kind=booth.kind,
        status=booth.status,
        zone=booth.zone,
        zone_label=labels["zones"].get(booth.zone, booth.zone or ""),
        status_label=str(labels["statuses"].get(booth.status, booth.status)),
        kind_label=str(labels["kinds"].get(booth.kind, booth.kind)),
        exhibitor_name=startup.name if startup is not None else None,
        exhibitor_id=startup.id if startup is not None else None,
        exhibitor_sector=startup.sector if startup is not None else None,
        exhibitor_programme=(booth.application.programme or None) if startup else None,
        href=href,
    )


def hall_drawings(
    halls: list[Hall],
    *,
    colour_by: str,
    highlight: str | None,
    href_for: Callable[[Booth], str | None],
) -> list[HallDrawing]:
    labels = page_labels()
    status_labels = {key: str(value) for key, value in labels["statuses"].items()}
    return [
        draw_hall(
            hall.id,
            hall.localized("name"),
            hall.width,
            hall.depth,
            [plan_booth(booth, href_for(booth), labels) for booth in hall.booths],
            colour_by=colour_by,
            highlight=highlight,
            self_service=hall.self_service,
            zone_labels=labels["zones"],
            status_labels=status_labels,
        )
        for hall in halls
    ]
