"""Dates as an event sees them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from eventhub.events.models import DEFAULT_TIMEZONE


def event_today() -> date:
    """Today in the events' default time zone: in the hour or so around midnight UTC it is
    not the machine's date, and a door refuses a badge on a day its event does not have."""
    return datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
