"""Finding the expo of a booth page (a 404 page) or of a booth API request (a JSON 404):
only expos have halls and booths."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l

from eventhub.booths.errors import BoothError
from eventhub.events.lookup import event_or_404, published_event_or_404
from eventhub.events.models import Event


def expo_or_404(slug: str, *, organiser: bool = False) -> Event:
    """The expo for a page; `organiser` pages show unpublished ones too."""
    event = event_or_404(slug, include_unpublished=organiser)
    if event.kind != "expo":
        abort(404)
    return event


def published_expo(slug: str) -> Event:
    """The expo for the API: published ones only, else `event_not_found` or `not_expo`."""
    event = published_event_or_404(slug)
    if event.kind != "expo":
        raise BoothError(_l("%(slug)s is not an expo: it has no booths.", slug=slug), "not_expo")
    return event
