"""The organisers' export of booth applications: one row per application, with its booth.

The rows are plain values for `eventhub.spreadsheets` (CSV or XLSX), which neutralises any
cell a spreadsheet would run as a formula (a startup's notes are typed by the startup).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventhub.booths.applications import select_applications
from eventhub.booths.models import BoothApplication
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.spreadsheets import Cell

APPLICATION_COLUMNS = (
    "id",
    "startup",
    "sector",
    "programme",
    "city_site",
    "kind",
    "area_wanted",
    "preferred_zones",
    "preferred_booths",
    "status",
    "decision_reason",
    "booth",
    "hall",
    "notes",
    "applied_at",
)


def application_rows(applications: Iterable[BoothApplication]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for application in applications:
        booth = application.booth
        rows.append(
            [
                application.id,
                application.startup.name,
                application.startup.sector,
                application.programme,
                application.city_site,
                application.kind,
                application.area_wanted,
                " ".join(application.preferred_zones or []),
                " ".join(application.preferred_booths or []),
                application.status,
                application.decision_reason,
                booth.code if booth else "",
                booth.hall.name if booth else "",
                application.notes,
                application.created_at,
            ]
        )
    return rows


def applications_table(event: Event, **filters: Any) -> list[list[Cell]]:
    """The rows of `event`'s applications that pass the list's filters, oldest first."""
    return application_rows(db.session.scalars(select_applications(event, **filters)))
