"""The gates of an event, set up by the organiser."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventhub.checkin.models import GATE_DIRECTIONS, Gate
from eventhub.errors import DomainError
from eventhub.events.models import Event, Zone
from eventhub.extensions import db


class GateSetupError(DomainError):
    """A gate that cannot be added so."""


def gates_of(event: Event) -> list[Gate]:
    return list(
        db.session.scalars(select(Gate).where(Gate.event_id == event.id).order_by(Gate.name))
    )


def add_gate(event: Event, name: str, zone: Zone | None, direction: str = "entry") -> Gate:
    """A gate into `zone` (None: the venue in general), or out of it for an exit."""
    if direction not in GATE_DIRECTIONS:
        raise GateSetupError(_l("Choose entry or exit."), "direction_unknown", "direction")
    if zone is not None and zone.event_id != event.id:
        raise GateSetupError(_l("This zone belongs to another event."), "zone_unknown", "zone_id")
    if any(gate.name.casefold() == name.casefold() for gate in gates_of(event)):
        raise GateSetupError(
            _l("This event already has a gate with that name."), "gate_exists", "name"
        )
    gate = Gate(event_id=event.id, name=name, zone=zone, direction=direction)
    db.session.add(gate)
    db.session.flush()
    return gate
