"""Finding a registration for a page: by the private token of its address, or by its id
within an event (organiser pages)."""

from __future__ import annotations

from flask import abort

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.register import find_by_manage_token


def registration_or_404(token: str) -> Registration:
    registration = find_by_manage_token(token)
    if registration is None:
        abort(404)
    return registration


def event_registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration
